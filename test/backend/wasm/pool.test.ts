/**
 * The wasm max pool against the reference backend, values and indices exactly: the 2×2 stride-2
 * vector path (wasm/src/pool.ts) with widths off its 4-output groups, ceil-mode edge windows that
 * fall back to the scalar path, ties, NaN (first NaN wins) and −∞, on every build with 1 and 3
 * threads.
 */
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import type { Backend, Pool2dParams } from '../../../src/backend/backend.js';
import { createRefBackend } from '../../../src/backend/ref/index.js';
import { createWasmBackend } from '../../../src/backend/wasm/index.js';
import type { WasmSimdLevel } from '../../../src/backend/wasm/features.js';
import type { WasmKernels } from '../../../src/backend/wasm/kernels.js';
import { loadWasmKernels } from '../../../src/backend/wasm/load-node.js';
import { Generator } from '../../../src/tensor/rng.js';
import { allThreadsReady } from './helpers.js';

const LEVELS: WasmSimdLevel[] = ['relaxed', 'simd', 'scalar'];
const gen = new Generator(17);

/** Values from a few levels (so windows tie), with NaN (often two in a window) and −∞ sprinkled in. */
function values(n: number): Float32Array {
  const a = new Float32Array(n);
  gen.fillUniform(a, 0, 1);
  return a.map((v, i) => (i % 37 === 5 || i % 37 === 6 ? NaN : i % 41 === 3 ? -Infinity : Math.floor(v * 4) - 2));
}

function pool(planes: number, inH: number, inW: number, ceil = false): Pool2dParams {
  const out = (n: number): number => (ceil ? Math.ceil((n - 2) / 2) + 1 : Math.floor((n - 2) / 2) + 1);
  const window = { kernelH: 2, kernelW: 2, strideH: 2, strideW: 2, padH: 0, padW: 0, dilationH: 1, dilationW: 1 };
  return { planes, inH, inW, outH: out(inH), outW: out(inW), ...window };
}

const cases: Array<{ name: string; p: Pool2dParams }> = [
  { name: '5 planes of 13×19 (odd: a last column and row left over, 9 outputs a row)', p: pool(5, 13, 19) },
  { name: '3 planes of 7×11, ceil mode (edge windows half outside)', p: pool(3, 7, 11, true) },
  { name: '2 planes of 2×6 (fewer than 4 outputs a row)', p: pool(2, 2, 6) },
  { name: '257 planes of 28×28 (split across threads)', p: pool(257, 28, 28) },
  {
    name: '3 planes of 9×9, 3×3 stride 2 pad 1 (the scalar path)',
    p: { ...pool(3, 9, 9), kernelH: 3, kernelW: 3, padH: 1, padW: 1, outH: 5, outW: 5 },
  },
];

const inputs = cases.map(({ name, p }) => {
  const x = values(p.planes * p.inH * p.inW);
  return { name, p, x, want: createRefBackend().maxPool2d(x, p) };
});

for (const level of LEVELS) {
  describe(`wasm ${level} build: maxPool2d`, () => {
    let three: WasmKernels;
    let b1: Backend;
    let b3: Backend;
    before(async () => {
      three = loadWasmKernels({ simd: level, threads: 3 });
      b1 = createWasmBackend(loadWasmKernels({ simd: level, threads: 1 }));
      b3 = createWasmBackend(three);
      await allThreadsReady(three);
    });
    after(() => three.terminate());

    for (const { name, p, x, want } of inputs) {
      it(name, () => {
        for (const b of [b1, b3]) {
          const got = b.maxPool2d(x, p);
          assert.deepEqual(got.y, want.y);
          assert.deepEqual(got.indices, want.indices);
        }
      });
    }
  });
}
