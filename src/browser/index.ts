/**
 * `vgg-ts/browser` (and `vgg-ts` under a bundler's `browser` condition): everything that runs in a
 * browser or Web Worker, reaching no Node built-in. Checkpoints and images come as URLs, Files/Blobs
 * or bytes instead of paths; pretrained weights load with `loadCheckpoint(weights.url)`.
 */
export { Tensor, type NestedArray } from '../tensor/tensor.js';
export { tensor, zeros, ones, full, randn, rand, arange, zerosLike, onesLike } from '../tensor/creation.js';
export { Generator, manualSeed, defaultGenerator, type GeneratorState } from '../tensor/rng.js';
export { noGrad, enableGrad, isGradEnabled } from '../tensor/autograd.js';
export { VggError, ShapeError, StateDictError, ArgumentError } from '../errors.js';
export { backend, setBackend, listBackends, registerBackend, withBackend } from '../backend/registry.js';
export type { Backend, Conv2dParams, Pool2dParams } from '../backend/backend.js';
export * as nn from '../nn/index.js';
export * as optim from '../nn/optim/index.js';
export {
  VGG,
  makeLayers,
  cfgs,
  buildVgg,
  vgg11,
  vgg11_bn,
  vgg13,
  vgg13_bn,
  vgg16,
  vgg16_bn,
  vgg19,
  vgg19_bn,
  vggBuilders,
  type VggArchitecture,
  type VggConfig,
  type VggOptions,
  type MakeLayersOptions,
} from '../models/vgg.js';
export { inferArchitecture } from '../models/infer-architecture.js';
export { summarize, type LayerSummary, type ModelSummary } from '../models/summary.js';
export { featureLayerNames, createFeatureExtractor, embed, type FeatureExtractor } from '../models/features.js';
export { topK, stack, type TopK } from '../models/classify.js';
export { decodeModel, type LoadedModel, type ModelInfo } from '../models/saved.js';
export {
  Weights,
  VGG11_Weights,
  VGG11_BN_Weights,
  VGG13_Weights,
  VGG13_BN_Weights,
  VGG16_Weights,
  VGG16_BN_Weights,
  VGG19_Weights,
  VGG19_BN_Weights,
  getWeight,
  listWeightNames,
  type WeightsMeta,
} from '../models/weights.js';
export { IMAGENET_CATEGORIES } from '../models/imagenet.js';
export {
  imageFromPixels,
  ImageError,
  ImageDecodeError,
  ImageTooLargeError,
  ImageTooSmallError,
  DEFAULT_MAX_PIXELS,
  type ReadImageOptions,
} from '../data/image.js';
export * from '../data/transforms.js';
export { encodeSafetensors, encodePth, rawDictToTensors, type LoadCheckpointOptions } from '../io/checkpoint.js';
export { decodeRawSafetensors, encodeRawSafetensors } from '../io/safetensors.js';
export { decodeRawPth } from '../io/pth.js';
export { encodeRawPth } from '../io/pth-writer.js';
export { detectFormat, decodeRawStateDict, type CheckpointFormat } from '../io/load.js';
export { CheckpointError, ZipError, PickleError, SafetensorsError, ForbiddenGlobalError } from '../io/errors.js';
export { DownloadError, HashMismatchError, HttpStatusError, IncompleteDownloadError } from '../io/download-errors.js';
export {
  compileInferencePlan,
  tryCompileInferencePlan,
  compileInferencePlanOrThrow,
  inferencePlanUnavailable,
  PlanUnsupportedError,
  type InferencePlan,
  type CompileInferencePlanOptions,
  type PlanConvAlgo,
} from '../models/plan.js';
export { WasmOutOfMemoryError, WasmUnsupportedError } from '../backend/wasm/errors.js';
export { WasmFetchError } from '../backend/wasm/load-browser.js';
export { initBrowserBackend, type BackendInfo, type BrowserBackendOptions } from './backend.js';
export {
  loadCheckpoint,
  fetchCheckpoint,
  CHECKPOINT_CACHE,
  type BrowserCheckpointSource,
  type FetchCheckpointOptions,
} from './checkpoint.js';
export { readImage, type BrowserImageSource } from './image.js';
export { modelFromBytes, type ReadyModel } from './model-source.js';
export {
  createWorkerClassifier,
  WorkerTaskError,
  type WorkerClassifier,
  type WorkerClassifierOptions,
  type FeatureMaps,
  type ImageInput,
  type LoadedModelInfo,
  type Prediction,
} from './worker-classifier.js';
