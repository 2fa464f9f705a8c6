/**
 * The cached inference plan behind a VGG's eval forward (src/models/inference-cache.ts):
 * its output against the layer-by-layer reference backend, and, for every public way
 * to change a model, that the forward after the change is the changed model's output.
 * Each mutation test also checks that the change moved the output well past the
 * tolerance, so a cache that missed it would fail. Skipped (visibly) when the native
 * addon has no plans.
 */
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { inferencePlanUnavailable } from '../../src/models/plan.js';
import { setBackend, backend, withBackend } from '../../src/backend/registry.js';
import { ShapeError } from '../../src/errors.js';
import { noGrad } from '../../src/tensor/autograd.js';
import { randn } from '../../src/tensor/creation.js';
import { Generator } from '../../src/tensor/rng.js';
import { Tensor } from '../../src/tensor/tensor.js';
import { Parameter } from '../../src/nn/parameter.js';
import { Conv2d } from '../../src/nn/layers/conv.js';
import { BatchNorm2d } from '../../src/nn/layers/batchnorm.js';
import { ReLU } from '../../src/nn/layers/activation.js';
import { Linear } from '../../src/nn/layers/linear.js';
import * as init from '../../src/nn/init.js';
import { SGD, Adam, AdamW } from '../../src/nn/optim/index.js';
import { freeze, unfreeze } from '../../src/nn/freeze.js';
import { replaceClassifierHead } from '../../src/models/finetune.js';
import { VGG, makeLayers } from '../../src/models/vgg.js';
import { relError } from '../helpers/golden.js';

const unavailable = inferencePlanUnavailable();
const skip: string | false = unavailable ? `inference plans unavailable: ${unavailable}` : false;
if (skip) console.log(`models/inference-cache.test: skipped, ${skip}`);

const TOL = 1e-4;
/** How far a mutation must move the output for its test to mean anything. */
const MOVED = 1e-2;

function smallVgg(seed: number, batchNorm = false): VGG {
  const model = new VGG(makeLayers([8, 'M', 16, 'M'], { batchNorm }), {
    numClasses: 10,
    hiddenFeatures: 32,
    poolSize: 2,
    dropout: 0, // so that train-mode outputs are comparable
    initWeights: false,
  });
  const g = new Generator(seed);
  for (const [key, t] of model.stateDict()) {
    if (key.endsWith('running_var')) t.uniform_(0.5, 1.5, g);
    else if (!key.endsWith('num_batches_tracked')) t.normal_(0, key.endsWith('bias') ? 0.1 : 0.3, g);
  }
  return model.eval();
}

const x = randn([2, 3, 16, 16], { generator: new Generator(7) });

/** The eval forward a user writes: through the cache on the native backend. */
function eager(model: VGG, input = x): Tensor {
  return noGrad(() => model.forward(input));
}

/** The same model run layer by layer on the reference backend (which has no plans). */
function reference(model: VGG, input = x): Tensor {
  return withBackend('ref', () => noGrad(() => model.forward(input)));
}

function assertMatchesReference(model: VGG, y: Tensor, what: string): void {
  const err = relError(y.data, reference(model).data);
  assert.ok(err <= TOL, `${what}: relative error ${err.toExponential(2)} against the layer-by-layer reference`);
}

/**
 * Caches a plan, applies `mutate`, and checks the next eval forward: the plan was
 * really in use before, the output is the mutated model's, and it moved.
 */
function checkMutation(what: string, mutate: (model: VGG) => void, batchNorm = false): void {
  const model = smallVgg(1, batchNorm);
  const before = eager(model);
  assert.ok(model.inferenceCacheMemory(), `${what}: no plan was cached before the change`);
  mutate(model);
  const after = eager(model);
  assertMatchesReference(model, after, `${what}`);
  const moved = relError(before.data, reference(model).data);
  assert.ok(moved > MOVED, `${what}: the change moved the output by only ${moved.toExponential(2)}`);
}

