/**
 * Everything needed to continue a training run exactly, saved as one atomic
 * unit. The weights and optimizer buffers go to files named by a generation
 * number (checkpoint/weights-<g>.safetensors, checkpoint/optimizer-<g>.safetensors);
 * then state.json — epoch, step, scheduler, the dropout generator, metrics so
 * far, and g — is renamed into place. That rename is the commit: a crash
 * before it leaves the previous generation in force, a crash after it the new
 * one, and files of other generations or half-written temporaries are removed
 * at the next save or resume. last.safetensors, the model a user opens, is a
 * hard link to the committed weights made after the commit. The data order
 * and augmentations need no state: the DataLoader derives them from the seed,
 * the epoch and the step.
 */
import { copyFile, link, mkdir, readFile, readdir, rename, rm } from 'node:fs/promises';
import { join } from 'node:path';
import { Tensor } from '../tensor/tensor.js';
import type { GeneratorState } from '../tensor/rng.js';
import type { OptimizerStateDict, ParamState, SavedParamGroup } from '../nn/optim/optimizer.js';
import type { SchedulerStateDict } from '../nn/optim/schedulers.js';
import { rawDictToTensors, encodeSafetensors } from '../io/checkpoint.js';
import { TEMPORARY_FILE_MARK, writeFileAtomic } from '../platform/node/files.js';
import { decodeRawSafetensors } from '../io/safetensors.js';
import { crashPoint } from '../io/crash-point.js';
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

/** Sums over the batches of an epoch so far, so an epoch resumed midway reports the whole epoch. */
export interface EpochTally {
  seen: number;
  correct: number;
  lossSum: number;
  seconds: number;
}

/** The settings a resume must keep (or change only with allowChanges). */
export interface RunSettings {
  dataset: string;
  imageSize: number | null;
  lr: number;
  batchSize: number;
  optimizer: string;
  schedule: string;
  weightDecay: number;
  labelSmoothing: number;
  seed: number;
}

export interface TrainingState {
  /** Names the files that hold the weights and optimizer buffers of this checkpoint. */
  generation: number;
  /** The model's layer list and options (VggArchitecture) — a resume into another model is refused. */
  architecture: unknown;
  /** Whether `features` was frozen (absent in runs from before fine-tuning existed: false). */
  freezeFeatures?: boolean;
  /** Absent in runs from before settings were recorded: nothing to compare. */
  settings?: RunSettings;
  epoch: number;
  /** Batches of `epoch` already done (0 at an epoch boundary). */
  stepInEpoch: number;
  /** The sums over those batches (absent in older runs). */
  tally?: EpochTally;
  globalStep: number;
  /** The default generator (dropout) at that point. */
  dropout: GeneratorState;
  scheduler: SchedulerStateDict;
  optimizer: { paramGroups: SavedParamGroup[]; scalars: Record<string, Record<string, number>> };
  metrics: EpochMetrics[];
  bestAccuracy: number;
}

const STATE_FILE = 'state.json';
const CHECKPOINT_DIR = 'checkpoint';
/** The model file a user opens: the committed weights. */
export const LAST_MODEL_FILE = 'last.safetensors';

function generationFiles(outDir: string, generation: number): { weights: string; optimizer: string } {
  return {
    weights: join(outDir, CHECKPOINT_DIR, `weights-${generation}.safetensors`),
    optimizer: join(outDir, CHECKPOINT_DIR, `optimizer-${generation}.safetensors`),
  };
}

/**
 * Saves generation `state.generation`: `writeWeights` writes the model file to
 * the path it is given; state.json is committed last.
 */
