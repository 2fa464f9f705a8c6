/**
 * Prepared inference plans (src/models/plan.ts on the native backend) against the
 * layer-by-layer reference backend: whole VGGs (vgg11, vgg16, vgg16_bn with
 * random running statistics, custom trunks), odd input sizes, batches 1 and
 * 3, every conv algorithm and the portable kernels, the standalone ops, and
 * what a plan refuses. Skipped (visibly) when the addon is not built.
 */
import assert from 'node:assert/strict';
import { after, describe, test } from 'node:test';
import {
  compileInferencePlan,
  compileInferencePlanOrThrow,
  inferencePlanUnavailable,
  tryCompileInferencePlan,
  PlanUnsupportedError,
  type InferencePlan,
  type PlanConvAlgo,
} from '../../../src/models/plan.js';
import { loadNativeAddon } from '../../../src/backend/native/index.js';
import { backend, withBackend } from '../../../src/backend/registry.js';
import { noGrad } from '../../../src/tensor/autograd.js';
import { randn } from '../../../src/tensor/creation.js';
import { Generator } from '../../../src/tensor/rng.js';
import { Tensor } from '../../../src/tensor/tensor.js';
import type { Module } from '../../../src/nn/module.js';
import { Conv2d } from '../../../src/nn/layers/conv.js';
import { BatchNorm2d } from '../../../src/nn/layers/batchnorm.js';
import { ReLU } from '../../../src/nn/layers/activation.js';
import { MaxPool2d, AdaptiveAvgPool2d } from '../../../src/nn/layers/pooling.js';
import { Linear } from '../../../src/nn/layers/linear.js';
import { Dropout } from '../../../src/nn/layers/dropout.js';
import { Flatten } from '../../../src/nn/layers/flatten.js';
import { Sequential } from '../../../src/nn/layers/sequential.js';
import { VGG, makeLayers, vgg11, vgg16, vgg16_bn, type VggConfig } from '../../../src/models/vgg.js';
import { forEachIsa, makeRng, relError } from '../../helpers/native.js';

// These are the native plan's tests (the wasm plan has its own): they need native to be the active backend.
const unavailable =
  backend().name === 'native' ? inferencePlanUnavailable() : `the active backend is ${backend().name}`;
const skip: string | false = unavailable ? `native inference plans unavailable: ${unavailable}` : false;
if (skip) console.log(`native/plan.test: skipped, ${skip}`);

const TOL = 1e-4;
const plans: InferencePlan[] = [];
after(() => plans.forEach((p) => p.dispose()));

function plan(model: Module, convAlgo: PlanConvAlgo = 'auto'): InferencePlan {
  const p = compileInferencePlanOrThrow(model, { convAlgo });
  plans.push(p);
  return p;
}

function reference(model: Module, x: Tensor): Tensor {
  return withBackend('ref', () => noGrad(() => model.eval().forward(x)));
}

function input(shape: [number, number, number, number], seed: number): Tensor {
  return randn(shape, { generator: new Generator(seed) });
}

function check(p: InferencePlan, model: Module, x: Tensor, what: string, tol = TOL): void {
  const [n, , h, w] = x.shape;
  const want = reference(model, x);
  const got = p.run(x.data, n, h, w);
  assert.deepEqual(got.shape, [...want.shape], `${what}: shape`);
  const err = relError(got.data, want.data);
  assert.ok(err <= tol, `${what}: relative error ${err.toExponential(2)} > ${tol}`);
}

/**
 * Builders with initWeights: false are fast (torchvision's normal init of 138 M
 * weights is not); scaling the default conv init by √6 gives He-normal
 * variance, so activations keep their size through the trunk.
 */
function heScaled<M extends Module>(m: M, seed: number): M {
  const rng = makeRng(seed);
  for (const mod of m.modules()) {
    if (mod instanceof Conv2d) {
      const w = mod.weight.data;
      for (let i = 0; i < w.length; i++) w[i] *= Math.SQRT2 * Math.sqrt(3);
      if (mod.bias)
        mod.bias.data.forEach((_, i, b) => {
          b[i] = (rng() - 0.5) * 0.2;
        });
    }
  }
  return m;
}

