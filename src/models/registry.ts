/** Models by name, like torchvision.models.get_model / list_models, plus the models shipped inside this package. */
import { existsSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { ArgumentError } from '../errors.js';
import type { LoadStateDictOptions } from '../io/hub.js';
import { findPackageRoot } from '../package-root.js';
import { buildVgg, vggBuilders, type VGG, type VggBuilderOptions } from './vgg.js';
import { resolveWeights } from './weights.js';
import { loadModel, type LoadedModel } from './saved.js';

/** Models whose weights ship with the package (trained with this library; see examples/). */
const EMBEDDED: Readonly<Record<string, string>> = Object.freeze({ fashion_vgg: 'models/fashion_vgg.safetensors' });

export function listModels(): string[] {
  return [...Object.keys(vggBuilders), ...Object.keys(EMBEDDED)];
}

export function isEmbeddedModel(name: string): boolean {
  return name in EMBEDDED;
}

/** The packaged model file, its architecture, category names and preprocessing — no download. */
export async function loadEmbeddedModel(name: string): Promise<LoadedModel> {
  const rel = EMBEDDED[name];
  if (!rel)
    throw new ArgumentError(`"${name}" is not an embedded model; embedded: ${Object.keys(EMBEDDED).join(', ')}`);
  const root = findPackageRoot(dirname(fileURLToPath(import.meta.url)));
  const path = root ? join(root, rel) : rel;
  if (!existsSync(path)) throw new ArgumentError(`the embedded model file ${path} is missing from this installation`);
  return loadModel(path);
}

export interface GetModelOptions extends VggBuilderOptions, Pick<LoadStateDictOptions, 'progress' | 'offline'> {}

/**
 * Builds a model by name. Pretrained torchvision weights are downloaded into
 * the torch.hub cache first when missing; embedded models load from the package.
 */
export async function getModel(name: string, opts: GetModelOptions = {}): Promise<VGG> {
  if (isEmbeddedModel(name)) {
    if (opts.weights !== undefined && opts.weights !== null && opts.weights !== 'DEFAULT') {
      throw new ArgumentError(`${name} has one set of weights: use { weights: 'DEFAULT' } or none`);
    }
    const loaded = await loadEmbeddedModel(name);
    return opts.weights === 'DEFAULT' ? loaded.model : buildVgg(loaded.architecture);
  }
  const build = vggBuilders[name];
  if (!build) throw new ArgumentError(`unknown model "${name}"; available: ${listModels().join(', ')}`);
  const w = resolveWeights(name, opts.weights);
  if (w) await w.download({ progress: opts.progress ?? true, offline: opts.offline });
  const { progress: _progress, offline: _offline, ...buildOpts } = opts;
  return build(buildOpts);
}
