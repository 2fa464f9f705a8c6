/**
 * Frozen parameters cost nothing and learn nothing: no gradient kernels run
 * for them (counted on a spying backend), their grads stay null, optimizers
 * and weight decay leave them alone, and freeze(m, { eval: true }) keeps
 * BatchNorm statistics fixed through model.train().
 */
import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { withBackend } from '../../src/backend/registry.js';
import { registerCountingBackend } from '../helpers/counting-backend.js';
import { ArgumentError } from '../../src/errors.js';
import { buildVgg, type VGG } from '../../src/models/vgg.js';
import { freeze, unfreeze, trainableParameters } from '../../src/nn/freeze.js';
import { crossEntropy } from '../../src/nn/loss.js';
import { BatchNorm2d } from '../../src/nn/layers/batchnorm.js';
import { Conv2d } from '../../src/nn/layers/conv.js';
import { SGD, Adam, AdamW, type AnyOptimizer } from '../../src/nn/optim/index.js';
import { Generator } from '../../src/tensor/rng.js';
import { randn, tensor } from '../../src/tensor/creation.js';

const generator = new Generator(42);

/** features: conv 0, bn 1, relu 2, pool 3, conv 4, bn 5, relu 6, pool 7. */
function smallVgg(): VGG {
  return buildVgg({
    cfg: [4, 'M', 6, 'M'],
    batchNorm: true,
    inChannels: 3,
    numClasses: 5,
    hiddenFeatures: 8,
    dropout: 0,
    poolSize: 2,
  });
}

const x = randn([2, 3, 8, 8], { generator });
const labels = [1, 4];

function trainStep(model: VGG, opt?: AnyOptimizer): void {
  model.train();
  opt?.zeroGrad();
  crossEntropy(model.forward(x), labels).backward();
  opt?.step();
}

/** How often each kernel ran while `fn` ran, on a backend that forwards to the active one. */
const calls = registerCountingBackend('counting');

function countKernels(fn: () => void): (name: string) => number {
  calls.clear();
  withBackend('counting', fn);
  const counted = new Map(calls);
  return (name) => counted.get(name) ?? 0;
}

function values(model: VGG, prefix: string): Map<string, Float32Array> {
  return new Map([...model.stateDict()].filter(([k]) => k.startsWith(prefix)).map(([k, v]) => [k, v.toFloat32Array()]));
}

describe('frozen layers run no gradient kernels', () => {
  it('control: a fully trainable model runs both conv gradients for both convs', () => {
    const model = smallVgg();
    const count = countKernels(() => trainStep(model));
    assert.equal(count('conv2d'), 2);
    assert.equal(count('conv2dBackwardWeight'), 2);
    assert.equal(
      count('conv2dBackwardInput'),
      1,
      'the first conv needs no input gradient: the input does not require one',
    );
  });

  it('frozen features: no conv gradient at all, frozen grads null, classifier grads present', () => {
    const model = smallVgg();
    freeze(model.features);
    const count = countKernels(() => trainStep(model));
    assert.equal(count('conv2d'), 2, 'the forward still runs');
    assert.equal(count('conv2dBackwardWeight'), 0);
    assert.equal(count('conv2dBackwardInput'), 0);
    assert.equal(count('maxPool2dBackward'), 0);
    for (const [k, p] of model.features.namedParameters('features')) assert.equal(p.grad, null, k);
    for (const [k, p] of model.classifier.namedParameters('classifier')) assert.ok(p.grad, `${k} has no gradient`);
  });

  it('first block frozen: the second conv computes its weight gradient but no input gradient', () => {
    const model = smallVgg();
    freeze(model.features.at(0));
    freeze(model.features.at(1));
    const count = countKernels(() => trainStep(model));
    assert.equal(count('conv2dBackwardWeight'), 1);
    assert.equal(count('conv2dBackwardInput'), 0);
    assert.ok((model.features.at(4) as Conv2d).weight.grad, 'features.4.weight has a gradient');
    for (const [k, p] of model.features.at(0).namedParameters('features.0')) assert.equal(p.grad, null, k);
    for (const [k, p] of model.features.at(1).namedParameters('features.1')) assert.equal(p.grad, null, k);
  });

  it('BatchNorm gives the same weight and bias gradients whether or not its input needs one', () => {
    const grads = (inputGrad: boolean, frozenWeight: boolean) => {
      const bn = new BatchNorm2d(3);
      bn.weight!.copy_(tensor([0.5, 1.5, -1]));
      if (frozenWeight) bn.weight!.requiresGrad = false;
      const input = x.detach().requiresGrad_(inputGrad);
      bn.forward(input)
        .mul(randn([2, 3, 8, 8], { generator: new Generator(7) }))
        .sum()
        .backward();
      return { gx: input.grad, gw: bn.weight!.grad, gb: bn.bias!.grad };
    };
    const full = grads(true, false);
    const noInput = grads(false, false);
    const noWeight = grads(true, true);
    assert.equal(noInput.gx, null);
    assert.deepEqual(noInput.gw!.data, full.gw!.data);
    assert.deepEqual(noInput.gb!.data, full.gb!.data);
    assert.equal(noWeight.gw, null);
    assert.deepEqual(noWeight.gx!.data, full.gx!.data);
    assert.deepEqual(noWeight.gb!.data, full.gb!.data);
  });
});

