/** Locate and load the reference data written by test/fixtures/imagenet/generate.py. */

import { readFileSync } from 'node:fs';
import path from 'node:path';
import { repoRoot } from './paths.js';

const FIXTURE = path.join('test', 'fixtures', 'imagenet', 'weights_meta.json');

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
  return JSON.parse(readFileSync(path.join(repoRoot, FIXTURE), 'utf8')) as RefData;
}
