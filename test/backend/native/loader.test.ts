/** Locating and loading the addon, the Backend wrapper, and the environment switches. */
import { findPackageRoot } from '../../../src/package-root.js';
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { existsSync, mkdtempSync, mkdirSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, test } from 'node:test';
import { fileURLToPath } from 'node:url';
import {
  loadNativeAddon,
  loadNativeBackend,
  nativeAddonCandidates,
  nativeInfo,
  nativeLoadError,
} from '../../../src/backend/native/index.js';
import { addonOrSkip } from '../../helpers/native.js';

const { skip } = addonOrSkip('native/loader.test');
const indexUrl = new URL('../../../src/backend/native/index.js', import.meta.url).href;

/** Runs a snippet against the compiled index.js in a fresh process and returns its JSON output. */
function probe(env: Record<string, string>): { ok: boolean; error: string | null; info: unknown } {
  const script = `
    const m = await import(${JSON.stringify(indexUrl)});
    const b = m.loadNativeBackend();
    console.log(JSON.stringify({ ok: b !== null, error: m.nativeLoadError(), info: b ? m.nativeInfo() : null }));
  `;
  const out = execFileSync(process.execPath, ['--input-type=module', '-e', script], {
    cwd: process.cwd(),
    env: { ...process.env, ...env },
    encoding: 'utf8',
  });
  return JSON.parse(out.trim().split('\n').pop() ?? '{}') as { ok: boolean; error: string | null; info: unknown };
}

describe('native loader', () => {
  test('findPackageRoot prefers the vgg-ts package.json', () => {
    const dir = mkdtempSync(join(tmpdir(), 'vgg-root-'));
    try {
      writeFileSync(join(dir, 'package.json'), JSON.stringify({ name: 'vgg-ts' }));
      mkdirSync(join(dir, 'node_modules', 'dep', 'lib'), { recursive: true });
      writeFileSync(join(dir, 'node_modules', 'dep', 'package.json'), JSON.stringify({ name: 'dep' }));
      assert.equal(findPackageRoot(join(dir, 'node_modules', 'dep', 'lib')), dir);
      assert.equal(findPackageRoot(dir), dir);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });

  test('candidates point at native/build/Release under the package root', () => {
    const candidates = nativeAddonCandidates();
    assert.ok(candidates.length >= 1);
    for (const c of candidates) assert.match(c, /native[\\/]build[\\/]Release[\\/]vgg_native\.node$/);
    const here = findPackageRoot(fileURLToPath(new URL('.', import.meta.url)));
    assert.ok(here === null || candidates.some((c) => c.startsWith(here)) || !existsSync(join(here, 'native')));
  });

  test('VGG_NATIVE=0 disables it and a bad VGG_NATIVE_ADDON is reported', () => {
    const off = probe({ VGG_NATIVE: '0' });
    assert.equal(off.ok, false);
    assert.match(off.error ?? '', /VGG_NATIVE/);
    const missing = probe({ VGG_NATIVE: '1', VGG_NATIVE_ADDON: '/nonexistent/vgg_native.node' });
    assert.equal(missing.ok, false);
    assert.match(missing.error ?? '', /not built.*\/nonexistent\/vgg_native\.node/);
  });

  test('loads, reports ISA and threads, honours VGG_NUM_THREADS and VGG_ISA', { skip }, () => {
    assert.equal(nativeLoadError(), null);
    const addon = loadNativeAddon();
    assert.ok(addon);
    const backend = loadNativeBackend();
    assert.equal(backend?.name, 'native');
    const info = nativeInfo();
    assert.ok(['generic', 'avx2', 'avx512'].includes(info.isa));
    assert.ok(addon.availableIsas().includes(info.isa));
    assert.ok(info.threads >= 1);
    const child = probe({ VGG_NATIVE: '1', VGG_NUM_THREADS: '3', VGG_ISA: 'generic' });
    assert.equal(child.ok, true);
    assert.deepEqual(child.info, { isa: 'generic', threads: 3 });
    assert.throws(() => addon.setIsa('sse9' as 'generic'), RangeError);
  });
});
