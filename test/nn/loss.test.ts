/** Losses and their input gradients against PyTorch 1.13; bad input. */
import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { Tensor } from '../../src/tensor/tensor.js';
import { tensor, randn } from '../../src/tensor/creation.js';
import { noGrad } from '../../src/tensor/autograd.js';
import { ArgumentError, ShapeError } from '../../src/errors.js';
import {
  crossEntropy,
  nllLoss,
  mseLoss,
  CrossEntropyLoss,
  NLLLoss,
  MSELoss,
  type Reduction,
} from '../../src/nn/loss.js';
import { loadTensors, assertClose } from '../helpers/train.js';

interface Case {
  name: string;
  fn: 'crossEntropy' | 'nllLoss' | 'mseLoss';
  opts: { reduction?: Reduction; labelSmoothing?: number; ignoreIndex?: number; weight?: boolean; soft?: boolean };
}

const golden = loadTensors('losses.safetensors');
const cases = JSON.parse(golden.metadata.get('cases') as string) as Case[];
const TOL = 1e-5;

const leaf = (t: Tensor): Tensor => new Tensor(t.data.slice(), t.shape).requiresGrad_();

describe('losses vs PyTorch 1.13', () => {
  for (const c of cases) {
    it(c.name, (tc) => {
      const get = (n: string): Tensor => golden.get(`${c.name}.${n}`);
      const x = leaf(get('x'));
      const { weight: useWeight, soft: _soft, ...rest } = c.opts;
      const opts = { ...rest, weight: useWeight ? get('weight') : undefined };
      let out: Tensor;
      let t: Tensor | null = null;
      if (c.fn === 'crossEntropy') out = crossEntropy(x, get('target'), opts);
      else if (c.fn === 'nllLoss') out = nllLoss(x, get('target'), opts);
      else {
        t = leaf(get('target'));
        out = mseLoss(x, t, opts);
      }
      const eOut = assertClose(out.data, get('out').data, TOL, `${c.name} value`);
      assert.deepEqual([...out.shape], [...get('out').shape], `${c.name} shape`);
      out.backward(golden.has(`${c.name}.gy`) ? get('gy') : undefined);
      const eGrad = assertClose(x.grad!.data, get('gx').data, TOL, `${c.name} input gradient`);
      if (t) assertClose(t.grad!.data, get('gt').data, TOL, `${c.name} target gradient`);
      tc.diagnostic(`value rel err ${eOut.toExponential(2)}, grad rel err ${eGrad.toExponential(2)}`);
    });
  }

  it('Module wrappers give the functional results and print like PyTorch', () => {
    const x = golden.get('ce_mean_ls0.1_w.x');
    const y = golden.get('ce_mean_ls0.1_w.target');
    const w = golden.get('ce_mean_ls0.1_w.weight');
    const m = new CrossEntropyLoss({ labelSmoothing: 0.1, weight: w });
    assertClose(m.forward(x, y).data, golden.get('ce_mean_ls0.1_w.out').data, TOL, 'CrossEntropyLoss');
    assert.equal(String(m), 'CrossEntropyLoss()');
    assert.deepEqual([...m.stateDict().keys()], ['weight'], 'the class weight is a buffer, as in PyTorch');
    assert.equal(String(new MSELoss()), 'MSELoss()');
    const n = new NLLLoss({ reduction: 'sum' });
    const lp = golden.get('nll_sum_nw.x');
    assertClose(n.forward(lp, golden.get('nll_sum_nw.target')).data, golden.get('nll_sum_nw.out').data, TOL, 'NLLLoss');
    const a = randn([3, 4]);
    const b = randn([3, 4]);
    assert.equal(new MSELoss({ reduction: 'sum' }).forward(a, b).item(), mseLoss(a, b, { reduction: 'sum' }).item());
  });

  it('accepts number[] and Int32Array targets like a tensor of indices', () => {
    const x = golden.get('ce_sum_ls0.1_nw.x');
    const labels = [...golden.get('ce_sum_ls0.1_nw.target').data];
    const expected = golden.get('ce_sum_ls0.1_nw.out').data;
    assertClose(crossEntropy(x, labels, { reduction: 'sum', labelSmoothing: 0.1 }).data, expected, TOL, 'number[]');
    assertClose(
      crossEntropy(x, Int32Array.from(labels), { reduction: 'sum', labelSmoothing: 0.1 }).data,
      expected,
      TOL,
      'Int32Array',
    );
  });

  it('a mean over only ignored targets is NaN with a zero gradient, as in PyTorch', () => {
    const x = leaf(randn([3, 5]));
    const loss = crossEntropy(x, [-100, -100, -100], { labelSmoothing: 0.1 });
    assert.ok(Number.isNaN(loss.item()));
    loss.backward();
    assert.ok(x.grad!.data.every((v) => v === 0));
    assert.equal(crossEntropy(x, [-100, -100, -100], { reduction: 'sum' }).item(), 0);
  });

  it('agrees with logSoftmax + nllLoss and records no graph under noGrad', () => {
    const x = randn([4, 7]);
    const y = [0, 6, 3, 3];
    const fused = crossEntropy(x, y).item();
    const composed = nllLoss(x.logSoftmax(1), y).item();
    assert.ok(Math.abs(fused - composed) < 1e-6);
    const xl = leaf(x);
    assert.equal(noGrad(() => crossEntropy(xl, y)).requiresGrad, false);
  });
});

