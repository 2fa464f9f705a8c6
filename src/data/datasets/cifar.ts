/**
 * CIFAR-10's binary version (cifar-10-batches-bin): each batch file is a run
 * of 3073-byte records, one label byte (0–9) then 32×32 red, green and blue
 * planes, so a record is already the [3, 32, 32] layout a model takes.
 * batches.meta.txt lists the class names, one a line.
 */
import { readFile, stat } from 'node:fs/promises';
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { DatasetError } from '../dataset.js';
import { ByteImageDataset } from './byte-images.js';

export const CIFAR10_CLASSES = Object.freeze([
  'airplane',
  'automobile',
  'bird',
  'cat',
  'deer',
  'dog',
  'frog',
  'horse',
  'ship',
  'truck',
]);

/** The folder the official archive unpacks to. */
export const CIFAR10_FOLDER = 'cifar-10-batches-bin';

const SIDE = 32;
const PIXELS = 3 * SIDE * SIDE;
const RECORD = 1 + PIXELS;

/** The batch files of a split, in the order their records are numbered. */
export function cifar10Files(split: 'train' | 'test'): string[] {
  return split === 'train' ? [1, 2, 3, 4, 5].map((i) => `data_batch_${i}.bin`) : ['test_batch.bin'];
}

/**
 * Sizes every file first, so nothing is allocated before the whole split is known to be well formed in
 * length. One file after another, so a split missing several files always names the first.
 */
async function recordCounts(folder: string, files: string[]): Promise<number[]> {
  const counts: number[] = [];
  for (const name of files) {
    const path = join(folder, name);
    let size: number;
    try {
      size = (await stat(path)).size;
    } catch {
      throw new DatasetError(`${folder} has no ${name} (CIFAR-10 binary version)`);
    }
    if (size === 0 || size % RECORD !== 0) {
      throw new DatasetError(
        `${path}: ${size} bytes is not a whole number of ${RECORD}-byte records (1 label byte + ${PIXELS} pixel bytes); the file is truncated or not a CIFAR-10 batch`,
      );
    }
    counts.push(size / RECORD);
  }
  return counts;
}

/** Class names from batches.meta.txt when present (it must list 10), else the published ones. */
async function classNames(folder: string): Promise<readonly string[]> {
  const path = join(folder, 'batches.meta.txt');
  if (!existsSync(path)) return CIFAR10_CLASSES;
  const names = (await readFile(path, 'utf8'))
    .split('\n')
    .map((l) => l.trim())
    .filter((l) => l !== '');
  if (names.length !== CIFAR10_CLASSES.length)
    throw new DatasetError(`${path}: lists ${names.length} class names, CIFAR-10 has ${CIFAR10_CLASSES.length}`);
  return Object.freeze(names);
}

/** Loads a split from the cifar-10-batches-bin folder, or from a folder holding it: 3 channels, 32×32. */
export async function loadCifar10(dir: string, split: 'train' | 'test'): Promise<ByteImageDataset> {
  if (!existsSync(dir)) throw new DatasetError(`dataset folder ${dir} does not exist`);
  const folder = existsSync(join(dir, CIFAR10_FOLDER)) ? join(dir, CIFAR10_FOLDER) : dir;
  const files = cifar10Files(split);
  const counts = await recordCounts(folder, files);
  const classes = await classNames(folder);
  const total = counts.reduce((a, b) => a + b, 0);
  const images = new Uint8Array(total * PIXELS);
  const labels = new Uint8Array(total);
  let n = 0;
  for (const [f, name] of files.entries()) {
    const path = join(folder, name);
    const bytes = await readFile(path);
    if (bytes.length !== counts[f] * RECORD) throw new DatasetError(`${path} changed size while being read`);
    for (let r = 0; r < counts[f]; r++, n++) {
      const at = r * RECORD;
      const label = bytes[at];
      if (label >= classes.length)
        throw new DatasetError(`${path}: record ${r} has label ${label}; CIFAR-10 labels are 0–9`);
      labels[n] = label;
      images.set(bytes.subarray(at + 1, at + RECORD), n * PIXELS);
    }
  }
  return new ByteImageDataset({ images, labels, channels: 3, height: SIDE, width: SIDE, classes });
}
