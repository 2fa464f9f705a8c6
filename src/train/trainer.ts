/**
 * A training run on an in-memory grayscale dataset (Fashion-MNIST, MNIST):
 * epochs of shuffled, augmented batches, an evaluation after each epoch,
 * metrics files and a chart, the best and last model files, and a state file
 * from which `resume` continues exactly — weights, optimizer, scheduler,
 * epoch, step, random generators and data order. A non-finite loss stops the
 * run and keeps the last good checkpoint; `stop()` (Ctrl-C) saves and returns.
 */
import { mkdir, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { ArgumentError } from '../errors.js';
import { noGrad } from '../tensor/autograd.js';
import { Generator, defaultGenerator, type GeneratorState } from '../tensor/rng.js';
import { crossEntropy } from '../nn/loss.js';
import { SGD } from '../nn/optim/sgd.js';
import { Adam } from '../nn/optim/adam.js';
import { CosineAnnealingLR, OneCycleLR, StepLR, type LRScheduler } from '../nn/optim/schedulers.js';
import type { Optimizer } from '../nn/optim/optimizer.js';
import { writeFileAtomic } from '../io/checkpoint.js';
import { buildVgg, type VGG, type VggArchitecture } from '../models/vgg.js';
import { saveModel, loadModel } from '../models/saved.js';
import type { ImageDataset } from '../data/datasets/mnist.js';
import { epochBatches, grayscaleBatch } from '../data/loader.js';
import { trainingChartHtml } from './chart.js';
import { loadTrainingState, saveTrainingState, type EpochMetrics } from './state.js';

export interface TrainOptions {
  architecture: VggArchitecture;
  epochs: number;
  batchSize: number;
  lr: number;
  optimizer: 'sgd' | 'adam';
  schedule: 'none' | 'cosine' | 'onecycle' | 'step';
  weightDecay: number;
  labelSmoothing: number;
  seed: number;
  outDir: string;
  /** Continue from the state in outDir. */
  resume?: boolean;
  /** Stop (saving everything) after this many steps in total: for tests and for splitting long runs. */
  maxSteps?: number;
  mean: number;
  std: number;
  augment: boolean;
  onProgress?: (p: { epoch: number; step: number; steps: number; loss: number; accuracy: number; imagesPerSecond: number }) => void;
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

  constructor(private readonly train: ImageDataset, private readonly test: ImageDataset, private readonly opts: TrainOptions) {
    if (train.classes.length !== opts.architecture.numClasses) {
      throw new ArgumentError(`the dataset has ${train.classes.length} classes but the model ${opts.architecture.numClasses}`);
    }
    if (opts.architecture.inChannels !== 1) throw new ArgumentError('grayscale datasets need inChannels 1');
    for (const [k, v] of [['epochs', opts.epochs], ['batchSize', opts.batchSize]] as const) {
      if (!Number.isInteger(v) || v < 1) throw new ArgumentError(`${k} must be a positive integer, got ${v}`);
    }
  }

  /** Asks the run to save and return after the current step (what Ctrl-C does). */
  stop(): void {
    this.stopRequested = true;
  }

  private makeOptimizer(model: VGG): Optimizer {
    const params = [...model.parameters()];
    return this.opts.optimizer === 'adam'
      ? new Adam(params, { lr: this.opts.lr, weightDecay: this.opts.weightDecay })
      : new SGD(params, { lr: this.opts.lr, momentum: 0.9, nesterov: true, weightDecay: this.opts.weightDecay });
  }

  private makeScheduler(opt: Optimizer, stepsPerEpoch: number): LRScheduler | null {
    const total = this.opts.epochs * stepsPerEpoch;
    switch (this.opts.schedule) {
      case 'cosine': return new CosineAnnealingLR(opt, { tMax: total });
      case 'onecycle': return new OneCycleLR(opt, { maxLr: this.opts.lr, totalSteps: total });
      case 'step': return new StepLR(opt, { stepSize: Math.max(1, Math.floor(total / 3)), gamma: 0.1 });
      default: return null;
    }
  }

  private evaluate(model: VGG): { loss: number; accuracy: number } {
    model.eval();
    let correct = 0;
    let lossSum = 0;
    for (const idx of epochBatches(this.test.count, { batchSize: 500 })) {
      const { x, y } = grayscaleBatch(this.test, idx, { mean: this.opts.mean, std: this.opts.std });
      const logits = noGrad(() => model.forward(x));
      lossSum += noGrad(() => crossEntropy(logits, y, { reduction: 'sum' })).item();
      const pred = logits.argmax(1).data;
      y.forEach((label, i) => { if (pred[i] === label) correct++; });
    }
    return { loss: lossSum / this.test.count, accuracy: correct / this.test.count };
  }

  private async saveModelFile(model: VGG, name: string): Promise<void> {
    await saveModel(join(this.opts.outDir, name), model, {
      categories: this.train.classes,
      transforms: { kind: 'ImageClassification', grayscale: true, resizeSize: this.train.height, cropSize: this.train.height, mean: [this.opts.mean], std: [this.opts.std] },
    });
  }

  async run(): Promise<TrainResult> {
    const o = this.opts;
    await mkdir(o.outDir, { recursive: true });
    const statePrefix = join(o.outDir, 'state');
    const stepsPerEpoch = Math.floor(this.train.count / o.batchSize);
    if (stepsPerEpoch < 1) throw new ArgumentError(`batch size ${o.batchSize} is larger than the ${this.train.count} training images`);
    defaultGenerator.manualSeed(o.seed);
    let model = buildVgg(o.architecture);
    const shuffle = new Generator(o.seed + 1);
    const augment = new Generator(o.seed + 2);
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
        throw new ArgumentError(`the state in ${o.outDir} is from a different model (${JSON.stringify(state.architecture)}); refusing to resume`);
      }
      model = (await loadModel(join(o.outDir, 'last.safetensors'))).model;
      opt = this.makeOptimizer(model);
      opt.loadStateDict(optimizer);
      sched = this.makeScheduler(opt, stepsPerEpoch);
      sched?.loadStateDict(state.scheduler);
      ({ epoch, stepInEpoch, globalStep, metrics } = state);
      best = state.bestAccuracy;
      shuffle.setState(state.shuffleAtEpochStart);
      augment.setState(state.augment);
      defaultGenerator.setState(state.dropout);
    }
    /** Saves the model and everything needed to continue at (atEpoch, atStep). */
    const checkpoint = async (atEpoch: number, atStep: number, shuffleAtEpochStart: GeneratorState): Promise<void> => {
      await this.saveModelFile(model, 'last.safetensors');
      await saveTrainingState(statePrefix, {
        architecture: o.architecture, epoch: atEpoch, stepInEpoch: atStep, globalStep, shuffleAtEpochStart, augment: augment.getState(),
        dropout: defaultGenerator.getState(), scheduler: sched?.stateDict() ?? {}, metrics, bestAccuracy: best,
      }, opt.stateDict());
    };
    for (; epoch <= o.epochs; epoch++, stepInEpoch = 0) {
      const epochStart = shuffle.getState();
      const batches = epochBatches(this.train.count, { batchSize: o.batchSize, shuffle: true, dropLast: true, generator: shuffle });
      model.train();
      let seen = 0;
      let correct = 0;
      let lossSum = 0;
      const t0 = performance.now();
      for (; stepInEpoch < batches.length; stepInEpoch++) {
        if (this.stopRequested || (o.maxSteps !== undefined && globalStep >= o.maxSteps)) {
          await checkpoint(epoch, stepInEpoch, epochStart);
          return { model, metrics, status: 'stopped', message: `stopped at epoch ${epoch}, step ${stepInEpoch}; continue with --resume` };
        }
        const { x, y } = grayscaleBatch(this.train, batches[stepInEpoch], {
          padCrop: o.augment ? 2 : 0, flip: o.augment ? 0.5 : 0, mean: o.mean, std: o.std, generator: augment,
        });
        const logits = model.forward(x);
        const loss = crossEntropy(logits, y, { labelSmoothing: o.labelSmoothing });
        const value = loss.item();
        if (!Number.isFinite(value)) {
          return { model, metrics, status: 'diverged', message: `loss became ${value} at epoch ${epoch}, step ${stepInEpoch}; the last good checkpoint in ${o.outDir} was kept (try a lower --lr)` };
        }
        opt.zeroGrad();
        loss.backward();
        opt.step();
        sched?.step();
        globalStep++;
        const pred = logits.argmax(1).data;
        y.forEach((label, i) => { if (pred[i] === label) correct++; });
        lossSum += value * y.length;
        seen += y.length;
        o.onProgress?.({ epoch, step: stepInEpoch + 1, steps: batches.length, loss: lossSum / seen, accuracy: correct / seen, imagesPerSecond: seen / ((performance.now() - t0) / 1000) });
      }
      const evaluation = this.evaluate(model);
      const seconds = (performance.now() - t0) / 1000;
      const m: EpochMetrics = { epoch, trainLoss: lossSum / Math.max(seen, 1), trainAccuracy: correct / Math.max(seen, 1), testLoss: evaluation.loss, testAccuracy: evaluation.accuracy, imagesPerSecond: seen / seconds, seconds };
      metrics.push(m);
      o.onEpoch?.(m);
      if (m.testAccuracy > best) {
        best = m.testAccuracy;
        await this.saveModelFile(model, 'best.safetensors');
      }
      await this.writeMetrics(metrics);
      await checkpoint(epoch + 1, 0, shuffle.getState());
    }
    return { model, metrics, status: 'finished' };
  }

  private async writeMetrics(metrics: EpochMetrics[]): Promise<void> {
    const keys = Object.keys(metrics[0]) as (keyof EpochMetrics)[];
    const csv = [keys.join(','), ...metrics.map((m) => keys.map((k) => m[k]).join(','))].join('\n');
    await writeFileAtomic(join(this.opts.outDir, 'metrics.csv'), new TextEncoder().encode(`${csv}\n`));
    await writeFileAtomic(join(this.opts.outDir, 'metrics.json'), new TextEncoder().encode(`${JSON.stringify(metrics, null, 1)}\n`));
    await writeFile(join(this.opts.outDir, 'chart.html'), trainingChartHtml(this.opts.outDir, metrics));
  }
}
