/** 2-D convolution over NCHW input, with both gradients. */
import { backend } from '../../backend/registry.js';
import type { Conv2dParams } from '../../backend/backend.js';
import { window2d, windowOutputSize } from '../../backend/window.js';
import { ShapeError } from '../../errors.js';
import { record } from '../autograd.js';
import { Tensor } from '../tensor.js';
import { shapeToString } from '../shape.js';
import { asPair, type IntOrPair } from './pair.js';

/** Options of the Conv2d layer; conv2d takes all but `bias` (it is given the bias tensor itself). */
export interface Conv2dOptions {
  stride?: IntOrPair;
  padding?: IntOrPair;
  dilation?: IntOrPair;
  /** false builds the layer without a bias. */
  bias?: boolean;
}

/** x[N,Cin,H,W] (or unbatched [Cin,H,W]), weight[Cout,Cin,kh,kw], bias[Cout] -> [N,Cout,outH,outW]. */
export function conv2d(
  x: Tensor,
  weight: Tensor,
  bias: Tensor | null = null,
  opts: Omit<Conv2dOptions, 'bias'> = {},
): Tensor {
  if (x.ndim === 3) return conv2d(x.unsqueeze(0), weight, bias, opts).squeeze(0);
  if (x.ndim !== 4)
    throw new ShapeError(`conv2d expects input [N, C, H, W] or [C, H, W], got ${shapeToString(x.shape)}`);
  if (weight.ndim !== 4)
    throw new ShapeError(`conv2d expects weight [Cout, Cin, kh, kw], got ${shapeToString(weight.shape)}`);
  const [N, C, H, W] = x.shape;
  const [O, Cw, KH, KW] = weight.shape;
  if (C !== Cw) {
    throw new ShapeError(
      `expected input with ${Cw} channels (weight ${shapeToString(weight.shape)}), got input ${shapeToString(x.shape)}`,
    );
  }
  if (bias && (bias.ndim !== 1 || bias.shape[0] !== O))
    throw new ShapeError(`conv2d bias must be [${O}], got ${shapeToString(bias.shape)}`);
  const [sh, sw] = asPair(opts.stride ?? 1, 'stride', 1);
  const [ph, pw] = asPair(opts.padding ?? 0, 'padding', 0);
  const [dh, dw] = asPair(opts.dilation ?? 1, 'dilation', 1);
  const outH = windowOutputSize(H, KH, sh, ph, dh);
  const outW = windowOutputSize(W, KW, sw, pw, dw);
  if (outH < 1 || outW < 1) {
    throw new ShapeError(
      `input ${shapeToString(x.shape)} is too small for a ${KH}x${KW} kernel with padding (${ph}, ${pw}) and dilation (${dh}, ${dw}): output would be ${outH}x${outW}`,
    );
  }
  const p: Conv2dParams = {
    batch: N,
    inChannels: C,
    outChannels: O,
    ...window2d([H, W], [outH, outW], [KH, KW], [sh, sw], [ph, pw], [dh, dw]),
  };
  const y = new Tensor(backend().conv2d(x.data, weight.data, bias ? bias.data : null, p), [N, O, outH, outW]);
  const inputs = bias ? [x, weight, bias] : [x, weight];
  return record(y, 'ConvolutionBackward', inputs, (g) => [
    x.requiresGrad ? new Tensor(backend().conv2dBackwardInput(g.data, weight.data, p), x.shape) : null,
    weight.requiresGrad ? new Tensor(backend().conv2dBackwardWeight(g.data, x.data, p), weight.shape) : null,
    bias?.requiresGrad ? g.sum([0, 2, 3]) : null,
  ]);
}
