/**
 * Learning-rate schedulers with PyTorch 1.13's exact arithmetic
 * (torch.optim.lr_scheduler): the same recursive `get_lr` forms, the same
 * closed forms where PyTorch uses them (SequentialLR's switch-over), and the
 * same bookkeeping (`initialLr` in each group, one step taken on
 * construction, `lastEpoch`, the step count).
 *
 * Call `scheduler.step()` after `optimizer.step()`. Each scheduler writes
 * `lr` into the optimizer's groups; `getLastLr()` returns what it last set.
 */
import { ArgumentError } from '../../errors.js';
import { Optimizer, type GroupOptions, type ParamGroup } from './optimizer.js';

export type AnyOptimizer = Optimizer<GroupOptions>;
/** A JSON-serialisable snapshot; SequentialLR nests its schedulers' snapshots. */
export type SchedulerStateDict = Record<string, unknown>;

function positiveInt(v: unknown, what: string, where: string): number {
  if (typeof v !== 'number' || !Number.isInteger(v) || v <= 0)
    throw new ArgumentError(`${where}: ${what} must be a positive integer, got ${String(v)}`);
  return v;
}

function finite(v: unknown, what: string, where: string): number {
  if (typeof v !== 'number' || !Number.isFinite(v))
    throw new ArgumentError(`${where}: ${what} must be a finite number, got ${String(v)}`);
  return v;
}

/** Python's floor modulo (non-negative for a positive divisor). */
function pyMod(a: number, b: number): number {
  return ((a % b) + b) % b;
}

export abstract class LRScheduler {
  readonly optimizer: AnyOptimizer;
  /** Each group's starting learning rate (its `initialLr`). */
  baseLrs: number[];
  /** The index of the last step taken (0 right after construction). */
  lastEpoch: number;
  /** How many times step() has run (PyTorch's `_step_count`). */
  stepCount = 0;
  protected lastLr: number[] = [];

  constructor(optimizer: AnyOptimizer, lastEpoch = -1) {
    const where = this.constructor.name;
    if (!(optimizer instanceof Optimizer)) throw new ArgumentError(`${where}: expected an Optimizer`);
    if (!Number.isInteger(lastEpoch) || lastEpoch < -1)
      throw new ArgumentError(`${where}: lastEpoch must be an integer >= -1, got ${lastEpoch}`);
    this.optimizer = optimizer;
    optimizer.paramGroups.forEach((g, i) => {
      if (lastEpoch === -1) {
        if (g.initialLr === undefined) g.initialLr = g.lr;
      } else if (g.initialLr === undefined) {
        throw new ArgumentError(
          `${where}: param 'initialLr' is not specified in paramGroups[${i}] when resuming (lastEpoch ${lastEpoch})`,
        );
      }
    });
    this.baseLrs = optimizer.paramGroups.map((g) => g.initialLr as number);
    this.lastEpoch = lastEpoch;
  }

  /** The learning rates for `lastEpoch`, computed from the current ones (PyTorch's chainable get_lr). */
  protected abstract getLr(): number[];

  /** The learning rates for `lastEpoch` from the base rates, where PyTorch has a closed form. */
  protected closedFormLr(): number[] | null {
    return null;
  }

  /** Extra fields saved by stateDict (the hyperparameters), as PyTorch saves its whole __dict__. */
  protected stateKeys(): string[] {
    return [];
  }

  /**
   * Resets the step count and takes the first step (PyTorch's `_initial_step`).
   * Each constructor ends with it; SequentialLR calls it on its first scheduler.
   */
  initialStep(): void {
    this.stepCount = 0;
    this.step();
  }

  /**
   * Advances one step and sets the groups' learning rates. `epoch` jumps to a
   * given step with the closed form, as PyTorch's deprecated `step(epoch)`
   * (SequentialLR uses it to restart a scheduler at 0).
   */
  step(epoch?: number): void {
    this.stepCount += 1;
    let values: number[];
    if (epoch === undefined) {
      this.lastEpoch += 1;
      values = this.getLr();
    } else {
      if (!Number.isInteger(epoch) || epoch < 0)
        throw new ArgumentError(`${this.constructor.name}.step: epoch must be a non-negative integer, got ${epoch}`);
      this.lastEpoch = epoch;
      values = this.closedFormLr() ?? this.getLr();
    }
    this.optimizer.paramGroups.forEach((g, i) => {
      g.lr = values[i];
    });
    this.lastLr = this.optimizer.paramGroups.map((g) => g.lr);
  }

