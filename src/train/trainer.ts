/**
 * A training run on any Dataset (Fashion-MNIST, MNIST, CIFAR-10, an image
 * folder): epochs of shuffled, augmented batches from a DataLoader, an
 * evaluation after each epoch, metrics files and a chart, the best and last
 * model files, and a state file from which `resume` continues exactly —
 * weights, optimizer, scheduler, epoch, step and the dropout generator. The
 * data order and augmentations need no saved state: the DataLoader derives
 * them from (seed, epoch, position), so restarting epoch e at batch s gives
 * the batches an uninterrupted run would have seen. A non-finite loss stops
 * the run and keeps the last good checkpoint; `stop()` (Ctrl-C) saves and
 * returns. Where the native addon can plan them, evaluations and a frozen
 * `features` trunk run as inference plans (2–3× faster than layer by layer).
 */
import { mkdir, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { ArgumentError } from '../errors.js';
import { noGrad } from '../tensor/autograd.js';
import { defaultGenerator } from '../tensor/rng.js';
import { crossEntropy } from '../nn/loss.js';
import { SGD } from '../nn/optim/sgd.js';
import { Adam } from '../nn/optim/adam.js';
import { CosineAnnealingLR, OneCycleLR, StepLR, type LRScheduler } from '../nn/optim/schedulers.js';
import type { Optimizer } from '../nn/optim/optimizer.js';
import { writeFileAtomic } from '../io/checkpoint.js';
import { buildVgg, type VGG, type VggArchitecture } from '../models/vgg.js';
import { freeze, trainableParameters } from '../nn/freeze.js';
import { saveModel, loadModel } from '../models/saved.js';
import { frozenFeaturesForward } from '../models/finetune.js';
import type { Dataset, SampleTransform } from '../data/dataset.js';
import { DataLoader } from '../data/loader.js';
import { imageClassification, type ImageClassificationSpec } from '../data/transforms.js';
import { trainingChartHtml } from './chart.js';
import { loadTrainingState, saveTrainingState, type EpochMetrics } from './state.js';
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

export class Trainer {
  private stopRequested = false;

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

  private async saveModelFile(model: VGG, name: string): Promise<void> {
    await saveModel(join(this.opts.outDir, name), model, {
      categories: this.train.classes,
      transforms: this.opts.preprocessing,
    });
  }

  async run(): Promise<TrainResult> {
    const o = this.opts;
    await mkdir(o.outDir, { recursive: true });
    const statePrefix = join(o.outDir, 'state');
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
    if (o.resume) {
      const { state, optimizer } = await loadTrainingState(statePrefix);
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
      model = (await loadModel(join(o.outDir, 'last.safetensors'))).model;
      opt = this.makeOptimizer(model);
      opt.loadStateDict(optimizer);
      sched = this.makeScheduler(opt, stepsPerEpoch);
      sched?.loadStateDict(state.scheduler);
      ({ epoch, stepInEpoch, globalStep, metrics } = state);
      best = state.bestAccuracy;
      defaultGenerator.setState(state.dropout);
    }
    /** Saves the model and everything needed to continue at (atEpoch, atStep). */
    const checkpoint = async (atEpoch: number, atStep: number): Promise<void> => {
      await this.saveModelFile(model, 'last.safetensors');
      await saveTrainingState(
        statePrefix,
        {
          architecture: o.architecture,
          freezeFeatures: o.freezeFeatures ?? false,
          epoch: atEpoch,
          stepInEpoch: atStep,
          globalStep,
          dropout: defaultGenerator.getState(),
          scheduler: sched?.stateDict() ?? {},
          metrics,
          bestAccuracy: best,
        },
        opt.stateDict(),
      );
    };
    const frozen = o.freezeFeatures ? frozenFeaturesForward(model) : null;
    try {
      for (; epoch <= o.epochs; epoch++, stepInEpoch = 0) {
        model.train();
        let seen = 0;
        let correct = 0;
        let lossSum = 0;
        const t0 = performance.now();
        for await (const { x, y } of trainLoader.epoch(epoch, stepInEpoch)) {
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
              message: `loss became ${value} at epoch ${epoch}, step ${stepInEpoch}; the last good checkpoint in ${o.outDir} was kept (try a lower --lr)`,
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
            if (pred[i] === label) correct++;
          });
          lossSum += value * y.length;
          seen += y.length;
          o.onProgress?.({
            epoch,
            step: stepInEpoch,
            steps: stepsPerEpoch,
            loss: lossSum / seen,
            accuracy: correct / seen,
            imagesPerSecond: seen / ((performance.now() - t0) / 1000),
          });
        }
        const evaluation = await this.evaluate(model, testLoader);
        const seconds = (performance.now() - t0) / 1000;
        const m: EpochMetrics = {
          epoch,
          trainLoss: lossSum / Math.max(seen, 1),
          trainAccuracy: correct / Math.max(seen, 1),
          testLoss: evaluation.loss,
          testAccuracy: evaluation.accuracy,
          imagesPerSecond: seen / seconds,
          seconds,
        };
        metrics.push(m);
        o.onEpoch?.(m);
        if (m.testAccuracy > best) {
          best = m.testAccuracy;
          await this.saveModelFile(model, 'best.safetensors');
        }
        await this.writeMetrics(metrics);
        await checkpoint(epoch + 1, 0);
      }
      return { model, metrics, status: 'finished' };
    } finally {
      frozen?.dispose();
    }
  }

  private async writeMetrics(metrics: EpochMetrics[]): Promise<void> {
    const keys = Object.keys(metrics[0]) as (keyof EpochMetrics)[];
    const csv = [keys.join(','), ...metrics.map((m) => keys.map((k) => m[k]).join(','))].join('\n');
    await writeFileAtomic(join(this.opts.outDir, 'metrics.csv'), new TextEncoder().encode(`${csv}\n`));
    await writeFileAtomic(
      join(this.opts.outDir, 'metrics.json'),
      new TextEncoder().encode(`${JSON.stringify(metrics, null, 1)}\n`),
    );
    await writeFile(join(this.opts.outDir, 'chart.html'), trainingChartHtml(this.opts.outDir, metrics));
  }
}
