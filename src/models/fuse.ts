/**
 * The passes from a LayerGraph (one step per layer) to the PlanGraph a
 * backend compiles (see src/backend/graph.ts):
 * - `Conv2d [BatchNorm2d] [ReLU…] [MaxPool2d(2, 2)]` becomes one conv op, the
 *   BatchNorm's running statistics folded into the conv's weights and bias in
 *   float64;
 * - a lone BatchNorm2d becomes a per-channel scale and shift, and absorbs the
 *   ReLUs after it, as a Linear does;
 * - Dropout (the identity at inference) and flattens that change nothing go.
 * What plans cannot run (a Linear before any flatten, a partial flatten) is
 * refused here with a LoweringError.
 */
import type {
  AffinePlanOp,
  BatchNormStep,
  ConvStep,
  LayerGraph,
  LayerStep,
  MaxPoolGeometry,
  PlanGraph,
  PlanOp,
} from '../backend/graph.js';
import { LoweringError } from './lower.js';

/** "features.0-2" for features.0 … features.2, else the paths joined with '+'. */
function groupLabel(paths: readonly string[]): string {
  if (paths.length === 1) return paths[0];
  const first = paths[0];
  const last = paths[paths.length - 1];
  const prefix = first.slice(0, first.lastIndexOf('.') + 1);
  if (last.startsWith(prefix) && !last.slice(prefix.length).includes('.'))
    return `${first}-${last.slice(prefix.length)}`;
  return paths.join('+');
}

/** The eval-mode BatchNorm folded into the conv before it: w' = w·s, b' = (b − mean)·s + β, s = γ/√(var + eps). */
export function foldBatchNorm(conv: ConvStep, bn: BatchNormStep): { weight: Float32Array; bias: Float32Array } {
  const K = conv.outChannels;
  const per = conv.weight.length / K;
  const weight = new Float32Array(conv.weight.length);
  const bias = new Float32Array(K);
  for (let k = 0; k < K; k++) {
    const s = (bn.weight ? bn.weight[k] : 1) / Math.sqrt(bn.variance[k] + bn.eps);
    for (let i = 0; i < per; i++) weight[k * per + i] = conv.weight[k * per + i] * s;
    bias[k] = ((conv.bias ? conv.bias[k] : 0) - bn.mean[k]) * s + (bn.bias ? bn.bias[k] : 0);
  }
  return { weight, bias };
}

/** A lone eval-mode BatchNorm as y = x·scale[c] + shift[c]. */
function batchNormAffine(bn: BatchNormStep, paths: string[], relu: boolean): AffinePlanOp {
  const scale = new Float32Array(bn.channels);
  const shift = new Float32Array(bn.channels);
  for (let c = 0; c < bn.channels; c++) {
    const s = (bn.weight ? bn.weight[c] : 1) / Math.sqrt(bn.variance[c] + bn.eps);
    scale[c] = s;
    shift[c] = (bn.bias ? bn.bias[c] : 0) - bn.mean[c] * s;
  }
  return { op: 'affine', label: groupLabel(paths), paths, channels: bn.channels, scale, shift, relu };
}

function isPool2x2(p: MaxPoolGeometry): boolean {
  const is = (pair: readonly number[], v: number): boolean => pair[0] === v && pair[1] === v;
  return is(p.kernel, 2) && is(p.stride, 2) && is(p.padding, 0) && is(p.dilation, 1) && !p.ceilMode;
}

/** Refuses what plans cannot run; drops the steps that do nothing at inference. */
function planSteps(graph: LayerGraph): LayerStep[] {
  const steps: LayerStep[] = [];
  for (const step of graph.steps) {
    const refuse = (detail: string): never => {
      throw new LoweringError(step.path, step.module, detail);
    };
    if (step.op === 'dropout' || (step.op === 'flatten' && step.startDim === step.endDim)) continue;
    if (step.op === 'flatten' && !(step.startDim === 1 && step.endDim === step.inShape.length))
      refuse(`inference plans support only Flatten(1, -1), got (${step.startDim}, ${step.endDim})`);
    if (step.op === 'linear' && step.inShape.length !== 1)
      refuse('plans apply Linear to flattened [N, features] inputs only; add a Flatten before it');
    steps.push(step);
  }
  return steps;
}

/** Fuses and folds `graph` into the ops of an inference plan; throws LoweringError for what plans cannot run. */
export function fuseForPlan(graph: LayerGraph): PlanGraph {
  const steps = planSteps(graph);
  const ops: PlanOp[] = [];
  /** Appends the paths of the ReLUs from steps[j] on; returns the next step and whether there were any. */
  const absorbRelus = (j: number, paths: string[]): { next: number; relu: boolean } => {
    const start = j;
    while (steps[j]?.op === 'relu') paths.push(steps[j++].path);
    return { next: j, relu: j > start };
  };
  for (let i = 0; i < steps.length;) {
    const step = steps[i];
    const paths = [step.path];
    let next = i + 1;
    if (step.op === 'conv') {
      let { weight, bias } = step;
      const bn = steps[next];
      if (bn?.op === 'batchnorm') {
        ({ weight, bias } = foldBatchNorm(step, bn));
        paths.push(bn.path);
        next++;
      }
      const absorbed = absorbRelus(next, paths);
      next = absorbed.next;
      const pool = steps[next];
      const pool2x2 = pool?.op === 'maxpool' && isPool2x2(pool);
      if (pool2x2) paths.push(steps[next++].path);
      const { inChannels, outChannels, kernel, stride, padding, dilation } = step;
      ops.push({
        op: 'conv',
        label: groupLabel(paths),
        paths,
        inChannels,
        outChannels,
        kernel,
        stride,
        padding,
        dilation,
        weight,
        bias,
        relu: absorbed.relu,
        pool2x2,
      });
    } else if (step.op === 'batchnorm') {
      const absorbed = absorbRelus(next, paths);
      next = absorbed.next;
      ops.push(batchNormAffine(step, paths, absorbed.relu));
    } else if (step.op === 'relu') {
      next = absorbRelus(next, paths).next;
      ops.push({ op: 'relu', label: groupLabel(paths), paths });
    } else if (step.op === 'maxpool') {
      const { kernel, stride, padding, dilation, ceilMode } = step;
      ops.push({ op: 'maxpool', label: step.path, paths, kernel, stride, padding, dilation, ceilMode });
    } else if (step.op === 'adaptiveavgpool') {
      ops.push({ op: 'adaptiveavgpool', label: step.path, paths, outputSize: step.outputSize });
    } else if (step.op === 'flatten') {
      ops.push({ op: 'flatten', label: step.path, paths });
    } else if (step.op === 'linear') {
      const absorbed = absorbRelus(next, paths);
      next = absorbed.next;
      const { inFeatures, outFeatures, weight, bias } = step;
      ops.push({
        op: 'linear',
        label: groupLabel(paths),
        paths,
        inFeatures,
        outFeatures,
        weight,
        bias,
        relu: absorbed.relu,
      });
    }
    i = next;
  }
  const first = ops[0];
  const inChannels = first?.op === 'conv' ? first.inChannels : first?.op === 'affine' ? first.channels : null;
  return { ops, inChannels };
}
