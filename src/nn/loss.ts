/**
 * Loss functions with PyTorch's rules (torch.nn.functional.cross_entropy,
 * nll_loss, mse_loss) and their Module wrappers.
 *
 * Cross-entropy is one fused op: a log-softmax over the class dimension
 * (computed in float64) followed by the weighted negative log-likelihood and
 * label smoothing, with its own backward, `softmax · Σq − q`, where q are the
 * per-class coefficients of −log p in the loss. That is both faster and more
 * accurate than composing logSoftmax, a gather and a mean.
 *
 * Class-index targets are given as a Tensor holding integers (float32, as
 * every tensor here; e.g. from `tensor([3, 0, 7])`), a number[] or any
 * integer typed array (Int32Array, Uint8Array, …). Input [N, C] takes N
 * targets; input [N, C, d1, …] takes targets [N, d1, …] (a flat array of
 * N·d1·… values is also accepted); input [C] takes one target.
 * For crossEntropy, a Tensor target with exactly the input's shape holds class
 * probabilities instead (soft labels, as PyTorch's float targets).
 */
import { ArgumentError, ShapeError } from '../errors.js';
import { record } from '../tensor/autograd.js';
import { Tensor } from '../tensor/tensor.js';
import { shapeToString, sameShape } from '../tensor/shape.js';
import { Module } from './module.js';

export type Reduction = 'mean' | 'sum' | 'none';
/** Class indices: integers in [0, C) (or the ignore index). */
export type ClassTargets = Tensor | readonly number[] | ArrayLike<number>;

export interface NLLLossOptions {
  /** 'mean' (default) divides by the total weight of the non-ignored targets, as PyTorch. */
  reduction?: Reduction;
  /** A [C] tensor of per-class weights (a constant: no gradient flows into it). */
  weight?: Tensor | null;
  /** Targets equal to this contribute neither loss nor weight (default -100). */
  ignoreIndex?: number;
}

export interface CrossEntropyOptions extends NLLLossOptions {
  /** In [0, 1]: mixes the target with the uniform distribution, as PyTorch (default 0). */
  labelSmoothing?: number;
}

export interface MSELossOptions {
  reduction?: Reduction;
}

const REDUCTIONS: readonly Reduction[] = ['mean', 'sum', 'none'];

function checkReduction(r: unknown, where: string): Reduction {
  if (!REDUCTIONS.includes(r as Reduction)) {
    throw new ArgumentError(`${where}: reduction must be 'mean', 'sum' or 'none', got ${JSON.stringify(r)}`);
  }
  return r as Reduction;
}

/** [outer, C, inner] of an input whose class dimension is 1 (or 0 for a 1-D input). */
interface Layout {
  outer: number;
  classes: number;
  inner: number;
  /** The shape of one loss per sample: the input without its class dimension. */
  sampleShape: number[];
}

function layoutOf(input: Tensor, where: string): Layout {
  if (input.ndim === 0) throw new ShapeError(`${where}: input must have a class dimension, got a scalar`);
  if (input.ndim === 1) return { outer: 1, classes: input.shape[0], inner: 1, sampleShape: [] };
  const [n, c, ...rest] = input.shape;
  return { outer: n, classes: c, inner: rest.reduce((a, b) => a * b, 1), sampleShape: [n, ...rest] };
}

function checkWeight(weight: Tensor | null | undefined, classes: number, where: string): Float32Array | null {
  if (!weight) return null;
  if (!(weight instanceof Tensor)) throw new ArgumentError(`${where}: weight must be a Tensor`);
  if (weight.ndim !== 1 || weight.shape[0] !== classes) {
    throw new ShapeError(
      `${where}: weight must have shape [${classes}] (one per class), got ${shapeToString(weight.shape)}`,
    );
  }
  return weight.data;
}

