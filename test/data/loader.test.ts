/**
 * The DataLoader on small in-memory datasets whose reads finish out of
 * order: seeded, reproducible epoch orders; batch sizes with and without
 * drop-last; batches that do not depend on the prefetch depth; a resumed
 * epoch equal to the tail of a whole one; prefetch really loading ahead; and
 * clear errors for mismatched shapes and failing reads.
 */
import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { DataLoader, type Batch } from '../../src/data/loader.js';
import { DatasetError, type Dataset, type Sample } from '../../src/data/dataset.js';
import { composeSample, randomCrop, randomHorizontalFlip } from '../../src/data/augment.js';
import { Tensor } from '../../src/tensor/tensor.js';
import { ArgumentError } from '../../src/errors.js';

/**
 * n samples; sample i is a [2, 4, 4] image whose pixel p holds i + p/100, label i mod 3.
 * Reads take a few ms, later indices sooner, so they complete out of order.
 */
class SlowDataset implements Dataset {
  readonly classes = ['a', 'b', 'c'];
  readonly channels = 2;
  readonly size = [4, 4] as const;
  inFlight = 0;
  maxInFlight = 0;
  constructor(
    readonly length: number,
    private readonly shapeOf: (i: number) => number[] = () => [2, 4, 4],
    private readonly failAt = -1,
  ) {}

  async get(i: number): Promise<Sample> {
    this.inFlight++;
    this.maxInFlight = Math.max(this.maxInFlight, this.inFlight);
    await new Promise((r) => setTimeout(r, 1 + ((this.length - i) % 4)));
    this.inFlight--;
    if (i === this.failAt) throw new DatasetError(`sample ${i}: cannot read file${i}.png`);
    const shape = this.shapeOf(i);
    const n = shape.reduce((a, b) => a * b, 1);
    return {
      image: new Tensor(
        Float32Array.from({ length: n }, (_, p) => i + p / 100),
        shape,
      ),
      label: i % 3,
    };
  }
}

async function collect(it: AsyncIterable<Batch>, onBatch?: () => Promise<void>): Promise<Batch[]> {
  const out: Batch[] = [];
  for await (const b of it) {
    out.push(b);
    await onBatch?.();
  }
  return out;
}

const augment = composeSample(randomCrop(4, { padding: 1, fill: 0.5 }), randomHorizontalFlip(0.5));

