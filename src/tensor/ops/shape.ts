/** Reshapes (sharing the buffer) and axis permutations (copying). */
import { ShapeError } from '../../errors.js';
import { record } from '../autograd.js';
import { Tensor } from '../tensor.js';
import { contiguousStrides, normalizeDim, numel, shapeToString } from '../shape.js';

/** A view with another shape over the same values; one size may be -1. */
export function reshape(x: Tensor, shape: readonly number[]): Tensor {
  const dims = [...shape];
  const unknown = dims.indexOf(-1);
  if (unknown !== dims.lastIndexOf(-1)) throw new ShapeError('only one dimension can be inferred (-1)');
  if (unknown >= 0) {
    const known = dims.reduce((p, d, i) => (i === unknown ? p : p * d), 1);
    if (known === 0 || x.numel % known !== 0) {
      throw new ShapeError(`shape ${shapeToString(shape)} is invalid for input of size ${x.numel}`);
    }
    dims[unknown] = x.numel / known;
  }
  if (numel(dims) !== x.numel)
    throw new ShapeError(`shape ${shapeToString(shape)} is invalid for input of size ${x.numel}`);
  return record(new Tensor(x.data, dims), 'ViewBackward', [x], (g) => [new Tensor(g.data, x.shape)]);
}

export function flatten(x: Tensor, startDim = 0, endDim = -1): Tensor {
  if (x.ndim === 0) return reshape(x, [1]);
  const s = normalizeDim(startDim, x.ndim);
  const e = normalizeDim(endDim, x.ndim);
  if (s > e) throw new ShapeError(`flatten: startDim ${startDim} comes after endDim ${endDim}`);
  const middle = x.shape.slice(s, e + 1).reduce((p, d) => p * d, 1);
  return reshape(x, [...x.shape.slice(0, s), middle, ...x.shape.slice(e + 1)]);
}

export function squeeze(x: Tensor, dim?: number): Tensor {
  if (dim === undefined)
    return reshape(
      x,
      x.shape.filter((d) => d !== 1),
    );
  const d = normalizeDim(dim, x.ndim);
  return x.shape[d] === 1
    ? reshape(
        x,
        x.shape.filter((_, i) => i !== d),
      )
    : x;
}

export function unsqueeze(x: Tensor, dim: number): Tensor {
  const d = normalizeDim(dim, x.ndim + 1);
  return reshape(x, [...x.shape.slice(0, d), 1, ...x.shape.slice(d)]);
}

/** Copies values into the axis order `dims` (a permutation of 0…ndim−1). */
export function permute(x: Tensor, dims: readonly number[]): Tensor {
  const order = dims.map((d) => normalizeDim(d, x.ndim));
  if (order.length !== x.ndim || new Set(order).size !== x.ndim) {
    throw new ShapeError(`permute(${dims.join(', ')}) is not a permutation of ${x.ndim} dimensions`);
  }
  const out = new Tensor(
    permuteData(x.data, x.shape, order),
    order.map((d) => x.shape[d]),
  );
  const inverse = order.map((_, i) => order.indexOf(i));
  return record(out, 'PermuteBackward', [x], (g) => [new Tensor(permuteData(g.data, g.shape, inverse), x.shape)]);
}

export function transpose(x: Tensor, dim0: number, dim1: number): Tensor {
  const order = x.shape.map((_, i) => i);
  const a = normalizeDim(dim0, x.ndim);
  const b = normalizeDim(dim1, x.ndim);
  [order[a], order[b]] = [order[b], order[a]];
  return permute(x, order);
}

function permuteData(src: Float32Array, shape: readonly number[], order: readonly number[]): Float32Array {
  const inStrides = contiguousStrides(shape);
  const outShape = order.map((d) => shape[d]);
  const strides = order.map((d) => inStrides[d]);
  const out = new Float32Array(src.length);
  const rank = outShape.length;
  const index = new Array<number>(rank).fill(0);
  let offset = 0;
  for (let i = 0; i < out.length; i++) {
    out[i] = src[offset];
    for (let d = rank - 1; d >= 0; d--) {
      index[d]++;
      offset += strides[d];
      if (index[d] < outShape[d]) break;
      offset -= strides[d] * outShape[d];
      index[d] = 0;
    }
  }
  return out;
}
