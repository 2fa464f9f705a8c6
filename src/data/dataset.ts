/**
 * Map-style datasets, like torch.utils.data.Dataset: random access to
 * labelled images by index. Every dataset (Fashion-MNIST, MNIST, CIFAR-10,
 * ImageFolder) implements this one interface, so the DataLoader and the
 * Trainer never need to know where images come from.
 */
import { ArgumentError } from '../errors.js';
import type { Generator } from '../tensor/rng.js';
import type { Tensor } from '../tensor/tensor.js';

/** A dataset file or folder is missing, malformed or hostile; the message names it. */
export class DatasetError extends ArgumentError {
  override name = 'DatasetError';
}

/** One labelled example: an image [C, H, W] with values in [0, 1] (like torchvision's ToTensor), and its class index. */
export interface Sample {
  image: Tensor;
  label: number;
}

export interface Dataset {
  readonly length: number;
  /** Class names; labels index into this list. */
  readonly classes: readonly string[];
  /** 1 for grayscale, 3 for RGB: every sample has this many channels. */
  readonly channels: number;
  /** [H, W] shared by every sample (IDX files, CIFAR-10), or null when sizes vary (ImageFolder: a transform must resize). */
  readonly size: readonly [number, number] | null;
  /** Rejects with a DatasetError naming the file when a sample cannot be read. */
  get(index: number): Promise<Sample>;
}

/**
 * A per-sample transform that may draw random numbers (crop offsets, flips).
 * The DataLoader hands it a generator derived from the run's seed, the epoch
 * and the sample's position, so augmentations do not depend on how far ahead
 * batches are prefetched, and a resumed run sees the same ones.
 */
export type SampleTransform = (image: Tensor, g: Generator) => Tensor;

/** Throws unless `index` is an integer in [0, length): every dataset's get() starts with this. */
export function checkIndex(index: number, length: number): void {
  if (!Number.isInteger(index) || index < 0 || index >= length) {
    throw new ArgumentError(`sample index ${String(index)} is out of range for a dataset of ${length} samples`);
  }
}