describe('DataLoader', () => {
  it('shuffles each epoch with a seeded order: reproducible, a permutation, different per epoch and seed', () => {
    const ds = new SlowDataset(50);
    const a = new DataLoader(ds, { batchSize: 8, shuffle: true, seed: 7 });
    const b = new DataLoader(ds, { batchSize: 3, shuffle: true, seed: 7, prefetch: 0 });
    assert.deepEqual(a.order(1), b.order(1));
    assert.deepEqual(
      [...a.order(1)].sort((x, y) => x - y),
      Array.from({ length: 50 }, (_, i) => i),
    );
    assert.notDeepEqual(a.order(1), a.order(2));
    assert.notDeepEqual(a.order(1), new DataLoader(ds, { batchSize: 8, shuffle: true, seed: 8 }).order(1));
    assert.deepEqual(
      Array.from(new DataLoader(ds, { batchSize: 8 }).order(1)),
      Array.from({ length: 50 }, (_, i) => i),
    );
  });

  it('batches: images stacked [B, C, H, W] in order, labels and indices; the last partial batch kept or dropped', async () => {
    const ds = new SlowDataset(10);
    const keep = new DataLoader(ds, { batchSize: 4, shuffle: true, seed: 3 });
    assert.equal(keep.length, 3);
    const batches = await collect(keep.epoch(0));
    assert.deepEqual(
      batches.map((b) => b.x.shape),
      [
        [4, 2, 4, 4],
        [4, 2, 4, 4],
        [2, 2, 4, 4],
      ],
    );
    const order = keep.order(0);
    assert.deepEqual(
      batches.flatMap((b) => Array.from(b.indices)),
      Array.from(order),
    );
    for (const b of batches) {
      assert.deepEqual(
        b.y,
        Array.from(b.indices, (i) => i % 3),
      );
      b.indices.forEach((i, k) => {
        assert.equal(b.x.data[k * 32], Math.fround(i), `first pixel of sample ${i}`);
        assert.equal(b.x.data[k * 32 + 31], Math.fround(i + 0.31), `last pixel of sample ${i}`);
      });
    }
    const drop = new DataLoader(ds, { batchSize: 4, shuffle: true, seed: 3, dropLast: true });
    assert.equal(drop.length, 2);
    const dropped = await collect(drop.epoch(0));
    assert.equal(dropped.length, 2);
    assert.deepEqual(
      dropped.map((b) => b.indices),
      batches.slice(0, 2).map((b) => b.indices),
    );
  });

  it('the batches, augmentations included, do not depend on the prefetch depth', async () => {
    const ds = new SlowDataset(23);
    const opts = { batchSize: 5, shuffle: true, seed: 11, transform: augment };
    const none = await collect(new DataLoader(ds, { ...opts, prefetch: 0 }).epoch(4));
    const deep = await collect(new DataLoader(ds, { ...opts, prefetch: 3 }).epoch(4));
    assert.equal(none.length, 5);
    assert.deepEqual(deep, none);
    // The augmentation did something: some sample differs from its plain image.
    const plain = await collect(new DataLoader(ds, { batchSize: 5, shuffle: true, seed: 11 }).epoch(4));
    assert.notDeepEqual(
      none.map((b) => b.x.data),
      plain.map((b) => b.x.data),
    );
    assert.deepEqual(
      none.map((b) => b.indices),
      plain.map((b) => b.indices),
    );
  });

  it('starting at batch s reproduces the tail of the whole epoch exactly (what a resumed run sees)', async () => {
    const ds = new SlowDataset(30);
    const loader = new DataLoader(ds, {
      batchSize: 4,
      shuffle: true,
      seed: 5,
      transform: augment,
      prefetch: 2,
      dropLast: true,
    });
    const whole = await collect(loader.epoch(3));
    const tail = await collect(loader.epoch(3, 4));
    assert.equal(whole.length, 7);
    assert.deepEqual(tail, whole.slice(4));
    assert.deepEqual(await collect(loader.epoch(3, 7)), []);
  });

  it('keeps up to `prefetch` batches loading while the caller works', async () => {
    const slowConsumer = (): Promise<void> => new Promise((r) => setTimeout(r, 15));
    const eager = new SlowDataset(40);
    await collect(new DataLoader(eager, { batchSize: 4, prefetch: 3 }).epoch(0), slowConsumer);
    assert.ok(
      eager.maxInFlight > 4 && eager.maxInFlight <= 16,
      `prefetch 3: at most 16 reads in flight, more than one batch; saw ${eager.maxInFlight}`,
    );
    const lazy = new SlowDataset(40);
    await collect(new DataLoader(lazy, { batchSize: 4, prefetch: 0 }).epoch(0), slowConsumer);
    assert.equal(lazy.maxInFlight, 4);
  });

  it('samples of different shapes: an error naming the sample and asking for a resizing transform', async () => {
    const ds = new SlowDataset(6, (i) => (i === 4 ? [2, 5, 4] : [2, 4, 4]));
    await assert.rejects(collect(new DataLoader(ds, { batchSize: 6 }).epoch(0)), (e: unknown) => {
      assert.ok(e instanceof DatasetError);
      assert.match(
        e.message,
        /sample 4 has shape \[2, 5, 4\] but sample 0 in the same batch has \[2, 4, 4\]; .*transform that resizes or crops/,
      );
      return true;
    });
  });

  it('a failing read rejects when its batch is reached; stopping early leaves no unhandled rejection', async () => {
    const ds = new SlowDataset(12, undefined, 9);
    const loader = new DataLoader(ds, { batchSize: 4, prefetch: 2 });
    const seen: number[] = [];
    await assert.rejects(
      collect(loader.epoch(0), async () => {
        seen.push(seen.length);
      }),
      /sample 9: cannot read file9\.png/,
    );
    assert.deepEqual(seen, [0, 1]);
    // The third batch (with the bad sample) is already loading when the loop stops after the first.
    for await (const b of loader.epoch(0)) {
      assert.equal(b.indices[0], 0);
      break;
    }
    await new Promise((r) => setTimeout(r, 30));
  });

  it('bad options are refused', () => {
    const ds = new SlowDataset(3);
    assert.throws(() => new DataLoader(ds, { batchSize: 0 }), ArgumentError);
    assert.throws(() => new DataLoader(ds, { batchSize: 2, seed: -1 }), /seed must be a non-negative integer/);
    assert.throws(() => new DataLoader(ds, { batchSize: 2, prefetch: 1.5 }), /prefetch/);
  });
});