/** Validated class indices, one per sample; the ignore index is kept as is. */
function classIndices(target: ClassTargets, layout: Layout, ignoreIndex: number, where: string): Int32Array {
  const count = layout.outer * layout.inner;
  let values: ArrayLike<number>;
  if (target instanceof Tensor) {
    if (!sameShape(target.shape, layout.sampleShape)) {
      if (layout.sampleShape.length === 1 && target.ndim === 1) {
        throw new ShapeError(
          `${where}: expected input batch_size (${layout.sampleShape[0]}) to match target batch_size (${target.shape[0]})`,
        );
      }
      throw new ShapeError(
        `${where}: expected target of shape ${shapeToString(layout.sampleShape)} for input of ` +
          `${layout.classes} classes, got ${shapeToString(target.shape)}`,
      );
    }
    values = target.data;
  } else if (
    target !== null &&
    typeof target === 'object' &&
    typeof (target as ArrayLike<number>).length === 'number'
  ) {
    values = target;
    if (values.length !== count) {
      const what = layout.sampleShape.length === 1 ? 'batch_size' : 'number of targets';
      throw new ShapeError(`${where}: expected input ${what} (${count}) to match target ${what} (${values.length})`);
    }
  } else {
    throw new ArgumentError(`${where}: target must be a Tensor, a number[] or an integer typed array`);
  }
  const out = new Int32Array(count);
  for (let i = 0; i < count; i++) {
    const y = values[i];
    if (!Number.isInteger(y))
      throw new ArgumentError(`${where}: target ${y} at index ${i} is not an integer class index`);
    if (y !== ignoreIndex && (y < 0 || y >= layout.classes)) {
      throw new ArgumentError(
        `${where}: target ${y} at index ${i} is out of bounds for ${layout.classes} classes (valid: 0 to ${layout.classes - 1})`,
      );
    }
    out[i] = y;
  }
  return out;
}

/** log-softmax over the class dimension of [outer, C, inner] values, in float64. */
function logSoftmax64(x: Float32Array, { outer, classes, inner }: Layout): Float64Array {
  const out = new Float64Array(x.length);
  for (let o = 0; o < outer; o++) {
    for (let i = 0; i < inner; i++) {
      const base = o * classes * inner + i;
      let m = -Infinity;
      for (let c = 0; c < classes; c++) m = Math.max(m, x[base + c * inner]);
      let total = 0;
      for (let c = 0; c < classes; c++) total += Math.exp(x[base + c * inner] - m);
      const shift = m + Math.log(total);
      for (let c = 0; c < classes; c++) out[base + c * inner] = x[base + c * inner] - shift;
    }
  }
  return out;
}

/**
 * How each sample's loss depends on −log p: loss_s = −Σ_c q[s, c] · logp[s, c]
 * with q[s, c] = a[s] · [c = y_s] + b[s] · w_c (hard targets) or
 * q[s, c] = r · w_c · t[s, c] (soft targets). The scalings a, b, r already
 * include the reduction's denominator.
 */
type Coefficients = (sample: number, c: number, classIndex: number) => number;

/** Builds the loss tensor and its backward from per-element coefficients. */
function weightedLogLikelihood(
  input: Tensor,
  layout: Layout,
  logp: Float64Array,
  coef: Coefficients,
  reduction: Reduction,
  name: string,
  softmaxInput: boolean,
  emptyMean = false,
): Tensor {
  const { outer, classes, inner } = layout;
  const perSample = new Float64Array(outer * inner);
  for (let o = 0; o < outer; o++) {
    for (let i = 0; i < inner; i++) {
      const s = o * inner + i;
      const base = o * classes * inner + i;
      let acc = 0;
      for (let c = 0; c < classes; c++) {
        const q = coef(s, c, base + c * inner);
        if (q !== 0) acc -= q * logp[base + c * inner];
      }
      perSample[s] = acc;
    }
  }
  let out: Tensor;
  if (reduction === 'none') {
    out = new Tensor(Float32Array.from(perSample), layout.sampleShape);
  } else {
    let total = 0;
    for (let s = 0; s < perSample.length; s++) total += perSample[s];
    // A mean over no kept targets is 0/0, as in PyTorch (the gradient stays 0).
    out = new Tensor(new Float32Array([emptyMean ? NaN : total]), []);
  }
  return record(out, name, [input], (g) => {
    const gx = new Float32Array(input.numel);
    for (let o = 0; o < outer; o++) {
      for (let i = 0; i < inner; i++) {
        const s = o * inner + i;
        const gs = reduction === 'none' ? g.data[s] : g.data[0];
        if (gs === 0) continue;
        const base = o * classes * inner + i;
        if (softmaxInput) {
          // d/dx_c of −Σ q_k logp_k = p_c · Σq − q_c
          let qsum = 0;
          for (let c = 0; c < classes; c++) qsum += coef(s, c, base + c * inner);
          for (let c = 0; c < classes; c++) {
            const k = base + c * inner;
            gx[k] = gs * (Math.exp(logp[k]) * qsum - coef(s, c, k));
          }
        } else {
          for (let c = 0; c < classes; c++) {
            const k = base + c * inner;
            const q = coef(s, c, k);
            if (q !== 0) gx[k] = -gs * q;
          }
        }
      }
    }
    return [new Tensor(gx, input.shape)];
  });
}