  getLastLr(): number[] {
    return [...this.lastLr];
  }

  protected get groups(): ParamGroup[] {
    return this.optimizer.paramGroups;
  }

  stateDict(): SchedulerStateDict {
    const out: SchedulerStateDict = {
      lastEpoch: this.lastEpoch,
      stepCount: this.stepCount,
      baseLrs: [...this.baseLrs],
      lastLr: [...this.lastLr],
    };
    const self = this as unknown as Record<string, unknown>;
    for (const k of this.stateKeys()) out[k] = structuredClone(self[k]);
    return out;
  }

  loadStateDict(sd: SchedulerStateDict): void {
    const where = `${this.constructor.name}.loadStateDict`;
    if (sd === null || typeof sd !== 'object') throw new ArgumentError(`${where}: expected an object from stateDict()`);
    const keys = ['lastEpoch', 'stepCount', 'baseLrs', 'lastLr', ...this.stateKeys()];
    const missing = keys.filter((k) => !(k in sd));
    if (missing.length) throw new ArgumentError(`${where}: missing ${missing.join(', ')}`);
    for (const k of ['baseLrs', 'lastLr']) {
      const v = sd[k];
      if (!Array.isArray(v) || v.length !== this.groups.length || v.some((x) => typeof x !== 'number')) {
        throw new ArgumentError(`${where}: ${k} must hold one number per parameter group (${this.groups.length})`);
      }
    }
    const self = this as unknown as Record<string, unknown>;
    for (const k of keys) self[k] = structuredClone(sd[k]);
  }
}

export interface StepLROptions {
  /** Decay every stepSize steps. */
  stepSize: number;
  /** Multiplicative decay (default 0.1). */
  gamma?: number;
  lastEpoch?: number;
}

/** lr · gamma every stepSize steps (torch.optim.lr_scheduler.StepLR). */
export class StepLR extends LRScheduler {
  stepSize: number;
  gamma: number;

  constructor(optimizer: AnyOptimizer, opts: StepLROptions) {
    super(optimizer, opts?.lastEpoch ?? -1);
    this.stepSize = positiveInt(opts?.stepSize, 'stepSize', 'StepLR');
    this.gamma = finite(opts.gamma ?? 0.1, 'gamma', 'StepLR');
    this.initialStep();
  }

  protected getLr(): number[] {
    if (this.lastEpoch === 0 || this.lastEpoch % this.stepSize !== 0) return this.groups.map((g) => g.lr);
    return this.groups.map((g) => g.lr * this.gamma);
  }

  protected override closedFormLr(): number[] {
    return this.baseLrs.map((b) => b * this.gamma ** Math.floor(this.lastEpoch / this.stepSize));
  }

  protected override stateKeys(): string[] {
    return ['stepSize', 'gamma'];
  }
}

export interface MultiStepLROptions {
  /** Steps at which to decay; a step listed k times decays by gamma^k. */
  milestones: readonly number[];
  gamma?: number;
  lastEpoch?: number;
}

/** lr · gamma at each milestone (torch.optim.lr_scheduler.MultiStepLR). */
export class MultiStepLR extends LRScheduler {
  /** Sorted, with repeats (PyTorch keeps a Counter). */
  milestones: number[];
  gamma: number;

  constructor(optimizer: AnyOptimizer, opts: MultiStepLROptions) {
    super(optimizer, opts?.lastEpoch ?? -1);
    if (!Array.isArray(opts?.milestones))
      throw new ArgumentError('MultiStepLR: milestones must be an array of step indices');
    for (const m of opts.milestones) {
      if (!Number.isInteger(m)) throw new ArgumentError(`MultiStepLR: milestone ${m} is not an integer`);
    }
    this.milestones = [...opts.milestones].sort((a, b) => a - b);
    this.gamma = finite(opts.gamma ?? 0.1, 'gamma', 'MultiStepLR');
    this.initialStep();
  }

