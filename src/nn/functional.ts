/** The stateless forms of the layers (torch.nn.functional). */
export { conv2d } from '../tensor/ops/conv.js';
export { maxPool2d, adaptiveAvgPool2d } from '../tensor/ops/pool.js';
export { batchNorm } from '../tensor/ops/norm.js';
export { linear } from '../tensor/ops/linear.js';
export { dropout } from '../tensor/ops/dropout.js';
export { relu } from '../tensor/ops/elementwise.js';
export { softmax, logSoftmax } from '../tensor/ops/reduce.js';
export { crossEntropy, nllLoss, mseLoss } from './loss.js';
