/**
 * Per-layer shapes, parameter counts, multiply-adds and activation sizes,
 * found by propagating the input shape through the leaf layers in order (no
 * forward pass, so it is instant even for vgg19 at 224×224). Multiply-adds
 * count convolutions and linear layers, as torchvision's GFLOPS metadata does.
 */
import { ArgumentError, ShapeError } from '../errors.js';
import type { Module } from '../nn/module.js';
import { Conv2d } from '../nn/layers/conv.js';
import { BatchNorm2d } from '../nn/layers/batchnorm.js';
import { MaxPool2d, AdaptiveAvgPool2d } from '../nn/layers/pooling.js';
import { Linear } from '../nn/layers/linear.js';
import { Flatten } from '../nn/layers/flatten.js';
import { windowOutputSize } from '../tensor/ops/conv.js';
import { poolOutputSize } from '../tensor/ops/pool.js';
import { asPair } from '../tensor/ops/pair.js';
import { shapeToString } from '../tensor/shape.js';

export interface LayerSummary {
  name: string;
  type: string;
  outputShape: number[];
  params: number;
  multAdds: number;
  activationBytes: number;
}

export interface ModelSummary {
  inputShape: number[];
  layers: LayerSummary[];
  totalParams: number;
  trainableParams: number;
  totalMultAdds: number;
  totalActivationBytes: number;
}

/** Summarises `model` for an input of shape [N, C, H, W]. */
export function summarize(model: Module, inputShape: readonly number[]): ModelSummary {
  if (inputShape.length !== 4 || !inputShape.every((d) => Number.isInteger(d) && d > 0)) {
    throw new ArgumentError(
      `summary needs an input shape [N, C, H, W] of positive integers, got ${shapeToString(inputShape)}`,
    );
  }
  let shape = [...inputShape];
  const layers: LayerSummary[] = [];
  for (const [name, m] of model.namedModules()) {
    if ([...m.namedChildren()].length > 0) continue;
    try {
      const { out, multAdds } = propagate(m, shape);
      shape = out;
      const params = [...m.parameters(false)].reduce((n, p) => n + p.numel, 0);
      layers.push({
        name,
        type: m.typeName(),
        outputShape: out,
        params,
        multAdds,
        activationBytes: 4 * out.reduce((p, d) => p * d, 1),
      });
    } catch (e) {
      if (e instanceof ShapeError) e.enterModule(name);
      throw e;
    }
  }
  const all = [...model.parameters()];
  return {
    inputShape: [...inputShape],
    layers,
    totalParams: all.reduce((n, p) => n + p.numel, 0),
    trainableParams: all.filter((p) => p.requiresGrad).reduce((n, p) => n + p.numel, 0),
    totalMultAdds: layers.reduce((n, l) => n + l.multAdds, 0),
    totalActivationBytes: layers.reduce((n, l) => n + l.activationBytes, 0),
  };
}

function propagate(m: Module, shape: number[]): { out: number[]; multAdds: number } {
  const [N] = shape;
  if (m instanceof Conv2d) {
    if (shape.length !== 4 || shape[1] !== m.inChannels)
      throw new ShapeError(`expected input [N, ${m.inChannels}, H, W], got ${shapeToString(shape)}`);
    const outH = windowOutputSize(shape[2], m.kernelSize[0], m.stride[0], m.padding[0], m.dilation[0]);
    const outW = windowOutputSize(shape[3], m.kernelSize[1], m.stride[1], m.padding[1], m.dilation[1]);
    if (outH < 1 || outW < 1) throw new ShapeError(`input ${shapeToString(shape)} is too small for this convolution`);
    const macs = N * m.outChannels * outH * outW * m.inChannels * m.kernelSize[0] * m.kernelSize[1];
    return { out: [N, m.outChannels, outH, outW], multAdds: macs };
  }
  if (m instanceof MaxPool2d) {
    const [kh, kw] = asPair(m.kernelSize, 'kernel_size', 1);
    const [sh, sw] = asPair(m.stride, 'stride', 1);
    const [ph, pw] = asPair(m.padding, 'padding', 0);
    const [dh, dw] = asPair(m.dilation, 'dilation', 1);
    const outH = poolOutputSize(shape[2], kh, sh, ph, dh, m.ceilMode);
    const outW = poolOutputSize(shape[3], kw, sw, pw, dw, m.ceilMode);
    if (outH < 1 || outW < 1)
      throw new ShapeError(
        `input ${shapeToString(shape)} is too small for max pooling: output would be ${outH}x${outW}`,
      );
    return { out: [N, shape[1], outH, outW], multAdds: 0 };
  }
  if (m instanceof AdaptiveAvgPool2d) {
    const s = m.outputSize;
    const [oh, ow] = typeof s === 'number' ? [s, s] : [s[0] ?? shape[2], s[1] ?? shape[3]];
    return { out: [N, shape[1], oh, ow], multAdds: 0 };
  }
  if (m instanceof Flatten) return { out: [N, shape.slice(1).reduce((p, d) => p * d, 1)], multAdds: 0 };
  if (m instanceof Linear) {
    const features = shape.slice(1).reduce((p, d) => p * d, 1);
    if (features !== m.inFeatures)
      throw new ShapeError(`expected ${m.inFeatures} input features, got ${features} from ${shapeToString(shape)}`);
    return { out: [N, m.outFeatures], multAdds: N * m.inFeatures * m.outFeatures };
  }
  if (m instanceof BatchNorm2d && shape[1] !== m.numFeatures) {
    throw new ShapeError(`expected input with ${m.numFeatures} channels, got ${shapeToString(shape)}`);
  }
  return { out: shape, multAdds: 0 };
}