/** Scalings of the hard-target terms: a for the picked class, b for the smoothing term. */
function hardCoefficients(
  labels: Int32Array,
  weight: Float32Array | null,
  ignoreIndex: number,
  classes: number,
  smoothing: number,
  reduction: Reduction,
): { coef: Coefficients; emptyMean: boolean } {
  let weightSum = 0;
  for (const y of labels) if (y !== ignoreIndex) weightSum += weight ? weight[y] : 1;
  // 'mean' divides both terms by Σ w[y] over the kept targets (their count without a weight).
  const scale = reduction === 'mean' ? 1 / weightSum : 1;
  const a = (1 - smoothing) * scale;
  const b = (smoothing / classes) * scale;
  const coef: Coefficients = (s, c) => {
    const y = labels[s];
    if (y === ignoreIndex) return 0;
    const w = weight ? weight[c] : 1;
    return (c === y ? a * w : 0) + (b !== 0 ? b * w : 0);
  };
  return { coef, emptyMean: reduction === 'mean' && weightSum === 0 };
}

/**
 * Cross-entropy between logits (class dimension 1, or 0 for a 1-D input) and
 * class indices or class probabilities, exactly as torch.nn.functional.cross_entropy:
 * `(1 − ε) · nll(logSoftmax(x), y) + ε/C · smoothing term`.
 */
export function crossEntropy(input: Tensor, target: ClassTargets, opts: CrossEntropyOptions = {}): Tensor {
  const where = 'crossEntropy';
  const reduction = checkReduction(opts.reduction ?? 'mean', where);
  const smoothing = opts.labelSmoothing ?? 0;
  if (typeof smoothing !== 'number' || !(smoothing >= 0 && smoothing <= 1)) {
    throw new ArgumentError(`${where}: labelSmoothing must be between 0.0 and 1.0, got ${smoothing}`);
  }
  const ignoreIndex = opts.ignoreIndex ?? -100;
  const layout = layoutOf(input, where);
  const weight = checkWeight(opts.weight, layout.classes, where);

  if (target instanceof Tensor && sameShape(target.shape, input.shape)) {
    // Class probabilities: q = r · w_c · ((1 − ε) t_c + ε / C); 'mean' divides by the number of samples.
    const t = target.data;
    const r = reduction === 'mean' ? 1 / (layout.outer * layout.inner) : 1;
    const coef: Coefficients = (_s, c, k) =>
      r * (weight ? weight[c] : 1) * ((1 - smoothing) * t[k] + smoothing / layout.classes);
    const logp = logSoftmax64(input.data, layout);
    return weightedLogLikelihood(input, layout, logp, coef, reduction, 'CrossEntropyLossBackward', true);
  }
  const labels = classIndices(target, layout, ignoreIndex, where);
  const logp = logSoftmax64(input.data, layout);
  const { coef, emptyMean } = hardCoefficients(labels, weight, ignoreIndex, layout.classes, smoothing, reduction);
  return weightedLogLikelihood(input, layout, logp, coef, reduction, 'CrossEntropyLossBackward', true, emptyMean);
}

/** Negative log-likelihood of log-probabilities, exactly as torch.nn.functional.nll_loss. */
export function nllLoss(input: Tensor, target: ClassTargets, opts: NLLLossOptions = {}): Tensor {
  const where = 'nllLoss';
  const reduction = checkReduction(opts.reduction ?? 'mean', where);
  const ignoreIndex = opts.ignoreIndex ?? -100;
  const layout = layoutOf(input, where);
  const weight = checkWeight(opts.weight, layout.classes, where);
  const labels = classIndices(target, layout, ignoreIndex, where);
  const { coef, emptyMean } = hardCoefficients(labels, weight, ignoreIndex, layout.classes, 0, reduction);
  return weightedLogLikelihood(
    input,
    layout,
    Float64Array.from(input.data),
    coef,
    reduction,
    'NllLossBackward',
    false,
    emptyMean,
  );
}

