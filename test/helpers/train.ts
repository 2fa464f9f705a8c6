/** Shared pieces of the training tests: golden files, the small model, optimizers and schedulers from JSON specs. */
import { readFileSync } from 'node:fs';
import assert from 'node:assert/strict';
import { decodeRawSafetensors } from '../../src/io/safetensors.js';
import { toFloat32 } from '../../src/io/raw-tensor.js';
import { Tensor } from '../../src/tensor/tensor.js';
import * as nn from '../../src/nn/index.js';
import {
  SGD,
  Adam,
  AdamW,
  StepLR,
  MultiStepLR,
  CosineAnnealingLR,
  LinearLR,
  OneCycleLR,
  SequentialLR,
  type AnyOptimizer,
  type LRScheduler,
  type GroupInput,
} from '../../src/nn/optim/index.js';
import { fixturePath } from './paths.js';
import { relError } from './golden.js';

export const trainFixture = (name: string): string => fixturePath('train', name);

export interface GoldenTensors {
  get(name: string): Tensor;
  has(name: string): boolean;
  names: string[];
  metadata: Map<string, string>;
}

export function loadTensors(file: string): GoldenTensors {
  const { tensors, metadata } = decodeRawSafetensors(readFileSync(trainFixture(file)));
  return {
    names: [...tensors.keys()],
    metadata,
    has: (n) => tensors.has(n),
    get: (n) => {
      const raw = tensors.get(n);
      if (!raw) throw new Error(`${file} has no tensor ${n}`);
      return new Tensor(toFloat32(raw), raw.shape);
    },
  };
}

/** The tensors saved under `prefix` ('init.' for a model's starting state), by their names without it. */
export function tensorsUnder(golden: GoldenTensors, prefix: string): Map<string, Tensor> {
  const names = golden.names.filter((n) => n.startsWith(prefix));
  return new Map(names.map((n) => [n.slice(prefix.length), golden.get(n)]));
}

export function loadJson<T>(file: string): T {
  return JSON.parse(readFileSync(trainFixture(file), 'utf8')) as T;
}

export function assertClose(actual: ArrayLike<number>, expected: ArrayLike<number>, tol: number, what: string): number {
  const err = relError(actual, expected);
  assert.ok(err <= tol, `${what}: relative error ${err.toExponential(3)} > ${tol}`);
  return err;
}

/** The model of the golden runs (generate.py's make_model). */
export function buildModel(): nn.Sequential {
  return new nn.Sequential(
    new nn.Conv2d(3, 4, 3, { padding: 1, bias: false }),
    new nn.BatchNorm2d(4),
    new nn.ReLU(),
    new nn.MaxPool2d(2),
    new nn.Flatten(),
    new nn.Linear(256, 10),
  );
}

export type OptimSpec = {
  optim: 'SGD' | 'Adam' | 'AdamW';
  opts: Record<string, unknown>;
  groups?: ({ params: string[] } & Record<string, unknown>)[];
};
export type SchedSpec = {
  type: string;
  opts?: Record<string, unknown>;
  schedulers?: SchedSpec[];
  milestones?: number[];
};

export function makeOptimizer(
  kind: OptimSpec['optim'],
  params: Iterable<Tensor> | GroupInput<Record<string, unknown> & { lr: number }>[],
  opts: Record<string, unknown>,
): AnyOptimizer {
  const p = params as never;
  switch (kind) {
    case 'SGD':
      return new SGD(p, opts);
    case 'Adam':
      return new Adam(p, opts);
    case 'AdamW':
      return new AdamW(p, opts);
  }
}

/** Parameters (or groups selected by key prefixes, as in train.json) of a model. */
export function paramsFor(model: nn.Module, spec: OptimSpec): Iterable<Tensor> | GroupInput<{ lr: number }>[] {
  if (!spec.groups) return [...model.parameters()];
  const named = [...model.namedParameters()];
  return spec.groups.map(({ params, ...opts }) => ({
    ...opts,
    params: named.filter(([n]) => params.some((pre) => n.startsWith(pre))).map(([, t]) => t),
  }));
}

export function makeScheduler(opt: AnyOptimizer, spec: SchedSpec | undefined): LRScheduler | null {
  if (!spec) return null;
  const o = (spec.opts ?? {}) as never;
  switch (spec.type) {
    case 'StepLR':
      return new StepLR(opt, o);
    case 'MultiStepLR':
      return new MultiStepLR(opt, o);
    case 'CosineAnnealingLR':
      return new CosineAnnealingLR(opt, o);
    case 'LinearLR':
      return new LinearLR(opt, o);
    case 'OneCycleLR':
      return new OneCycleLR(opt, o);
    case 'SequentialLR':
      return new SequentialLR(opt, {
        schedulers: (spec.schedulers ?? []).map((s) => makeScheduler(opt, s) as LRScheduler),
        milestones: spec.milestones ?? [],
      });
    default:
      throw new Error(`unknown scheduler ${spec.type}`);
  }
}

/** Learning rates must match PyTorch's float64 numbers to 1e-12 (relative). */
export function assertLrs(actual: readonly number[], expected: readonly number[], what: string): void {
  assert.equal(actual.length, expected.length, `${what}: number of groups`);
  actual.forEach((a, i) => {
    const e = expected[i];
    assert.ok(
      Math.abs(a - e) <= 1e-12 * Math.max(Math.abs(e), 1e-300) || a === e,
      `${what} group ${i}: lr ${a} != ${e}`,
    );
  });
}
