/**
 * native/build.mjs keeps an addon already built from the same sources, flags
 * and Node ABI, and rebuilds when one of them changes. Run on a copy of
 * native/ with a stand-in node-gyp that only records that it ran.
 */
import { describe, it, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { appendFileSync, cpSync, existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { repoRoot } from '../../helpers/paths.js';

let dir = '';
const builds = (): number =>
  existsSync(join(dir, 'gyp-runs')) ? readFileSync(join(dir, 'gyp-runs'), 'utf8').length : 0;

function runBuild(env: Record<string, string> = {}): string {
  const r = spawnSync(process.execPath, [join(dir, 'native', 'build.mjs')], {
    encoding: 'utf8',
    env: { ...process.env, npm_config_node_gyp: join(dir, 'fake-gyp.mjs'), CXXFLAGS: '', ...env },
  });
  assert.equal(r.status, 0, r.stderr);
  return r.stdout;
}

describe('native/build.mjs', () => {
  before(() => {
    dir = mkdtempSync(join(tmpdir(), 'vgg-native-build-'));
    for (const f of ['build.mjs', 'binding.gyp', 'src'])
      cpSync(join(repoRoot, 'native', f), join(dir, 'native', f), { recursive: true });
    // Stands in for `node-gyp rebuild` (run with cwd native/): writes an addon file and counts the runs.
    writeFileSync(
      join(dir, 'fake-gyp.mjs'),
      `import { mkdirSync, writeFileSync, appendFileSync } from 'node:fs';
mkdirSync('build/Release', { recursive: true });
writeFileSync('build/Release/vgg_native.node', 'addon');
appendFileSync('../gyp-runs', 'x');\n`,
    );
  });
  after(() => rmSync(dir, { recursive: true, force: true }));

  it('builds once, then keeps the addon until a source or a compiler flag changes', () => {
    runBuild();
    assert.equal(builds(), 1);
    assert.match(runBuild(), /already built from these sources/);
    assert.equal(builds(), 1, 'nothing changed: no rebuild');
    appendFileSync(join(dir, 'native', 'src', 'ops.cc'), '\n// changed\n');
    runBuild();
    assert.equal(builds(), 2, 'a source changed');
    runBuild({ CXXFLAGS: '-march=native' });
    assert.equal(builds(), 3, 'the flags changed');
    rmSync(join(dir, 'native', 'build', 'Release', 'vgg_native.node'));
    runBuild({ CXXFLAGS: '-march=native' });
    assert.equal(builds(), 4, 'the addon was missing');
  });
});
