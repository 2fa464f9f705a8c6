/** Locate and load the reference data written by test/fixtures/imagenet/generate.py. */

import { existsSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

const FIXTURE = path.join('test', 'fixtures', 'imagenet', 'weights_meta.json');

function* ancestors(start: string): Generator<string> {
  let dir = path.resolve(start);
  while (true) {
    yield dir;
    const parent = path.dirname(dir);
    if (parent === dir) return;
    dir = parent;
  }
}

/**
 * The repository root: the nearest folder above this compiled file that has a
 * package.json and the fixture (falls back to the working directory's ancestors, for
 * builds placed outside the repository).
 */
export function repoRoot(): string {
  const here = path.dirname(fileURLToPath(import.meta.url));
  for (const start of [here, process.cwd()]) {
    for (const dir of ancestors(start)) {
      if (existsSync(path.join(dir, 'package.json')) && existsSync(path.join(dir, FIXTURE))) return dir;
    }
  }
  throw new Error(`Cannot find ${FIXTURE} above ${here} or ${process.cwd()}`);
}

export interface RefTransforms {
  kind: string;
  crop_size: number;
  resize_size: number;
  mean: number[];
  std: number[];
  interpolation: string;
}

export interface RefEntry {
  name: string;
  arch: string;
  url: string;
  file_name: string;
  num_params: number;
  min_size: [number, number];
  categories_len: number | null;
  categories_is_imagenet: boolean;
  recipe: string;
  /** NaN is stored as null (JSON has no NaN). */
  metrics: Record<string, Record<string, number | null>>;
  transforms: RefTransforms;
  gflops?: number;
  file_size_mb?: number;
}

export interface RefData {
  torchvision_version: string;
  enums: Record<string, { arch: string; members: Record<string, RefEntry>; aliases: Record<string, string> }>;
  imagenet_categories: string[];
}

export function loadReference(): RefData {
  return JSON.parse(readFileSync(path.join(repoRoot(), FIXTURE), 'utf8')) as RefData;
}