/** Mean (or summed, or elementwise) squared error. Both inputs must have the same shape. */
export function mseLoss(input: Tensor, target: Tensor, opts: MSELossOptions = {}): Tensor {
  const where = 'mseLoss';
  const reduction = checkReduction(opts.reduction ?? 'mean', where);
  if (!(input instanceof Tensor) || !(target instanceof Tensor))
    throw new ArgumentError(`${where}: input and target must be Tensors`);
  if (!sameShape(input.shape, target.shape)) {
    throw new ShapeError(
      `${where}: input shape ${shapeToString(input.shape)} does not match target shape ${shapeToString(target.shape)}`,
    );
  }
  const a = input.data;
  const b = target.data;
  const n = a.length;
  let out: Tensor;
  if (reduction === 'none') {
    const d = new Float32Array(n);
    for (let i = 0; i < n; i++) d[i] = (a[i] - b[i]) ** 2;
    out = new Tensor(d, input.shape);
  } else {
    let total = 0;
    for (let i = 0; i < n; i++) total += (a[i] - b[i]) ** 2;
    out = new Tensor(new Float32Array([reduction === 'mean' ? total / n : total]), []);
  }
  const scale = reduction === 'mean' ? 2 / n : 2;
  return record(out, 'MseLossBackward', [input, target], (g) => {
    const ga = new Float32Array(n);
    for (let i = 0; i < n; i++) ga[i] = scale * (a[i] - b[i]) * (reduction === 'none' ? g.data[i] : g.data[0]);
    const gb = target.requiresGrad ? ga.map((v) => -v) : null;
    return [input.requiresGrad ? new Tensor(ga, input.shape) : null, gb ? new Tensor(gb, target.shape) : null];
  });
}

/** Shared parts of the weighted losses: the class weight is a buffer named 'weight', as in PyTorch. */
abstract class WeightedLoss extends Module {
  readonly reduction: Reduction;
  readonly ignoreIndex: number;
  readonly weight: Tensor | null;

  constructor(opts: NLLLossOptions, where: string) {
    super();
    this.reduction = checkReduction(opts.reduction ?? 'mean', where);
    this.ignoreIndex = opts.ignoreIndex ?? -100;
    if (opts.weight && !(opts.weight instanceof Tensor)) throw new ArgumentError(`${where}: weight must be a Tensor`);
    this.weight = this.registerBuffer('weight', opts.weight ?? null);
  }
}

/** torch.nn.CrossEntropyLoss: `new CrossEntropyLoss({ labelSmoothing: 0.1 }).forward(logits, labels)`. */
export class CrossEntropyLoss extends WeightedLoss {
  readonly labelSmoothing: number;

  constructor(opts: CrossEntropyOptions = {}) {
    super(opts, 'CrossEntropyLoss');
    const s = opts.labelSmoothing ?? 0;
    if (typeof s !== 'number' || !(s >= 0 && s <= 1))
      throw new ArgumentError(`CrossEntropyLoss: labelSmoothing must be between 0.0 and 1.0, got ${s}`);
    this.labelSmoothing = s;
  }

  forward(input: Tensor, target: ClassTargets): Tensor {
    return crossEntropy(input, target, {
      reduction: this.reduction,
      weight: this.weight,
      ignoreIndex: this.ignoreIndex,
      labelSmoothing: this.labelSmoothing,
    });
  }
}

/** torch.nn.NLLLoss, for inputs that already are log-probabilities. */
export class NLLLoss extends WeightedLoss {
  constructor(opts: NLLLossOptions = {}) {
    super(opts, 'NLLLoss');
  }

  forward(input: Tensor, target: ClassTargets): Tensor {
    return nllLoss(input, target, { reduction: this.reduction, weight: this.weight, ignoreIndex: this.ignoreIndex });
  }
}

/** torch.nn.MSELoss. */
export class MSELoss extends Module {
  readonly reduction: Reduction;

  constructor(opts: MSELossOptions = {}) {
    super();
    this.reduction = checkReduction(opts.reduction ?? 'mean', 'MSELoss');
  }

  forward(input: Tensor, target: Tensor): Tensor {
    return mseLoss(input, target, { reduction: this.reduction });
  }
}
