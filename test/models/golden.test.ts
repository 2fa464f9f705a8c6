/**
 * Whole VGGs against torchvision 0.14: same (hash-filled) weights, same input,
 * then logits, input and parameter gradients, and BatchNorm running statistics.
 */
import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { loadGolden, assertClose, relError, listBackends } from '../helpers/golden.js';
import { hashFill, hashValues } from '../helpers/hashfill.js';
import { withBackend } from '../../src/backend/registry.js';
import { Tensor } from '../../src/tensor/tensor.js';
import { noGrad } from '../../src/tensor/autograd.js';
import { inferencePlanUnavailable } from '../../src/models/plan.js';
import { BatchNorm2d } from '../../src/nn/layers/batchnorm.js';
import { VGG, makeLayers, vggBuilders, vgg11_bn, type VggConfig } from '../../src/models/vgg.js';

const FWD = 1e-4;
const GRAD = 1e-3;

interface ModelMeta {
  builder: string;
  cfg?: VggConfig;
  batch_norm?: boolean;
  kwargs: { num_classes?: number; dropout?: number };
  train: boolean;
  grads: string[];
  after?: string[];
  sliced?: Record<string, { rows: number; full_shape: number[] }>;
}

function build(meta: ModelMeta): VGG {
  const opts = { numClasses: meta.kwargs.num_classes ?? 1000, dropout: meta.kwargs.dropout ?? 0.5, initWeights: false };
  if (meta.builder === 'custom') return new VGG(makeLayers(meta.cfg!, { batchNorm: meta.batch_norm }), opts);
  return vggBuilders[meta.builder](opts);
}

function maxAbs(a: Float32Array): number {
  return a.reduce((m, v) => Math.max(m, Math.abs(v)), 0);
}

/** Whether `key` is the bias of a conv whose next layer is a BatchNorm2d. */
function feedsBatchNorm(model: VGG, key: string): boolean {
  const m = /^features\.(\d+)\.bias$/.exec(key);
  if (!m) return false;
  return model.features.getChild(String(Number(m[1]) + 1)) instanceof BatchNorm2d;
}

const CASES = [
  'vgg11_eval',
  'vgg11_train',
  'vgg11_bn_train_odd',
  'vgg11_bn_eval_odd',
  'custom_walkthrough',
  'small_bn_train',
  'vgg16_eval',
  'vgg16_bn_eval_64',
  'vgg19_bn_eval_64',
];

describe('hash fill matches the generator bit for bit', () => {
  it('vgg11_bn entries (first and last 16 values)', () => {
    const g = loadGolden('hashfill_check');
    const entries = g.meta.entries as [number, string, number[]][];
    const model = vgg11_bn({ numClasses: 10, initWeights: false });
    assert.deepEqual(
      [...model.stateDict()].map(([k, t]) => [k, [...t.shape]]),
      entries.map(([, k, s]) => [k, s]),
    );
    for (const [k, key, shape] of entries) {
      const values = hashValues(k, key, shape);
      const first = g.get(`first.${key}`).data;
      const last = g.get(`last.${key}`).data;
      assert.deepEqual([...values.subarray(0, first.length)], [...first], key);
      assert.deepEqual([...values.subarray(values.length - last.length)], [...last], key);
    }
  });
});

for (const backendName of listBackends()) {
  describe(`golden models [${backendName}]`, () => {
    for (const name of CASES) {
      it(name, () =>
        withBackend(backendName, () => {
          const g = loadGolden(name);
          const meta = g.meta as unknown as ModelMeta;
          const model = hashFill(build(meta)).train(meta.train);
          const x = new Tensor(g.get('input').data.slice(), g.get('input').shape).requiresGrad_();
          if (!meta.train && backendName === 'native') {
            // Through the cached inference plan; before the graph-recording forward below, which frees it.
            const cached = noGrad(() => model.forward(x));
            assert.ok(inferencePlanUnavailable() || model.inferenceCacheMemory(), `${name}: no plan was cached`);
            assertClose(cached, g.get('output'), FWD, `${name} logits of the eval forward without grad`);
          }
          const y = model.forward(x);
          assertClose(y, g.get('output'), FWD, `${name} logits`);
          const state = model.stateDict();
          for (const key of meta.after ?? []) {
            const err = relError(state.get(key)!.data, g.get(`after.${key}`).data);
            assert.ok(err <= FWD, `${name} ${key} after forward: relative error ${err}`);
          }
          // Whole-model gradients are checked on the reference backend, which computes
          // in float64 and so makes the same ReLU and max-pool decisions as PyTorch. A
          // float32 backend (native Winograd) can flip a pre-activation lying within
          // round-off of zero, which legitimately reroutes part of the gradient; its
          // gradient kernels are checked op by op (golden-ops, kernels tests) instead.
          if (backendName !== 'ref') return;
          y.mul(g.get('upstream')).sum().backward();
          assertClose(x.grad!, g.get('grad.input'), GRAD, `${name} input gradient`);
          const params = new Map(model.namedParameters());
          for (const key of meta.grads) {
            const grad = params.get(key)?.grad;
            assert.ok(grad, `${name}: ${key} has no gradient`);
            if (meta.train && feedsBatchNorm(model, key)) {
              // A bias followed by batch-statistics BatchNorm is cancelled by the mean: its
              // true gradient is 0 and both sides hold round-off, so compare magnitudes instead.
              const weightGrad = params.get(key.replace(/bias$/, 'weight'))!.grad!;
              assert.ok(maxAbs(grad.data) <= 1e-4 * maxAbs(weightGrad.data), `${name} ${key} should be ~0`);
              continue;
            }
            const expected = g.get(`grad.${key}`);
            const rows = meta.sliced?.[`grad.${key}`]?.rows;
            const actual = rows ? new Tensor(grad.data.subarray(0, expected.numel), expected.shape) : grad;
            assertClose(actual, expected, GRAD, `${name} grad ${key}`);
          }
        }),
      );
    }
  });
}