/** Random but sane eval statistics and affine parameters for every BatchNorm2d. */
function randomBatchNorm<M extends Module>(m: M, seed: number): M {
  const rng = makeRng(seed);
  for (const mod of m.modules()) {
    if (mod instanceof BatchNorm2d) {
      for (let c = 0; c < mod.numFeatures; c++) {
        mod.runningMean!.data[c] = (rng() - 0.5) * 0.4;
        mod.runningVar!.data[c] = 0.3 + rng() * 1.5;
        if (mod.weight) mod.weight.data[c] = 0.5 + rng();
        if (mod.bias) mod.bias.data[c] = (rng() - 0.5) * 0.4;
      }
    }
  }
  return m;
}

describe('inference plan: small VGG-style models against the reference backend', { skip }, () => {
  const cfg: VggConfig = [16, 16, 'M', 24, 'M', 40, 40];
  const sizes: [number, number, number][] = [
    [1, 32, 32],
    [3, 33, 47],
    [2, 64, 48],
    [1, 7, 9],
  ];
  /** A VGG trunk with a small head (the reference's 4096-wide classifier is slow). */
  const trunk = (batchNorm: boolean, seed: number): Sequential =>
    randomBatchNorm(
      heScaled(
        new Sequential(
          makeLayers(cfg, { batchNorm }),
          new AdaptiveAvgPool2d([3, 3]),
          new Flatten(),
          new Linear(40 * 9, 64),
          new ReLU(true),
          new Dropout(),
          new Linear(64, 10),
        ),
        seed,
      ),
      seed + 1,
    );

  for (const batchNorm of [false, true]) {
    for (const algo of ['auto', 'winograd', 'direct'] as const) {
      test(`${batchNorm ? 'BatchNorm ' : ''}trunk, convAlgo ${algo}`, () => {
        const model = trunk(batchNorm, 1);
        const p = plan(model, algo);
        // Every size with the default algorithm; the forced ones on two.
        const some = algo === 'auto' ? sizes : [sizes[1], sizes[3]];
        some.forEach(([n, h, w], i) => check(p, model, input([n, 3, h, w], 10 + i), `${n}x3x${h}x${w}`));
      });
    }
  }

  test('the walkthrough network (3 convs per stage, channel counts not multiples of 16)', () => {
    const model = heScaled(
      new VGG(makeLayers([12, 20, 'M', 36, 36, 'M', 44], { inChannels: 5 }), { numClasses: 13, initWeights: false }),
      3,
    );
    const p = plan(model);
    assert.equal(p.inChannels, 5);
    check(p, model, input([3, 5, 40, 36], 4), 'inChannels 5');
    check(p, model, input([1, 5, 29, 31], 5), 'odd sizes');
  });

  test('every ISA the CPU has (AVX-512, AVX2, portable) gives the same numbers', () => {
    const model = trunk(true, 6);
    const p = plan(model);
    forEachIsa(loadNativeAddon()!, (isa) => {
      check(p, model, input([3, 3, 33, 47], 8), isa);
      check(p, model, input([6, 3, 20, 24], 9), `${isa}, batch 6 (the 8-lane Linear tiles)`);
      check(p, model, input([1, 3, 64, 72], 10), `${isa}, batch 1 at 64x72 (Winograd blocks of 12-row tiles)`);
    });
  });

  test('batch and input size change between runs; results do not depend on history', () => {
    const model = trunk(false, 9);
    const p = plan(model);
    const small = input([1, 3, 32, 32], 11);
    const first = p.run(small.data, 1, 32, 32).data;
    p.run(input([4, 3, 64, 80], 12).data, 4, 64, 80);
    assert.deepEqual(p.run(small.data, 1, 32, 32).data, first);
    const y = p.forward(small);
    assert.deepEqual([...y.shape], [1, 10]);
    assert.deepEqual(y.data, first);
    assert.throws(() => p.forward(input([1, 3, 32, 32], 13).reshape([3, 32, 32])), /expects input \[N, C, H, W\]/);
  });
});

