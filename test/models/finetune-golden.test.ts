/**
 * Fine-tuning against PyTorch 1.13 (test/fixtures/train/generate_finetune.py):
 * a small pretrained VGG gets a new 4-class head, its features are frozen, and
 * a few optimizer steps run on one batch. The classifier must match PyTorch's,
 * the frozen weights must not move at all, and the BatchNorm running
 * statistics must do what PyTorch's do (update in training mode, stay put when
 * the trunk is kept in eval mode).
 */
import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { buildVgg, type VggArchitecture } from '../../src/models/vgg.js';
import { replaceClassifierHead } from '../../src/models/finetune.js';
import { freeze, trainableParameters } from '../../src/nn/freeze.js';
import { CrossEntropyLoss } from '../../src/nn/loss.js';
import { loadTensors, loadJson, tensorsUnder, makeOptimizer, assertClose, type OptimSpec } from '../helpers/train.js';

interface Run extends OptimSpec {
  name: string;
  featuresEval: boolean;
  losses: number[];
}
interface FinetuneMeta {
  architecture: VggArchitecture;
  newClasses: number;
  steps: number;
  runs: Run[];
}

const meta = loadJson<FinetuneMeta>('finetune.json');
const golden = loadTensors('finetune.safetensors');
const init = tensorsUnder(golden, 'init.');
const x = golden.get('x');
const y = golden.get('y');

const WEIGHT_TOL = 1e-4;
const LOSS_TOL = 1e-5;
const RUNNING_STATS_TOL = 1e-5;

describe('fine-tuning vs PyTorch 1.13 (new head, frozen features, optimizer given every parameter or only the trainable ones)', () => {
  for (const [i, run] of meta.runs.entries()) {
    // PyTorch's run hands every parameter to the optimizer; alternate here so
    // both the skipping of grad-less parameters and trainableParameters are covered.
    const allParams = i % 2 === 0;
    it(`${run.name} (${allParams ? 'model.parameters()' : 'trainableParameters(model)'})`, (tc) => {
      const model = buildVgg(meta.architecture);
      model.loadStateDict(init);
      const { key, head } = replaceClassifierHead(model, meta.newClasses);
      assert.equal(key, 'classifier.6');
      head.weight.copy_(golden.get('head.weight'));
      head.bias!.copy_(golden.get('head.bias'));
      freeze(model.features, { eval: run.featuresEval });
      const params = allParams ? [...model.parameters()] : trainableParameters(model);
      const opt = makeOptimizer(run.optim, params, run.opts);
      const crit = new CrossEntropyLoss();

      let lossErr = 0;
      for (let s = 0; s < meta.steps; s++) {
        model.train();
        const loss = crit.forward(model.forward(x), y);
        opt.zeroGrad();
        loss.backward();
        for (const [k, p] of model.features.namedParameters('features'))
          assert.equal(p.grad, null, `${k} got a gradient`);
        opt.step();
        const err = Math.abs(loss.item() - run.losses[s]) / Math.abs(run.losses[s]);
        lossErr = Math.max(lossErr, err);
        assert.ok(err <= LOSS_TOL, `step ${s}: loss ${loss.item()} vs ${run.losses[s]}`);
      }

      let weightErr = 0;
      for (const [k, v] of model.stateDict()) {
        const expected = golden.get(`${run.name}.model.${k}`);
        if (k.startsWith('classifier.')) {
          weightErr = Math.max(weightErr, assertClose(v.data, expected.data, WEIGHT_TOL, k));
        } else if (/(running_mean|running_var|num_batches_tracked)$/.test(k) && !run.featuresEval) {
          assert.notDeepEqual(v.data, init.get(k)!.data, `${k} should update in training mode, as in PyTorch`);
          assertClose(v.data, expected.data, RUNNING_STATS_TOL, k);
        } else {
          // Frozen weights (and, in eval mode, the running statistics) are bit-identical to the pretrained ones.
          assert.deepEqual(v.data, init.get(k)!.data, `${k} changed`);
          assert.deepEqual(v.data, expected.data, `${k} differs from PyTorch's`);
        }
      }
      tc.diagnostic(
        `max loss rel err ${lossErr.toExponential(2)}, max classifier rel err ${weightErr.toExponential(2)}`,
      );
    });
  }
});
