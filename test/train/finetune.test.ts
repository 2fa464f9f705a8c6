/** replaceClassifierHead / prepareFineTune: the new head, its initialisation, bad input, and saving the result. */
import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { ArgumentError } from '../../src/errors.js';
import { buildVgg, type VGG, type VggArchitecture } from '../../src/models/vgg.js';
import { replaceClassifierHead, prepareFineTune, frozenFeaturesForward } from '../../src/models/finetune.js';
import { inferencePlanUnavailable } from '../../src/models/plan.js';
import { crossEntropy } from '../../src/nn/loss.js';
import { saveModel, loadModel } from '../../src/models/saved.js';
import { trainableParameters } from '../../src/nn/freeze.js';
import { Module } from '../../src/nn/module.js';
import { Conv2d } from '../../src/nn/layers/conv.js';
import { Linear } from '../../src/nn/layers/linear.js';
import { Flatten } from '../../src/nn/layers/flatten.js';
import { ReLU } from '../../src/nn/layers/activation.js';
import { Sequential } from '../../src/nn/layers/sequential.js';
import { noGrad } from '../../src/tensor/autograd.js';
import { randn, zeros } from '../../src/tensor/creation.js';
import { Generator } from '../../src/tensor/rng.js';
import type { Tensor } from '../../src/tensor/tensor.js';

const ARCH: VggArchitecture = {
  cfg: [4, 'M', 8, 'M'],
  batchNorm: true,
  inChannels: 3,
  numClasses: 10,
  hiddenFeatures: 16,
  dropout: 0.5,
  poolSize: 2,
};
const smallVgg = (): VGG => buildVgg(ARCH);
const x = randn([2, 3, 8, 8], { generator: new Generator(1) });

/** What normal_(0, std) with a fresh Generator(seed) draws for `shape`. */
const expectedNormal = (shape: number[], std: number, seed: number): Float32Array =>
  zeros(shape).normal_(0, std, new Generator(seed)).data;

function stateOf(model: Module): Map<string, Float32Array> {
  return new Map([...model.stateDict()].map(([k, v]) => [k, v.toFloat32Array()]));
}

describe('replaceClassifierHead', () => {
  it('swaps classifier.6 for a VGG-initialised Linear and the architecture follows', () => {
    const model = smallVgg();
    const old = model.classifier.at(6) as Linear;
    const oldWeights = old.weight.toFloat32Array();
    const { key, head, previous } = replaceClassifierHead(model, 4, { generator: new Generator(9) });
    assert.equal(key, 'classifier.6');
    assert.equal(previous, old);
    assert.deepEqual(old.weight.data, oldWeights, 'the pretrained layer is left as it was');
    assert.equal(model.classifier.at(6), head);
    assert.deepEqual([head.inFeatures, head.outFeatures], [16, 4]);
    assert.deepEqual(head.weight.data, expectedNormal([4, 16], model.linearInitStd(), 9));
    assert.ok(head.bias!.data.every((v) => v === 0));
    assert.equal(head.weight.requiresGrad, true);
    assert.equal(model.architecture()?.numClasses, 4);
    assert.deepEqual(noGrad(() => model.forward(x)).shape, [2, 4]);
    assert.deepEqual(
      [...model.stateDict().keys()].filter((k) => k.startsWith('classifier.6')),
      ['classifier.6.weight', 'classifier.6.bias'],
    );
  });

  it('keeps the evaluation mode of the layer it replaces', () => {
    const model = smallVgg().eval();
    assert.equal(replaceClassifierHead(model, 3).head.training, false);
  });

  it('finds the last Linear of any Sequential model, with N(0, 0.01) weights', () => {
    const net = new Sequential(
      new Flatten(),
      new Linear(12, 5),
      new ReLU(),
      new Linear(5, 3, { bias: false }),
      new ReLU(),
    );
    const { key, head } = replaceClassifierHead(net, 7, { generator: new Generator(2) });
    assert.equal(key, '3');
    assert.equal(net.at(3), head);
    assert.equal(head.bias, null, 'bias only when the old layer had one');
    assert.deepEqual(head.weight.data, expectedNormal([7, 5], 0.01, 2));
  });

  it('rejects a class count that is not a positive integer, changing nothing', () => {
    const model = smallVgg();
    const before = model.classifier.at(6);
    for (const bad of [0, -2, 2.5, NaN, Infinity, '4', null]) {
      assert.throws(
        () => replaceClassifierHead(model, bad as never),
        (e: Error) => e instanceof ArgumentError && /numClasses must be a positive integer/.test(e.message),
        String(bad),
      );
    }
    assert.equal(model.classifier.at(6), before);
  });

  it('says why a model cannot get a new head', () => {
    assert.throws(
      () => replaceClassifierHead(new Sequential(new Conv2d(3, 4, 3)), 2),
      /Sequential has no Linear layer inside it/,
    );
    assert.throws(() => replaceClassifierHead(new Linear(3, 2), 2), /Linear has no Linear layer inside it/);
    class Custom extends Module {
      readonly fc = this.registerModule('fc', new Linear(3, 2));
      forward(t: Tensor): Tensor {
        return this.fc.forward(t);
      }
    }
    assert.throws(
      () => replaceClassifierHead(new Custom(), 2),
      /the last Linear \(fc\) sits in a Custom, not a Sequential/,
    );
    assert.throws(() => replaceClassifierHead({} as never, 2), ArgumentError);
  });
});

