export { Tensor, type NestedArray } from './tensor/tensor.js';
export { tensor, zeros, ones, full, randn, rand, arange, zerosLike, onesLike } from './tensor/creation.js';
export { Generator, manualSeed, defaultGenerator, type GeneratorState } from './tensor/rng.js';
export { noGrad, enableGrad, isGradEnabled } from './tensor/autograd.js';
export { VggError, ShapeError, StateDictError, ArgumentError } from './errors.js';
export { backend, setBackend, listBackends, registerBackend, withBackend } from './backend/registry.js';
export { WasmOutOfMemoryError, WasmUnsupportedError } from './backend/wasm/errors.js';
export type { Backend, Conv2dParams, Pool2dParams } from './backend/backend.js';
export * as nn from './nn/index.js';
export {
  VGG,
  makeLayers,
  cfgs,
  vgg11,
  vgg11_bn,
  vgg13,
  vgg13_bn,
  vgg16,
  vgg16_bn,
  vgg19,
  vgg19_bn,
  vggBuilders,
  type VggConfig,
  type VggOptions,
  type MakeLayersOptions,
} from './models/vgg.js';
export { summarize, type LayerSummary, type ModelSummary } from './models/summary.js';
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
export { CheckpointError, ZipError, PickleError, SafetensorsError, ForbiddenGlobalError } from './io/errors.js';
export { decodeRawSafetensors, encodeRawSafetensors } from './io/safetensors.js';
export { decodeRawPth } from './io/pth.js';
export { encodeRawPth } from './io/pth-writer.js';
export { detectFormat, decodeRawStateDict, type CheckpointFormat } from './io/load.js';
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
  resolveWeights,
  type WeightsMeta,
  type TransformsSpec,
} from './models/weights.js';
export { IMAGENET_CATEGORIES } from './models/imagenet.js';
export { getModel, listModels, loadEmbeddedModel, isEmbeddedModel, type GetModelOptions } from './models/registry.js';
export { WeightsNotCachedError } from './models/pretrained.js';
export { exportOnnx, exportOnnxBytes, OnnxExportError, type ExportOnnxOptions } from './io/onnx.js';
export * as optim from './nn/optim/index.js';
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
export * from './data/transforms.js';
export { classify, topK, stack, type Classification, type ClassifyOptions, type TopK } from './models/classify.js';
export { saveModel, loadModel, type ModelInfo, type LoadedModel } from './models/saved.js';
export { buildVgg, type VggArchitecture } from './models/vgg.js';
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
export {
  compileInferencePlan,
  tryCompileInferencePlan,
  compileInferencePlanOrThrow,
  inferencePlanUnavailable,
  PlanUnsupportedError,
  type InferencePlan,
  type CompileInferencePlanOptions,
  type PlanConvAlgo,
  type PlanOpTiming,
  type PlanMemory,
  type TryCompileResult,
} from './models/plan.js';
