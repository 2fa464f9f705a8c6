/**
 * A training run small enough to repeat dozens of times in a test: 32
 * in-memory 8×8 grayscale images of 2 classes (a bright left or right half,
 * with noise), a one-conv VGG, batches of 8 (4 steps an epoch), 2 epochs.
 */
import type { Dataset } from '../../src/data/dataset.js';
import { Tensor } from '../../src/tensor/tensor.js';
import { Generator } from '../../src/tensor/rng.js';
import { Trainer, type TrainOptions } from '../../src/train/trainer.js';

function tinyDataset(n: number, seed: number): Dataset {
  const g = new Generator(seed);
  const samples = Array.from({ length: n }, (_, i) => {
    const label = i % 2;
    const pixels = Float32Array.from(
      { length: 64 },
      (_, p) => g.randint(128) / 256 + (p % 8 < 4 === (label === 0) ? 0.5 : 0),
    );
    return { image: new Tensor(pixels, [1, 8, 8]), label };
  });
  return {
    length: n,
    classes: ['left', 'right'],
    channels: 1,
    size: [8, 8],
    get: (index) => Promise.resolve(samples[index]),
  };
}

export function tinyRunOptions(outDir: string, extra: Partial<TrainOptions> = {}): TrainOptions {
  return {
    architecture: {
      cfg: [4, 'M'],
      batchNorm: false,
      inChannels: 1,
      numClasses: 2,
      hiddenFeatures: 8,
      dropout: 0.5,
      poolSize: 2,
    },
    epochs: 2,
    batchSize: 8,
    lr: 0.05,
    optimizer: 'sgd',
    schedule: 'cosine',
    weightDecay: 5e-4,
    labelSmoothing: 0,
    seed: 4,
    outDir,
    ...extra,
  };
}

export function tinyTrainer(outDir: string, extra: Partial<TrainOptions> = {}, trainImages = 32): Trainer {
  return new Trainer(tinyDataset(trainImages, 1), tinyDataset(8, 2), tinyRunOptions(outDir, extra));
}