  protected getLr(): number[] {
    const hits = this.milestones.filter((m) => m === this.lastEpoch).length;
    if (hits === 0) return this.groups.map((g) => g.lr);
    return this.groups.map((g) => g.lr * this.gamma ** hits);
  }

  protected override closedFormLr(): number[] {
    const passed = this.milestones.filter((m) => m <= this.lastEpoch).length;
    return this.baseLrs.map((b) => b * this.gamma ** passed);
  }

  protected override stateKeys(): string[] {
    return ['milestones', 'gamma'];
  }
}

export interface CosineAnnealingLROptions {
  /** Half a period, in steps (PyTorch's T_max). */
  tMax: number;
  /** The lowest learning rate (default 0). */
  etaMin?: number;
  lastEpoch?: number;
}

/**
 * Cosine annealing from the base rate to etaMin over tMax steps, then back up
 * (torch.optim.lr_scheduler.CosineAnnealingLR, in PyTorch's recursive form,
 * which also follows changes made to lr from outside).
 */
export class CosineAnnealingLR extends LRScheduler {
  tMax: number;
  etaMin: number;

  constructor(optimizer: AnyOptimizer, opts: CosineAnnealingLROptions) {
    super(optimizer, opts?.lastEpoch ?? -1);
    this.tMax = finite(opts?.tMax, 'tMax', 'CosineAnnealingLR');
    if (this.tMax <= 0) throw new ArgumentError(`CosineAnnealingLR: tMax must be > 0, got ${this.tMax}`);
    this.etaMin = finite(opts.etaMin ?? 0, 'etaMin', 'CosineAnnealingLR');
    this.initialStep();
  }

  protected getLr(): number[] {
    const { lastEpoch: e, tMax: T, etaMin } = this;
    if (e === 0) return this.groups.map((g) => g.lr);
    if (this.stepCount === 1 && e > 0) {
      return this.baseLrs.map((b) => etaMin + ((b - etaMin) * (1 + Math.cos((e * Math.PI) / T))) / 2);
    }
    if (pyMod(e - 1 - T, 2 * T) === 0) {
      return this.groups.map((g, i) => g.lr + ((this.baseLrs[i] - etaMin) * (1 - Math.cos(Math.PI / T))) / 2);
    }
    return this.groups.map(
      (g) => ((1 + Math.cos((Math.PI * e) / T)) / (1 + Math.cos((Math.PI * (e - 1)) / T))) * (g.lr - etaMin) + etaMin,
    );
  }

  protected override closedFormLr(): number[] {
    return this.baseLrs.map(
      (b) => this.etaMin + ((b - this.etaMin) * (1 + Math.cos((Math.PI * this.lastEpoch) / this.tMax))) / 2,
    );
  }

  protected override stateKeys(): string[] {
    return ['tMax', 'etaMin'];
  }
}

export interface LinearLROptions {
  /** Factor at step 0, in (0, 1] (default 1/3). */
  startFactor?: number;
  /** Factor from totalIters on, in [0, 1] (default 1). */
  endFactor?: number;
  /** Steps to go from startFactor to endFactor (default 5). */
  totalIters?: number;
  lastEpoch?: number;
}

/** Linear change of a multiplicative factor, e.g. a warm-up (torch.optim.lr_scheduler.LinearLR). */
export class LinearLR extends LRScheduler {
  startFactor: number;
  endFactor: number;
  totalIters: number;

  constructor(optimizer: AnyOptimizer, opts: LinearLROptions = {}) {
    super(optimizer, opts.lastEpoch ?? -1);
    this.startFactor = finite(opts.startFactor ?? 1 / 3, 'startFactor', 'LinearLR');
    this.endFactor = finite(opts.endFactor ?? 1, 'endFactor', 'LinearLR');
    if (this.startFactor <= 0 || this.startFactor > 1)
      throw new ArgumentError(`LinearLR: startFactor must be in (0, 1], got ${this.startFactor}`);
    if (this.endFactor < 0 || this.endFactor > 1)
      throw new ArgumentError(`LinearLR: endFactor must be in [0, 1], got ${this.endFactor}`);
    this.totalIters = positiveInt(opts.totalIters ?? 5, 'totalIters', 'LinearLR');
    this.initialStep();
  }

