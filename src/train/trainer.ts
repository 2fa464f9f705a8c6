/**
 * A training run on any Dataset (Fashion-MNIST, MNIST, CIFAR-10, an image
 * folder): epochs of shuffled, augmented batches from a DataLoader, an
 * evaluation after each epoch, metrics files and a chart, the best and last
 * model files, and a state file from which `resume` continues exactly —
 * weights, optimizer, scheduler, epoch, step and the dropout generator. The
 * data order and augmentations need no saved state: the DataLoader derives
 * them from (seed, epoch, position), so restarting epoch e at batch s gives
 * the batches an uninterrupted run would have seen. A checkpoint is one
 * atomic unit (see state.ts), so a run killed at any point resumes exactly.
 * A non-finite loss stops the run and keeps the last checkpoint; `stop()`
 * (Ctrl-C) saves and returns within one batch. Where the native addon can
 * plan them, evaluations and a frozen `features` trunk run as inference plans
 * (faster than layer by layer: BENCHMARKS.md).
 */
import { join } from 'node:path';
import { ArgumentError } from '../errors.js';
import { noGrad } from '../tensor/autograd.js';
import { defaultGenerator } from '../tensor/rng.js';
import { crossEntropy } from '../nn/loss.js';
import { SGD } from '../nn/optim/sgd.js';
import { Adam } from '../nn/optim/adam.js';
import {
  CosineAnnealingLR,
  OneCycleLR,
  StepLR,
  type LRScheduler,
  type SchedulerStateDict,
} from '../nn/optim/schedulers.js';
import type { Optimizer, OptimizerStateDict } from '../nn/optim/optimizer.js';
import { writeFileAtomic } from '../io/checkpoint.js';
import { buildVgg, type VGG, type VggArchitecture } from '../models/vgg.js';
import { freeze, trainableParameters } from '../nn/freeze.js';
import { saveModel, loadModel } from '../models/saved.js';
import { frozenFeaturesForward } from '../models/finetune.js';
import type { Dataset, SampleTransform } from '../data/dataset.js';
import { DataLoader } from '../data/loader.js';
import { imageClassification, type ImageClassificationSpec } from '../data/transforms.js';
import { trainingChartHtml } from './chart.js';
import {
  LAST_MODEL_FILE,
  loadTrainingState,
  saveTrainingState,
  type EpochMetrics,
  type EpochTally,
  type RunSettings,
} from './state.js';
import { describeWriteError, isRunFolderError, openRunFolder, removeCreatedFolders } from './run-folder.js';
import { tryCompileInferencePlan } from '../models/plan.js';

export interface TrainOptions {
  architecture: VggArchitecture;
  /**
   * Start from this model (pretrained weights, a new head) instead of fresh
   * weights; its architecture() must equal `architecture`. Resume ignores it.
   */
  initialModel?: VGG;
  /**
   * Train only the classifier: `features` frozen and kept in evaluation mode
   * (pretrained BatchNorm statistics used and kept). Recorded in the state,
   * so a resume must ask for the same.
   */
  freezeFeatures?: boolean;
  epochs: number;
  batchSize: number;
  lr: number;
  optimizer: 'sgd' | 'adam';
  schedule: 'none' | 'cosine' | 'onecycle' | 'step';
  weightDecay: number;
  labelSmoothing: number;
  /** Seeds the weights, dropout, data order and augmentations. */
  seed: number;
  outDir: string;
  /** Continue from the state in outDir. */
  resume?: boolean;
  /** Replace the run already in outDir (without it, a folder holding a run is refused unless resuming). */
  overwrite?: boolean;
  /**
   * Resume although the learning rate, batch size, image size, dataset or another
   * recorded setting differs from the saved run (refused otherwise). A new
   * learning rate scales the saved optimizer's and scheduler's rates.
   */
  allowChanges?: boolean;
  /** Names the dataset in the recorded settings (e.g. 'fashion-mnist'); its sizes and classes are always part of it. */
  datasetName?: string;
  /** Stop (saving everything) after this many steps in total: for tests and for splitting long runs. */
  maxSteps?: number;
  /** Augmentation and normalisation of training images (default none: the dataset's [0, 1] images). */
  trainTransform?: SampleTransform;
  /** Preprocessing of test images; default `imageClassification(preprocessing)` when that is given, else none. */
  testTransform?: SampleTransform;
  /**
   * The evaluation preprocessing as data (mean/std per channel, grayscale, sizes), recorded in
   * the saved models so `vgg classify` prepares images the way testTransform does.
   */
  preprocessing?: ImageClassificationSpec;
  /** Batches loaded ahead while the model computes. Default 2. */
  prefetch?: number;
  /** Batch size for the evaluation. Default batchSize. */
  evalBatchSize?: number;
  onProgress?: (p: {
    epoch: number;
    step: number;
    steps: number;
    loss: number;
    accuracy: number;
    imagesPerSecond: number;
  }) => void;
  onEpoch?: (m: EpochMetrics) => void;
}

