/**
 * The exports both entries share (src/index.ts for Node, src/browser/index.ts for browsers): everything
 * that reaches no file, network or image decoder of its own. Each entry adds its platform's edges.
 */
export { Tensor, type NestedArray } from './tensor/tensor.js';
export { tensor, zeros, ones, full, randn, rand, arange, zerosLike, onesLike } from './tensor/creation.js';
export { Generator, manualSeed, defaultGenerator, type GeneratorState } from './tensor/rng.js';
export { noGrad, enableGrad, isGradEnabled } from './tensor/autograd.js';
export { VggError, ShapeError, StateDictError, ArgumentError } from './errors.js';
export { backend, setBackend, listBackends, registerBackend, withBackend } from './backend/registry.js';
export type { Backend, Conv2dParams, Pool2dParams } from './backend/backend.js';
export { WasmOutOfMemoryError, WasmUnsupportedError } from './backend/wasm/errors.js';
export * as nn from './nn/index.js';
export * as optim from './nn/optim/index.js';
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
} from './models/vgg.js';
export { summarize, type LayerSummary, type ModelSummary } from './models/summary.js';
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
} from './models/weights.js';
export { IMAGENET_CATEGORIES } from './models/imagenet.js';
export {
  compileInferencePlan,
  tryCompileInferencePlan,
  compileInferencePlanOrThrow,
  inferencePlanUnavailable,
  PlanUnsupportedError,
  type InferencePlan,
  type CompileInferencePlanOptions,
  type PlanConvAlgo,
} from './models/plan.js';
export * from './data/transforms.js';
export { CheckpointError, ZipError, PickleError, SafetensorsError, ForbiddenGlobalError } from './io/errors.js';
export { decodeRawSafetensors, encodeRawSafetensors } from './io/safetensors.js';
export { decodeRawPth } from './io/pth.js';
export { encodeRawPth } from './io/pth-writer.js';
export { detectFormat, decodeRawStateDict, type CheckpointFormat } from './io/load.js';