describe('optimizers leave frozen parameters alone', () => {
  const optimizers: [string, (m: VGG) => AnyOptimizer][] = [
    [
      'SGD with momentum and weight decay',
      (m) => new SGD(m.parameters(), { lr: 0.1, momentum: 0.9, weightDecay: 0.1 }),
    ],
    ['Adam with L2 weight decay', (m) => new Adam(m.parameters(), { lr: 0.01, weightDecay: 0.1 })],
    ['AdamW with decoupled weight decay', (m) => new AdamW(m.parameters(), { lr: 0.01, weightDecay: 0.5 })],
  ];
  for (const [name, make] of optimizers) {
    it(name, () => {
      const model = smallVgg();
      freeze(model.features);
      const before = values(model, 'features.');
      const classifierBefore = values(model, 'classifier.');
      const opt = make(model);
      for (let s = 0; s < 2; s++) trainStep(model, opt);
      for (const [k, v] of values(model, 'features.')) {
        if (/weight$|bias$/.test(k)) assert.deepEqual(v, before.get(k), `${k} moved`);
      }
      assert.ok(
        [...values(model, 'classifier.')].some(([k, v]) => v.some((e, i) => e !== classifierBefore.get(k)![i])),
        'the classifier learned',
      );
      for (const p of model.features.parameters())
        assert.equal(opt.state.has(p), false, 'no optimizer state for a frozen parameter');
    });
  }

  it('freeze drops a gradient left from before, so a step cannot apply it', () => {
    const model = smallVgg();
    const opt = new SGD(model.parameters(), { lr: 1 });
    trainStep(model);
    freeze(model.features);
    const before = values(model, 'features.0.');
    opt.step();
    assert.equal((model.features.at(0) as Conv2d).weight.grad, null);
    assert.deepEqual(values(model, 'features.0.'), before);
  });
});

describe('freeze, unfreeze, trainableParameters', () => {
  it('trainableParameters lists what still learns, in order; unfreeze restores everything', () => {
    const model = smallVgg();
    const all = [...model.parameters()];
    freeze(model.features);
    assert.deepEqual(trainableParameters(model), [...model.classifier.parameters()]);
    unfreeze(model.features);
    assert.deepEqual(trainableParameters(model), all);
  });

  it('BatchNorm keeps updating its running statistics in training mode unless frozen with eval', () => {
    const model = smallVgg();
    freeze(model.features);
    const stats = values(model, 'features.1.running_mean');
    trainStep(model);
    assert.notDeepEqual(
      values(model, 'features.1.running_mean'),
      stats,
      'PyTorch behaviour: requires_grad_(False) alone does not stop them',
    );

    const pinned = smallVgg();
    freeze(pinned.features, { eval: true });
    const pinnedStats = values(pinned, 'features.');
    trainStep(pinned);
    pinned.train();
    assert.deepEqual(values(pinned, 'features.'), pinnedStats);
    assert.ok(
      [...pinned.features.modules()].every((m) => !m.training),
      'features stay in eval mode through train()',
    );
    assert.ok([...pinned.classifier.modules()].every((m) => m.training));

    unfreeze(pinned.features);
    pinned.train();
    assert.ok(
      [...pinned.modules()].every((m) => m.training),
      'unfreeze lifts the eval pin',
    );
  });

  it('refuses what is not a Module', () => {
    for (const fn of [freeze, unfreeze, trainableParameters] as ((m: never) => unknown)[]) {
      assert.throws(() => fn(null as never), ArgumentError);
      assert.throws(() => fn([] as never), /needs a Module/);
    }
  });
});
