/**
 * The golden op tables (PyTorch's numbers) and the kernel oracles run on each WebAssembly build
 * (relaxed SIMD, plain SIMD128, scalar) and on 1 and several threads, each in a child process whose
 * environment selects the build (VGG_WASM_SIMD) and threads (VGG_NUM_THREADS). The children get no
 * V8 flag: Node 22 and later reject --experimental-wasm-relaxed-simd, and on Node 20 the loader turns it
 * on when VGG_WASM_SIMD=relaxed asks for that build.
 */
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { join } from 'node:path';
import { describe, it } from 'node:test';
import { repoRoot } from '../../helpers/paths.js';

function runNode(args: string[], env: Record<string, string>): { status: number | null; out: string } {
  // Without the parent runner's NODE_TEST_CONTEXT the child reports in text, not in the runner's protocol.
  const { NODE_TEST_CONTEXT: _, ...parentEnv } = process.env;
  const r = spawnSync(process.execPath, args, {
    cwd: repoRoot,
    env: { ...parentEnv, VGG_NATIVE: '0', VGG_TEST_BACKENDS: 'wasm', ...env },
    encoding: 'utf8',
    timeout: 600_000,
  });
  return { status: r.status, out: `${r.stdout}\n${r.stderr}` };
}

const tables = [
  join('tensor', 'golden-ops.test.js'),
  join('backend', 'kernels.test.js'),
  join('backend', 'native', 'ops.test.js'),
];

for (const [simd, threads] of [
  ['relaxed', '3'],
  ['simd', '1'],
  ['simd', '3'],
  ['scalar', '2'],
] as const) {
  describe(`wasm ${simd} build, ${threads} thread(s)`, () => {
    const env = { VGG_WASM_SIMD: simd, VGG_NUM_THREADS: threads };

    it('is the build and thread count vgg info reports', () => {
      const { status, out } = runNode([join('dist', 'src', 'cli', 'main.js'), 'info'], env);
      assert.equal(status, 0, out);
      assert.match(out, /^backend: wasm/m);
      assert.match(out, new RegExp(`wasm: using the ${simd} build`));
      assert.match(out, threads === '1' ? /1 thread \(VGG_NUM_THREADS=1\)/ : new RegExp(`${threads} threads`));
    });

    for (const table of tables) {
      it(`passes ${table}`, () => {
        const { status, out } = runNode([join('dist', 'test', table)], env);
        assert.equal(status, 0, out.slice(-4000));
        assert.match(out, /\bpass [1-9]/);
        assert.match(out, /\bfail 0\b/);
      });
    }
  });
}
