/**
 * Downloading the public datasets into a cache, with the files and md5 sums
 * torchvision uses. Each file goes through hub.ts's downloadUrlToFile (a
 * temporary file renamed into place once its md5 matches, a progress bar on a
 * terminal, offline mode), so a failed or corrupt download leaves nothing. The
 * CIFAR-10 archive is unpacked into a temporary folder that is renamed into
 * place whole, then deleted.
 */
import { createReadStream, existsSync } from 'node:fs';
import { mkdtemp, rename, rm } from 'node:fs/promises';
import { join } from 'node:path';
import { createGunzip } from 'node:zlib';
import { OfflineError, downloadUrlToFile, expandUser, offlineFromEnv } from '../../io/hub.js';
import { DatasetError } from '../dataset.js';
import { CIFAR10_FOLDER } from './cifar.js';
import { mnistFileName } from './mnist.js';
import { extractTar } from './tar.js';

export type DownloadableDataset = 'fashion-mnist' | 'mnist' | 'cifar10';

interface Source {
  /** Where torchvision downloads from. */
  baseUrl: string;
  /** File name → md5, as in torchvision's `resources`. */
  md5: ReadonlyMap<string, string>;
}

export const DATASET_SOURCES: Readonly<Record<DownloadableDataset, Source>> = Object.freeze({
  'fashion-mnist': {
    baseUrl: 'http://fashion-mnist.s3-website.eu-central-1.amazonaws.com/',
    md5: new Map([
      ['train-images-idx3-ubyte.gz', '8d4fb7e6c68d591d4c3dfef9ec88bf0d'],
      ['train-labels-idx1-ubyte.gz', '25c81989df183df01b3e8a0aad5dffbe'],
      ['t10k-images-idx3-ubyte.gz', 'bef4ecab320f06d8554ea6380940ec79'],
      ['t10k-labels-idx1-ubyte.gz', 'bb300cfdad3c16e7a12a480ee83cd310'],
    ]),
  },
  mnist: {
    baseUrl: 'https://ossci-datasets.s3.amazonaws.com/mnist/',
    md5: new Map([
      ['train-images-idx3-ubyte.gz', 'f68b3c2dcbeaaa9fbdd348bbdeb94873'],
      ['train-labels-idx1-ubyte.gz', 'd53e105ee54ea40749a09fcbcd1e9432'],
      ['t10k-images-idx3-ubyte.gz', '9fb629c4189551a2d022fa330f9573f3'],
      ['t10k-labels-idx1-ubyte.gz', 'ec29112dd5afa0611ce80d1b7f02629c'],
    ]),
  },
  cifar10: {
    baseUrl: 'https://www.cs.toronto.edu/~kriz/',
    md5: new Map([['cifar-10-binary.tar.gz', 'c32a1d4ab5d03f1284b67883e8d87530']]),
  },
});

/** `$VGG_DATA_DIR`, else `$XDG_CACHE_HOME/vgg-ts/datasets`, else `~/.cache/vgg-ts/datasets`. */
export function datasetsCacheDir(): string {
  const own = process.env.VGG_DATA_DIR;
  if (own) return expandUser(own);
  return expandUser(join(process.env.XDG_CACHE_HOME || join('~', '.cache'), 'vgg-ts', 'datasets'));
}

export interface DownloadDatasetOptions {
  /** Base URL serving the same file names (a mirror, or a test server); default torchvision's. */
  mirror?: string;
  /** md5 sums by file name replacing the published ones (for mirrors of other files, e.g. in tests). */
  md5?: ReadonlyMap<string, string>;
  /** Never connect; also switched on by VGG_OFFLINE=1. */
  offline?: boolean;
  /** Progress bar on stderr when it is a terminal. */
  progress?: boolean;
  timeoutMs?: number;
}

/** The files of a split: both IDX files for (Fashion-)MNIST, the one archive for CIFAR-10. */
export function downloadFiles(name: DownloadableDataset, split: 'train' | 'test'): string[] {
  if (name === 'cifar10') return ['cifar-10-binary.tar.gz'];
  return [`${mnistFileName(split, 'images')}.gz`, `${mnistFileName(split, 'labels')}.gz`];
}

/**
 * Downloads what `split` of `name` needs into `folder` (files already there are kept,
 * with no request). For CIFAR-10 the archive is unpacked to `folder/cifar-10-batches-bin`.
 */
export async function downloadDataset(
  name: DownloadableDataset,
  split: 'train' | 'test',
  folder: string,
  opts: DownloadDatasetOptions = {},
): Promise<void> {
  const source = DATASET_SOURCES[name];
  const base = opts.mirror ?? source.baseUrl;
  const baseUrl = base.endsWith('/') ? base : `${base}/`;
  for (const file of downloadFiles(name, split)) {
    const dest = join(folder, file);
    if (name === 'cifar10' ? existsSync(join(folder, CIFAR10_FOLDER)) : existsSync(dest)) continue;
    const url = baseUrl + file;
    if (opts.offline === true || offlineFromEnv()) {
      throw new OfflineError(
        url,
        file,
        dest,
        opts.offline === true ? 'offline: true' : `VGG_OFFLINE=${process.env.VGG_OFFLINE}`,
      );
    }
    const md5 = opts.md5?.get(file) ?? source.md5.get(file);
    await downloadUrlToFile(url, dest, { md5, progress: opts.progress, timeoutMs: opts.timeoutMs });
    if (name === 'cifar10') await unpackCifar(dest, folder);
  }
}

/** Unpacks the archive next to itself, renames its cifar-10-batches-bin into place, and deletes the archive. */
async function unpackCifar(archive: string, folder: string): Promise<void> {
  const tmp = await mkdtemp(join(folder, '.unpack-'));
  try {
    const file = createReadStream(archive);
    const gunzip = createGunzip();
    file.on('error', (e) => gunzip.destroy(e));
    try {
      await extractTar(file.pipe(gunzip), tmp, archive);
    } catch (e) {
      if ((e as NodeJS.ErrnoException).code?.startsWith('Z_'))
        throw new DatasetError(`${archive}: not a valid gzip file (${(e as Error).message})`, { cause: e });
      throw e;
    } finally {
      file.destroy();
    }
    if (!existsSync(join(tmp, CIFAR10_FOLDER)))
      throw new DatasetError(`${archive} holds no ${CIFAR10_FOLDER} folder; is it the binary version of CIFAR-10?`);
    await rename(join(tmp, CIFAR10_FOLDER), join(folder, CIFAR10_FOLDER));
  } finally {
    await rm(tmp, { recursive: true, force: true });
    await rm(archive, { force: true });
  }
}
