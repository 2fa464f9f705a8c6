/** Optimizers against PyTorch 1.13: five training steps of a small conv net per config, resume, state dicts, bad input. */
import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { Tensor } from '../../../src/tensor/tensor.js';
import { tensor, zeros } from '../../../src/tensor/creation.js';
import { ArgumentError } from '../../../src/errors.js';
import { CrossEntropyLoss } from '../../../src/nn/loss.js';
import { clipGradNorm_ } from '../../../src/nn/clip.js';
import { Parameter } from '../../../src/nn/parameter.js';
import {
  SGD,
  Adam,
  AdamW,
  StepLR,
  OneCycleLR,
  type AnyOptimizer,
  type LRScheduler,
  type OptimizerStateDict,
  type ParamState,
} from '../../../src/nn/optim/index.js';
import { decodeRawSafetensors, encodeRawSafetensors } from '../../../src/io/safetensors.js';
import { fromFloat32, toFloat32 } from '../../../src/io/raw-tensor.js';
import {
  loadTensors,
  loadJson,
  buildModel,
  makeOptimizer,
  makeScheduler,
  paramsFor,
  assertClose,
  assertLrs,
  type OptimSpec,
  type SchedSpec,
  tensorsUnder,
} from '../../helpers/train.js';

interface Run extends OptimSpec {
  name: string;
  sched?: SchedSpec;
  clip?: { maxNorm: number };
  saveState?: boolean;
  losses: number[];
  lrs: number[][];
  norms?: number[];
  stateSteps?: Record<string, number>;
  stateParams?: number[][];
}
interface TrainMeta {
  labelSmoothing: number;
  steps: number;
  batches: number;
  runs: Run[];
}

const meta = loadJson<TrainMeta>('train.json');
const golden = loadTensors('train.safetensors');
const init = tensorsUnder(golden, 'init.');
const batches = Array.from({ length: meta.batches }, (_, b) => ({ x: golden.get(`x.${b}`), y: golden.get(`y.${b}`) }));

const WEIGHT_TOL = 1e-4;
const LOSS_TOL = 1e-5;

interface Trainer {
  model: ReturnType<typeof buildModel>;
  opt: AnyOptimizer;
  sched: LRScheduler | null;
  run: Run;
}

function setup(run: Run): Trainer {
  const model = buildModel();
  model.loadStateDict(init);
  model.train();
  const opt = makeOptimizer(run.optim, paramsFor(model, run) as never, run.opts);
  return { model, opt, sched: makeScheduler(opt, run.sched), run };
}

/** One step exactly as generate.py: forward, zeroGrad, backward, optional clipping, step, scheduler step. */
function trainStep(t: Trainer, step: number): { loss: number; norm?: number } {
  const { x, y } = batches[step % batches.length];
  const crit = new CrossEntropyLoss({ labelSmoothing: meta.labelSmoothing });
  const loss = crit.forward(t.model.forward(x), y);
  t.opt.zeroGrad();
  loss.backward();
  const norm = t.run.clip ? clipGradNorm_(t.model.parameters(), t.run.clip.maxNorm) : undefined;
  t.opt.step();
  t.sched?.step();
  return { loss: loss.item(), norm };
}

function snapshot(model: ReturnType<typeof buildModel>): Map<string, Float32Array> {
  return new Map([...model.stateDict()].map(([k, v]) => [k, v.toFloat32Array()]));
}

