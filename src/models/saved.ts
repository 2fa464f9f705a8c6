/**
 * Self-describing model files: safetensors whose metadata carries the
 * architecture, the category names and the preprocessing, so a file alone
 * rebuilds a ready-to-use classifier (`vgg classify --weights model.safetensors`).
 */
import { readFile } from 'node:fs/promises';
import { ArgumentError } from '../errors.js';
import { saveSafetensors, rawDictToTensors } from '../io/checkpoint.js';
import { namingFile } from '../io/load.js';
import { decodeRawSafetensors } from '../io/safetensors.js';
import type { ImageClassificationSpec } from '../data/transforms.js';
import { buildVgg, type VGG, type VggArchitecture } from './vgg.js';

const ARCH_KEY = 'vgg-ts.architecture';
const CATEGORIES_KEY = 'vgg-ts.categories';
const TRANSFORMS_KEY = 'vgg-ts.transforms';

export interface ModelInfo {
  categories?: readonly string[];
  transforms?: ImageClassificationSpec;
}

export interface LoadedModel extends ModelInfo {
  model: VGG;
  architecture: VggArchitecture;
}

export async function saveModel(path: string, model: VGG, info: ModelInfo = {}): Promise<void> {
  const architecture = model.architecture();
  if (!architecture) throw new ArgumentError('saveModel needs a VGG whose features come from makeLayers');
  if (info.categories && info.categories.length !== architecture.numClasses) {
    throw new ArgumentError(
      `${info.categories.length} category names for a model with ${architecture.numClasses} classes`,
    );
  }
  const metadata: Record<string, string> = { [ARCH_KEY]: JSON.stringify(architecture) };
  if (info.categories) metadata[CATEGORIES_KEY] = JSON.stringify(info.categories);
  if (info.transforms) metadata[TRANSFORMS_KEY] = JSON.stringify(info.transforms);
  await saveSafetensors(path, model.stateDict(), { format: 'pt', metadata });
}

function parseMetadata<T>(path: string, key: string, raw: string | undefined): T | undefined {
  if (raw === undefined) return undefined;
  try {
    return JSON.parse(raw) as T;
  } catch {
    throw new ArgumentError(`${path}: metadata ${key} is not valid JSON`);
  }
}

/** Reads a file written by saveModel; plain safetensors without the architecture are refused with a hint. */
export async function loadModel(path: string): Promise<LoadedModel> {
  const bytes = await readFile(path);
  const { tensors, metadata } = namingFile(path, () => decodeRawSafetensors(bytes));
  const architecture = parseMetadata<VggArchitecture>(path, ARCH_KEY, metadata.get(ARCH_KEY));
  if (!architecture) {
    throw new ArgumentError(
      `${path} does not say which architecture it holds (no ${ARCH_KEY} metadata); pass --model <arch> with it`,
    );
  }
  const model = buildVgg(architecture, { initWeights: false });
  model.loadStateDict(rawDictToTensors(tensors));
  return {
    model,
    architecture,
    categories: parseMetadata<string[]>(path, CATEGORIES_KEY, metadata.get(CATEGORIES_KEY)),
    transforms: parseMetadata<ImageClassificationSpec>(path, TRANSFORMS_KEY, metadata.get(TRANSFORMS_KEY)),
  };
}
