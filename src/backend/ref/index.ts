/** The reference backend: readable TypeScript kernels, the oracle for every other backend. */
import type { Backend } from '../backend.js';
import { gemmBlocked } from './gemm.js';
import { conv2dIm2col, conv2dIm2colBackwardInput, conv2dIm2colBackwardWeight } from './conv.js';
import { adamStep, sgdStep } from './optim.js';
import { adaptiveAvgPool2d, adaptiveAvgPool2dBackward, maxPool2d, maxPool2dBackward } from './pool.js';
import {
  batchNorm,
  batchNormBackward,
  binary,
  channelMoments,
  maxAxis,
  reluBackward,
  sumAxis,
  unary,
} from './pointwise.js';

export function createRefBackend(): Backend {
  return {
    name: 'ref',
    gemm: gemmBlocked,
    conv2d: conv2dIm2col,
    conv2dBackwardInput: conv2dIm2colBackwardInput,
    conv2dBackwardWeight: conv2dIm2colBackwardWeight,
    maxPool2d,
    maxPool2dBackward,
    adaptiveAvgPool2d,
    adaptiveAvgPool2dBackward,
    batchNorm,
    batchNormBackward,
    channelMoments,
    unary,
    reluBackward,
    sgdStep,
    adamStep,
    binary,
    sumAxis,
    maxAxis,
  };
}