  protected getLr(): number[] {
    const { lastEpoch: e, startFactor: s, endFactor: t, totalIters: n } = this;
    if (e === 0) return this.groups.map((g) => g.lr * s);
    if (e > n) return this.groups.map((g) => g.lr);
    return this.groups.map((g) => g.lr * (1 + (t - s) / (n * s + (e - 1) * (t - s))));
  }

  protected override closedFormLr(): number[] {
    const { lastEpoch: e, startFactor: s, endFactor: t, totalIters: n } = this;
    return this.baseLrs.map((b) => b * (s + ((t - s) * Math.min(n, e)) / n));
  }

  protected override stateKeys(): string[] {
    return ['startFactor', 'endFactor', 'totalIters'];
  }
}

export interface OneCycleLROptions {
  /** Peak learning rate, one value or one per group. */
  maxLr: number | readonly number[];
  /** Steps in the cycle; or give epochs and stepsPerEpoch. */
  totalSteps?: number;
  epochs?: number;
  stepsPerEpoch?: number;
  /** Fraction of the cycle spent increasing the rate (default 0.3). */
  pctStart?: number;
  annealStrategy?: 'cos' | 'linear';
  /** Cycle momentum (SGD) or beta1 (Adam) inversely to the rate (default true). */
  cycleMomentum?: boolean;
  baseMomentum?: number | readonly number[];
  maxMomentum?: number | readonly number[];
  /** initialLr = maxLr / divFactor (default 25). */
  divFactor?: number;
  /** minLr = initialLr / finalDivFactor (default 1e4). */
  finalDivFactor?: number;
  /** A third phase that anneals from initialLr to minLr (default false). */
  threePhase?: boolean;
  lastEpoch?: number;
}

interface Phase {
  endStep: number;
  startLr: 'initialLr' | 'maxLr';
  endLr: 'initialLr' | 'maxLr' | 'minLr';
  startMomentum: 'maxMomentum' | 'baseMomentum';
  endMomentum: 'maxMomentum' | 'baseMomentum';
}

/** The 1cycle policy (torch.optim.lr_scheduler.OneCycleLR), momentum cycling included. */
export class OneCycleLR extends LRScheduler {
  totalSteps: number;
  phases: Phase[];
  annealStrategy: 'cos' | 'linear';
  cycleMomentum: boolean;
  /** Whether momentum cycling drives Adam's beta1 rather than SGD's momentum. */
  useBeta1: boolean;

