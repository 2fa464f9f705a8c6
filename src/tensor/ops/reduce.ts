/** Reductions and (log-)softmax along an axis; each backward beside its forward. */
import { backend } from '../../backend/registry.js';
import { record } from '../autograd.js';
import { Tensor } from '../tensor.js';
import { broadcastStrides, normalizeDim, sameShape, splitAt, numel } from '../shape.js';

const ZERO = new Float32Array(1);

/** Materialises `t` broadcast to `shape`. */
export function expand(t: Tensor, shape: readonly number[]): Tensor {
  if (sameShape(t.shape, shape)) return t;
  const data = backend().binary(
    'add',
    t.data,
    broadcastStrides(t.shape, shape),
    ZERO,
    shape.map(() => 0),
    shape,
  );
  return new Tensor(data, shape);
}

/** Sums a broadcast result back down to `shape` (the adjoint of broadcasting). */
export function sumToShape(g: Tensor, shape: readonly number[]): Tensor {
  if (sameShape(g.shape, shape)) return g;
  const lead = g.ndim - shape.length;
  const dims: number[] = [];
  for (let i = 0; i < g.ndim; i++) {
    if (i < lead || (shape[i - lead] === 1 && g.shape[i] !== 1)) dims.push(i);
  }
  return new Tensor(sumDims(g, dims, true).data, shape);
}

function normalizeDims(t: Tensor, dim: number | number[] | undefined): number[] {
  if (dim === undefined) return t.shape.map((_, i) => i);
  const dims = (Array.isArray(dim) ? dim : [dim]).map((d) => normalizeDim(d, t.ndim));
  return [...new Set(dims)].sort((a, b) => a - b);
}

function keptShape(shape: readonly number[], dims: number[], keepdim: boolean): number[] {
  const out: number[] = [];
  shape.forEach((d, i) => {
    if (!dims.includes(i)) out.push(d);
    else if (keepdim) out.push(1);
  });
  return out;
}

/** Raw sum over `dims`, no graph. */
function sumDims(t: Tensor, dims: number[], keepdim: boolean): Tensor {
  let data = t.data;
  const shape = [...t.shape];
  for (const d of dims) {
    const [outer, size, inner] = splitAt(shape, d);
    data = backend().sumAxis(data, outer, size, inner);
    shape[d] = 1;
  }
  return new Tensor(data === t.data ? data.slice() : data, keptShape(t.shape, dims, keepdim));
}

export function sum(x: Tensor, dim?: number | number[], keepdim = false): Tensor {
  const dims = normalizeDims(x, dim);
  const out = sumDims(x, dims, keepdim);
  return record(out, 'SumBackward', [x], (g) => [expand(new Tensor(g.data, keptShape(x.shape, dims, true)), x.shape)]);
}

export function mean(x: Tensor, dim?: number | number[], keepdim = false): Tensor {
  const dims = normalizeDims(x, dim);
  const count = dims.reduce((n, d) => n * x.shape[d], 1);
  return sum(x, dims, keepdim).div(count);
}

/** Maximum of all values; the gradient goes to the first maximum. */
export function maxAll(x: Tensor): Tensor {
  const { values, indices } = backend().maxAxis(x.data, 1, x.numel, 1);
  return record(new Tensor(values, []), 'MaxBackward', [x], (g) => {
    const gx = new Float32Array(x.numel);
    gx[indices[0]] = g.data[0];
    return [new Tensor(gx, x.shape)];
  });
}

/** Values and indices of the maximum along `dim` (indices as float32 values). */
export function max(x: Tensor, dim: number, keepdim = false): { values: Tensor; indices: Tensor } {
  const d = normalizeDim(dim, x.ndim);
  const [outer, size, inner] = splitAt(x.shape, d);
  const r = backend().maxAxis(x.data, outer, size, inner);
  const shape = keptShape(x.shape, [d], keepdim);
  const values = record(new Tensor(r.values, shape), 'MaxBackward', [x], (g) => {
    const gx = new Float32Array(x.numel);
    for (let o = 0; o < outer; o++) {
      for (let i = 0; i < inner; i++) gx[(o * size + r.indices[o * inner + i]) * inner + i] = g.data[o * inner + i];
    }
    return [new Tensor(gx, x.shape)];
  });
  return { values, indices: new Tensor(Float32Array.from(r.indices), shape) };
}

/** Index of the maximum along `dim`, or of the flattened tensor when `dim` is omitted. */
export function argmax(x: Tensor, dim?: number, keepdim = false): Tensor {
  if (dim === undefined) {
    const r = backend().maxAxis(x.data, 1, x.numel, 1);
    return new Tensor(Float32Array.from(r.indices), keepdim ? x.shape.map(() => 1) : []);
  }
  return max(x.detach(), dim, keepdim).indices;
}

/** Numerically stable (log-)softmax over [outer, size, inner] rows, computed in float64. */
function softmaxRows(x: Tensor, dim: number, logOutput: boolean): Tensor {
  const [outer, size, inner] = splitAt(x.shape, normalizeDim(dim, x.ndim));
  const src = x.data;
  const out = new Float32Array(numel(x.shape));
  for (let o = 0; o < outer; o++) {
    for (let i = 0; i < inner; i++) {
      const base = o * size * inner + i;
      let m = -Infinity;
      for (let k = 0; k < size; k++) m = Math.max(m, src[base + k * inner]);
      let total = 0;
      for (let k = 0; k < size; k++) total += Math.exp(src[base + k * inner] - m);
      const logTotal = Math.log(total);
      for (let k = 0; k < size; k++) {
        const shifted = src[base + k * inner] - m;
        out[base + k * inner] = logOutput ? shifted - logTotal : Math.exp(shifted) / total;
      }
    }
  }
  return new Tensor(out, x.shape);
}

export function softmax(x: Tensor, dim: number): Tensor {
  const y = softmaxRows(x, dim, false);
  // dx = y · (g − Σ g·y)
  return record(y, 'SoftmaxBackward', [x], (g) => {
    const gy = g.mul(y);
    return [gy.sub(y.mul(sum(gy, dim, true)))];
  });
}

export function logSoftmax(x: Tensor, dim: number): Tensor {
  const y = softmaxRows(x, dim, true);
  // dx = g − softmax · Σ g
  return record(y, 'LogSoftmaxBackward', [x], (g) => [g.sub(y.exp().mul(sum(g, dim, true)))]);
}