function conv0(model: VGG): Conv2d {
  return model.features.at(0) as Conv2d;
}

/** Gives every parameter a gradient without running a forward (which would free the plan first). */
function fakeGradients(model: VGG): void {
  const g = new Generator(11);
  for (const p of model.parameters()) p.grad = randn([...p.shape], { generator: g });
}

describe('VGG eval forward through the cached inference plan', { skip }, () => {
  it('matches the layer-by-layer reference backend, with and without BatchNorm', () => {
    for (const bn of [false, true]) {
      const model = smallVgg(1, bn);
      assertMatchesReference(model, eager(model), `batchNorm ${bn}`);
      assert.ok(model.inferenceCacheMemory()!.preparedWeights > 0);
      assertMatchesReference(model, eager(model), `batchNorm ${bn}, second call`);
    }
  });

  it('accepts other batch and input sizes than the first call', () => {
    const model = smallVgg(1);
    eager(model);
    const big = randn([3, 3, 24, 20], { generator: new Generator(3) });
    const err = relError(eager(model, big).data, reference(model, big).data);
    assert.ok(err <= TOL, `relative error ${err}`);
  });

  it('records a graph as before whenever one is wanted (train mode, or parameters requiring grad)', () => {
    const model = smallVgg(1);
    eager(model);
    const y = model.forward(x);
    assert.ok(y.gradFn, 'an eval forward with grad enabled must record a graph');
    assert.equal(model.inferenceCacheMemory(), null, 'a graph-recording forward frees the plan');
    y.sum().backward();
    assert.ok(conv0(model).weight.grad);
    const input = x.detach().requiresGrad_();
    freeze(model);
    const z = model.forward(input);
    assert.ok(z.gradFn && z.requiresGrad, 'an input that requires grad gets its graph even with a frozen model');
  });

  it('gives the same error as the layer-by-layer forward for a bad input', () => {
    const model = smallVgg(1);
    eager(model);
    const bad = randn([1, 4, 16, 16]);
    const layered = smallVgg(1);
    layered.inferenceCache = false;
    const messageOf = (fn: () => unknown): string => {
      try {
        fn();
      } catch (e) {
        assert.ok(e instanceof ShapeError);
        return e.message;
      }
      assert.fail('no error thrown');
    };
    assert.equal(
      messageOf(() => eager(model, bad)),
      messageOf(() => eager(layered, bad)),
    );
  });

  it('runs layer by layer (and keeps no plan) for a model the plan cannot take or a subclass with its own head', () => {
    const noStats = new VGG(makeLayers([8, 'M'], {}), { numClasses: 4, hiddenFeatures: 8, poolSize: 1 });
    noStats.features.set(1, new BatchNorm2d(8, { trackRunningStats: false }));
    noStats.eval();
    const y = eager(noStats);
    assert.equal(noStats.inferenceCacheMemory(), null);
    assert.ok(relError(y.data, reference(noStats).data) <= TOL);

    class DoubledHead extends VGG {
      override head(features: Tensor): Tensor {
        return super.head(features).mul(2);
      }
    }
    const doubled = new DoubledHead(makeLayers([8, 'M', 16, 'M']), { numClasses: 10, hiddenFeatures: 32, poolSize: 2 });
    doubled.eval();
    assertMatchesReference(doubled, eager(doubled), 'subclass with its own head');
    assert.equal(doubled.inferenceCacheMemory(), null);
  });

  it('frees the plan on clearInferenceCache(), with inferenceCache = false, and with VGG_INFERENCE_CACHE=0', () => {
    const model = smallVgg(1);
    eager(model);
    model.clearInferenceCache();
    assert.equal(model.inferenceCacheMemory(), null);
    eager(model);
    model.inferenceCache = false;
    const layered = eager(model);
    assert.equal(model.inferenceCacheMemory(), null);
    assertMatchesReference(model, layered, 'inferenceCache = false');
    model.inferenceCache = true;
    eager(model);
    process.env.VGG_INFERENCE_CACHE = '0';
    try {
      eager(model);
      assert.equal(model.inferenceCacheMemory(), null);
    } finally {
      delete process.env.VGG_INFERENCE_CACHE;
    }
  });
});

