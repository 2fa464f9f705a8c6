/**
 * A dataset held in memory as 8-bit pixels: what the IDX files (MNIST,
 * Fashion-MNIST) and CIFAR-10's binary batches decode to. Keeping bytes and
 * converting one sample per get() holds a whole training set in a quarter of
 * the memory float32 would take.
 */
import { ArgumentError } from '../../errors.js';
import { Tensor } from '../../tensor/tensor.js';
import { checkIndex, type Dataset, type Sample } from '../dataset.js';

export interface ByteImages {
  /** Planar pixels, sample after sample: [N, C, H, W]. */
  images: Uint8Array;
  /** One class index per sample. */
  labels: Uint8Array;
  channels: number;
  height: number;
  width: number;
  classes: readonly string[];
}

export class ByteImageDataset implements Dataset {
  readonly images: Uint8Array;
  readonly labels: Uint8Array;
  readonly channels: number;
  readonly height: number;
  readonly width: number;
  readonly classes: readonly string[];

  constructor(src: ByteImages) {
    const { images, labels, channels, height, width, classes } = src;
    for (const [k, v] of [
      ['channels', channels],
      ['height', height],
      ['width', width],
    ] as const) {
      if (!Number.isInteger(v) || v < 1)
        throw new ArgumentError(`ByteImageDataset: ${k} must be a positive integer, got ${v}`);
    }
    if (images.length !== labels.length * channels * height * width) {
      throw new ArgumentError(
        `ByteImageDataset: ${images.length} pixel bytes do not make ${labels.length} images of ${channels}×${height}×${width}`,
      );
    }
    const bad = labels.findIndex((l) => l >= classes.length);
    if (bad >= 0)
      throw new ArgumentError(
        `ByteImageDataset: label ${labels[bad]} at index ${bad} is out of range for ${classes.length} classes`,
      );
    this.images = images;
    this.labels = labels;
    this.channels = channels;
    this.height = height;
    this.width = width;
    this.classes = classes;
  }

  get length(): number {
    return this.labels.length;
  }

  get size(): readonly [number, number] {
    return [this.height, this.width];
  }

  /** Synchronous underneath; async to fit the Dataset interface (a bad index rejects). */
  async get(index: number): Promise<Sample> {
    checkIndex(index, this.length);
    const n = this.channels * this.height * this.width;
    const bytes = this.images.subarray(index * n, (index + 1) * n);
    const data = new Float32Array(n);
    // k / 255 rounded to float32: the values torchvision's ToTensor gives.
    for (let i = 0; i < n; i++) data[i] = bytes[i] / 255;
    return { image: new Tensor(data, [this.channels, this.height, this.width]), label: this.labels[index] };
  }
}
