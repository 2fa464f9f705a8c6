/** Runs the compiled `vgg` command as a user does: a child process, offline, with its output and exit code. */
import assert from 'node:assert/strict';
import { spawnSync, type SpawnSyncOptions, type SpawnSyncReturns } from 'node:child_process';
import { join } from 'node:path';
import { repoRoot } from './paths.js';

export const vggBin = join(repoRoot, 'dist', 'src', 'cli', 'main.js');

/** The model file shipped in the package (10 Fashion-MNIST classes, self-describing). */
export const fashionModel = join(repoRoot, 'models', 'fashion_vgg.safetensors');

/** `vgg features` of the first convolution of the Fashion-MNIST model, written to `out`. */
export const fashionFeaturesArgs = (out: string, ...images: string[]): string[] => [
  'features',
  '--weights',
  fashionModel,
  '--layers',
  'features.0',
  '--out',
  out,
  ...images,
];

/** `vgg ...args` with VGG_OFFLINE=1 (no test may download); `env` adds to the environment. */
export function runVgg(
  args: readonly string[],
  opts: { env?: Record<string, string>; stdio?: SpawnSyncOptions['stdio'] } = {},
): SpawnSyncReturns<string> {
  return spawnSync(process.execPath, [vggBin, ...args], {
    encoding: 'utf8',
    env: { ...process.env, VGG_OFFLINE: '1', ...opts.env },
    stdio: opts.stdio,
  });
}

/** An expected error as the CLI reports it: "vgg: …" on stderr, at most `lines` lines, no stack, exit code 2. */
export function assertReported(r: SpawnSyncReturns<string>, pattern: RegExp, lines = 1): void {
  const args = r.stderr;
  assert.equal(r.status, 2, `exit code ${r.status}; stderr:\n${args}`);
  assert.match(r.stderr, /^vgg: /);
  assert.match(r.stderr, pattern);
  assert.ok(r.stderr.trimEnd().split('\n').length <= lines, `more than ${lines} line(s):\n${r.stderr}`);
  assert.doesNotMatch(r.stderr, /^\s+at .+[:(]\d/m, 'a stack trace');
  assert.doesNotMatch(r.stderr, /^\s*\w+: \[$/m, 'an object dump');
}
