export { Module, type LoadResult } from './module.js';
export { Parameter } from './parameter.js';
export { Conv2d } from './layers/conv.js';
export type { Conv2dOptions } from '../tensor/ops/conv.js';
export { BatchNorm2d, type BatchNormOptions } from './layers/batchnorm.js';
export { ReLU } from './layers/activation.js';
export { MaxPool2d, AdaptiveAvgPool2d, type AdaptiveSize } from './layers/pooling.js';
export type { MaxPool2dOptions } from '../tensor/ops/pool.js';
export { Linear } from './layers/linear.js';
export { Dropout } from './layers/dropout.js';
export { Flatten } from './layers/flatten.js';
export { Sequential } from './layers/sequential.js';
export * as init from './init.js';
export * as functional from './functional.js';
export {
  crossEntropy,
  nllLoss,
  mseLoss,
  CrossEntropyLoss,
  NLLLoss,
  MSELoss,
  type Reduction,
  type ClassTargets,
  type CrossEntropyOptions,
  type NLLLossOptions,
  type MSELossOptions,
} from './loss.js';
export { clipGradNorm_, clipGradValue_, type ClipGradNormOptions } from './clip.js';