describe('optimizers vs PyTorch 1.13 (5 steps, CrossEntropyLoss with label smoothing 0.1)', () => {
  for (const run of meta.runs) {
    it(run.name, (tc) => {
      const t = setup(run);
      let lossErr = 0;
      for (let s = 0; s < meta.steps; s++) {
        const { loss, norm } = trainStep(t, s);
        const e = run.losses[s];
        const err = Math.abs(loss - e) / Math.abs(e);
        lossErr = Math.max(lossErr, err);
        assert.ok(err <= LOSS_TOL, `${run.name} step ${s}: loss ${loss} vs ${e} (rel ${err.toExponential(2)})`);
        if (run.norms) assertClose([norm as number], [run.norms[s]], 1e-5, `${run.name} step ${s}: clip norm`);
        assertLrs(
          t.opt.paramGroups.map((g) => g.lr),
          run.lrs[s],
          `${run.name} step ${s}`,
        );
      }
      let weightErr = 0;
      for (const [k, v] of t.model.stateDict()) {
        weightErr = Math.max(
          weightErr,
          assertClose(v.data, golden.get(`${run.name}.model.${k}`).data, WEIGHT_TOL, `${run.name} ${k}`),
        );
      }
      let stateErr = 0;
      if (run.saveState) {
        const sd = t.opt.stateDict();
        assert.deepEqual(
          sd.paramGroups.map((g) => g.params),
          run.stateParams,
        );
        for (const [idx, st] of sd.state) {
          for (const [name, v] of Object.entries(st)) {
            if (name === 'step') assert.equal(v, run.stateSteps?.[String(idx)], `step of ${idx}`);
            else
              stateErr = Math.max(
                stateErr,
                assertClose(
                  v as Float32Array,
                  golden.get(`${run.name}.state.${idx}.${name}`).data,
                  WEIGHT_TOL,
                  `${run.name} state ${idx}.${name}`,
                ),
              );
          }
        }
        const expectedNames = golden.names.filter((n) => n.startsWith(`${run.name}.state.`));
        const ours = [...sd.state].flatMap(([i, st]) =>
          Object.keys(st)
            .filter((k) => k !== 'step')
            .map((k) => `${run.name}.state.${i}.${k}`),
        );
        assert.deepEqual(ours.sort(), expectedNames.sort(), 'same optimizer buffers as PyTorch');
      }
      tc.diagnostic(
        `max loss rel err ${lossErr.toExponential(2)}, max weight rel err ${weightErr.toExponential(2)}` +
          (run.saveState ? `, optimizer state rel err ${stateErr.toExponential(2)}` : ''),
      );
    });
  }
});

/** The optimizer state as it would be saved: buffers to safetensors, the rest to JSON. */
function saveOptimizer(sd: OptimizerStateDict): { bytes: Uint8Array; json: string } {
  const tensors = new Map<string, ReturnType<typeof fromFloat32>>();
  const scalars: Record<string, Record<string, number>> = {};
  for (const [i, st] of sd.state) {
    for (const [k, v] of Object.entries(st)) {
      if (v instanceof Float32Array) tensors.set(`state.${i}.${k}`, fromFloat32([v.length], v));
      else (scalars[i] ??= {})[k] = v;
    }
  }
  return { bytes: encodeRawSafetensors(tensors), json: JSON.stringify({ scalars, paramGroups: sd.paramGroups }) };
}

function loadOptimizer(saved: { bytes: Uint8Array; json: string }): OptimizerStateDict {
  const { scalars, paramGroups } = JSON.parse(saved.json) as {
    scalars: Record<string, Record<string, number>>;
    paramGroups: OptimizerStateDict['paramGroups'];
  };
  const state = new Map<number, ParamState>();
  for (const [i, st] of Object.entries(scalars)) state.set(Number(i), { ...st });
  for (const [name, raw] of decodeRawSafetensors(saved.bytes).tensors) {
    const [, i, k] = name.split('.');
    const entry = state.get(Number(i)) ?? {};
    entry[k] = toFloat32(raw).slice();
    state.set(Number(i), entry);
  }
  return { state, paramGroups };
}

describe('resume: stateDict → save → load into fresh objects → continue', () => {
  for (const name of [
    'sgd_nesterov_wd_onecycle',
    'sgd_groups_multistep',
    'sgd_clip_sequential',
    'adam_amsgrad_wd',
    'adamw_onecycle',
    'adam_cosine',
  ]) {
    it(`${name}: identical to an uninterrupted run`, () => {
      const run = meta.runs.find((r) => r.name === name) as Run;
      const straight = setup(run);
      const straightLosses: number[] = [];
      for (let s = 0; s < meta.steps; s++) straightLosses.push(trainStep(straight, s).loss);

      const first = setup(run);
      const cut = 3;
      for (let s = 0; s < cut; s++) trainStep(first, s);
      const savedModel = snapshot(first.model);
      const savedOpt = saveOptimizer(first.opt.stateDict());
      const savedSched = JSON.stringify(first.sched?.stateDict() ?? null);

      const resumed = setup(run);
      resumed.model.loadStateDict(
        new Map([...savedModel].map(([k, v]) => [k, new Tensor(v, resumed.model.stateDict().get(k)!.shape)])),
      );
      resumed.opt.loadStateDict(loadOptimizer(savedOpt));
      if (resumed.sched) resumed.sched.loadStateDict(JSON.parse(savedSched));
      for (let s = cut; s < meta.steps; s++)
        assert.equal(trainStep(resumed, s).loss, straightLosses[s], `loss at step ${s}`);
      for (const [k, v] of straight.model.stateDict()) {
        assert.deepEqual(resumed.model.stateDict().get(k)!.data, v.data, `${k} differs after resume`);
      }
      assert.deepEqual(
        resumed.opt.paramGroups.map((g) => g.lr),
        straight.opt.paramGroups.map((g) => g.lr),
      );
    });
  }
});