describe('loss bad input', () => {
  const x = randn([3, 5]);
  const isArg =
    (re: RegExp) =>
    (e: unknown): boolean =>
      e instanceof ArgumentError && re.test((e as Error).message);
  const isShape =
    (re: RegExp) =>
    (e: unknown): boolean =>
      e instanceof ShapeError && re.test((e as Error).message);

  it('labels out of range name the label and the class count', () => {
    assert.throws(() => crossEntropy(x, [0, 5, 1]), isArg(/target 5 at index 1 is out of bounds for 5 classes/));
    assert.throws(
      () => crossEntropy(x, tensor([0, -1, 1])),
      isArg(/target -1 at index 1 is out of bounds for 5 classes/),
    );
    assert.throws(() => nllLoss(x, [7, 0, 0]), isArg(/target 7 at index 0 is out of bounds for 5 classes/));
    assert.throws(() => new CrossEntropyLoss().forward(x, [0, 1, 9]), isArg(/target 9/));
    assert.throws(() => crossEntropy(x, [0, 1.5, 1]), isArg(/1.5 at index 1 is not an integer/));
    assert.throws(() => crossEntropy(x, [0, NaN, 1]), isArg(/NaN at index 1 is not an integer/));
  });

  it('mismatched batch sizes', () => {
    assert.throws(
      () => crossEntropy(x, [0, 1]),
      isShape(/expected input batch_size \(3\) to match target batch_size \(2\)/),
    );
    assert.throws(
      () => crossEntropy(x, tensor([0, 1, 2, 3])),
      isShape(/batch_size \(3\) to match target batch_size \(4\)/),
    );
    assert.throws(() => nllLoss(x, tensor([[0, 1, 2]])), isShape(/expected target of shape \[3\]/));
    assert.throws(
      () => mseLoss(x, randn([3, 4])),
      isShape(/input shape \[3, 5\] does not match target shape \[3, 4\]/),
    );
  });

  it('bad options', () => {
    assert.throws(
      () => crossEntropy(x, [0, 1, 2], { labelSmoothing: 1.5 }),
      isArg(/labelSmoothing must be between 0.0 and 1.0/),
    );
    assert.throws(() => crossEntropy(x, [0, 1, 2], { reduction: 'avg' as never }), isArg(/reduction must be/));
    assert.throws(() => crossEntropy(x, [0, 1, 2], { weight: randn([4]) }), isShape(/weight must have shape \[5\]/));
    assert.throws(() => crossEntropy(randn([]), [0]), isShape(/class dimension/));
    assert.throws(() => new CrossEntropyLoss({ labelSmoothing: -0.1 }), isArg(/labelSmoothing/));
  });
});