describe('inference plan: standalone and fused ops', { skip }, () => {
  test('conv geometries: stride, dilation, 1x1, 5x5, no bias, padding 0 and 2; pools and lone BN/ReLU', () => {
    const model = new Sequential(
      new Conv2d(3, 10, 5, { stride: 2, padding: 2 }),
      new ReLU(),
      new Conv2d(10, 17, 3, { padding: 2, dilation: 2, bias: false }),
      new BatchNorm2d(17),
      new ReLU(),
      new MaxPool2d(2),
      new Conv2d(17, 24, 1),
      new MaxPool2d(3, { stride: 2, padding: 1, ceilMode: true }),
      new ReLU(),
      new BatchNorm2d(24),
      new ReLU(),
      new Conv2d(24, 8, 3),
      new Dropout(0.3),
      new BatchNorm2d(8),
      new Conv2d(8, 9, 3, { padding: 2 }),
      new MaxPool2d([2, 3], { stride: [1, 2], dilation: [2, 1] }),
      new AdaptiveAvgPool2d([3, null]),
      new ReLU(),
    );
    randomBatchNorm(model, 13);
    for (const algo of ['auto', 'direct', 'winograd'] as const) {
      const p = plan(model, algo);
      check(p, model, input([2, 3, 45, 50], 14), `feature map output (${algo})`);
    }
  });

  test('large maps (Winograd blocks per thread), fused pool, odd sizes', () => {
    const model = heScaled(
      new Sequential(
        new Conv2d(3, 16, 3, { padding: 1 }),
        new ReLU(true),
        new Conv2d(16, 24, 3, { padding: 1 }),
        new ReLU(true),
        new MaxPool2d(2, { stride: 2 }),
        new Conv2d(24, 8, 3, { padding: 1 }),
      ),
      35,
    );
    check(plan(model), model, input([2, 3, 149, 131], 36), '2x3x149x131');
  });

  test('a classifier head alone: Flatten, Linear + ReLU, Dropout, batch 1 to 13', () => {
    const model = new Sequential(
      new AdaptiveAvgPool2d(2),
      new Flatten(),
      new Linear(6 * 4, 37),
      new ReLU(),
      new Dropout(),
      new Linear(37, 5),
    );
    const p = plan(model);
    assert.equal(p.inChannels, null);
    for (const n of [1, 5, 6, 7, 8, 13]) check(p, model, input([n, 6, 5, 7], 20 + n), `batch ${n}`);
  });

  test('the first layer as Winograd or direct, with a pool fused to the first layer', () => {
    const model = heScaled(
      new Sequential(
        new Conv2d(3, 8, 3, { padding: 1 }),
        new ReLU(true),
        new MaxPool2d(2, { stride: 2 }),
        new Conv2d(8, 16, 3, { padding: 1 }),
        new ReLU(true),
        new MaxPool2d(2, { stride: 2 }),
        new Flatten(),
      ),
      30,
    );
    for (const algo of ['auto', 'winograd'] as const) check(plan(model, algo), model, input([2, 3, 19, 26], 31), algo);
  });
});

describe('inference plan: Linear weights read in place', { skip }, () => {
  const head = (): Sequential =>
    new Sequential(new Flatten(), new Linear(5 * 3 * 3, 19), new ReLU(), new Linear(19, 6));

  test("the plan reads the model's Linear weights: an in-place change shows in the next run", () => {
    const model = head();
    const p = plan(model);
    const fc = model.at(3) as Linear;
    assert.equal(p.memory().sharedModelWeights, (45 * 19 + 19 * 6) * 4);
    for (const n of [2, 7]) {
      const x = input([n, 5, 3, 3], 80 + n);
      const before = p.run(x.data, n, 3, 3).data;
      fc.weight.data.forEach((v, i, w) => {
        w[i] = -2 * v;
      });
      check(p, model, x, `batch ${n} after the change`);
      assert.notDeepEqual(p.run(x.data, n, 3, 3).data, before);
    }
  });

  test('a Linear weight whose buffer was transferred away makes run throw; dispose drops the references', () => {
    const model = head();
    const p = compileInferencePlanOrThrow(model);
    const x = input([1, 5, 3, 3], 90);
    p.run(x.data, 1, 3, 3);
    const w = (model.at(1) as Linear).weight.data;
    structuredClone(w.buffer, { transfer: [w.buffer as ArrayBuffer] });
    assert.throws(
      () => p.run(x.data, 1, 3, 3),
      /1-2: the Linear weights this plan reads in place were detached or moved/,
    );
    assert.ok(p.memory().activations > 0);
    p.dispose();
    assert.deepEqual(p.memory(), { preparedWeights: 0, sharedModelWeights: 0, activations: 0, workspace: 0 });
  });
});

