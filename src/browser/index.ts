/**
 * `vgg-ts/browser` (and `vgg-ts` under a bundler's `browser` condition): everything that runs in a
 * browser or Web Worker, reaching no Node built-in. Checkpoints and images come as URLs, Files/Blobs
 * or bytes instead of paths; pretrained weights load with `loadCheckpoint(weights.url)`.
 */
export * from '../core.js';
export { inferArchitecture } from '../models/infer-architecture.js';
export { featureLayerNames, createFeatureExtractor, embed, type FeatureExtractor } from '../models/features.js';
export { topK, stack, type TopK } from '../models/classify.js';
export { decodeModel, type LoadedModel, type ModelInfo } from '../models/saved.js';
export {
  imageFromPixels,
  ImageError,
  ImageDecodeError,
  ImageTooLargeError,
  ImageTooSmallError,
  DEFAULT_MAX_PIXELS,
  type ReadImageOptions,
} from '../data/image.js';
export { encodeSafetensors, encodePth, rawDictToTensors, type LoadCheckpointOptions } from '../io/checkpoint.js';
export { DownloadError, HashMismatchError, HttpStatusError, IncompleteDownloadError } from '../io/download-errors.js';
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
  renderFeatureGrid,
  featureGridLayout,
  featureGridSize,
  featureGridTile,
  featureGridChannelAt,
  featureGridPixels,
  type FeatureGrid,
  type FeatureGridLayout,
  type FeatureGridOptions,
  type GridRect,
} from './feature-grid.js';
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
