/**
 * The batched weight-gradient kernel (wasm/src/wgrad.ts) against the reference backend (≤ 1e-5
 * relative): output channels and taps off the 4×8 register tile, more taps than channels and fewer
 * (the two ways a task splits), positions over several KC blocks and across image boundaries, strides,
 * dilation, padding past the kernel, 1×1 and batch 0, on every build with 1 and 3 threads, which agree
 * bit for bit.
 */
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import type { Backend } from '../../../src/backend/backend.js';
import { createRefBackend } from '../../../src/backend/ref/index.js';
import { createWasmBackend } from '../../../src/backend/wasm/index.js';
import type { WasmSimdLevel } from '../../../src/backend/wasm/features.js';
import type { WasmKernels } from '../../../src/backend/wasm/kernels.js';
import { loadWasmKernels } from '../../../src/backend/wasm/load-node.js';
import { Generator } from '../../../src/tensor/rng.js';
import { relError } from '../../helpers/golden.js';
import { convParams, type ConvShape } from '../../helpers/native.js';
import { allThreadsReady } from './helpers.js';

const TOL = 1e-5;
const LEVELS: WasmSimdLevel[] = ['relaxed', 'simd', 'scalar'];

const gen = new Generator(91);
const random = (n: number): Float32Array => {
  const a = new Float32Array(n);
  gen.fillUniform(a, -1, 1);
  return a;
};

const cases: Array<{ name: string; s: ConvShape }> = [
  {
    name: '3->5 3x3 pad 1, 13x11, batch 3 (taps split, edge tiles)',
    s: { batch: 3, inC: 3, outC: 5, inH: 13, inW: 11, k: [3, 3], pad: [1, 1] },
  },
  {
    name: '1->13 3x3 pad 1, 9x7, batch 2 (channels split, 9 taps)',
    s: { batch: 2, inC: 1, outC: 13, inH: 9, inW: 7, k: [3, 3], pad: [1, 1] },
  },
  {
    name: '2->7 3x2 stride 2x1 pad 1x0, 9x10',
    s: { batch: 2, inC: 2, outC: 7, inH: 9, inW: 10, k: [3, 2], stride: [2, 1], pad: [1, 0] },
  },
  {
    name: '3->6 3x3 stride 1x2 dilation 2 pad 3',
    s: { batch: 2, inC: 3, outC: 6, inH: 11, inW: 12, k: [3, 3], stride: [1, 2], pad: [3, 3], dilation: [2, 2] },
  },
  { name: '6->5 1x1, 7x7', s: { batch: 2, inC: 6, outC: 5, inH: 7, inW: 7, k: [1, 1] } },
  {
    name: '9->18 3x3 pad 1, 23x21, batch 3 (many KC blocks)',
    s: { batch: 3, inC: 9, outC: 18, inH: 23, inW: 21, k: [3, 3], pad: [1, 1] },
  },
  { name: 'batch 0', s: { batch: 0, inC: 2, outC: 3, inH: 5, inW: 5, k: [3, 3], pad: [1, 1] } },
];

const inputs = cases.map(({ name, s }) => {
  const p = convParams(s);
  const gy = random(p.batch * p.outChannels * p.outH * p.outW);
  const x = random(p.batch * p.inChannels * p.inH * p.inW);
  return { name, p, gy, x, want: createRefBackend().conv2dBackwardWeight(gy, x, p) };
});

for (const level of LEVELS) {
  describe(`wasm ${level} build: conv2dBackwardWeight`, () => {
    let one: WasmKernels;
    let three: WasmKernels;
    let b1: Backend;
    let b3: Backend;
    before(async () => {
      one = loadWasmKernels({ simd: level, threads: 1 });
      three = loadWasmKernels({ simd: level, threads: 3 });
      b1 = createWasmBackend(one);
      b3 = createWasmBackend(three);
      await allThreadsReady(three);
    });
    after(() => three.terminate());

    for (const { name, p, gy, x, want } of inputs) {
      it(name, () => {
        const got = b1.conv2dBackwardWeight(gy, x, p);
        assert.equal(got.length, want.length);
        assert.ok(relError(got, want) <= TOL, `relative error ${relError(got, want)}`);
        assert.deepEqual(b3.conv2dBackwardWeight(gy, x, p), got);
      });
    }
  });
}