describe('the cached plan follows every change to the model', { skip }, () => {
  for (const [name, optimizer] of [
    ['SGD', (model: VGG) => new SGD(model.parameters(), { lr: 0.5, momentum: 0.9 })],
    ['Adam', (model: VGG) => new Adam(model.parameters(), { lr: 0.5 })],
    ['AdamW', (model: VGG) => new AdamW(model.parameters(), { lr: 0.5 })],
  ] as const) {
    it(`${name} step`, () => {
      checkMutation(`${name} step`, (model) => {
        fakeGradients(model);
        optimizer(model).step();
      });
    });
  }

  it('a whole training step (forward with grad, backward, step), then eval()', () => {
    checkMutation(
      'training step',
      (model) => {
        model.train();
        const opt = new SGD(model.parameters(), { lr: 0.5 });
        model.forward(x).pow(2).sum().backward();
        opt.step();
        model.eval();
      },
      true,
    );
  });

  it('loadStateDict', () => {
    checkMutation('loadStateDict', (model) => model.loadStateDict(smallVgg(2).stateDict()));
  });

  for (const [name, write] of [
    ['copy_', (t: Tensor) => t.copy_(randn([...t.shape], { generator: new Generator(5) }))],
    ['fill_', (t: Tensor) => t.fill_(0.05)],
    ['zero_', (t: Tensor) => t.zero_()],
    ['uniform_', (t: Tensor) => t.uniform_(-1, 1)],
    ['normal_', (t: Tensor) => t.normal_()],
  ] as const) {
    it(`Tensor.${name} on a weight, and on a state dict entry sharing its memory`, () => {
      checkMutation(`${name} on the weight`, (model) => write(conv0(model).weight));
      checkMutation(`${name} on a stateDict() entry`, (model) => write(model.stateDict().get('features.0.weight')!));
    });
  }

  for (const [name, fn] of [
    ['uniform_', (t: Tensor) => init.uniform_(t, -1, 1)],
    ['normal_', (t: Tensor) => init.normal_(t)],
    ['constant_', (t: Tensor) => init.constant_(t, 0.07)],
    ['zeros_', (t: Tensor) => init.zeros_(t)],
    ['ones_', (t: Tensor) => init.ones_(t)],
    ['kaimingNormal_', (t: Tensor) => init.kaimingNormal_(t)],
    ['kaimingUniform_', (t: Tensor) => init.kaimingUniform_(t)],
    ['xavierUniform_', (t: Tensor) => init.xavierUniform_(t)],
    ['xavierNormal_', (t: Tensor) => init.xavierNormal_(t)],
  ] as const) {
    it(`nn.init.${name}`, () => checkMutation(`init.${name}`, (model) => fn(conv0(model).weight)));
  }

  it('initializeWeights() and a layer’s resetParameters()', () => {
    checkMutation('initializeWeights', (model) => model.initializeWeights());
    checkMutation('resetParameters', (model) => conv0(model).resetParameters());
  });

  it('replaceClassifierHead', () => {
    checkMutation('replaceClassifierHead', (model) => {
      replaceClassifierHead(model, 10, { generator: new Generator(9) });
      init.normal_((model.classifier.at(6) as Linear).weight, 0, 1);
    });
  });

  it('freeze / unfreeze: a frozen model needs no graph, an unfrozen one records it again', () => {
    const model = smallVgg(1);
    eager(model);
    freeze(model, { eval: true });
    const frozen = model.forward(x);
    assert.equal(frozen.gradFn, null);
    assert.ok(model.inferenceCacheMemory(), 'with nothing requiring grad the plan serves even outside noGrad');
    assertMatchesReference(model, frozen, 'frozen');
    unfreeze(model);
    assert.ok(model.forward(x).gradFn, 'after unfreeze the forward records a graph again');
  });

  it('Sequential set and append', () => {
    checkMutation('Sequential.set', (model) => model.features.set(0, new Conv2d(3, 8, 3, { padding: 1 })));
    checkMutation('Sequential.append', (model) => model.classifier.append(new ReLU()));
  });

  it('replacing a child, a parameter field or a forward, or changing a layer setting', () => {
    checkMutation('registerModule', (model) => model.features.registerModule('0', new Conv2d(3, 8, 3, { padding: 1 })));
    checkMutation('a parameter field assigned directly', (model) =>
      Object.assign(conv0(model), { weight: new Parameter(randn([8, 3, 3, 3], { generator: new Generator(4) })) }),
    );
    checkMutation('a forward replaced on one instance', (model) =>
      Object.assign(model.features.at(1), { forward: (t: Tensor) => t }),
    );
    checkMutation('BatchNorm eps changed', (model) => Object.assign(model.features.at(1), { eps: 4 }), true);
  });

  it('train() / eval(): train-mode forwards use batch statistics and update the running ones', () => {
    const model = smallVgg(1, true);
    const cached = eager(model);
    model.train();
    const trainMode = eager(model);
    assert.equal(model.inferenceCacheMemory(), null, 'a train-mode forward frees the plan');
    const refTrain = withBackend('ref', () => noGrad(() => model.forward(x)));
    assert.ok(relError(trainMode.data, refTrain.data) <= TOL, 'train-mode forward is the layer-by-layer one');
    assert.ok(relError(trainMode.data, cached.data) > MOVED, 'train mode must not return the eval plan');
    model.eval();
    const after = eager(model);
    assertMatchesReference(model, after, 'eval after the running statistics moved');
    assert.ok(relError(after.data, cached.data) > MOVED, 'the running statistics moved the eval output');
  });

  it('BatchNorm running statistics: resetRunningStats, and a train-mode forward of the layer alone', () => {
    checkMutation('resetRunningStats', (model) => (model.features.at(1) as BatchNorm2d).resetRunningStats(), true);
    checkMutation(
      'a BatchNorm layer trained on its own',
      (model) => {
        const bn = model.features.at(1).train();
        noGrad(() =>
          bn.forward(
            randn([4, 8, 5, 5], { generator: new Generator(6) })
              .mul(3)
              .add(2),
          ),
        );
        bn.eval();
      },
      true,
    );
  });

  it('changing the backend: another backend runs layer by layer, bit for bit', () => {
    const model = smallVgg(1);
    eager(model);
    const layered = smallVgg(1);
    layered.inferenceCache = false;
    const expected = withBackend('ref', () => noGrad(() => layered.forward(x)));
    const viaWith = withBackend('ref', () => noGrad(() => model.forward(x)));
    assert.deepEqual(viaWith.data, expected.data);
    const previous = backend().name;
    setBackend('ref');
    try {
      assert.deepEqual(eager(model).data, expected.data);
    } finally {
      setBackend(previous);
    }
    assertMatchesReference(model, eager(model), 'back on the native backend');
  });

  it('writes straight into .data: seen after markDirty() or clearInferenceCache(), as documented', () => {
    const model = smallVgg(1);
    const before = eager(model);
    conv0(model).weight.data.fill(0.2);
    assert.deepEqual(eager(model).data, before.data, 'the documented blind spot: the plan is stale until told');
    conv0(model).weight.markDirty();
    assertMatchesReference(model, eager(model), 'after markDirty()');
    conv0(model).weight.data.fill(-0.1);
    model.clearInferenceCache();
    assertMatchesReference(model, eager(model), 'after clearInferenceCache()');
  });
});