  constructor(optimizer: AnyOptimizer, opts: OneCycleLROptions) {
    const where = 'OneCycleLR';
    if (!(optimizer instanceof Optimizer)) throw new ArgumentError(`${where}: expected an Optimizer`);
    let totalSteps: number;
    if (opts?.totalSteps !== undefined) {
      totalSteps = positiveInt(opts.totalSteps, 'totalSteps', where);
    } else if (opts?.epochs !== undefined || opts?.stepsPerEpoch !== undefined) {
      totalSteps = positiveInt(opts.epochs, 'epochs', where) * positiveInt(opts.stepsPerEpoch, 'stepsPerEpoch', where);
    } else {
      throw new ArgumentError(`${where}: give either totalSteps or epochs and stepsPerEpoch`);
    }
    const pct = opts.pctStart ?? 0.3;
    if (typeof pct !== 'number' || !(pct >= 0 && pct <= 1))
      throw new ArgumentError(`${where}: pctStart must be between 0 and 1, got ${pct}`);
    const strategy = opts.annealStrategy ?? 'cos';
    if (strategy !== 'cos' && strategy !== 'linear')
      throw new ArgumentError(`${where}: annealStrategy must be 'cos' or 'linear', got ${String(strategy)}`);
    const divFactor = finite(opts.divFactor ?? 25, 'divFactor', where);
    const finalDivFactor = finite(opts.finalDivFactor ?? 1e4, 'finalDivFactor', where);
    const lastEpoch = opts.lastEpoch ?? -1;
    const groups = optimizer.paramGroups;
    const perGroup = (v: number | readonly number[], name: string): number[] => {
      if (Array.isArray(v)) {
        if (v.length !== groups.length)
          throw new ArgumentError(`${where}: expected ${groups.length} values for ${name}, got ${v.length}`);
        return v.map((x) => finite(x, name, where));
      }
      return groups.map(() => finite(v, name, where));
    };
    const maxLrs = perGroup(opts.maxLr, 'maxLr');
    const cycle = opts.cycleMomentum ?? true;
    const defaults = optimizer.defaults as Record<string, unknown>;
    const useBeta1 = 'betas' in defaults;
    if (cycle && !useBeta1 && !('momentum' in defaults))
      throw new ArgumentError(`${where}: optimizer must support momentum with cycleMomentum enabled`);
    const maxMoms = perGroup(opts.maxMomentum ?? 0.95, 'maxMomentum');
    const baseMoms = perGroup(opts.baseMomentum ?? 0.85, 'baseMomentum');
    if (lastEpoch === -1) {
      groups.forEach((g, i) => {
        g.initialLr = maxLrs[i] / divFactor;
        g.maxLr = maxLrs[i];
        g.minLr = g.initialLr / finalDivFactor;
        if (cycle) {
          setMomentum(g, useBeta1, maxMoms[i]);
          g.maxMomentum = maxMoms[i];
          g.baseMomentum = baseMoms[i];
        }
      });
    }
    super(optimizer, lastEpoch);
    this.totalSteps = totalSteps;
    this.annealStrategy = strategy;
    this.cycleMomentum = cycle;
    this.useBeta1 = useBeta1;
    this.phases = opts.threePhase
      ? [
          {
            endStep: pct * totalSteps - 1,
            startLr: 'initialLr',
            endLr: 'maxLr',
            startMomentum: 'maxMomentum',
            endMomentum: 'baseMomentum',
          },
          {
            endStep: 2 * pct * totalSteps - 2,
            startLr: 'maxLr',
            endLr: 'initialLr',
            startMomentum: 'baseMomentum',
            endMomentum: 'maxMomentum',
          },
          {
            endStep: totalSteps - 1,
            startLr: 'initialLr',
            endLr: 'minLr',
            startMomentum: 'maxMomentum',
            endMomentum: 'maxMomentum',
          },
        ]
      : [
          {
            endStep: pct * totalSteps - 1,
            startLr: 'initialLr',
            endLr: 'maxLr',
            startMomentum: 'maxMomentum',
            endMomentum: 'baseMomentum',
          },
          {
            endStep: totalSteps - 1,
            startLr: 'maxLr',
            endLr: 'minLr',
            startMomentum: 'baseMomentum',
            endMomentum: 'maxMomentum',
          },
        ];
    this.initialStep();
  }

  private anneal(start: number, end: number, pct: number): number {
    if (this.annealStrategy === 'linear') return (end - start) * pct + start;
    const cosOut = Math.cos(Math.PI * pct) + 1;
    return end + ((start - end) / 2.0) * cosOut;
  }

  protected getLr(): number[] {
    const stepNum = this.lastEpoch;
    if (stepNum > this.totalSteps) {
      throw new ArgumentError(
        `OneCycleLR: tried to step ${stepNum + 1} times; the specified number of total steps is ${this.totalSteps}`,
      );
    }
    return this.groups.map((g) => {
      let startStep = 0;
      let lr = NaN;
      let momentum = NaN;
      for (let i = 0; i < this.phases.length; i++) {
        const phase = this.phases[i];
        const endStep = phase.endStep;
        if (stepNum <= endStep || i === this.phases.length - 1) {
          const pct = (stepNum - startStep) / (endStep - startStep);
          lr = this.anneal(g[phase.startLr] as number, g[phase.endLr] as number, pct);
          if (this.cycleMomentum)
            momentum = this.anneal(g[phase.startMomentum] as number, g[phase.endMomentum] as number, pct);
          break;
        }
        startStep = endStep;
      }
      if (this.cycleMomentum) setMomentum(g, this.useBeta1, momentum);
      return lr;
    });
  }

