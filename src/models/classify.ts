/** Images in, answers out: preprocessing, batched inference and top-k categories. */
import { readImage, ImageError } from '../data/image.js';
import type { Transform } from '../data/transforms.js';
import type { Module } from '../nn/module.js';
import { noGrad } from '../tensor/autograd.js';
import { Tensor } from '../tensor/tensor.js';
import { ArgumentError } from '../errors.js';
import { tryCompileInferencePlan, type InferencePlan } from './plan.js';

export interface TopK {
  label: string;
  index: number;
  prob: number;
}

export interface Classification {
  file: string;
  top: TopK[];
  /** Set when this image could not be read; `top` is then empty. */
  error?: string;
}

export interface ClassifyOptions {
  topk?: number;
  /** Label of each output unit; without it labels are the indices. */
  categories?: readonly string[];
  /** Preprocessing from the [3,H,W] image in [0,1] to the network's input. */
  transform: Transform;
  batchSize?: number;
  /** Smallest image accepted ([height, width]); smaller ones fail with a message. */
  minSize?: [number, number];
  maxPixels?: number;
  onProgress?: (done: number, total: number) => void;
  /**
   * A plan compiled from `model` (compileInferencePlan) to reuse across calls;
   * null runs the model layer by layer. Omitted: one is compiled for this call.
   */
  plan?: InferencePlan | null;
}

/** Top-k of each row of probabilities [N, C]. */
export function topK(probs: Tensor, k: number, categories?: readonly string[]): TopK[][] {
  const [n, c] = probs.shape;
  const out: TopK[][] = [];
  for (let i = 0; i < n; i++) {
    const row = probs.data.subarray(i * c, (i + 1) * c);
    const order = Array.from({ length: c }, (_, j) => j).sort((a, b) => row[b] - row[a] || a - b);
    out.push(
      order
        .slice(0, Math.min(k, c))
        .map((index) => ({ label: categories?.[index] ?? String(index), index, prob: row[index] })),
    );
  }
  return out;
}

/**
 * Classifies image files (or already decoded [3,H,W] tensors): decoded,
 * preprocessed, run in batches without gradients, softmax, top-k. A file
 * that cannot be read gets an `error` and the rest go on.
 */
export async function classify(
  model: Module,
  images: readonly (string | Tensor)[],
  opts: ClassifyOptions,
): Promise<Classification[]> {
  const k = opts.topk ?? 5;
  const batchSize = opts.batchSize ?? 8;
  if (!Number.isInteger(k) || k < 1) throw new ArgumentError(`topk must be a positive integer, got ${k}`);
  if (!Number.isInteger(batchSize) || batchSize < 1)
    throw new ArgumentError(`batchSize must be a positive integer, got ${batchSize}`);
  const results: Classification[] = images.map((img, i) => ({
    file: typeof img === 'string' ? img : `tensor ${i}`,
    top: [],
  }));
  model.eval();
  // The native fused plan (pre-transformed weights, fused conv+BN+ReLU+pool) when it can take this model.
  const ownPlan = opts.plan === undefined;
  const plan = ownPlan ? tryCompileInferencePlan(model).plan : opts.plan;
  for (let start = 0; start < images.length; start += batchSize) {
    const inputs: Tensor[] = [];
    const slots: number[] = [];
    for (let i = start; i < Math.min(images.length, start + batchSize); i++) {
      try {
        const src = images[i];
        const img =
          typeof src === 'string' ? await readImage(src, { minSize: opts.minSize, maxPixels: opts.maxPixels }) : src;
        inputs.push(opts.transform(img));
        slots.push(i);
      } catch (e) {
        if (!(e instanceof ImageError || e instanceof ArgumentError)) throw e;
        results[i].error = e.message;
      }
    }
    if (inputs.length) {
      const batch = stack(inputs);
      const probs = noGrad(() => (plan ? plan.forward(batch) : model.forward(batch)).softmax(1));
      topK(probs, k, opts.categories).forEach((top, j) => {
        results[slots[j]].top = top;
      });
    }
    opts.onProgress?.(Math.min(images.length, start + batchSize), images.length);
  }
  if (ownPlan) plan?.dispose();
  return results;
}

/** [C,H,W] tensors of one shape -> [N,C,H,W]. */
export function stack(items: readonly Tensor[]): Tensor {
  const shape = items[0].shape;
  const size = items[0].numel;
  const data = new Float32Array(items.length * size);
  items.forEach((t, i) => {
    if (t.shape.join() !== shape.join())
      throw new ArgumentError(`cannot stack shapes [${t.shape.join(', ')}] and [${shape.join(', ')}]`);
    data.set(t.data, i * size);
  });
  return new Tensor(data, [items.length, ...shape]);
}