describe('optimizer API', () => {
  const param = (values: number[]): Parameter => new Parameter(Float32Array.from(values));

  it('zeroGrad sets grads to null by default, or zeroes them', () => {
    const p = param([1, 2]);
    p.grad = tensor([3, 4]);
    const opt = new SGD([p], { lr: 0.1 });
    opt.zeroGrad(false);
    assert.deepEqual([...p.grad!.data], [0, 0]);
    opt.zeroGrad();
    assert.equal(p.grad, null);
  });

  it('skips parameters without a gradient and fills group options from the defaults', () => {
    const a = param([1, 2]);
    const b = param([5]);
    const opt = new SGD([{ params: [a], lr: 0.5 }, { params: b }], { lr: 0.1, momentum: 0.9 });
    assert.equal(opt.paramGroups[0].lr, 0.5);
    assert.equal(opt.paramGroups[1].lr, 0.1);
    assert.equal(opt.paramGroups[1].momentum, 0.9);
    a.grad = tensor([1, 1]);
    opt.step();
    assert.deepEqual([...a.data], [0.5, 1.5]);
    assert.deepEqual([...b.data], [5]);
    assert.equal(opt.state.has(b), false);
  });

  it('SGD first momentum step uses the gradient as the buffer; maximize ascends', () => {
    const p = param([1]);
    const opt = new SGD([p], { lr: 0.1, momentum: 0.9, dampening: 0.5 });
    p.grad = tensor([2]);
    opt.step();
    assert.equal(p.data[0], Math.fround(1 - 0.2));
    assert.equal((opt.state.get(p)!.momentum_buffer as Float32Array)[0], 2);
    const q = param([1]);
    const up = new SGD([q], { lr: 0.1, maximize: true });
    q.grad = tensor([2]);
    up.step();
    assert.equal(q.data[0], Math.fround(1.2));
  });

  it('Adam first step moves each weight by about lr; AdamW decays decoupled', () => {
    const p = param([1, -1]);
    const opt = new Adam([p], { lr: 0.01 });
    p.grad = tensor([0.3, -7]);
    opt.step();
    assert.ok(Math.abs(p.data[0] - 0.99) < 1e-6 && Math.abs(p.data[1] + 0.99) < 1e-6);
    assert.equal(opt.state.get(p)!.step, 1);
    const q = param([2]);
    const w = new AdamW([q], { lr: 0.1, weightDecay: 0.5 });
    q.grad = tensor([0]);
    w.step();
    assert.equal(q.data[0], Math.fround(2 * Math.fround(1 - 0.05)));
    assert.equal(new AdamW([param([1])]).paramGroups[0].weightDecay, 0.01);
  });

  it('step(closure) evaluates the closure with grad enabled and returns its value', () => {
    const p = param([3]);
    const opt = new SGD([p], { lr: 0.25 });
    const loss = opt.step(() => {
      opt.zeroGrad();
      const l = p.mul(p).sum();
      l.backward();
      return l.item();
    });
    assert.equal(loss, 9);
    assert.equal(p.data[0], 3 - 0.25 * 6);
  });

  it("stateDict is a snapshot with PyTorch's layout, JSON-safe apart from buffers", () => {
    const a = param([1, 2]);
    const b = param([3]);
    const opt = new Adam([{ params: [a] }, { params: [b], lr: 0.1 }], { amsgrad: true });
    a.grad = tensor([1, 1]);
    b.grad = tensor([1]);
    opt.step();
    const sd = opt.stateDict();
    assert.deepEqual(
      sd.paramGroups.map((g) => g.params),
      [[0], [1]],
    );
    assert.deepEqual(sd.paramGroups[0], {
      lr: 0.001,
      betas: [0.9, 0.999],
      eps: 1e-8,
      weightDecay: 0,
      amsgrad: true,
      maximize: false,
      params: [0],
    });
    assert.deepEqual(Object.keys(sd.state.get(0)!).sort(), ['exp_avg', 'exp_avg_sq', 'max_exp_avg_sq', 'step']);
    const before = (sd.state.get(0)!.exp_avg as Float32Array).slice();
    opt.step();
    assert.deepEqual(sd.state.get(0)!.exp_avg, before, 'later steps leave the snapshot alone');
    assert.doesNotThrow(() => JSON.stringify(sd.paramGroups));
  });

  it('a torch-like printed form', () => {
    const opt = new SGD([param([1])], { lr: 0.1, momentum: 0.9 });
    assert.equal(
      String(opt),
      'SGD (\nParameter Group 0\n    dampening: 0\n    lr: 0.1\n    maximize: false\n    momentum: 0.9\n    nesterov: false\n    weightDecay: 0\n)',
    );
  });
});

