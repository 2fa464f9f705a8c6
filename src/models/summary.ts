/**
 * Per-layer shapes, parameter counts, multiply-adds and activation sizes,
 * read from the model's lowering (shapes propagated without a forward pass, so
 * it is instant even for vgg19 at 224×224). Multiply-adds count convolutions
 * and linear layers, as torchvision's GFLOPS metadata does.
 */
import { ArgumentError, ShapeError } from '../errors.js';
import type { Module } from '../nn/module.js';
import { shapeToString } from '../tensor/shape.js';
import type { LayerGraph, LayerStep, StepShape } from '../backend/graph.js';
import { lowerModel, LoweringError } from './lower.js';

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

/** Summarises `model` for an input of shape [N, C, H, W]: one row per layer of its lowering (./lower.ts). */
export function summarize(model: Module, inputShape: readonly number[]): ModelSummary {
  if (inputShape.length !== 4 || !inputShape.every((d) => Number.isInteger(d) && d > 0)) {
    throw new ArgumentError(
      `summary needs an input shape [N, C, H, W] of positive integers, got ${shapeToString(inputShape)}`,
    );
  }
  const [N] = inputShape;
  const modules = new Map(model.namedModules());
  const layers: LayerSummary[] = [];
  for (const step of lower(model, inputShape).steps) {
    const m = modules.get(step.path);
    if (!m || step.module === null) continue; // VGG's flatten: no module, no row
    const out = [N, ...(step.outShape as number[])];
    layers.push({
      name: step.path,
      type: step.module,
      outputShape: out,
      params: [...m.parameters(false)].reduce((n, p) => n + p.numel, 0),
      multAdds: multAdds(step, N),
      activationBytes: 4 * out.reduce((p, d) => p * d, 1),
    });
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

/** lowerModel, with shape mismatches reported as a ShapeError naming the layer's path. */
function lower(model: Module, inputShape: readonly number[]): LayerGraph {
  try {
    return lowerModel(model, inputShape);
  } catch (e) {
    if (!(e instanceof LoweringError) || !e.shapeMismatch) throw e;
    const error = new ShapeError(e.detail);
    for (const name of e.path.split('.').reverse()) error.enterModule(name);
    throw error;
  }
}

/** Multiply-adds of convolutions and linear layers, as torchvision's GFLOPS metadata counts them. */
function multAdds(step: LayerStep, N: number): number {
  const size = (shape: StepShape): number => (shape as number[]).reduce((p, d) => p * d, 1);
  if (step.op === 'conv') return N * size(step.outShape) * step.inChannels * step.kernel[0] * step.kernel[1];
  if (step.op === 'linear') return N * size(step.outShape) * step.inFeatures;
  return 0;
}
