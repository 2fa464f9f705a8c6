/**
 * Inference plans on the WebAssembly backend: logits against the reference backend's layer-by-layer
 * forward (≤ 1e-4 relative) for vgg11, vgg16 and vgg16_bn at odd input sizes, batches 1 and 3, with
 * Winograd and with im2col everywhere; the plan API's bookkeeping and errors.
 */
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { ShapeError } from '../../../src/errors.js';
import {
  compileInferencePlanOrThrow,
  manualSeed,
  noGrad,
  randn,
  vggBuilders,
  withBackend,
} from '../../../src/index.js';
import { relError } from '../../helpers/golden.js';

const TOL = 1e-4;

describe('wasm inference plan', () => {
  for (const [name, sizes] of [
    ['vgg11', [[1, 45, 37]]],
    ['vgg16', [[3, 35, 41]]],
    [
      'vgg16_bn',
      [
        [1, 38, 33],
        [3, 32, 47],
      ],
    ],
  ] as const) {
    it(`${name}: logits within ${TOL} of the reference backend`, () => {
      manualSeed(5);
      const model = vggBuilders[name]({ numClasses: 7 }).eval();
      for (const [batch, H, W] of sizes) {
        const x = randn([batch, 3, H, W]);
        const want = withBackend('ref', () => noGrad(() => model.forward(x)));
        for (const convAlgo of ['auto', 'direct'] as const) {
          const plan = withBackend('wasm', () => compileInferencePlanOrThrow(model, { convAlgo }));
          const y = plan.forward(x);
          assert.deepEqual(y.shape, [batch, 7]);
          const err = relError(y.data, want.data);
          assert.ok(err <= TOL, `${name} ${convAlgo} batch ${batch} ${H}×${W}: ${err}`);
          plan.dispose();
        }
      }
    });
  }

  it('describes its ops, profiles them, reports memory, and refuses input that does not fit', () => {
    manualSeed(6);
    const model = vggBuilders.vgg11({ numClasses: 4 }).eval();
    const plan = withBackend('wasm', () => compileInferencePlanOrThrow(model));
    assert.match(plan.describe(), /winograd F\(4x4,3x3\) \+ bias \+ relu \+ maxpool 2x2/);
    assert.deepEqual(plan.outputShape(2, 40, 40), [2, 4]);
    const x = randn([2, 3, 40, 40]);
    const timings = plan.profile(x.data, 2, 40, 40);
    assert.equal(timings.length, plan.describe().split('\n').length - 1);
    assert.ok(timings.every((t) => t.ms >= 0 && t.label.length > 0));
    const m = plan.memory();
    assert.ok(m.preparedWeights === plan.weightBytes && m.preparedWeights > 4 * 9 * 64 * 3 * 4);
    assert.ok(m.activations > 0);
    assert.throws(() => plan.run(new Float32Array(2 * 4 * 40 * 40), 2, 40, 40), RangeError);
    assert.throws(
      () => plan.run(new Float32Array(3 * 20 * 20), 1, 20, 20),
      (e: unknown) => e instanceof ShapeError && /features\.\d+/.test(e.message),
    );
    plan.dispose();
    assert.deepEqual(plan.memory(), { preparedWeights: 0, sharedModelWeights: 0, activations: 0, workspace: 0 });
    assert.throws(() => plan.run(x.data, 2, 40, 40), /disposed/);
  });
});
