/** Which build and backend get chosen: probe modules, VGG_WASM_SIMD, and the native -> wasm -> ref order. */
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { describe, it } from 'node:test';
import { ArgumentError } from '../../../src/errors.js';
import { chooseSimdLevel, detectWasmFeatures } from '../../../src/backend/wasm/features.js';
import { WasmUnsupportedError } from '../../../src/backend/wasm/errors.js';
import { loadWasmKernels } from '../../../src/backend/wasm/load-node.js';
import { repoRoot } from '../../helpers/paths.js';

const all = { simd: true, relaxedSimd: true, sharedMemory: true };

describe('wasm build selection', () => {
  it('takes the best build the engine validates, capped by the request', () => {
    assert.equal(chooseSimdLevel(all), 'relaxed');
    assert.equal(chooseSimdLevel({ ...all, relaxedSimd: false }), 'simd');
    assert.equal(chooseSimdLevel({ simd: false, relaxedSimd: false, sharedMemory: false }), 'scalar');
    assert.equal(chooseSimdLevel(all, 'scalar'), 'scalar');
    assert.throws(() => chooseSimdLevel({ ...all, relaxedSimd: false }, 'relaxed'), WasmUnsupportedError);
  });

  it('this Node validates SIMD128 and can share memory', () => {
    const f = detectWasmFeatures();
    assert.equal(f.simd, true);
    assert.equal(f.sharedMemory, true);
  });

  it('VGG_WASM_SIMD=relaxed gets the relaxed build, on Node 20 by turning on its V8 flag', () => {
    // A fresh process: the flag, once on, stays on for the process.
    const script =
      "const l = await import('./dist/src/backend/wasm/load-node.js'); const k = l.loadWasmKernels({ threads: 1 }); process.stdout.write(k.level);";
    const run = (env: Record<string, string>): string => {
      const out = spawnSync(process.execPath, ['--input-type=module', '-e', script], {
        cwd: repoRoot,
        env: { ...process.env, ...env },
        encoding: 'utf8',
      });
      assert.equal(out.status, 0, out.stderr);
      // Node 22 and later reject the flag with a message on stderr: it must not be set there.
      assert.equal(out.stderr, '');
      return out.stdout;
    };
    assert.equal(run({ VGG_WASM_SIMD: 'relaxed' }), 'relaxed');
    const major = Number(process.versions.node.split('.')[0]);
    if (major === 20) assert.equal(run({ VGG_WASM_SIMD: '' }), 'simd', 'Node 20 without the request keeps SIMD128');
  });

  it('the vgg command runs the relaxed build by itself; a VGG_WASM_SIMD cap still wins', () => {
    const info = (env: Record<string, string>): string => {
      const out = spawnSync(process.execPath, ['dist/src/cli/main.js', 'info'], {
        cwd: repoRoot,
        env: { ...process.env, VGG_NATIVE: '0', VGG_BACKEND: '', VGG_NUM_THREADS: '1', ...env },
        encoding: 'utf8',
      });
      assert.equal(out.status, 0, out.stderr);
      assert.equal(out.stderr, '');
      return out.stdout;
    };
    assert.match(info({ VGG_WASM_SIMD: '' }), /wasm: using the relaxed build/);
    assert.match(info({ VGG_WASM_SIMD: 'simd' }), /wasm: using the simd build/);
  });

  it('VGG_WASM_SIMD must name a build', () => {
    process.env.VGG_WASM_SIMD = 'avx';
    try {
      assert.throws(() => loadWasmKernels({ threads: 1 }), ArgumentError);
    } finally {
      delete process.env.VGG_WASM_SIMD;
    }
  });
});

describe('backend order native -> wasm -> ref', () => {
  const activeBackend = (env: Record<string, string>): { name: string; stderr: string } => {
    const script =
      "const r = await import('./dist/src/backend/registry.js'); process.stdout.write(r.backend().name + ' ' + r.listBackends().join(','));";
    const out = spawnSync(process.execPath, ['--input-type=module', '-e', script], {
      cwd: repoRoot,
      env: { ...process.env, VGG_BACKEND: '', ...env },
      encoding: 'utf8',
    });
    assert.equal(out.status, 0, out.stderr);
    return { name: out.stdout.split(' ')[0], stderr: out.stderr };
  };

  it('VGG_NATIVE=0 lands on wasm, silently', () => {
    const r = activeBackend({ VGG_NATIVE: '0' });
    assert.equal(r.name, 'wasm');
    assert.equal(r.stderr, '');
  });

  it('VGG_BACKEND=wasm forces it', () => {
    assert.equal(activeBackend({ VGG_BACKEND: 'wasm' }).name, 'wasm');
  });
});
