/**
 * A ready-to-run classifier from checkpoint bytes: a vgg-ts model file (architecture, labels and
 * preprocessing in its metadata, like fashion_vgg), or any VGG state dict (.pth or .safetensors,
 * torchvision's own included) whose architecture is read from its keys, with ImageNet labels and
 * preprocessing when it has 1000 classes.
 */
import type { Tensor } from '../tensor/tensor.js';
import { imageClassification, type Transform } from '../data/transforms.js';
import { detectFormat } from '../io/load.js';
import { decodeRawSafetensors } from '../io/safetensors.js';
import { IMAGENET_CATEGORIES } from '../models/imagenet.js';
import { inferArchitecture } from '../models/infer-architecture.js';
import { decodeModel } from '../models/saved.js';
import { buildVgg, type VGG, type VggArchitecture } from '../models/vgg.js';
import { VGG16_Weights } from '../models/weights.js';
import { decodeCheckpointAsync } from './checkpoint.js';

export interface ReadyModel {
  model: VGG;
  architecture: VggArchitecture;
  transform: Transform;
  categories?: readonly string[];
}

const ARCH_KEY = 'vgg-ts.architecture';

function isModelFile(bytes: Uint8Array): boolean {
  return detectFormat(bytes) === 'safetensors' && decodeRawSafetensors(bytes).metadata.has(ARCH_KEY);
}

/** Builds the classifier a checkpoint holds; `name` is what error messages call the bytes. */
export async function modelFromBytes(bytes: Uint8Array, name: string): Promise<ReadyModel> {
  if (isModelFile(bytes)) {
    const loaded = decodeModel(bytes, name);
    return {
      model: loaded.model.eval(),
      architecture: loaded.architecture,
      transform: imageClassification(loaded.transforms ?? VGG16_Weights.IMAGENET1K_V1.transformsSpec),
      categories: loaded.categories,
    };
  }
  const stateDict: Map<string, Tensor> = await decodeCheckpointAsync(bytes, { alignInPlace: true });
  const architecture = inferArchitecture(new Map([...stateDict].map(([k, t]) => [k, t.shape])));
  const model = buildVgg(architecture, { initWeights: false });
  model.loadStateDict(stateDict);
  return {
    model: model.eval(),
    architecture,
    transform: imageClassification(VGG16_Weights.IMAGENET1K_V1.transformsSpec),
    categories: architecture.numClasses === 1000 ? IMAGENET_CATEGORIES : undefined,
  };
}
