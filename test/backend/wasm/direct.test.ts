/**
 * The direct convolution of the wasm inference plan (stride-1, undilated convs with few input
 * channels) against the reference backend's layer-by-layer forward (≤ 1e-5 relative): odd map sizes,
 * paddings 0–2, 2×2, 3×3 and 5×5 kernels, batches 1 and 3, with and without bias, ReLU and a fused
 * 2×2 max-pool, NaN inputs, on the relaxed, SIMD128 and scalar builds with 1 and 3 threads.
 */
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { registerBackend, withBackend } from '../../../src/backend/registry.js';
import { createWasmBackend } from '../../../src/backend/wasm/index.js';
import type { WasmSimdLevel } from '../../../src/backend/wasm/features.js';
import type { WasmKernels } from '../../../src/backend/wasm/kernels.js';
import { loadWasmKernels } from '../../../src/backend/wasm/load-node.js';
import { compileInferencePlanOrThrow } from '../../../src/models/plan.js';
import { Conv2d } from '../../../src/nn/layers/conv.js';
import { ReLU } from '../../../src/nn/layers/activation.js';
import { MaxPool2d } from '../../../src/nn/layers/pooling.js';
import { Sequential } from '../../../src/nn/layers/sequential.js';
import type { Module } from '../../../src/nn/module.js';
import { noGrad } from '../../../src/tensor/autograd.js';
import { randn } from '../../../src/tensor/creation.js';
import { manualSeed } from '../../../src/tensor/rng.js';
import type { Tensor } from '../../../src/tensor/tensor.js';
import { relError } from '../../helpers/golden.js';
import { allThreadsReady } from './helpers.js';

const TOL = 1e-5;
const LEVELS: WasmSimdLevel[] = ['relaxed', 'simd', 'scalar'];
const THREADS = [1, 3];

interface Case {
  name: string;
  model: () => Module;
  input: [number, number, number, number];
}

const conv = (c: number, k: number, kernel: number, padding: number, bias = true): Conv2d =>
  new Conv2d(c, k, kernel, { padding, bias });

const cases: Case[] = [
  {
    name: '3->13 3x3 pad 1, bias, relu, maxpool, batch 1, 13x17',
    model: () => new Sequential(conv(3, 13, 3, 1), new ReLU(), new MaxPool2d(2)),
    input: [1, 3, 13, 17],
  },
  { name: '1->5 3x3 pad 0, no bias, batch 3, 5x7', model: () => conv(1, 5, 3, 0, false), input: [3, 1, 5, 7] },
  {
    name: '3->9 5x5 pad 2, bias, relu, batch 3, 13x17',
    model: () => new Sequential(conv(3, 9, 5, 2), new ReLU()),
    input: [3, 3, 13, 17],
  },
  {
    name: '2->7 2x2 pad 1, no bias, relu, batch 1, 9x11',
    model: () => new Sequential(conv(2, 7, 2, 1, false), new ReLU()),
    input: [1, 2, 9, 11],
  },
  {
    name: '4->8 3x3 pad 1, batch 1, 3x21 (rows shorter than a tile)',
    model: () => conv(4, 8, 3, 1),
    input: [1, 4, 3, 21],
  },
];

/** NaN where `want` has NaN, and within TOL of it elsewhere. */
function assertMatches(got: Tensor, want: Tensor, what: string): void {
  assert.deepEqual([...got.shape], [...want.shape], `${what}: shape`);
  const nan = (t: Tensor): number[] => [...t.data.keys()].filter((i) => Number.isNaN(t.data[i]));
  assert.deepEqual(nan(got), nan(want), `${what}: NaN positions`);
  const finite = (t: Tensor): number[] => [...t.data].filter((v) => !Number.isNaN(v));
  const err = relError(finite(got), finite(want));
  assert.ok(err <= TOL, `${what}: ${err}`);
}

describe('wasm inference plan: direct convolution vs the reference backend', () => {
  const kernels: WasmKernels[] = [];
  const names: string[] = [];
  before(async () => {
    for (const simd of LEVELS) {
      for (const threads of THREADS) {
        const k = loadWasmKernels({ simd, threads });
        await allThreadsReady(k);
        const name = `wasm-direct-test-${simd}-${threads}`;
        registerBackend(name, () => createWasmBackend(k));
        kernels.push(k);
        names.push(name);
      }
    }
  });
  after(() => kernels.forEach((k) => k.terminate()));

  /** Runs `model` on x through a plan on every build and thread count, against the reference. */
  function check(model: Module, x: Tensor, what: string): void {
    const want = withBackend('ref', () => noGrad(() => model.forward(x)));
    for (const name of names) {
      const plan = withBackend(name, () => compileInferencePlanOrThrow(model));
      assert.match(plan.describe(), /, direct( \+|$)/m, `${name}: ${plan.describe()}`);
      assertMatches(plan.forward(x), want, `${what} on ${name}`);
      plan.dispose();
    }
  }

  for (const c of cases) {
    it(c.name, () => {
      manualSeed(21);
      check(c.model().eval(), randn(c.input), c.name);
    });
  }

  it('propagates NaN inputs as the reference does (ReLU keeps NaN)', () => {
    manualSeed(22);
    const model = new Sequential(conv(3, 6, 3, 1), new ReLU()).eval();
    const x = randn([1, 3, 11, 10]);
    x.data[37] = NaN;
    x.data[2 * 110 + 109] = NaN;
    check(model, x, 'NaN input');
  });

  it('serves the eager conv2d kernel too (the training forward), bit for bit as in the plan', () => {
    for (const c of cases) {
      manualSeed(23);
      const model = c.model().eval();
      const x = randn(c.input);
      const first = model instanceof Sequential ? (model.at(0) as Conv2d) : (model as Conv2d);
      const want = withBackend('ref', () => noGrad(() => first.forward(x)));
      for (const [i, name] of names.entries()) {
        const eager = withBackend(name, () => noGrad(() => first.forward(x)));
        assertMatches(eager, want, `${c.name}, eager on ${name}`);
        const plan = withBackend(name, () => compileInferencePlanOrThrow(first));
        assert.deepEqual(eager.data, plan.forward(x).data, `${c.name}, eager vs plan on ${name}`);
        plan.dispose();
        const im2col = createWasmBackend(kernels[i], { conv: 'im2col' });
        registerBackend(`${name}-im2col`, () => im2col);
        const viaIm2col = withBackend(`${name}-im2col`, () => noGrad(() => first.forward(x)));
        assertMatches(viaIm2col, want, `${c.name}, im2col on ${name}`);
      }
    }
  });

  it('leaves strided convs and many input channels to im2col', () => {
    const model = new Sequential(
      new Conv2d(3, 4, 3, { stride: 2, bias: false }),
      conv(4, 4, 1, 0, false),
      conv(4, 65, 1, 0, false),
      conv(65, 4, 1, 0, false),
    );
    const plan = withBackend(names[0], () => compileInferencePlanOrThrow(model.eval()));
    const algos = plan
      .describe()
      .split('\n')
      .slice(1)
      .map((l) => l.split(', ')[1]);
    assert.deepEqual(algos, ['im2col + GEMM', 'direct', 'direct', 'im2col + GEMM']);
    plan.dispose();
  });
});
