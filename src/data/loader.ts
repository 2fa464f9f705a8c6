/** Batching for in-memory image datasets: seeded shuffles, drop-last, and the usual augmentations. */
import { Generator } from '../tensor/rng.js';
import { Tensor } from '../tensor/tensor.js';
import type { ImageDataset } from './datasets/mnist.js';

export interface BatchOptions {
  batchSize: number;
  shuffle?: boolean;
  dropLast?: boolean;
  /** Drives the shuffle and the augmentations; save its state to resume with the same data order. */
  generator?: Generator;
}

/** The batches of one epoch as index lists (Fisher–Yates shuffle with the generator). */
export function epochBatches(count: number, opts: BatchOptions): Int32Array[] {
  const order = Int32Array.from({ length: count }, (_, i) => i);
  if (opts.shuffle) {
    const g = opts.generator ?? new Generator(0);
    for (let i = count - 1; i > 0; i--) {
      const j = g.randint(i + 1);
      [order[i], order[j]] = [order[j], order[i]];
    }
  }
  const out: Int32Array[] = [];
  for (let s = 0; s < count; s += opts.batchSize) {
    if (opts.dropLast && s + opts.batchSize > count) break;
    out.push(order.subarray(s, Math.min(count, s + opts.batchSize)));
  }
  return out;
}

export interface AugmentOptions {
  /** Random crop of the original size from the image padded by this many zero pixels on each side. */
  padCrop?: number;
  /** Probability of a horizontal flip. */
  flip?: number;
  mean: number;
  std: number;
  generator?: Generator;
}

/**
 * Builds a normalised [B, 1, H, W] batch from byte images, applying random
 * pad-and-crop and horizontal flips when asked (training), or none (evaluation).
 */
export function grayscaleBatch(ds: ImageDataset, indices: ArrayLike<number>, opts: AugmentOptions): { x: Tensor; y: number[] } {
  const { height: H, width: W } = ds;
  const plane = H * W;
  const out = new Float32Array(indices.length * plane);
  const y: number[] = [];
  const g = opts.generator;
  const pad = opts.padCrop ?? 0;
  const zero = (0 - opts.mean) / opts.std;
  for (let b = 0; b < indices.length; b++) {
    const idx = indices[b];
    y.push(ds.labels[idx]);
    const dy = pad && g ? g.randint(2 * pad + 1) - pad : 0;
    const dx = pad && g ? g.randint(2 * pad + 1) - pad : 0;
    const flip = opts.flip && g ? g.random() < opts.flip : false;
    const src = idx * plane;
    for (let r = 0; r < H; r++) {
      const sr = r + dy;
      for (let c = 0; c < W; c++) {
        const sc = (flip ? W - 1 - c : c) + dx;
        out[b * plane + r * W + c] = sr < 0 || sr >= H || sc < 0 || sc >= W ? zero : (ds.images[src + sr * W + sc] / 255 - opts.mean) / opts.std;
      }
    }
  }
  return { x: new Tensor(out, [indices.length, 1, H, W]), y };
}
