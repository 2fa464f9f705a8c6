/**
 * The dataset readers on small files written here: MNIST-style IDX folders,
 * CIFAR-10 binary batches and image folders (PNGs made with sharp), with the
 * exact pixel values and labels they hold, and bad or hostile input refused
 * with a DatasetError naming the file.
 */
import { describe, it, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync, writeFileSync, mkdirSync, symlinkSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import sharp from 'sharp';
import { DatasetError } from '../../src/data/dataset.js';
import { loadMnistSplit, MNIST_CLASSES } from '../../src/data/datasets/mnist.js';
import { loadCifar10, CIFAR10_CLASSES } from '../../src/data/datasets/cifar.js';
import { ImageFolder } from '../../src/data/datasets/image-folder.js';
import { ByteImageDataset } from '../../src/data/datasets/byte-images.js';
import { ArgumentError } from '../../src/errors.js';
import { cifarRecords, idxFile } from '../helpers/datasets.js';

let root = '';
const dir = (...parts: string[]): string => {
  const d = join(root, ...parts);
  mkdirSync(d, { recursive: true });
  return d;
};

/** A w×h PNG whose pixel (x, y) is (r0 + x, g0 + y, b0 + x + y). */
async function png(path: string, w: number, h: number, [r0, g0, b0]: [number, number, number]): Promise<void> {
  const raw = Buffer.alloc(w * h * 3);
  for (let y = 0; y < h; y++) {
    for (let x = 0; x < w; x++) raw.set([r0 + x, g0 + y, b0 + x + y], (y * w + x) * 3);
  }
  await sharp(raw, { raw: { width: w, height: h, channels: 3 } })
    .png()
    .toFile(path);
}

async function rejectsNaming(p: Promise<unknown>, pattern: RegExp): Promise<void> {
  await assert.rejects(p, (e: unknown) => {
    assert.ok(e instanceof DatasetError, `expected a DatasetError, got ${String(e)}`);
    assert.match(e.message, pattern);
    return true;
  });
}

describe('datasets', () => {
  before(() => {
    root = mkdtempSync(join(tmpdir(), 'vgg-datasets-'));
  });
  after(() => rmSync(root, { recursive: true, force: true }));

  it('MNIST-style IDX folder: samples are [1, H, W] floats k/255 with their labels', async () => {
    const d = dir('mnist');
    const pixels = Uint8Array.from({ length: 3 * 4 * 5 }, (_, i) => (i * 17) % 256);
    writeFileSync(join(d, 'train-images-idx3-ubyte.gz'), idxFile([3, 4, 5], pixels));
    writeFileSync(join(d, 'train-labels-idx1-ubyte'), idxFile([3], Uint8Array.from([7, 0, 9]))); // gzipped though named without .gz: sniffed
    const ds = await loadMnistSplit(d, 'train', MNIST_CLASSES);
    assert.equal(ds.length, 3);
    assert.equal(ds.channels, 1);
    assert.deepEqual(ds.size, [4, 5]);
    const s = await ds.get(1);
    assert.equal(s.label, 0);
    assert.deepEqual(s.image.shape, [1, 4, 5]);
    assert.deepEqual(
      Array.from(s.image.data),
      Array.from(pixels.subarray(20, 40), (v) => Math.fround(v / 255)),
    );
    await assert.rejects(ds.get(3), ArgumentError);
    await assert.rejects(ds.get(-1), ArgumentError);
    await rejectsNaming(loadMnistSplit(d, 'test'), /has no t10k-images-idx3-ubyte\(\.gz\) file/);
  });

  it('IDX files whose counts disagree are refused', async () => {
    const d = dir('mnist-bad');
    writeFileSync(join(d, 'train-images-idx3-ubyte.gz'), idxFile([2, 2, 2], new Uint8Array(8)));
    writeFileSync(join(d, 'train-labels-idx1-ubyte.gz'), idxFile([3], new Uint8Array(3)));
    await rejectsNaming(loadMnistSplit(d, 'train'), /2 images but 3 labels/);
    writeFileSync(join(d, 'train-labels-idx1-ubyte.gz'), idxFile([4], new Uint8Array(3)));
    await rejectsNaming(loadMnistSplit(d, 'train'), /train-labels-idx1-ubyte\.gz: IDX header promises 4 values/);
  });

  it('CIFAR-10 batches: records are label byte + R, G, B planes; classes from batches.meta.txt; train is the five batches in order', async () => {
    const d = dir('cifar', 'cifar-10-batches-bin');
    for (let b = 1; b <= 5; b++)
      writeFileSync(
        join(d, `data_batch_${b}.bin`),
        cifarRecords([b, 9 - b], (r, o) => (b * 31 + r * 7 + o) % 256),
      );
    writeFileSync(
      join(d, 'test_batch.bin'),
      cifarRecords([3], (_r, o) => o % 256),
    );
    writeFileSync(join(d, 'batches.meta.txt'), `${['a', 'b', 'c', 'd', 'e', 'f', 'g', 'h', 'i', 'j'].join('\n')}\n\n`);
    const train = await loadCifar10(join(root, 'cifar'), 'train'); // the folder holding cifar-10-batches-bin
    assert.equal(train.length, 10);
    assert.equal(train.channels, 3);
    assert.deepEqual(train.size, [32, 32]);
    assert.deepEqual(train.classes, ['a', 'b', 'c', 'd', 'e', 'f', 'g', 'h', 'i', 'j']);
    assert.deepEqual(Array.from(train.labels), [1, 8, 2, 7, 3, 6, 4, 5, 5, 4]);
    const s = await train.get(5); // batch 3, record 1
    assert.equal(s.label, 6);
    assert.deepEqual(s.image.shape, [3, 32, 32]);
    // Red plane first, then green (offset 1024), then blue (2048).
    for (const o of [0, 1, 1023, 1024, 2047, 2048, 3071])
      assert.equal(s.image.data[o], Math.fround(((3 * 31 + 7 + o) % 256) / 255), `offset ${o}`);
    const test = await loadCifar10(d, 'test'); // the folder itself
    assert.equal(test.length, 1);
    assert.equal((await test.get(0)).label, 3);
  });

  it('CIFAR-10 without batches.meta.txt uses the published class names', async () => {
    const d = dir('cifar-nometa');
    writeFileSync(
      join(d, 'test_batch.bin'),
      cifarRecords([0, 9], () => 0),
    );
    assert.deepEqual((await loadCifar10(d, 'test')).classes, CIFAR10_CLASSES);
  });

  it('bad CIFAR-10 input: truncated file, label 10, missing batch, wrong class list', async () => {
    const d = dir('cifar-bad');
    writeFileSync(join(d, 'test_batch.bin'), cifarRecords([1, 2], () => 5).subarray(0, 3073 + 100));
    await rejectsNaming(
      loadCifar10(d, 'test'),
      /test_batch\.bin: 3173 bytes is not a whole number of 3073-byte records/,
    );
    writeFileSync(join(d, 'test_batch.bin'), new Uint8Array(0));
    await rejectsNaming(loadCifar10(d, 'test'), /test_batch\.bin: 0 bytes/);
    writeFileSync(
      join(d, 'test_batch.bin'),
      cifarRecords([1, 10], () => 5),
    );
    await rejectsNaming(loadCifar10(d, 'test'), /test_batch\.bin: record 1 has label 10; CIFAR-10 labels are 0–9/);
    await rejectsNaming(loadCifar10(d, 'train'), /has no data_batch_1\.bin/);
    writeFileSync(
      join(d, 'test_batch.bin'),
      cifarRecords([1], () => 5),
    );
    writeFileSync(join(d, 'batches.meta.txt'), 'cat\ndog\n');
    await rejectsNaming(loadCifar10(d, 'test'), /batches\.meta\.txt: lists 2 class names/);
    await rejectsNaming(loadCifar10(join(root, 'nowhere'), 'test'), /does not exist/);
  });

  it('ImageFolder: classes by sorted folder name, files in torchvision order (nested folders, links), decoded lazily as RGB', async () => {
    const r = dir('folder');
    await png(join(dir('folder', 'dog'), 'b.png'), 3, 2, [10, 20, 30]);
    await png(join(dir('folder', 'dog'), 'A.PNG'), 2, 2, [40, 50, 60]);
    await png(join(dir('folder', 'dog', 'puppies'), 'c.png'), 2, 1, [70, 80, 90]);
    await png(join(dir('folder', 'cat'), 'z.png'), 4, 4, [100, 110, 120]);
    writeFileSync(join(r, 'cat', 'notes.txt'), 'not an image');
    writeFileSync(join(r, 'README'), 'a file at the top is not a class');
    dir('folder', '.ipynb_checkpoints');
    symlinkSync(join(r, 'dog', 'puppies'), join(r, 'cat', 'linked')); // followed, like os.walk(followlinks=True)
    const ds = await ImageFolder.open(r);
    assert.deepEqual(ds.classes, ['cat', 'dog']);
    assert.equal(ds.channels, 3);
    assert.equal(ds.size, null);
    assert.deepEqual(
      ds.files.map((f) => f.slice(r.length + 1)),
      ['cat/z.png', 'cat/linked/c.png', 'dog/A.PNG', 'dog/b.png', 'dog/puppies/c.png'],
    );
    assert.deepEqual(Array.from(ds.labels), [0, 0, 1, 1, 1]);
    const s = await ds.get(3);
    assert.equal(s.label, 1);
    assert.deepEqual(s.image.shape, [3, 2, 3]);
    const expected = [10, 11, 12, 10, 11, 12, 20, 20, 20, 21, 21, 21, 30, 31, 32, 31, 32, 33].map((v) =>
      Math.fround(v / 255),
    );
    assert.deepEqual(Array.from(s.image.data), expected);
  });

  it('bad image folders: missing, no class folders, a class without images, an undecodable format, a corrupt image', async () => {
    await rejectsNaming(ImageFolder.open(join(root, 'absent')), /absent does not exist/);
    const empty = dir('empty');
    await rejectsNaming(ImageFolder.open(empty), /has no class subfolders/);
    const r = dir('partial');
    await png(join(dir('partial', 'cat'), 'a.png'), 2, 2, [1, 2, 3]);
    writeFileSync(join(dir('partial', 'dog'), 'notes.txt'), 'no images here');
    dir('partial', 'emu');
    await rejectsNaming(ImageFolder.open(r), /no image files for the class\(es\) dog, emu/);
    const bmp = dir('bmp');
    writeFileSync(join(dir('bmp', 'cat'), 'a.bmp'), 'BM');
    await rejectsNaming(ImageFolder.open(bmp), /a\.bmp: \.bmp images cannot be decoded here/);
    const bad = dir('corrupt');
    await png(join(dir('corrupt', 'cat'), 'good.png'), 2, 2, [1, 2, 3]);
    const garbage = join(dir('corrupt', 'cat'), 'garbage.png');
    writeFileSync(garbage, Buffer.from('\x89PNG\r\n\x1a\n this is not really a png at all'));
    const ds = await ImageFolder.open(bad); // listing succeeds; the file is only read by get()
    assert.equal(ds.files[0], garbage);
    await rejectsNaming(ds.get(0), new RegExp(`${garbage.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')}`));
    assert.deepEqual((await ds.get(1)).image.shape, [3, 2, 2]);
  });

  it('ByteImageDataset checks its arrays agree', () => {
    assert.throws(
      () =>
        new ByteImageDataset({
          images: new Uint8Array(7),
          labels: new Uint8Array(2),
          channels: 1,
          height: 2,
          width: 2,
          classes: ['a'],
        }),
      /7 pixel bytes do not make 2 images/,
    );
    assert.throws(
      () =>
        new ByteImageDataset({
          images: new Uint8Array(8),
          labels: Uint8Array.from([0, 1]),
          channels: 1,
          height: 2,
          width: 2,
          classes: ['a'],
        }),
      /label 1 at index 1 is out of range/,
    );
  });
});
