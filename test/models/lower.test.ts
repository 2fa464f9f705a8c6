/**
 * The one model walk (src/models/lower.ts) and the plan fusion pass
 * (src/models/fuse.ts): step shapes against an eager forward, unknown sizes,
 * what fuses with what, BatchNorm folding against the eval-mode layers, and
 * one refusal message shared by every consumer.
 */
import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { lowerModel, LoweringError } from '../../src/models/lower.js';
import { fuseForPlan, foldBatchNorm } from '../../src/models/fuse.js';
import { tryCompileInferencePlan, inferencePlanUnavailable } from '../../src/models/plan.js';
import { summarize } from '../../src/models/summary.js';
import { exportOnnxBytes, OnnxExportError } from '../../src/io/onnx.js';
import type { BatchNormStep, ConvStep } from '../../src/backend/graph.js';
import { withBackend } from '../../src/backend/registry.js';
import { noGrad } from '../../src/tensor/autograd.js';
import { randn } from '../../src/tensor/creation.js';
import { Generator } from '../../src/tensor/rng.js';
import { Tensor } from '../../src/tensor/tensor.js';
import { conv2d } from '../../src/tensor/ops/conv.js';
import { Module } from '../../src/nn/module.js';
import { Conv2d } from '../../src/nn/layers/conv.js';
import { BatchNorm2d } from '../../src/nn/layers/batchnorm.js';
import { ReLU } from '../../src/nn/layers/activation.js';
import { MaxPool2d, AdaptiveAvgPool2d } from '../../src/nn/layers/pooling.js';
import { Linear } from '../../src/nn/layers/linear.js';
import { Dropout } from '../../src/nn/layers/dropout.js';
import { Flatten } from '../../src/nn/layers/flatten.js';
import { Sequential } from '../../src/nn/layers/sequential.js';
import { VGG, makeLayers } from '../../src/models/vgg.js';

const generator = new Generator(7);

/** A small model with every supported layer and uneven geometry. */
function mixed(): Sequential {
  return new Sequential(
    new Conv2d(3, 6, 3, { stride: 2, padding: 1 }),
    new BatchNorm2d(6),
    new ReLU(),
    new MaxPool2d(3, { stride: 2, padding: 1, ceilMode: true }),
    new Conv2d(6, 5, [1, 3], { dilation: [1, 2], bias: false }),
    new AdaptiveAvgPool2d([3, null]),
    new Flatten(2, 3),
    new Linear(3 * 3, 4),
    new Dropout(0.2),
    new Flatten(),
    new Linear(5 * 4, 2),
  );
}

describe('lowerModel', () => {
  test('one step per layer, with the shapes an eager forward produces', () => {
    const model = mixed().eval();
    const x = randn([2, 3, 19, 23], { generator });
    const graph = lowerModel(model, [...x.shape]);
    assert.deepEqual(
      graph.steps.map((s) => s.path),
      ['0', '1', '2', '3', '4', '5', '6', '7', '8', '9', '10'],
    );
    let y: Tensor = x;
    noGrad(() => {
      graph.steps.forEach((step, i) => {
        assert.deepEqual(step.inShape, y.shape.slice(1), `step ${i} input`);
        y = model.at(i).forward(y);
        assert.deepEqual(step.outShape, y.shape.slice(1), `step ${i} (${step.module}) output`);
      });
    });
    assert.deepEqual(graph.output, [2]);
  });

  test('a VGG: its flatten is a step with no module; unknown sizes stay null until the adaptive pool fixes them', () => {
    const model = new VGG(makeLayers([8, 'M', 16, 'M']), { numClasses: 3, initWeights: false });
    const graph = lowerModel(model);
    const at = (path: string) => graph.steps.find((s) => s.path === path)!;
    assert.deepEqual(at('features.0').outShape, [8, null, null]);
    assert.deepEqual(at('features.5').outShape, [16, null, null]);
    assert.deepEqual(at('avgpool').outShape, [16, 7, 7]);
    assert.equal(at('flatten').module, null);
    assert.deepEqual(at('flatten').outShape, [16 * 49]);
    assert.deepEqual(graph.output, [3]);
  });

  test('layers that do not fit are named, with the shapes involved', () => {
    const cases: [Module, (number | null)[], RegExp][] = [
      [
        new Sequential(new Conv2d(3, 4, 3), new Conv2d(5, 4, 3)),
        [1, 3, 8, 8],
        /^1 \(Conv2d\): expects 5 input channels, but the layer before it produces 4 \(shape \[1, 4, 6, 6\]\)/,
      ],
      [
        new Sequential(new Conv2d(3, 4, 3)),
        [1, 2, 8, 8],
        /^0 \(Conv2d\): .* the input has 2 \(inputShape \[1, 2, 8, 8\]\)/,
      ],
      [new Sequential(new MaxPool2d(4)), [1, 3, 3, 3], /^0 \(MaxPool2d\): input \[1, 3, 3, 3\] is too small/],
      [
        new Sequential(new Flatten(), new Linear(10, 2)),
        [null, 3, 2, 2],
        /expects 10 input features, .* produces 12 \(shape \[\?, 12\]\)/,
      ],
    ];
    for (const [model, shape, message] of cases) {
      assert.throws(
        () => lowerModel(model, shape),
        (e: unknown) => e instanceof LoweringError && e.shapeMismatch && message.test(e.message),
        String(message),
      );
    }
  });
});

