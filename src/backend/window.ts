/** Sliding-window geometry shared by the tensor ops, the model lowering and the plans. */
import type { Conv2dParams, Window2d } from './backend.js';
import type { Pair } from './graph.js';

/**
 * PyTorch's output size of a sliding window along one axis, for convolutions (floor mode) and
 * pools; in ceil mode the last window must start inside the input or the left padding.
 */
export function windowOutputSize(
  size: number,
  kernel: number,
  stride: number,
  pad: number,
  dilation: number,
  ceilMode = false,
): number {
  const span = size + 2 * pad - dilation * (kernel - 1) - 1;
  if (!ceilMode) return Math.floor(span / stride) + 1;
  const out = Math.ceil(span / stride) + 1;
  return (out - 1) * stride >= size + pad ? out - 1 : out;
}

/** A Window2d from [height, width] pairs. */
export function window2d(
  input: Pair,
  output: Pair,
  kernel: Pair,
  stride: Pair,
  padding: Pair,
  dilation: Pair,
): Window2d {
  return {
    inH: input[0],
    inW: input[1],
    outH: output[0],
    outW: output[1],
    kernelH: kernel[0],
    kernelW: kernel[1],
    strideH: stride[0],
    strideW: stride[1],
    padH: padding[0],
    padW: padding[1],
    dilationH: dilation[0],
    dilationW: dilation[1],
  };
}

/**
 * The per-image sizes of an im2col convolution: `plane` output positions per channel, `taps`
 * = Cin·kh·kw rows of the column matrix, and one image's input and output value counts.
 */
export function im2colSizes(p: Conv2dParams): { plane: number; taps: number; inSize: number; outSize: number } {
  const plane = p.outH * p.outW;
  return {
    plane,
    taps: p.inChannels * p.kernelH * p.kernelW,
    inSize: p.inChannels * p.inH * p.inW,
    outSize: p.outChannels * plane,
  };
}
