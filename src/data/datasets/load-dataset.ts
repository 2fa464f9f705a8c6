/**
 * One entry point for the public datasets: finds the split's files (a folder
 * you name, Debian's Fashion-MNIST package, or the download cache), fetches
 * them when allowed, and returns the split as a Dataset.
 */
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { offlineFromEnv } from '../../io/hub.js';
import { ArgumentError } from '../../errors.js';
import { DatasetError } from '../dataset.js';
import type { ByteImageDataset } from './byte-images.js';
import { CIFAR10_FOLDER, cifar10Files, loadCifar10 } from './cifar.js';
import {
  DATASET_SOURCES,
  datasetsCacheDir,
  downloadDataset,
  type DownloadDatasetOptions,
  type DownloadableDataset,
} from './download.js';
import {
  DEBIAN_FASHION_MNIST_DIR,
  FASHION_MNIST_CLASSES,
  MNIST_CLASSES,
  loadMnistSplit,
  mnistFileName,
} from './mnist.js';

export const DATASET_NAMES: readonly DownloadableDataset[] = Object.freeze(['fashion-mnist', 'mnist', 'cifar10']);

export interface LoadDatasetOptions extends DownloadDatasetOptions {
  /**
   * The folder holding the files (and receiving downloads). Default: for fashion-mnist
   * Debian's /usr/share/datasets/fashion-mnist when it has the split, else `<cacheDir>/<name>`.
   */
  root?: string;
  /** Fetch missing files into that folder. Default false: a missing file is an error saying how to get it. */
  download?: boolean;
  /** Default datasetsCacheDir(): $VGG_DATA_DIR, else $XDG_CACHE_HOME/vgg-ts/datasets. */
  cacheDir?: string;
}

/** Whether `folder` already has what loading `split` reads. */
function hasSplit(name: DownloadableDataset, split: 'train' | 'test', folder: string): boolean {
  if (name === 'cifar10') {
    return existsSync(join(folder, CIFAR10_FOLDER)) || cifar10Files(split).every((f) => existsSync(join(folder, f)));
  }
  return (['images', 'labels'] as const).every((kind) => {
    const file = mnistFileName(split, kind);
    return existsSync(join(folder, `${file}.gz`)) || existsSync(join(folder, file));
  });
}

/**
 * Loads the train or test split of Fashion-MNIST, MNIST (1 channel, 28×28) or CIFAR-10
 * (3 channels, 32×32), downloading it first when `download` is set and it is missing.
 */
export async function loadDataset(
  name: DownloadableDataset,
  split: 'train' | 'test',
  opts: LoadDatasetOptions = {},
): Promise<ByteImageDataset> {
  if (!DATASET_NAMES.includes(name))
    throw new ArgumentError(`unknown dataset ${JSON.stringify(name)}; expected one of ${DATASET_NAMES.join(', ')}`);
  if (split !== 'train' && split !== 'test')
    throw new ArgumentError(`split must be 'train' or 'test', got ${JSON.stringify(split)}`);
  const debian = name === 'fashion-mnist' && opts.root === undefined && hasSplit(name, split, DEBIAN_FASHION_MNIST_DIR);
  const folder = debian ? DEBIAN_FASHION_MNIST_DIR : (opts.root ?? join(opts.cacheDir ?? datasetsCacheDir(), name));
  if (!hasSplit(name, split, folder)) {
    if (!opts.download && !(opts.offline === true || offlineFromEnv())) {
      throw new DatasetError(
        `the ${name} ${split} files are not in ${folder}; allow downloading (download: true, vgg train --download) ` +
          `to fetch them from ${opts.mirror ?? DATASET_SOURCES[name].baseUrl} into that folder, or point root (--data) at a folder that has them`,
      );
    }
    await downloadDataset(name, split, folder, opts);
  }
  if (name === 'cifar10') return loadCifar10(folder, split);
  return loadMnistSplit(folder, split, name === 'mnist' ? MNIST_CLASSES : FASHION_MNIST_CLASSES);
}