describe('fuseForPlan', () => {
  test('conv + BatchNorm + ReLU + 2x2 pool is one op; Dropout and no-op flattens go; Linear takes its ReLU', () => {
    const model = new VGG(makeLayers([4, 'M', 6], { batchNorm: true }), { numClasses: 2, initWeights: false });
    const { ops, inChannels } = fuseForPlan(lowerModel(model));
    assert.deepEqual(
      ops.map((o) => `${o.op} ${o.label}`),
      [
        'conv features.0-3',
        'conv features.4-6',
        'adaptiveavgpool avgpool',
        'flatten flatten',
        'linear classifier.0-1',
        'linear classifier.3-4',
        'linear classifier.6',
      ],
    );
    assert.equal(inChannels, 3);
    const [first, second] = ops;
    assert.ok(first.op === 'conv' && first.relu && first.pool2x2);
    assert.ok(second.op === 'conv' && second.relu && !second.pool2x2);
  });

  test('a lone BatchNorm is an affine op that fixes the input channels; a head alone does not', () => {
    const bnFirst = fuseForPlan(lowerModel(new Sequential(new BatchNorm2d(5), new ReLU(), new Conv2d(5, 2, 1))));
    assert.deepEqual(
      bnFirst.ops.map((o) => o.op),
      ['affine', 'conv'],
    );
    assert.equal(bnFirst.inChannels, 5);
    const head = fuseForPlan(lowerModel(new Sequential(new AdaptiveAvgPool2d(2), new Flatten(), new Linear(8, 3))));
    assert.equal(head.inChannels, null);
  });

  test('the folded conv computes conv then eval-mode BatchNorm', () => {
    const conv = new Conv2d(3, 5, 3, { padding: 1 });
    const bn = new BatchNorm2d(5);
    for (let c = 0; c < 5; c++) {
      bn.runningMean!.data[c] = 0.1 * c - 0.2;
      bn.runningVar!.data[c] = 0.5 + 0.3 * c;
      bn.weight!.data[c] = 1.5 - 0.2 * c;
      bn.bias!.data[c] = 0.05 * c;
    }
    const model = new Sequential(conv, bn).eval();
    const [convStep, bnStep] = lowerModel(model).steps as [ConvStep, BatchNormStep];
    const { weight, bias } = foldBatchNorm(convStep, bnStep);
    const x = randn([2, 3, 6, 7], { generator });
    withBackend('ref', () =>
      noGrad(() => {
        const want = model.forward(x).data;
        const got = conv2d(x, new Tensor(weight, [5, 3, 3, 3]), new Tensor(bias, [5]), { padding: 1 }).data;
        got.forEach((v, i) =>
          assert.ok(Math.abs(v - want[i]) <= 1e-5 * (1 + Math.abs(want[i])), `value ${i}: ${v} vs ${want[i]}`),
        );
      }),
    );
  });

  test('what only plans refuse: a Linear before any flatten, a partial flatten', () => {
    assert.throws(
      () => fuseForPlan(lowerModel(new Sequential(new Linear(3, 4)))),
      /0 \(Linear\): .*add a Flatten before it/,
    );
    assert.throws(
      () => fuseForPlan(lowerModel(new Sequential(new Flatten(2)))),
      /0 \(Flatten\): .*only Flatten\(1, -1\)/,
    );
  });
});

describe('one refusal for every consumer', () => {
  class Swish extends Module {
    forward(x: Tensor): Tensor {
      return x;
    }
  }
  const model = (): Sequential => new Sequential(new Conv2d(3, 4, 3), new Swish());
  const message =
    '1 (Swish): unsupported layer type Swish (supported: VGG, Sequential, Conv2d, BatchNorm2d, ReLU, MaxPool2d, AdaptiveAvgPool2d, Linear, Flatten, Dropout)';

  test('lowerModel, summarize and the ONNX exporter say the same', () => {
    assert.throws(
      () => lowerModel(model()),
      (e: unknown) => e instanceof LoweringError && e.message === message,
    );
    assert.throws(
      () => summarize(model(), [1, 3, 8, 8]),
      (e: unknown) => e instanceof LoweringError && e.message === message,
    );
    assert.throws(
      () => exportOnnxBytes(model(), { inputShape: [1, 3, 8, 8] }),
      (e: unknown) => e instanceof OnnxExportError && e.message === message && e.modulePath === '1',
    );
  });

  test('and so does an inference plan', { skip: inferencePlanUnavailable() ?? false }, () => {
    assert.deepEqual(tryCompileInferencePlan(model()), { plan: null, reason: message });
  });
});
