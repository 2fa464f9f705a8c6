/** How the image commands get a model: a self-describing file, an architecture with weights, or vgg16's ImageNet weights. */
import { existsSync } from 'node:fs';
import { readdir, stat } from 'node:fs/promises';
import { extname, join } from 'node:path';
import { ArgumentError } from '../errors.js';
import { loadCheckpoint, type LoadCheckpointOptions } from '../io/checkpoint.js';
import type { Linear } from '../nn/layers/linear.js';
import { OfflineError } from '../io/hub.js';
import { imageClassification, type Transform } from '../data/transforms.js';
import { IMAGE_EXTENSIONS } from '../data/datasets/image-folder.js';
import { loadModel } from '../models/saved.js';
import { getModel, isEmbeddedModel, loadEmbeddedModel } from '../models/registry.js';
import { vggBuilders, type VGG } from '../models/vgg.js';
import { resolveWeights, VGG16_Weights } from '../models/weights.js';
import { IMAGENET_CATEGORIES } from '../models/imagenet.js';

export interface ModelSourceOptions {
  model?: string;
  weights?: string;
}

export interface ReadyModel {
  model: VGG;
  transform: Transform;
  categories?: readonly string[];
  name: string;
}

const imagenetTransform = (): Transform => imageClassification(VGG16_Weights.IMAGENET1K_V1.transformsSpec);

export async function resolveModel(opts: ModelSourceOptions): Promise<ReadyModel> {
  const arch = opts.model;
  const weights = opts.weights;
  if (arch && isEmbeddedModel(arch)) {
    if (weights && weights !== 'DEFAULT') throw new ArgumentError(`${arch} ships with its own weights; drop --weights`);
    const loaded = await loadEmbeddedModel(arch);
    return {
      model: loaded.model,
      transform: imageClassification(loaded.transforms!),
      categories: loaded.categories,
      name: arch,
    };
  }
  if (weights && !isWeightsName(weights)) {
    if (!existsSync(weights))
      throw new ArgumentError(`--weights ${weights}: no such file, and not a weights name such as DEFAULT`);
    if (!arch) {
      const loaded = await loadModel(weights);
      const transform = loaded.transforms ? imageClassification(loaded.transforms) : imagenetTransform();
      return { model: loaded.model, transform, categories: loaded.categories, name: weights };
    }
    const model = await modelFromCheckpoint(arch, weights);
    const numClasses = (model.classifier.at(-1) as Linear).outFeatures;
    return {
      model,
      transform: imagenetTransform(),
      categories: numClasses === 1000 ? IMAGENET_CATEGORIES : undefined,
      name: `${arch} (${weights})`,
    };
  }
  const name = arch ?? 'vgg16';
  builderFor(name);
  const w = resolveWeights(name, weights ?? 'DEFAULT')!;
  try {
    const model = await getModel(name, { weights: w, progress: true });
    return { model, transform: w.transforms(), categories: w.meta.categories ?? undefined, name: w.name };
  } catch (e) {
    if (e instanceof OfflineError) {
      throw new ArgumentError(
        `${e.message}\nOffline, ${w.name} can only come from the cache. Use the model embedded in this package ` +
          '(--model fashion_vgg, 10 Fashion-MNIST classes) or a model file with --weights <file>.',
      );
    }
    throw e;
  }
}

export function builderFor(arch: string): (typeof vggBuilders)[string] {
  const build = vggBuilders[arch];
  if (!build) throw new ArgumentError(`unknown model "${arch}"; choose one of ${Object.keys(vggBuilders).join(', ')}`);
  return build;
}

/** Whether --weights names registry weights (DEFAULT, IMAGENET1K_V1, VGG16_Weights.…) rather than a file. */
export function isWeightsName(spec: string): boolean {
  return /^(DEFAULT|IMAGENET1K_\w+|VGG\w+_Weights\.\w+)$/.test(spec);
}

/** An architecture with a plain checkpoint's weights; the class count comes from the checkpoint unless given. */
export async function modelFromCheckpoint(
  arch: string,
  file: string,
  opts: LoadCheckpointOptions & { numClasses?: number } = {},
): Promise<VGG> {
  const build = builderFor(arch);
  const sd = await loadCheckpoint(file, opts);
  const model = build({ numClasses: opts.numClasses ?? sd.get('classifier.6.bias')?.shape[0], initWeights: false });
  model.loadStateDict(sd);
  return model;
}

/**
 * Files as given, and image files found (recursively, sorted) in the folders
 * given; other files in folders are skipped with a note through `skipped`.
 */
export async function expandImagePaths(inputs: readonly string[], skipped: (path: string) => void): Promise<string[]> {
  const out: string[] = [];
  const walk = async (dir: string): Promise<void> => {
    for (const entry of (await readdir(dir, { withFileTypes: true })).sort((a, b) => a.name.localeCompare(b.name))) {
      const path = join(dir, entry.name);
      if (entry.isDirectory()) await walk(path);
      else if (IMAGE_EXTENSIONS.includes(extname(entry.name).toLowerCase())) out.push(path);
      else skipped(path);
    }
  };
  for (const input of inputs) {
    const s = await stat(input).catch(() => null);
    if (s?.isDirectory()) await walk(input);
    else out.push(input);
  }
  return out;
}
