/** `import … from 'vgg-ts'` works from the repository itself and from a project that installs it by path. */
import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { mkdtempSync, writeFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { repoRoot } from '../helpers/paths.js';

const script = `
import { Tensor, tensor, zeros, ones, randn, manualSeed, noGrad, nn, VGG, makeLayers, cfgs,
  vgg11, vgg11_bn, vgg13, vgg13_bn, vgg16, vgg16_bn, vgg19, vgg19_bn } from 'vgg-ts';
manualSeed(0);
const model = new VGG(makeLayers([8, 'M', 8, 'M']), { numClasses: 10 }).eval();
const y = noGrad(() => model.forward(tensor(new Float32Array(2 * 3 * 32 * 32), [2, 3, 32, 32])));
console.log(JSON.stringify({ shape: y.shape, n: y.toFloat32Array().length, builders: typeof vgg19_bn, first: [...model.stateDict().keys()][0] }));
`;

function runIn(dir: string): { shape: number[]; n: number; builders: string; first: string } {
  writeFileSync(join(dir, 'check.mjs'), script);
  const r = spawnSync(process.execPath, ['check.mjs'], { cwd: dir, encoding: 'utf8' });
  assert.equal(r.status, 0, r.stderr);
  return JSON.parse(r.stdout);
}

describe('package entry point', () => {
  it('self-reference from the repository root', () => {
    const dir = mkdtempSync(join(repoRoot, '.selfref-'));
    try {
      const out = runIn(dir);
      assert.deepEqual(out, { shape: [2, 10], n: 20, builders: 'function', first: 'features.0.weight' });
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });

  it('from another project after `npm install <path to this repository>`', () => {
    const dir = mkdtempSync(join(tmpdir(), 'vgg-consumer-'));
    try {
      writeFileSync(join(dir, 'package.json'), JSON.stringify({ name: 'consumer', type: 'module' }));
      // --offline: everything this needs is already in npm's cache; the test must not reach the network.
      const npm = spawnSync('npm', ['install', '--offline', '--no-audit', '--no-fund', '--ignore-scripts', repoRoot], {
        cwd: dir,
        encoding: 'utf8',
      });
      assert.equal(npm.status, 0, npm.stderr);
      assert.equal(runIn(dir).first, 'features.0.weight');
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});