export interface TrainResult {
  model: VGG;
  metrics: EpochMetrics[];
  /** Why the run ended. */
  status: 'finished' | 'stopped' | 'diverged';
  message?: string;
}

/** Lets timers and signal handlers (Ctrl-C) run between batches, even when every batch comes from memory. */
function yieldToEventLoop(): Promise<void> {
  return new Promise((resolve) => setImmediate(resolve));
}

const LR_KEYS = ['lr', 'initialLr', 'maxLr', 'minLr'];
const SCHEDULER_LR_KEYS = ['baseLrs', 'lastLr'];

/** Multiplies every learning rate in saved optimizer and scheduler states by `ratio` (a resume with a new --lr). */
function scaleLearningRates(optimizer: OptimizerStateDict, scheduler: SchedulerStateDict, ratio: number): void {
  for (const group of optimizer.paramGroups as unknown as Record<string, unknown>[]) {
    for (const k of LR_KEYS) if (typeof group[k] === 'number') group[k] *= ratio;
  }
  for (const k of SCHEDULER_LR_KEYS) {
    const v = scheduler[k];
    if (Array.isArray(v)) scheduler[k] = v.map((x: number) => x * ratio);
  }
}

/** The recorded settings that differ, as "name: saved → now". */
function changedSettings(saved: RunSettings, now: RunSettings): string[] {
  return (Object.keys(now) as (keyof RunSettings)[])
    .filter((k) => saved[k] !== now[k])
    .map((k) => `${k}: ${String(saved[k])} → ${String(now[k])}`);
}

export class Trainer {
  private stopRequested = false;
  /** The committed checkpoint (0: none yet) and where it continues. */
  private generation = 0;
  private committedAt = { epoch: 1, step: 0 };

  constructor(
    private readonly train: Dataset,
    private readonly test: Dataset,
    private readonly opts: TrainOptions,
  ) {
    const { architecture: arch, preprocessing } = opts;
    if (train.classes.length !== arch.numClasses) {
      throw new ArgumentError(`the dataset has ${train.classes.length} classes but the model ${arch.numClasses}`);
    }
    if (test.classes.length !== train.classes.length || test.classes.some((c, i) => c !== train.classes[i])) {
      throw new ArgumentError(
        `the test set's classes (${test.classes.join(', ')}) differ from the training set's (${train.classes.join(', ')})`,
      );
    }
    if (test.channels !== train.channels)
      throw new ArgumentError(
        `the training images have ${train.channels} channel(s) but the test images ${test.channels}`,
      );
    const channels = preprocessing?.grayscale ? 1 : train.channels;
    if (arch.inChannels !== channels) {
      throw new ArgumentError(
        `the model takes ${arch.inChannels} input channel(s) but the images have ${channels} (${channels === 1 ? 'grayscale' : 'RGB'}); set inChannels to ${channels}`,
      );
    }
    const initial = opts.initialModel?.architecture();
    if (opts.initialModel && JSON.stringify(initial) !== JSON.stringify(arch)) {
      throw new ArgumentError(
        `initialModel is ${JSON.stringify(initial)}, not the architecture given (${JSON.stringify(arch)})`,
      );
    }
    for (const [k, v] of [
      ['epochs', opts.epochs],
      ['batchSize', opts.batchSize],
      ['evalBatchSize', opts.evalBatchSize ?? opts.batchSize],
    ] as const) {
      if (!Number.isInteger(v) || v < 1) throw new ArgumentError(`${k} must be a positive integer, got ${v}`);
    }
  }

