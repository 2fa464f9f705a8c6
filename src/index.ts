/** vgg-ts for Node: the shared core (core.ts) and Node's edges (files, network, sharp, the addon, worker threads). */
export * from './core.js';
export { lowerModel, LoweringError } from './models/lower.js';
export type { LayerGraph, LayerStep, StepShape } from './backend/graph.js';
export {
  loadCheckpoint,
  decodeCheckpoint,
  saveSafetensors,
  savePth,
  encodeSafetensors,
  encodePth,
  type LoadCheckpointOptions,
  type SafetensorsOptions,
} from './io/checkpoint.js';
export type { RawTensor, DType } from './io/raw-tensor.js';
export {
  hubDir,
  checkpointsDir,
  downloadUrlToFile,
  loadStateDictFromUrl,
  DownloadError,
  HashMismatchError,
  OfflineError,
} from './io/hub.js';
export { resolveWeights, type TransformsSpec } from './models/weights.js';
export { getModel, listModels, loadEmbeddedModel, isEmbeddedModel, type GetModelOptions } from './models/registry.js';
export { WeightsNotCachedError } from './models/pretrained.js';
export { exportOnnx, exportOnnxBytes, OnnxExportError, type ExportOnnxOptions } from './io/onnx.js';
export {
  featureLayerNames,
  createFeatureExtractor,
  embed,
  cosineSimilarity,
  perceptualLoss,
  type FeatureExtractor,
  type GlobalPooling,
  type PerceptualLossOptions,
} from './models/features.js';
export * from './data/image.js';
export { classify, topK, stack, type Classification, type ClassifyOptions, type TopK } from './models/classify.js';
export { saveModel, loadModel, type ModelInfo, type LoadedModel } from './models/saved.js';
export {
  replaceClassifierHead,
  prepareFineTune,
  frozenFeaturesForward,
  type ReplaceHeadOptions,
  type ReplacedHead,
  type PrepareFineTuneOptions,
  type FrozenFeaturesForward,
} from './models/finetune.js';
export { freeze, unfreeze, trainableParameters, type FreezeOptions } from './nn/freeze.js';
export {
  InferencePool,
  InferencePoolError,
  type InferencePoolOptions,
  type PoolClassifyOptions,
} from './models/pool.js';
export { DatasetError, type Dataset, type Sample, type SampleTransform } from './data/dataset.js';
export { ByteImageDataset, type ByteImages } from './data/datasets/byte-images.js';
export {
  loadMnistSplit,
  FASHION_MNIST_CLASSES,
  MNIST_CLASSES,
  DEBIAN_FASHION_MNIST_DIR,
} from './data/datasets/mnist.js';
export { parseIdx } from './data/datasets/idx.js';
export { loadCifar10, CIFAR10_CLASSES } from './data/datasets/cifar.js';
export { ImageFolder, IMAGE_EXTENSIONS } from './data/datasets/image-folder.js';
export { extractTar, TarError } from './data/datasets/tar.js';
export {
  datasetsCacheDir,
  downloadDataset,
  DATASET_SOURCES,
  type DownloadableDataset,
  type DownloadDatasetOptions,
} from './data/datasets/download.js';
export { loadDataset, DATASET_NAMES, type LoadDatasetOptions } from './data/datasets/load-dataset.js';
export { DataLoader, type DataLoaderOptions, type Batch } from './data/loader.js';
export {
  crop,
  hflip,
  randomCrop,
  randomHorizontalFlip,
  randomResizedCrop,
  randomResizedCropParams,
  liftTransform,
  composeSample,
  type RandomCropOptions,
  type RandomResizedCropOptions,
} from './data/augment.js';
export { Trainer, type TrainOptions, type TrainResult } from './train/trainer.js';
export { trainingPreset, type TrainingPreset, type PresetName, type PresetOptions } from './train/presets.js';
export { type PlanOpTiming, type PlanMemory, type TryCompileResult } from './models/plan.js';
