/** Fashion-MNIST and MNIST from their IDX files (e.g. Debian's dataset-fashion-mnist package). */
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { DatasetError } from '../dataset.js';
import { ByteImageDataset } from './byte-images.js';
import { readIdxFile } from './idx.js';

export const FASHION_MNIST_CLASSES = Object.freeze([
  'T-shirt/top',
  'Trouser',
  'Pullover',
  'Dress',
  'Coat',
  'Sandal',
  'Shirt',
  'Sneaker',
  'Bag',
  'Ankle boot',
]);
export const MNIST_CLASSES = Object.freeze(['0', '1', '2', '3', '4', '5', '6', '7', '8', '9']);

/** Where Debian's dataset-fashion-mnist package puts the files. */
export const DEBIAN_FASHION_MNIST_DIR = '/usr/share/datasets/fashion-mnist';

/** The four files of a split pair, as published (gzipped); the split's prefix is `train` or `t10k`. */
export function mnistFileName(split: 'train' | 'test', kind: 'images' | 'labels'): string {
  return `${split === 'train' ? 'train' : 't10k'}-${kind}-idx${kind === 'images' ? 3 : 1}-ubyte`;
}

/** Reads `train` or `t10k` images and labels from a folder of (gzipped) IDX files, checking they agree: 1 channel, the header's height×width (28×28 as published). */
export async function loadMnistSplit(
  dir: string,
  split: 'train' | 'test',
  classes: readonly string[] = FASHION_MNIST_CLASSES,
): Promise<ByteImageDataset> {
  if (!existsSync(dir)) throw new DatasetError(`dataset folder ${dir} does not exist`);
  const find = (kind: 'images' | 'labels'): string => {
    const name = mnistFileName(split, kind);
    for (const file of [`${name}.gz`, name]) if (existsSync(join(dir, file))) return join(dir, file);
    throw new DatasetError(`${dir} has no ${name}(.gz) file`);
  };
  const images = await readIdxFile(find('images'));
  const labels = await readIdxFile(find('labels'));
  if (images.dims.length !== 3 || labels.dims.length !== 1)
    throw new DatasetError(`${dir}: expected images [N, H, W] and labels [N]`);
  if (images.dims[0] !== labels.dims[0])
    throw new DatasetError(`${dir}: ${images.dims[0]} images but ${labels.dims[0]} labels`);
  if (images.dims[1] < 1 || images.dims[2] < 1)
    throw new DatasetError(`${dir}: images of ${images.dims[1]}×${images.dims[2]} pixels`);
  const bad = labels.data.findIndex((l) => l >= classes.length);
  if (bad >= 0)
    throw new DatasetError(
      `${dir}: label ${labels.data[bad]} at index ${bad} is out of range for ${classes.length} classes`,
    );
  return new ByteImageDataset({
    images: images.data,
    labels: labels.data,
    channels: 1,
    height: images.dims[1],
    width: images.dims[2],
    classes,
  });
}