  /** What a resume must match. */
  private settings(): RunSettings {
    const o = this.opts;
    return {
      dataset: `${o.datasetName ?? 'dataset'} (${this.train.length} training, ${this.test.length} test images, ${this.train.classes.length} classes)`,
      imageSize: o.preprocessing?.cropSize ?? null,
      lr: o.lr,
      batchSize: o.batchSize,
      optimizer: o.optimizer,
      schedule: o.schedule,
      weightDecay: o.weightDecay,
      labelSmoothing: o.labelSmoothing,
      seed: o.seed,
    };
  }

  /** Asks the run to save and return after the current step (what Ctrl-C does). */
  stop(): void {
    this.stopRequested = true;
  }

  /** Freezes `features` when asked, then builds the optimizer over what still learns. */
  private makeOptimizer(model: VGG): Optimizer {
    if (this.opts.freezeFeatures) freeze(model.features, { eval: true });
    const params = trainableParameters(model);
    return this.opts.optimizer === 'adam'
      ? new Adam(params, { lr: this.opts.lr, weightDecay: this.opts.weightDecay })
      : new SGD(params, { lr: this.opts.lr, momentum: 0.9, nesterov: true, weightDecay: this.opts.weightDecay });
  }

  private makeScheduler(opt: Optimizer, stepsPerEpoch: number): LRScheduler | null {
    const total = this.opts.epochs * stepsPerEpoch;
    switch (this.opts.schedule) {
      case 'cosine':
        return new CosineAnnealingLR(opt, { tMax: total });
      case 'onecycle':
        return new OneCycleLR(opt, { maxLr: this.opts.lr, totalSteps: total });
      case 'step':
        return new StepLR(opt, { stepSize: Math.max(1, Math.floor(total / 3)), gamma: 0.1 });
      default:
        return null;
    }
  }

  private async evaluate(model: VGG, loader: DataLoader): Promise<{ loss: number; accuracy: number }> {
    model.eval();
    // Compiled for this evaluation only: the weights change between epochs.
    const plan = tryCompileInferencePlan(model).plan;
    let correct = 0;
    let lossSum = 0;
    try {
      for await (const { x, y } of loader.epoch(0)) {
        const logits = noGrad(() => (plan ? plan.forward(x) : model.forward(x)));
        lossSum += noGrad(() => crossEntropy(logits, y, { reduction: 'sum' })).item();
        const pred = logits.argmax(1).data;
        y.forEach((label, i) => {
          if (pred[i] === label) correct++;
        });
      }
    } finally {
      plan?.dispose();
    }
    return { loss: lossSum / this.test.length, accuracy: correct / this.test.length };
  }

  private async saveModelFile(model: VGG, path: string): Promise<void> {
    await saveModel(path, model, {
      categories: this.train.classes,
      transforms: this.opts.preprocessing,
    });
  }

  /**
   * Trains in opts.outDir (created when missing; a folder holding another run
   * is refused unless resuming or overwriting). A run that fails before its
   * first save leaves no folder it created; write errors (a full disk, a
   * read-only folder) become one RunFolderError.
   */
  async run(): Promise<TrainResult> {
    const created = await openRunFolder(this.opts.outDir, this.opts);
    try {
      return await this.runInFolder();
    } catch (e) {
      await removeCreatedFolders(this.opts.outDir, created);
      throw isRunFolderError(e, this.opts.outDir) ? describeWriteError(e, this.opts.outDir, this.generation > 0) : e;
    }
  }