  protected override stateKeys(): string[] {
    return ['totalSteps', 'phases', 'annealStrategy', 'cycleMomentum', 'useBeta1'];
  }
}

function setMomentum(g: ParamGroup, useBeta1: boolean, value: number): void {
  const group = g as ParamGroup & { betas?: [number, number]; momentum?: number };
  if (useBeta1) group.betas = [value, (group.betas as [number, number])[1]];
  else group.momentum = value;
}

export interface SequentialLROptions {
  /** The schedulers to run one after another, all on this optimizer. */
  schedulers: LRScheduler[];
  /** The steps at which to switch to the next scheduler (one fewer than schedulers). */
  milestones: readonly number[];
  lastEpoch?: number;
}

/** Runs schedulers one after another, switching at the milestones (torch.optim.lr_scheduler.SequentialLR). */
export class SequentialLR extends LRScheduler {
  schedulers: LRScheduler[];
  milestones: number[];

  constructor(optimizer: AnyOptimizer, opts: SequentialLROptions) {
    const where = 'SequentialLR';
    super(optimizer, opts?.lastEpoch ?? -1);
    if (!Array.isArray(opts?.schedulers) || opts.schedulers.length === 0)
      throw new ArgumentError(`${where}: schedulers must be a non-empty array`);
    opts.schedulers.forEach((s, i) => {
      if (!(s instanceof LRScheduler)) throw new ArgumentError(`${where}: schedulers[${i}] is not a scheduler`);
      if (s.optimizer !== optimizer) {
        throw new ArgumentError(
          `${where}: expects all schedulers to belong to the same optimizer, but the scheduler at index ${i} has a different one`,
        );
      }
    });
    if (!Array.isArray(opts.milestones) || opts.milestones.length !== opts.schedulers.length - 1) {
      throw new ArgumentError(
        `${where}: expects one more scheduler than milestones, got ${opts.schedulers.length} schedulers and ${opts.milestones?.length} milestones`,
      );
    }
    this.schedulers = [...opts.schedulers];
    this.milestones = [...opts.milestones];
    this.lastEpoch += 1;
    // Back to the initial rates, undo the step each scheduler took when built, restart the first.
    for (const g of this.groups) g.lr = g.initialLr as number;
    for (const s of this.schedulers) s.lastEpoch -= 1;
    this.schedulers[0].initialStep();
    this.lastLr = this.schedulers[0].getLastLr();
  }

  protected getLr(): number[] {
    return this.getLastLr();
  }

  override initialStep(): void {
    // PyTorch's SequentialLR starts through its first scheduler in the constructor.
    this.schedulers[0].initialStep();
    this.lastLr = this.schedulers[0].getLastLr();
  }

  override step(): void {
    this.lastEpoch += 1;
    let idx = 0;
    while (idx < this.milestones.length && this.milestones[idx] <= this.lastEpoch) idx++;
    const scheduler = this.schedulers[idx];
    if (idx > 0 && this.milestones[idx - 1] === this.lastEpoch) scheduler.step(0);
    else scheduler.step();
    this.lastLr = scheduler.getLastLr();
  }

  override stateDict(): SchedulerStateDict {
    return { ...super.stateDict(), schedulers: this.schedulers.map((s) => s.stateDict()) };
  }

  override loadStateDict(sd: SchedulerStateDict): void {
    const where = 'SequentialLR.loadStateDict';
    const nested = sd?.schedulers;
    if (!Array.isArray(nested) || nested.length !== this.schedulers.length) {
      throw new ArgumentError(`${where}: expected ${this.schedulers.length} scheduler states`);
    }
    const own: SchedulerStateDict = { ...sd };
    delete own.schedulers;
    super.loadStateDict(own);
    this.schedulers.forEach((s, i) => s.loadStateDict(nested[i] as SchedulerStateDict));
  }

  protected override stateKeys(): string[] {
    return ['milestones'];
  }
}
