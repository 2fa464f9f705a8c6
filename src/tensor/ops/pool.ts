/** Max pooling and adaptive average pooling over NCHW input, with gradients. */
import { backend } from '../../backend/registry.js';
import type { Pool2dParams } from '../../backend/backend.js';
import { window2d, windowOutputSize } from '../../backend/window.js';
import { ArgumentError, ShapeError } from '../../errors.js';
import { record } from '../autograd.js';
import { Tensor } from '../tensor.js';
import { shapeToString } from '../shape.js';
import { asPair, type IntOrPair } from './pair.js';

export interface MaxPool2dOptions {
  stride?: IntOrPair | null;
  padding?: IntOrPair;
  dilation?: IntOrPair;
  ceilMode?: boolean;
}

/** Splits NCHW (or CHW) into planes for the kernels, remembering the leading shape. */
function planesOf(x: Tensor, op: string): { lead: number[]; planes: number; H: number; W: number } {
  if (x.ndim !== 3 && x.ndim !== 4)
    throw new ShapeError(`${op} expects input [N, C, H, W] or [C, H, W], got ${shapeToString(x.shape)}`);
  const lead = x.shape.slice(0, -2);
  return { lead, planes: lead.reduce((p, d) => p * d, 1), H: x.shape[x.ndim - 2], W: x.shape[x.ndim - 1] };
}

export function maxPool2d(x: Tensor, kernelSize: IntOrPair, opts: MaxPool2dOptions = {}): Tensor {
  const [kh, kw] = asPair(kernelSize, 'kernel_size', 1);
  const [sh, sw] = asPair(opts.stride ?? [kh, kw], 'stride', 1);
  const [ph, pw] = asPair(opts.padding ?? 0, 'padding', 0);
  const [dh, dw] = asPair(opts.dilation ?? 1, 'dilation', 1);
  if (ph > kh / 2 || pw > kw / 2)
    throw new ArgumentError(
      `max_pool2d: padding (${ph}, ${pw}) must be at most half of the kernel size (${kh}, ${kw})`,
    );
  const { lead, planes, H, W } = planesOf(x, 'max_pool2d');
  const ceil = opts.ceilMode ?? false;
  const outH = windowOutputSize(H, kh, sh, ph, dh, ceil);
  const outW = windowOutputSize(W, kw, sw, pw, dw, ceil);
  if (outH < 1 || outW < 1) {
    throw new ShapeError(
      `input ${shapeToString(x.shape)} is too small for max pooling with kernel (${kh}, ${kw}), stride (${sh}, ${sw}): output would be ${outH}x${outW}`,
    );
  }
  const p: Pool2dParams = { planes, ...window2d([H, W], [outH, outW], [kh, kw], [sh, sw], [ph, pw], [dh, dw]) };
  const { y, indices } = backend().maxPool2d(x.data, p);
  return record(new Tensor(y, [...lead, outH, outW]), 'MaxPool2DBackward', [x], (g) => [
    new Tensor(backend().maxPool2dBackward(g.data, indices, p), x.shape),
  ]);
}

/** Average pooling to a fixed output size with PyTorch's bins; null keeps that input size. */
export function adaptiveAvgPool2d(x: Tensor, outputSize: number | readonly [number | null, number | null]): Tensor {
  const { lead, planes, H, W } = planesOf(x, 'adaptive_avg_pool2d');
  const [oh, ow] = typeof outputSize === 'number' ? [outputSize, outputSize] : [outputSize[0] ?? H, outputSize[1] ?? W];
  if (!Number.isInteger(oh) || !Number.isInteger(ow) || oh < 1 || ow < 1) {
    throw new ArgumentError(
      `adaptive_avg_pool2d: output size must be positive integers, got ${JSON.stringify(outputSize)}`,
    );
  }
  if (H < 1 || W < 1)
    throw new ShapeError(`adaptive_avg_pool2d: input ${shapeToString(x.shape)} has an empty spatial size`);
  const y = backend().adaptiveAvgPool2d(x.data, planes, H, W, oh, ow);
  return record(new Tensor(y, [...lead, oh, ow]), 'AdaptiveAvgPool2DBackward', [x], (g) => [
    new Tensor(backend().adaptiveAvgPool2dBackward(g.data, planes, H, W, oh, ow), x.shape),
  ]);
}
