/** Fashion-MNIST and MNIST from their IDX files (e.g. Debian's dataset-fashion-mnist package). */
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { DatasetError, readIdxFile } from './idx.js';

export const FASHION_MNIST_CLASSES = Object.freeze(['T-shirt/top', 'Trouser', 'Pullover', 'Dress', 'Coat', 'Sandal', 'Shirt', 'Sneaker', 'Bag', 'Ankle boot']);
export const MNIST_CLASSES = Object.freeze(['0', '1', '2', '3', '4', '5', '6', '7', '8', '9']);

/** Where Debian's dataset-fashion-mnist package puts the files. */
export const DEBIAN_FASHION_MNIST_DIR = '/usr/share/datasets/fashion-mnist';

/** Grayscale images [N, 28, 28] as bytes, and labels 0–9. */
export interface ImageDataset {
  images: Uint8Array;
  labels: Uint8Array;
  count: number;
  height: number;
  width: number;
  classes: readonly string[];
}

/** Reads `train` or `t10k` images and labels from a folder of (gzipped) IDX files, checking they agree. */
export async function loadMnistSplit(dir: string, split: 'train' | 'test', classes: readonly string[] = FASHION_MNIST_CLASSES): Promise<ImageDataset> {
  if (!existsSync(dir)) throw new DatasetError(`dataset folder ${dir} does not exist`);
  const prefix = split === 'train' ? 'train' : 't10k';
  const find = (kind: string): string => {
    const name = `${prefix}-${kind}-idx${kind === 'images' ? 3 : 1}-ubyte`;
    for (const file of [`${name}.gz`, name]) if (existsSync(join(dir, file))) return join(dir, file);
    throw new DatasetError(`${dir} has no ${name}(.gz) file`);
  };
  const images = await readIdxFile(find('images'));
  const labels = await readIdxFile(find('labels'));
  if (images.dims.length !== 3 || labels.dims.length !== 1) throw new DatasetError(`${dir}: expected images [N, H, W] and labels [N]`);
  if (images.dims[0] !== labels.dims[0]) throw new DatasetError(`${dir}: ${images.dims[0]} images but ${labels.dims[0]} labels`);
  const bad = labels.data.findIndex((l) => l >= classes.length);
  if (bad >= 0) throw new DatasetError(`${dir}: label ${labels.data[bad]} at index ${bad} is out of range for ${classes.length} classes`);
  return { images: images.data, labels: labels.data, count: images.dims[0], height: images.dims[1], width: images.dims[2], classes };
}
