/** How the image commands get a model: a self-describing file, an architecture with weights, or vgg16's ImageNet weights. */
import { existsSync } from 'node:fs';
import { readdir, stat } from 'node:fs/promises';
import { extname, join } from 'node:path';
import { ArgumentError } from '../errors.js';
import { loadCheckpoint, type LoadCheckpointOptions } from '../io/checkpoint.js';
import type { Linear } from '../nn/layers/linear.js';
import { DownloadError } from '../io/hub.js';
import { NoImagesError } from './errors.js';
import { namingFile } from '../io/load.js';
import { imageClassification, type ImageClassificationSpec, type Transform } from '../data/transforms.js';
import { IMAGE_EXTENSIONS } from '../data/datasets/image-folder.js';
import { loadModel, type LoadedModel } from '../models/saved.js';
import { getModel, isEmbeddedModel, listModels, loadEmbeddedModel } from '../models/registry.js';
import { vggBuilders, type VGG } from '../models/vgg.js';
import { resolveWeights, VGG16_Weights } from '../models/weights.js';
import { IMAGENET_CATEGORIES } from '../models/imagenet.js';

export interface ModelSourceOptions {
  model?: string;
  weights?: string;
  /** Size of the last layer; must agree with a self-describing file's. */
  numClasses?: number;
  /** State dict entry of a training checkpoint, and a key prefix to remove (plain checkpoints only). */
  key?: string;
  stripPrefix?: string;
}

export interface ReadyModel {
  model: VGG;
  transform: Transform;
  categories?: readonly string[];
  name: string;
  /** One image as the model takes it, [C, H, W]: from the file's preprocessing, else 3x224x224. */
  inputShape: [number, number, number];
}

/** --model's help: every name listModels() gives. */
export const MODEL_HELP = `${listModels().join(', ')} (fashion_vgg ships with the package and works offline)`;

const IMAGENET_SPEC = VGG16_Weights.IMAGENET1K_V1.transformsSpec;

function specInput(spec: ImageClassificationSpec): [number, number, number] {
  return [spec.grayscale ? 1 : 3, spec.cropSize, spec.cropSize];
}

/** A model that carries its own preprocessing: the embedded one or a file written by saveModel. */
function fromSavedModel(loaded: LoadedModel, name: string, opts: ModelSourceOptions): ReadyModel {
  const classes = loaded.architecture.numClasses;
  if (opts.numClasses !== undefined && opts.numClasses !== classes)
    throw new ArgumentError(`${name} has ${classes} classes; --num-classes ${opts.numClasses} does not fit it`);
  const spec = loaded.transforms ?? IMAGENET_SPEC;
  return {
    model: loaded.model,
    transform: imageClassification(spec),
    categories: loaded.categories,
    name,
    inputShape: specInput(spec),
  };
}

/**
 * The model the options name: an embedded model (--model fashion_vgg), a file written by
 * saveModel (--weights file), an architecture with a checkpoint (--model vgg11 --weights
 * file), or an architecture with torchvision weights (by name, vgg16 by default). With
 * `untrained`, an architecture without --weights keeps its initial weights (export).
 */
export async function resolveModel(opts: ModelSourceOptions, untrained = false): Promise<ReadyModel> {
  const arch = opts.model;
  const weights = opts.weights;
  if (arch !== undefined && !listModels().includes(arch))
    throw new ArgumentError(`unknown model "${arch}"; choose one of ${listModels().join(', ')}`);
  if (arch && isEmbeddedModel(arch)) {
    if (weights && weights !== 'DEFAULT') throw new ArgumentError(`${arch} ships with its own weights; drop --weights`);
    return fromSavedModel(await loadEmbeddedModel(arch), arch, opts);
  }
  if (weights && !isWeightsName(weights)) {
    if (!existsSync(weights))
      throw new ArgumentError(`--weights ${weights}: no such file, and not a weights name such as DEFAULT`);
    if (!arch) return fromSavedModel(await loadModel(weights), weights, opts);
    const model = await modelFromCheckpoint(arch, weights, opts);
    return {
      model,
      transform: imageClassification(IMAGENET_SPEC),
      categories: (model.classifier.at(-1) as Linear).outFeatures === 1000 ? IMAGENET_CATEGORIES : undefined,
      name: `${arch} (${weights})`,
      inputShape: specInput(IMAGENET_SPEC),
    };
  }
  const name = arch ?? 'vgg16';
  if (untrained && !weights) {
    const model = builderFor(name)({ numClasses: opts.numClasses });
    return { model, transform: imageClassification(IMAGENET_SPEC), name, inputShape: specInput(IMAGENET_SPEC) };
  }
  const w = resolveWeights(name, weights ?? 'DEFAULT')!;
  const model = await getModel(name, { weights: w, numClasses: opts.numClasses, progress: true }).catch((e) => {
    if (e instanceof DownloadError) e.message = `could not get ${w.name}: ${e.message}`;
    throw e;
  });
  const categories = w.meta.categories ?? undefined;
  return { model, transform: w.transforms(), categories, name: w.name, inputShape: specInput(w.transformsSpec) };
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
  namingFile(file, () => model.loadStateDict(sd));
  return model;
}

/** expandImagePaths, noting skipped files on stderr; finding no image at all is an error naming the inputs. */
export async function findImages(inputs: readonly string[]): Promise<string[]> {
  const files = await expandImagePaths(inputs, (p) => process.stderr.write(`skipping ${p}: not an image file\n`));
  if (!files.length)
    throw new NoImagesError(
      `no images found in ${inputs.join(', ')} (image files end in ${IMAGE_EXTENSIONS.join(', ')})`,
    );
  return files;
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