describe('optimizer bad input', () => {
  const p = (): Parameter => new Parameter(zeros([2]));
  const throwsArg = (fn: () => unknown, re: RegExp): void =>
    assert.throws(fn, (e: unknown) => e instanceof ArgumentError && re.test((e as Error).message));

  it('rejects bad learning rates', () => {
    throwsArg(() => new SGD([p()], { lr: NaN }), /invalid learning rate NaN/);
    throwsArg(() => new SGD([p()], { lr: -0.1 }), /invalid learning rate -0.1/);
    throwsArg(() => new Adam([p()], { lr: Infinity }), /invalid learning rate Infinity/);
    throwsArg(() => new SGD([p()]), /no learning rate/);
    throwsArg(() => new SGD([{ params: [p()], lr: -1 }], { lr: 0.1 }), /parameter group 0: invalid learning rate -1/);
    const opt = new SGD([p()], { lr: 0.1 });
    opt.paramGroups[0].lr = NaN;
    throwsArg(() => opt.step(), /invalid learning rate NaN/);
  });

  it('rejects bad options', () => {
    throwsArg(() => new SGD([p()], { lr: 0.1, momentum: -0.5 }), /momentum/);
    throwsArg(() => new SGD([p()], { lr: 0.1, weightDecay: -1 }), /weightDecay/);
    throwsArg(
      () => new SGD([p()], { lr: 0.1, nesterov: true }),
      /Nesterov momentum requires a momentum and zero dampening/,
    );
    throwsArg(() => new SGD([p()], { lr: 0.1, nesterov: true, momentum: 0.9, dampening: 0.1 }), /Nesterov/);
    throwsArg(() => new Adam([p()], { betas: [1, 0.999] }), /beta parameter at index 0/);
    throwsArg(() => new Adam([p()], { betas: [0.9, -0.1] }), /beta parameter at index 1/);
    throwsArg(() => new Adam([p()], { eps: -1 }), /eps/);
  });

  it('rejects bad parameter lists', () => {
    throwsArg(() => new SGD([], { lr: 0.1 }), /empty parameter list/);
    throwsArg(() => new SGD(p() as never, { lr: 0.1 }), /iterable/);
    const shared = p();
    throwsArg(
      () => new SGD([{ params: [shared] }, { params: [shared] }], { lr: 0.1 }),
      /more than one parameter group/,
    );
    throwsArg(() => new SGD([shared, shared], { lr: 0.1 }), /twice/);
    const leaf = p();
    const nonLeaf = leaf.mul(2);
    throwsArg(() => new SGD([nonLeaf], { lr: 0.1 }), /non-leaf/);
  });

  it('loadStateDict checks groups and buffer sizes before changing anything', () => {
    const a = p();
    const opt = new SGD([a], { lr: 0.1, momentum: 0.9 });
    a.grad = tensor([1, 1]);
    opt.step();
    const sd = opt.stateDict();
    throwsArg(
      () => new SGD([{ params: [p()] }, { params: [p()] }], { lr: 0.1 }).loadStateDict(sd),
      /1 parameter groups, the optimizer has 2/,
    );
    throwsArg(
      () => new SGD([p(), p()], { lr: 0.1 }).loadStateDict(sd),
      /group 0 has 1 parameters in the state dict, 2 in the optimizer/,
    );
    throwsArg(
      () => new SGD([new Parameter(zeros([3]))], { lr: 0.1 }).loadStateDict(sd),
      /has 2 values, the parameter has 3/,
    );
    const target = new SGD([p()], { lr: 0.7 });
    const bad = { state: new Map([[5, { momentum_buffer: new Float32Array(2) }]]), paramGroups: sd.paramGroups };
    throwsArg(() => target.loadStateDict(bad), /parameter index 5/);
    assert.equal(target.paramGroups[0].lr, 0.7, 'unchanged after a failed load');
    throwsArg(
      () => target.loadStateDict({ state: new Map(), paramGroups: [{ ...sd.paramGroups[0], lr: -1 }] }),
      /invalid learning rate -1/,
    );
  });

  it('schedulers validate their options', () => {
    const opt = new SGD([p()], { lr: 0.1 });
    throwsArg(() => new StepLR(opt, { stepSize: 0 }), /stepSize must be a positive integer/);
    throwsArg(() => new OneCycleLR(opt, { maxLr: 0.1 }), /totalSteps/);
    throwsArg(() => new OneCycleLR(opt, { maxLr: [0.1, 0.2], totalSteps: 10 }), /expected 1 values for maxLr/);
    throwsArg(() => new OneCycleLR(opt, { maxLr: 0.1, totalSteps: 10, pctStart: 1.5 }), /pctStart/);
  });
});