describe('inference plan: torchvision VGGs', { skip }, () => {
  test('vgg11 at 33x47, batch 1', () => {
    const model = heScaled(vgg11({ initWeights: false }), 40);
    check(plan(model), model, input([1, 3, 33, 47], 41), 'vgg11 1x3x33x47');
  });

  test('vgg16_bn with random running statistics, batch 3 at 32x40', () => {
    const model = randomBatchNorm(heScaled(vgg16_bn({ initWeights: false }), 50), 51);
    const p = plan(model);
    check(p, model, input([3, 3, 32, 40], 52), 'vgg16_bn 3x3x32x40');
  });

  test('vgg16: 32x32 batch 1 against the reference; 224x224 batch 1 against the layer-by-layer native path', () => {
    const model = heScaled(vgg16({ initWeights: false }), 60);
    const p = plan(model);
    assert.match(p.describe(), /winograd/);
    // No second copy of the classifier: the plan shares the Linear weights and
    // prepares only the convs (Winograd: 36 values per 9 kernel taps, channels
    // padded to 8 in and 16 out, buffers rounded up to 2 MiB huge pages) and
    // the biases.
    let linearBytes = 0;
    let convBound = 1 << 20;
    for (const m of model.modules()) {
      if (m instanceof Linear) linearBytes += m.weight.numel * 4;
      if (m instanceof Conv2d)
        convBound +=
          (2 << 20) +
          4 *
            4 *
            m.kernelSize[0] *
            m.kernelSize[1] *
            Math.ceil(m.inChannels / 8) *
            8 *
            Math.ceil(m.outChannels / 16) *
            16;
    }
    assert.equal(p.memory().sharedModelWeights, linearBytes);
    assert.equal(p.memory().preparedWeights, p.weightBytes);
    assert.ok(
      p.weightBytes < convBound,
      `prepared ${p.weightBytes} B > ${convBound} B: more than the convs (classifier ${linearBytes} B)`,
    );
    assert.deepEqual(p.outputShape(1, 224, 224), [1, 1000]);
    check(p, model, input([1, 3, 32, 32], 61), 'vgg16 1x3x32x32');
    const x = input([1, 3, 224, 224], 62);
    const want = withBackend('native', () => noGrad(() => model.eval().forward(x)));
    const got = p.run(x.data, 1, 224, 224);
    assert.deepEqual(got.shape, [1, 1000]);
    const err = relError(got.data, want.data);
    assert.ok(err <= TOL, `vgg16 224x224: relative error ${err.toExponential(2)}`);
    const timings = p.profile(x.data, 1, 224, 224);
    assert.ok(timings.length >= 16 && timings.every((t) => t.ms >= 0));
  });
});

describe('inference plan: errors and refusals', { skip }, () => {
  test('layers a plan cannot run give null with a reason', () => {
    class Custom extends ReLU {
      override forward(x: Tensor): Tensor {
        return x;
      }
    }
    const cases: [Module, RegExp][] = [
      [new Sequential(new Conv2d(3, 4, 3), new Custom()), /subclass of ReLU with its own forward/],
      [new Sequential(new Conv2d(3, 4, 3), new BatchNorm2d(4, { trackRunningStats: false })), /running statistics/],
      [new Sequential(new Linear(3, 4)), /Flatten before it/],
      [
        new Sequential(new Conv2d(3, 4, 3), new Conv2d(5, 4, 3)),
        /expects 5 input channels, but the layer before it produces 4/,
      ],
      [new Sequential(new Flatten(), new Conv2d(3, 4, 3)), /needs a 4-D input/],
      [new Sequential(new Flatten(0)), /only Flatten\(1, -1\)/],
    ];
    for (const [model, reason] of cases) {
      assert.equal(compileInferencePlan(model), null);
      const r = tryCompileInferencePlan(model);
      assert.equal(r.plan, null);
      assert.match(r.reason ?? '', reason);
      assert.throws(() => compileInferencePlanOrThrow(model), PlanUnsupportedError);
    }
  });

  test('inputs that do not fit throw, naming the layer; dispose makes later calls throw', () => {
    const model = new VGG(makeLayers([8, 'M', 8, 'M']), { numClasses: 3, initWeights: false });
    const p = compileInferencePlanOrThrow(model);
    assert.throws(() => p.run(new Float32Array(3 * 8 * 8 - 1), 1, 8, 8), /expected 1×3×8×8/);
    assert.throws(() => p.run(new Float32Array(3 * 2 * 2), 1, 2, 2), /features\.\d.*too small/);
    assert.throws(() => p.run(new Float32Array(3 * 8 * 8), 0, 8, 8), /batch must be a positive integer/);
    const x = input([1, 3, 8, 8], 70);
    assert.equal(p.run(x.data, 1, 8, 8).data.length, 3);
    p.dispose();
    p.dispose();
    assert.throws(() => p.run(x.data, 1, 8, 8), /disposed/);
    assert.throws(() => p.describe(), /disposed/);
  });
});