export async function saveTrainingState(
  outDir: string,
  state: Omit<TrainingState, 'optimizer'>,
  optimizer: OptimizerStateDict,
  writeWeights: (path: string) => Promise<void>,
): Promise<void> {
  const buffers = new Map<string, Tensor>();
  const scalars: Record<string, Record<string, number>> = {};
  for (const [index, s] of optimizer.state) {
    for (const [name, v] of Object.entries(s)) {
      if (v instanceof Float32Array) buffers.set(`state.${index}.${name}`, new Tensor(v, [v.length]));
      else (scalars[index] ??= {})[name] = v;
    }
  }
  const files = generationFiles(outDir, state.generation);
  await mkdir(join(outDir, CHECKPOINT_DIR), { recursive: true });
  await writeWeights(files.weights);
  await writeFileAtomic(files.optimizer, encodeSafetensors(buffers));
  const full: TrainingState = { ...state, optimizer: { paramGroups: optimizer.paramGroups, scalars } };
  await writeFileAtomic(join(outDir, STATE_FILE), `${JSON.stringify(full, null, 1)}\n`);
  await publishLastModel(outDir, files.weights);
  await removeStaleFiles(outDir, state.generation);
}

/** Points last.safetensors at the committed weights (a hard link; a copy where the file system has none). */
async function publishLastModel(outDir: string, weights: string): Promise<void> {
  const tmp = join(outDir, `${LAST_MODEL_FILE}${TEMPORARY_FILE_MARK}${process.pid}`);
  await rm(tmp, { force: true });
  await link(weights, tmp).catch(() => copyFile(weights, tmp));
  crashPoint();
  await rename(tmp, join(outDir, LAST_MODEL_FILE));
  // When last.safetensors already was this link, POSIX rename does nothing and leaves tmp in place.
  await rm(tmp, { force: true });
  crashPoint();
}

/** Removes what a crash can leave behind: temporaries, and checkpoint files of generations other than `current`. */
async function removeStaleFiles(outDir: string, current: number): Promise<void> {
  const keep = Object.values(generationFiles(outDir, current));
  for (const dir of [outDir, join(outDir, CHECKPOINT_DIR)]) {
    const names = await readdir(dir).catch(() => []);
    for (const name of names) {
      const path = join(dir, name);
      const stale = name.includes(TEMPORARY_FILE_MARK) || (dir !== outDir && !keep.includes(path));
      if (stale) await rm(path, { force: true });
    }
  }
  crashPoint();
}

/**
 * Reads the committed checkpoint in `outDir`, removes whatever an interrupted
 * save left, and makes last.safetensors the committed weights again.
 */
export async function loadTrainingState(
  outDir: string,
): Promise<{ state: TrainingState; optimizer: OptimizerStateDict; weightsFile: string }> {
  const statePath = join(outDir, STATE_FILE);
  let text: string;
  try {
    text = await readFile(statePath, 'utf8');
  } catch (e) {
    throw new ArgumentError(
      (e as NodeJS.ErrnoException).code === 'ENOENT'
        ? `${outDir} holds no saved training state to resume (${STATE_FILE} is written at the end of every epoch and when a run is stopped); start the run without --resume`
        : `cannot read the training state ${statePath}: ${e instanceof Error ? e.message : String(e)}`,
    );
  }
  let state: TrainingState;
  try {
    state = JSON.parse(text) as TrainingState;
  } catch (e) {
    throw new ArgumentError(`${statePath} is not valid JSON: ${e instanceof Error ? e.message : String(e)}`);
  }
  if (!Number.isInteger(state.generation))
    throw new ArgumentError(
      `${statePath} has no checkpoint generation (saved by an older vgg-ts); it cannot be resumed`,
    );
  const files = generationFiles(outDir, state.generation);
  await removeStaleFiles(outDir, state.generation);
  await publishLastModel(outDir, files.weights);
  const buffers = rawDictToTensors(decodeRawSafetensors(await readFile(files.optimizer)).tensors);
  const perParam = new Map<number, ParamState>();
  for (const [index, s] of Object.entries(state.optimizer.scalars)) perParam.set(Number(index), { ...s });
  for (const [key, t] of buffers) {
    const [, index, name] = key.split('.');
    const entry = perParam.get(Number(index)) ?? {};
    entry[name] = t.data.slice();
    perParam.set(Number(index), entry);
  }
  return {
    state,
    optimizer: { state: perParam, paramGroups: state.optimizer.paramGroups },
    weightsFile: files.weights,
  };
}
