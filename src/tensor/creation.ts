/** Ways to make tensors: from values, constant fills and seeded random draws. */
import { ShapeError } from '../errors.js';
import { Tensor, type NestedArray } from './tensor.js';
import { checkShape, numel, shapeToString, type Shape } from './shape.js';
import { defaultGenerator, type Generator } from './rng.js';

export interface CreateOptions {
  requiresGrad?: boolean;
}
export interface RandomOptions extends CreateOptions {
  generator?: Generator;
}

/**
 * A tensor from a flat array (with a shape) or nested arrays (shape inferred).
 * A Float32Array is copied, so later writes to it do not change the tensor.
 */
export function tensor(values: ArrayLike<number> | NestedArray, shape?: Shape, opts: CreateOptions = {}): Tensor {
  let data: Float32Array;
  let dims: number[];
  if (typeof values === 'number' || Array.isArray(values)) {
    const inferred = inferShape(values);
    data = Float32Array.from(flattenNested(values));
    dims = shape ? checkShape(shape) : inferred;
  } else {
    data = Float32Array.from(values as ArrayLike<number>);
    dims = shape ? checkShape(shape) : [data.length];
  }
  if (numel(dims) !== data.length) {
    throw new ShapeError(`${data.length} values cannot fill a tensor of shape ${shapeToString(dims)}`);
  }
  return finish(new Tensor(data, dims), opts);
}

export function full(shape: Shape, value: number, opts: CreateOptions = {}): Tensor {
  const dims = checkShape(shape);
  return finish(new Tensor(new Float32Array(numel(dims)).fill(value), dims), opts);
}

export function zeros(shape: Shape, opts: CreateOptions = {}): Tensor {
  return full(shape, 0, opts);
}

export function ones(shape: Shape, opts: CreateOptions = {}): Tensor {
  return full(shape, 1, opts);
}

export function zerosLike(t: Tensor): Tensor {
  return zeros(t.shape);
}

export function onesLike(t: Tensor): Tensor {
  return ones(t.shape);
}

/** Standard normal values from the given (or default) generator. */
export function randn(shape: Shape, opts: RandomOptions = {}): Tensor {
  return finish(zeros(shape).normal_(0, 1, opts.generator ?? defaultGenerator), opts);
}

/** Uniform values in [0, 1) from the given (or default) generator. */
export function rand(shape: Shape, opts: RandomOptions = {}): Tensor {
  return finish(zeros(shape).uniform_(0, 1, opts.generator ?? defaultGenerator), opts);
}

/** Integers start, start+step, … below end, as float32 (like torch.arange). */
export function arange(start: number, end?: number, step = 1): Tensor {
  const [lo, hi] = end === undefined ? [0, start] : [start, end];
  const n = Math.max(0, Math.ceil((hi - lo) / step));
  const data = new Float32Array(n);
  for (let i = 0; i < n; i++) data[i] = lo + i * step;
  return new Tensor(data, [n]);
}

function finish(t: Tensor, opts: CreateOptions): Tensor {
  if (opts.requiresGrad) t.requiresGrad = true;
  return t;
}

function inferShape(values: NestedArray): number[] {
  const dims: number[] = [];
  let v: NestedArray = values;
  while (Array.isArray(v)) {
    dims.push(v.length);
    if (v.length === 0) break;
    v = v[0];
  }
  return dims;
}

function flattenNested(values: NestedArray): number[] {
  if (!Array.isArray(values)) return [values];
  const out: number[] = [];
  const walk = (v: NestedArray, depth: number, dims: number[]): void => {
    if (depth === dims.length) {
      if (Array.isArray(v)) throw new ShapeError('nested arrays are ragged');
      out.push(v);
      return;
    }
    if (!Array.isArray(v) || v.length !== dims[depth]) throw new ShapeError('nested arrays are ragged');
    for (const x of v) walk(x, depth + 1, dims);
  };
  walk(values, 0, inferShape(values));
  return out;
}
