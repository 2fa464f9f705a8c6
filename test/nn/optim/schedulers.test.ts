/** Learning-rate schedulers against PyTorch 1.13's sequences (30 steps, lr and momentum/beta1 to 1e-12). */
import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { zeros } from '../../../src/tensor/creation.js';
import { Parameter } from '../../../src/nn/parameter.js';
import { ArgumentError } from '../../../src/errors.js';
import {
  SGD,
  StepLR,
  LinearLR,
  CosineAnnealingLR,
  OneCycleLR,
  SequentialLR,
  type AnyOptimizer,
} from '../../../src/nn/optim/index.js';
import {
  loadJson,
  makeOptimizer,
  makeScheduler,
  assertLrs,
  type OptimSpec,
  type SchedSpec,
} from '../../helpers/train.js';

interface Case {
  name: string;
  optim: OptimSpec['optim'];
  optimOpts?: Record<string, unknown>;
  lrs: number[];
  sched: SchedSpec;
  steps: number;
  lrs_seq: number[][];
  momentum_seq: number[][];
}

const cases = loadJson<Case[]>('schedulers.json');

function build(c: Case): { opt: AnyOptimizer; sched: ReturnType<typeof makeScheduler> } {
  const groups = c.lrs.map((lr) => ({ params: [new Parameter(zeros([2]))], lr }));
  const opt = makeOptimizer(c.optim, groups as never, c.optimOpts ?? {});
  return { opt, sched: makeScheduler(opt, c.sched) };
}

function momenta(opt: AnyOptimizer): number[] {
  return opt.paramGroups.map((g) => {
    const group = g as unknown as { betas?: [number, number]; momentum?: number };
    return group.betas ? group.betas[0] : (group.momentum as number);
  });
}

describe('schedulers vs PyTorch 1.13', () => {
  for (const c of cases) {
    it(c.name, () => {
      const { opt, sched } = build(c);
      for (let s = 0; s <= c.steps; s++) {
        if (s > 0) {
          opt.step();
          sched!.step();
        }
        assertLrs(
          opt.paramGroups.map((g) => g.lr),
          c.lrs_seq[s],
          `${c.name} step ${s}`,
        );
        assertLrs(sched!.getLastLr(), c.lrs_seq[s], `${c.name} getLastLr step ${s}`);
        assertLrs(momenta(opt), c.momentum_seq[s], `${c.name} momentum step ${s}`);
      }
    });
  }

  for (const c of cases) {
    it(`${c.name}: stateDict → JSON → loadStateDict resumes the same sequence`, () => {
      const a = build(c);
      const cut = 13;
      for (let s = 0; s < cut; s++) a.sched!.step();
      const optState = a.opt.stateDict();
      const saved = JSON.stringify(a.sched!.stateDict());
      const b = build(c);
      b.opt.loadStateDict(optState);
      b.sched!.loadStateDict(JSON.parse(saved));
      for (let s = cut + 1; s <= c.steps; s++) {
        b.sched!.step();
        assertLrs(
          b.opt.paramGroups.map((g) => g.lr),
          c.lrs_seq[s],
          `${c.name} resumed step ${s}`,
        );
        assertLrs(momenta(b.opt), c.momentum_seq[s], `${c.name} resumed momentum step ${s}`);
      }
    });
  }
});

describe('scheduler behaviour', () => {
  const opt = (lr = 0.1): SGD => new SGD([new Parameter(zeros([1]))], { lr, momentum: 0.9 });
  const throwsArg = (fn: () => unknown, re: RegExp): void =>
    assert.throws(fn, (e: unknown) => e instanceof ArgumentError && re.test((e as Error).message));

  it('records initialLr and leaves it for later schedulers', () => {
    const o = opt(0.4);
    new StepLR(o, { stepSize: 2 });
    assert.equal(o.paramGroups[0].initialLr, 0.4);
    o.paramGroups[0].lr = 0.05;
    const s2 = new CosineAnnealingLR(o, { tMax: 5 });
    assert.deepEqual(s2.baseLrs, [0.4]);
  });

  it('resuming with lastEpoch needs initialLr', () => {
    throwsArg(() => new StepLR(opt(), { stepSize: 2, lastEpoch: 4 }), /initialLr/);
  });

  it('OneCycleLR refuses to step past totalSteps', () => {
    const s = new OneCycleLR(opt(), { maxLr: 1, totalSteps: 3 });
    s.step();
    s.step();
    s.step();
    throwsArg(() => s.step(), /tried to step 5 times; the specified number of total steps is 3/);
  });

  it('bad options', () => {
    throwsArg(() => new LinearLR(opt(), { startFactor: 0 }), /startFactor/);
    throwsArg(() => new LinearLR(opt(), { endFactor: 1.5 }), /endFactor/);
    throwsArg(() => new CosineAnnealingLR(opt(), { tMax: 0 }), /tMax/);
    throwsArg(() => new StepLR(opt(), { stepSize: 2, gamma: NaN }), /gamma/);
    throwsArg(
      () => new OneCycleLR(opt(), { maxLr: 0.1, totalSteps: 10, annealStrategy: 'exp' as never }),
      /annealStrategy/,
    );
    const o = opt();
    const other = opt();
    throwsArg(
      () =>
        new SequentialLR(o, {
          schedulers: [new StepLR(o, { stepSize: 1 }), new StepLR(other, { stepSize: 1 })],
          milestones: [2],
        }),
      /same optimizer/,
    );
    throwsArg(
      () => new SequentialLR(o, { schedulers: [new StepLR(o, { stepSize: 1 })], milestones: [2] }),
      /one more scheduler than milestones/,
    );
    throwsArg(() => new StepLR(o, { stepSize: 1 }).loadStateDict({ lastEpoch: 1 }), /missing/);
  });
});
