/**
 * The package a user installs: `npm pack`, then the tarball installed into an
 * empty project without dev dependencies, on a PATH with no C++ compiler.
 * The install succeeds (the addon build says it is unavailable and steps
 * aside), `npx vgg classify --model fashion_vgg` classifies the example images
 * from the embedded model, and `vgg info` names the backend that runs.
 * Needs the npm registry for the dependencies; skips with a message when it
 * cannot be reached.
 */
import { describe, it, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync, type SpawnSyncReturns } from 'node:child_process';
import { mkdirSync, mkdtempSync, readdirSync, rmSync, symlinkSync, writeFileSync, realpathSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { repoRoot } from '../helpers/paths.js';

const npmCli = realpathSync(spawnSync('sh', ['-c', 'command -v npm'], { encoding: 'utf8' }).stdout.trim());
const OFFLINE = /ENOTFOUND|EAI_AGAIN|ENETUNREACH|ECONNREFUSED|ETIMEDOUT|ENOTCACHED/;

let dir = '';

function run(cmd: string, args: string[], cwd: string, env: NodeJS.ProcessEnv = process.env): SpawnSyncReturns<string> {
  return spawnSync(cmd, args, { cwd, env, encoding: 'utf8', timeout: 300_000 });
}

describe('the packed package, installed', () => {
  before(() => (dir = mkdtempSync(join(tmpdir(), 'vgg-packed-'))));
  after(() => rmSync(dir, { recursive: true, force: true }));

  it('installs without a C++ compiler and classifies the examples with the embedded model', (t) => {
    // dist/ is fresh: the test runs from it, so pack without running `prepare` (tsc) again.
    const pack = run(process.execPath, [npmCli, 'pack', '--ignore-scripts', '--pack-destination', dir], repoRoot);
    assert.equal(pack.status, 0, pack.stderr);
    const tarball = join(
      dir,
      readdirSync(dir).find((f) => f.endsWith('.tgz'))!,
    );
    assert.doesNotMatch(pack.stderr, /npm warn/i);

    // A PATH with node and the usual tools but no compiler, make or python: node-gyp cannot build.
    const bin = join(dir, 'bin');
    mkdirSync(bin);
    symlinkSync(process.execPath, join(bin, 'node'));
    for (const tool of ['sh', 'env', 'uname', 'cat', 'mkdir', 'rm']) {
      const where = spawnSync('sh', ['-c', `command -v ${tool}`], { encoding: 'utf8' }).stdout.trim();
      if (where) symlinkSync(where, join(bin, tool));
    }
    const bare = { ...process.env, PATH: bin, CC: '', CXX: '' };
    const project = join(dir, 'project');
    mkdirSync(project);
    writeFileSync(join(project, 'package.json'), JSON.stringify({ name: 'consumer', private: true }));
    const install = run(
      process.execPath,
      [npmCli, 'install', '--omit=dev', '--no-audit', '--no-fund', '--prefer-offline', tarball],
      project,
      bare,
    );
    if (install.status !== 0 && OFFLINE.test(install.stderr)) {
      t.skip(`the npm registry cannot be reached: ${install.stderr.split('\n').find((l) => OFFLINE.test(l))}`);
      return;
    }
    assert.equal(install.status, 0, install.stderr);
    // npm 11.16+ lists packages with install scripts to review (vgg-ts's addon build): advice, not a fault.
    assert.doesNotMatch(install.stderr, /Unknown .*config/i);

    const vgg = join(project, 'node_modules', '.bin', 'vgg');
    const examples = readdirSync(join(repoRoot, 'examples', 'fashion'))
      .filter((f) => f.endsWith('.png'))
      .map((f) => join(repoRoot, 'examples', 'fashion', f));
    const classify = run(process.execPath, [vgg, 'classify', '--model', 'fashion_vgg', '--json', ...examples], project);
    assert.equal(classify.status, 0, classify.stderr);
    const results = JSON.parse(classify.stdout) as { top: { label: string }[] }[];
    assert.equal(results.length, examples.length);
    // The file names carry the true class (test0000-9-ankle-boot.png): the shipped model gets most of them right.
    const right = results.filter((r, i) => examples[i].includes(r.top[0].label.toLowerCase().replace(/[ /]+/g, '-')));
    assert.ok(right.length >= examples.length - 1, `${right.length} of ${examples.length} right`);

    const info = run(process.execPath, [vgg, 'info'], project);
    assert.equal(info.status, 0, info.stderr);
    assert.match(info.stdout + info.stderr, /^backend: wasm /m, 'without a compiler the WebAssembly kernels run');
    assert.match(
      info.stdout + info.stderr,
      /native: unavailable \((native addon not built|native backend disabled by VGG_NATIVE)/,
    );
    assert.ok(dirname(vgg).startsWith(project));
  });
});
