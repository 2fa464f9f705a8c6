/**
 * Batches from a Dataset, like torch.utils.data.DataLoader: a seeded shuffle
 * per epoch, an optional random transform per sample, drop-last, and batches
 * loaded ahead while the model computes (sample reads are async; sharp
 * decodes images on libuv's threads).
 *
 * Everything random is keyed, never sequential: an epoch's order comes from a
 * generator derived from (seed, epoch) and each sample's transform gets one
 * derived from (seed, epoch, position in the epoch). So the batches do not
 * depend on the prefetch depth, and `epoch(e, startBatch)` reproduces the tail
 * of epoch e exactly, which is all a resumed training run needs.
 */
import { ArgumentError } from '../errors.js';
import { Tensor } from '../tensor/tensor.js';
import { DatasetError, type Dataset, type SampleTransform } from './dataset.js';
import { derivedGenerator } from './seeds.js';

export interface DataLoaderOptions {
  batchSize: number;
  /** Shuffle each epoch (seeded). Default false: dataset order. */
  shuffle?: boolean;
  /** Leave out the last batch when it would be smaller than batchSize. Default false. */
  dropLast?: boolean;
  /** Drives the shuffle and the transforms' randomness. Default 0. */
  seed?: number;
  /** Applied to every image [C, H, W] with its own generator; must give every sample one shape. */
  transform?: SampleTransform;
  /** Batches loaded ahead of the one being used. Default 2; 0 loads each batch when asked for it. */
  prefetch?: number;
}

export interface Batch {
  /** Images [B, C, H, W]. */
  x: Tensor;
  /** Class indices. */
  y: number[];
  /** The dataset indices of the samples, in batch order. */
  indices: Int32Array;
}

/** Domain tags, so the order and the per-sample generators never share a key. */
const ORDER = 0;
const SAMPLE = 1;

function nonNegativeInt(v: unknown, what: string): number {
  if (typeof v !== 'number' || !Number.isSafeInteger(v) || v < 0)
    throw new ArgumentError(`DataLoader: ${what} must be a non-negative integer, got ${String(v)}`);
  return v;
}

export class DataLoader {
  readonly batchSize: number;
  readonly shuffle: boolean;
  readonly dropLast: boolean;
  readonly seed: number;
  readonly prefetch: number;
  private readonly transform: SampleTransform | undefined;

  constructor(
    readonly dataset: Dataset,
    opts: DataLoaderOptions,
  ) {
    this.batchSize = nonNegativeInt(opts.batchSize, 'batchSize');
    if (this.batchSize === 0) throw new ArgumentError('DataLoader: batchSize must be at least 1');
    this.seed = nonNegativeInt(opts.seed ?? 0, 'seed');
    this.prefetch = nonNegativeInt(opts.prefetch ?? 2, 'prefetch');
    this.shuffle = opts.shuffle ?? false;
    this.dropLast = opts.dropLast ?? false;
    if (opts.transform !== undefined && typeof opts.transform !== 'function')
      throw new ArgumentError('DataLoader: transform must be a function (image, generator) => image');
    this.transform = opts.transform;
  }

  /** Batches per epoch. */
  get length(): number {
    const n = this.dataset.length;
    return this.dropLast ? Math.floor(n / this.batchSize) : Math.ceil(n / this.batchSize);
  }

  /** The dataset indices in the order epoch `epoch` visits them (Fisher–Yates with the epoch's generator). */
  order(epoch: number): Int32Array {
    nonNegativeInt(epoch, 'epoch');
    const order = Int32Array.from({ length: this.dataset.length }, (_, i) => i);
    if (!this.shuffle) return order;
    const g = derivedGenerator(this.seed, ORDER, epoch);
    for (let i = order.length - 1; i > 0; i--) {
      const j = g.randint(i + 1);
      [order[i], order[j]] = [order[j], order[i]];
    }
    return order;
  }

  /** The batches of epoch `epoch` from batch `startBatch` on (what a run resumed mid-epoch needs). */
  async *epoch(epoch: number, startBatch = 0): AsyncGenerator<Batch> {
    nonNegativeInt(startBatch, 'startBatch');
    const order = this.order(epoch);
    const end = this.length;
    const pending: Promise<Batch>[] = [];
    let next = startBatch;
    const ahead = (count: number): void => {
      for (; pending.length < count && next < end; next++) {
        const p = this.load(order, epoch, next);
        // Rejections surface when the batch is awaited; until then (or if the loop stops early) they are handled here.
        p.catch(() => undefined);
        pending.push(p);
      }
    };
    for (let b = startBatch; b < end; b++) {
      ahead(this.prefetch + 1);
      const batch = await pending.shift()!;
      ahead(this.prefetch); // keep `prefetch` batches loading while the caller works on this one
      yield batch;
    }
  }

  private async load(order: Int32Array, epoch: number, b: number): Promise<Batch> {
    const start = b * this.batchSize;
    const indices = order.slice(start, Math.min(order.length, start + this.batchSize));
    const samples = await Promise.all(
      Array.from(indices, async (index, k) => {
        const { image, label } = await this.dataset.get(index);
        const out = this.transform
          ? this.transform(image, derivedGenerator(this.seed, SAMPLE, epoch, start + k))
          : image;
        if (!(out instanceof Tensor) || out.shape.length !== 3) {
          throw new DatasetError(
            `sample ${index}: the transform must return an image tensor [C, H, W], got ${out instanceof Tensor ? `shape [${out.shape.join(', ')}]` : typeof out}`,
          );
        }
        return { image: out, label };
      }),
    );
    return collate(samples, indices);
  }
}

/** Stacks same-shaped images into [B, C, H, W]; names the first sample whose shape differs. */
function collate(samples: { image: Tensor; label: number }[], indices: Int32Array): Batch {
  const shape = samples[0].image.shape;
  const per = samples[0].image.data.length;
  const x = new Float32Array(samples.length * per);
  samples.forEach(({ image }, k) => {
    if (image.shape.some((d, i) => d !== shape[i])) {
      throw new DatasetError(
        `sample ${indices[k]} has shape [${image.shape.join(', ')}] but sample ${indices[0]} in the same batch has [${shape.join(', ')}]; ` +
          'images of different sizes need a transform that resizes or crops them to one size (e.g. resize + centerCrop, or randomResizedCrop)',
      );
    }
    x.set(image.data, k * per);
  });
  return { x: new Tensor(x, [samples.length, ...shape]), y: samples.map((s) => s.label), indices };
}