describe('prepareFineTune', () => {
  it('replaces the head and freezes features: only the classifier trains', () => {
    const model = smallVgg();
    const { key } = prepareFineTune(model, { numClasses: 4 });
    assert.equal(key, 'classifier.6');
    assert.deepEqual(trainableParameters(model), [...model.classifier.parameters()]);
    assert.ok([...model.features.parameters()].every((p) => !p.requiresGrad));
    model.train();
    assert.equal(model.features.training, true, 'BatchNorm statistics keep updating unless featuresEval');
  });

  it('featuresEval pins the trunk in evaluation mode; freezeFeatures: false leaves it trainable', () => {
    const pinned = smallVgg();
    prepareFineTune(pinned, { numClasses: 4, featuresEval: true });
    pinned.train();
    assert.ok([...pinned.features.modules()].every((m) => !m.training));
    const open = smallVgg();
    prepareFineTune(open, { numClasses: 4, freezeFeatures: false });
    assert.equal(trainableParameters(open).length, [...open.parameters()].length);
  });

  it('refuses bad options before changing anything', () => {
    const net = new Sequential(new Flatten(), new Linear(12, 5));
    const head = net.at(1);
    assert.throws(() => prepareFineTune(net, { numClasses: 3 }), /Sequential has no "features" to freeze/);
    assert.equal(net.at(1), head);
    assert.throws(() => prepareFineTune(smallVgg(), { numClasses: 0 }), /numClasses must be a positive integer, got 0/);
    assert.throws(() => prepareFineTune(smallVgg(), undefined as never), /needs options with numClasses/);
  });
});

describe('frozenFeaturesForward', () => {
  it("gives the model's own logits, with the trunk planned when the addon is there, and gradients for the classifier only", () => {
    const model = buildVgg({ ...ARCH, dropout: 0 });
    prepareFineTune(model, { numClasses: 3, featuresEval: true, generator: new Generator(4) });
    model.train();
    const frozen = frozenFeaturesForward(model);
    assert.equal(frozen.planned, inferencePlanUnavailable() === null);
    const logits = frozen.forward(x);
    const eager = noGrad(() => model.forward(x)).data;
    const scale = Math.max(...eager.map(Math.abs));
    logits.data.forEach((v, i) => assert.ok(Math.abs(v - eager[i]) <= 1e-4 * scale, `logit ${i}: ${v} vs ${eager[i]}`));
    crossEntropy(logits, [0, 2]).backward();
    for (const [k, p] of model.classifier.namedParameters('classifier')) assert.ok(p.grad, `${k} has a gradient`);
    for (const [k, p] of model.features.namedParameters('features')) assert.equal(p.grad, null, k);
    frozen.dispose();
    if (frozen.planned) assert.throws(() => frozen.forward(x), /dispose/);
  });
});

describe('saving a fine-tuned model', () => {
  it('saveModel / loadModel round-trip the new class count, the weights and the categories', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'vgg-finetune-'));
    try {
      const model = smallVgg();
      prepareFineTune(model, { numClasses: 3 });
      const path = join(dir, 'tuned.safetensors');
      await assert.rejects(
        saveModel(path, model, { categories: Array.from({ length: 10 }, (_, i) => `c${i}`) }),
        /10 category names for a model with 3 classes/,
      );
      await saveModel(path, model, { categories: ['cat', 'dog', 'fox'] });
      const loaded = await loadModel(path);
      assert.equal(loaded.architecture.numClasses, 3);
      assert.deepEqual(loaded.architecture, { ...ARCH, numClasses: 3 });
      assert.deepEqual(loaded.categories, ['cat', 'dog', 'fox']);
      assert.deepEqual(stateOf(loaded.model), stateOf(model));
      model.eval();
      loaded.model.eval();
      assert.deepEqual(noGrad(() => loaded.model.forward(x)).data, noGrad(() => model.forward(x)).data);
    } finally {
      await rm(dir, { recursive: true, force: true });
    }
  });
});