  private async runInFolder(): Promise<TrainResult> {
    const o = this.opts;
    const trainLoader = new DataLoader(this.train, {
      batchSize: o.batchSize,
      shuffle: true,
      dropLast: true,
      seed: o.seed,
      transform: o.trainTransform,
      prefetch: o.prefetch,
    });
    const testTransform = o.testTransform ?? (o.preprocessing ? imageClassification(o.preprocessing) : undefined);
    const testLoader = new DataLoader(this.test, {
      batchSize: o.evalBatchSize ?? o.batchSize,
      transform: testTransform,
      prefetch: o.prefetch,
    });
    const stepsPerEpoch = trainLoader.length;
    if (stepsPerEpoch < 1)
      throw new ArgumentError(`batch size ${o.batchSize} is larger than the ${this.train.length} training images`);
    if (this.test.length < 1) throw new ArgumentError('the test set is empty');
    defaultGenerator.manualSeed(o.seed);
    let model = o.initialModel ?? buildVgg(o.architecture);
    let opt = this.makeOptimizer(model);
    let sched = this.makeScheduler(opt, stepsPerEpoch);
    let epoch = 1;
    let stepInEpoch = 0;
    let globalStep = 0;
    let metrics: EpochMetrics[] = [];
    let best = -1;
    let tally: EpochTally = { seen: 0, correct: 0, lossSum: 0, seconds: 0 };
    const settings = this.settings();
    if (o.resume) {
      const { state, optimizer, weightsFile } = await loadTrainingState(o.outDir);
      if (JSON.stringify(state.architecture) !== JSON.stringify(o.architecture)) {
        throw new ArgumentError(
          `the state in ${o.outDir} is from a different model (${JSON.stringify(state.architecture)}); refusing to resume`,
        );
      }
      if ((state.freezeFeatures ?? false) !== (o.freezeFeatures ?? false)) {
        throw new ArgumentError(
          `the run in ${o.outDir} trained with features ${state.freezeFeatures ? 'frozen' : 'learning'}; resume it the same way`,
        );
      }
      const changes = state.settings ? changedSettings(state.settings, settings) : [];
      if (changes.length > 0 && !o.allowChanges) {
        throw new ArgumentError(
          `the run in ${o.outDir} was trained with other settings (${changes.join('; ')}); resume with the same ones, or allow the changes (--allow-changes)`,
        );
      }
      if (state.settings && state.settings.lr !== settings.lr)
        scaleLearningRates(optimizer, state.scheduler, settings.lr / state.settings.lr);
      model = (await loadModel(weightsFile)).model;
      opt = this.makeOptimizer(model);
      opt.loadStateDict(optimizer);
      sched = this.makeScheduler(opt, stepsPerEpoch);
      sched?.loadStateDict(state.scheduler);
      ({ epoch, stepInEpoch, globalStep, metrics } = state);
      if (stepInEpoch > 0 && state.tally) tally = state.tally;
      best = state.bestAccuracy;
      defaultGenerator.setState(state.dropout);
      this.generation = state.generation;
      this.committedAt = { epoch, step: stepInEpoch };
    }
    /** Saves the model and everything needed to continue at (atEpoch, atStep). */
    const checkpoint = async (atEpoch: number, atStep: number): Promise<void> => {
      const generation = this.generation + 1;
      await saveTrainingState(
        o.outDir,
        {
          generation,
          architecture: o.architecture,
          freezeFeatures: o.freezeFeatures ?? false,
          settings,
          epoch: atEpoch,
          stepInEpoch: atStep,
          tally: atStep > 0 ? tally : undefined,
          globalStep,
          dropout: defaultGenerator.getState(),
          scheduler: sched?.stateDict() ?? {},
          metrics,
          bestAccuracy: best,
        },
        opt.stateDict(),
        (path) => this.saveModelFile(model, path),
      );
      this.generation = generation;
      this.committedAt = { epoch: atEpoch, step: atStep };
    };
    const frozen = o.freezeFeatures ? frozenFeaturesForward(model) : null;
    try {
      for (; epoch <= o.epochs; epoch++, stepInEpoch = 0) {
        model.train();
        if (stepInEpoch === 0) tally = { seen: 0, correct: 0, lossSum: 0, seconds: 0 };
        const secondsBefore = tally.seconds;
        const t0 = performance.now();
        const elapsed = (): number => secondsBefore + (performance.now() - t0) / 1000;
        for await (const { x, y } of trainLoader.epoch(epoch, stepInEpoch)) {
          await yieldToEventLoop();
          tally.seconds = elapsed();
          if (this.stopRequested || (o.maxSteps !== undefined && globalStep >= o.maxSteps)) {
            await checkpoint(epoch, stepInEpoch);
            return {
              model,
              metrics,
              status: 'stopped',
              message: `stopped at epoch ${epoch}, step ${stepInEpoch}; continue with --resume`,
            };
          }
          const logits = frozen ? frozen.forward(x) : model.forward(x);
          const loss = crossEntropy(logits, y, { labelSmoothing: o.labelSmoothing });
          const value = loss.item();
          if (!Number.isFinite(value)) {
            return {
              model,
              metrics,
              status: 'diverged',
              message: `loss became ${value} at epoch ${epoch}, step ${stepInEpoch}; ${this.keptCheckpoint()} (try a lower --lr)`,
            };
          }
          opt.zeroGrad();
          loss.backward();
          opt.step();
          sched?.step();
          globalStep++;
          stepInEpoch++;
          const pred = logits.argmax(1).data;
          y.forEach((label, i) => {
            if (pred[i] === label) tally.correct++;
          });
          tally.lossSum += value * y.length;
          tally.seen += y.length;
          o.onProgress?.({
            epoch,
            step: stepInEpoch,
            steps: stepsPerEpoch,
            loss: tally.lossSum / tally.seen,
            accuracy: tally.correct / tally.seen,
            imagesPerSecond: tally.seen / elapsed(),
          });
        }
        const evaluation = await this.evaluate(model, testLoader);
        const seconds = elapsed();
        const { seen } = tally;
        const m: EpochMetrics = {
          epoch,
          trainLoss: tally.lossSum / Math.max(seen, 1),
          trainAccuracy: tally.correct / Math.max(seen, 1),
          testLoss: evaluation.loss,
          testAccuracy: evaluation.accuracy,
          imagesPerSecond: seen / seconds,
          seconds,
        };
        metrics.push(m);
        o.onEpoch?.(m);
        if (m.testAccuracy > best) {
          best = m.testAccuracy;
          await this.saveModelFile(model, join(o.outDir, 'best.safetensors'));
        }
        await this.writeMetrics(metrics);
        await checkpoint(epoch + 1, 0);
      }
      return { model, metrics, status: 'finished' };
    } finally {
      frozen?.dispose();
    }
  }

  /** What a diverged run leaves, for its message. */
  private keptCheckpoint(): string {
    if (this.generation === 0) return `no checkpoint had been saved yet in ${this.opts.outDir}`;
    const { epoch, step } = this.committedAt;
    return `the checkpoint in ${this.opts.outDir} (${LAST_MODEL_FILE}, to continue at epoch ${epoch}, step ${step}) was kept`;
  }

  private async writeMetrics(metrics: EpochMetrics[]): Promise<void> {
    const keys = Object.keys(metrics[0]) as (keyof EpochMetrics)[];
    const csv = [keys.join(','), ...metrics.map((m) => keys.map((k) => m[k]).join(','))].join('\n');
    await writeFileAtomic(join(this.opts.outDir, 'metrics.csv'), `${csv}\n`);
    await writeFileAtomic(join(this.opts.outDir, 'metrics.json'), `${JSON.stringify(metrics, null, 1)}\n`);
    await writeFileAtomic(join(this.opts.outDir, 'chart.html'), trainingChartHtml(this.opts.outDir, metrics));
  }
}
