/**
 * Everything needed to continue a training run exactly: optimizer buffers
 * (safetensors) and the rest — epoch, step, scheduler, the dropout generator,
 * metrics so far — as JSON. Both are written to temporary files and renamed.
 * The data order and augmentations need no state: the DataLoader derives them
 * from the seed, the epoch and the step.
 */
import { readFile } from 'node:fs/promises';
import { Tensor } from '../tensor/tensor.js';
import type { GeneratorState } from '../tensor/rng.js';
import type { OptimizerStateDict, ParamState, SavedParamGroup } from '../nn/optim/optimizer.js';
import type { SchedulerStateDict } from '../nn/optim/schedulers.js';
import { rawDictToTensors, encodeSafetensors, writeFileAtomic } from '../io/checkpoint.js';
import { decodeRawSafetensors } from '../io/safetensors.js';
import { ArgumentError } from '../errors.js';

export interface EpochMetrics {
  epoch: number;
  trainLoss: number;
  trainAccuracy: number;
  testLoss: number;
  testAccuracy: number;
  imagesPerSecond: number;
  seconds: number;
}

export interface TrainingState {
  /** The model's layer list and options (VggArchitecture) — a resume into another model is refused. */
  architecture: unknown;
  /** Whether `features` was frozen (absent in runs from before fine-tuning existed: false). */
  freezeFeatures?: boolean;
  epoch: number;
  /** Batches of `epoch` already done (0 at an epoch boundary). */
  stepInEpoch: number;
  globalStep: number;
  /** The default generator (dropout) at that point. */
  dropout: GeneratorState;
  scheduler: SchedulerStateDict;
  optimizer: { paramGroups: SavedParamGroup[]; scalars: Record<string, Record<string, number>> };
  metrics: EpochMetrics[];
  bestAccuracy: number;
}

export async function saveTrainingState(
  prefix: string,
  state: Omit<TrainingState, 'optimizer'>,
  optimizer: OptimizerStateDict,
): Promise<void> {
  const buffers = new Map<string, Tensor>();
  const scalars: Record<string, Record<string, number>> = {};
  for (const [index, s] of optimizer.state) {
    for (const [name, v] of Object.entries(s)) {
      if (v instanceof Float32Array) buffers.set(`state.${index}.${name}`, new Tensor(v, [v.length]));
      else (scalars[index] ??= {})[name] = v;
    }
  }
  await writeFileAtomic(`${prefix}.safetensors`, encodeSafetensors(buffers));
  const full: TrainingState = { ...state, optimizer: { paramGroups: optimizer.paramGroups, scalars } };
  await writeFileAtomic(`${prefix}.json`, new TextEncoder().encode(`${JSON.stringify(full, null, 1)}\n`));
}

export async function loadTrainingState(
  prefix: string,
): Promise<{ state: TrainingState; optimizer: OptimizerStateDict }> {
  let state: TrainingState;
  try {
    state = JSON.parse(await readFile(`${prefix}.json`, 'utf8')) as TrainingState;
  } catch (e) {
    throw new ArgumentError(
      `cannot read the training state ${prefix}.json: ${e instanceof Error ? e.message : String(e)}`,
    );
  }
  const buffers = rawDictToTensors(decodeRawSafetensors(await readFile(`${prefix}.safetensors`)).tensors);
  const perParam = new Map<number, ParamState>();
  for (const [index, s] of Object.entries(state.optimizer.scalars)) perParam.set(Number(index), { ...s });
  for (const [key, t] of buffers) {
    const [, index, name] = key.split('.');
    const entry = perParam.get(Number(index)) ?? {};
    entry[name] = t.data.slice();
    perParam.set(Number(index), entry);
  }
  return { state, optimizer: { state: perParam, paramGroups: state.optimizer.paramGroups } };
}
