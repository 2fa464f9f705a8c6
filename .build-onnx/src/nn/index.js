export { Module } from './module.js';
export { Parameter } from './parameter.js';
export { Conv2d } from './layers/conv.js';
export { BatchNorm2d } from './layers/batchnorm.js';
export { ReLU } from './layers/activation.js';
export { MaxPool2d, AdaptiveAvgPool2d } from './layers/pooling.js';
export { Linear } from './layers/linear.js';
export { Dropout } from './layers/dropout.js';
export { Flatten } from './layers/flatten.js';
export { Sequential } from './layers/sequential.js';
export * as init from './init.js';
export * as functional from './functional.js';
//# sourceMappingURL=index.js.map