/** Elementwise, normalisation and reduction kernels in plain TypeScript. */
import type { BinaryOp, UnaryOp } from '../backend.js';

const unaryFns: Record<UnaryOp, (x: number) => number> = {
  neg: (x) => -x,
  exp: Math.exp,
  log: Math.log,
  sqrt: Math.sqrt,
  abs: Math.abs,
  relu: (x) => (x > 0 || Number.isNaN(x) ? x : 0),
  sigmoid: (x) => 1 / (1 + Math.exp(-x)),
  tanh: Math.tanh,
};

const binaryFns: Record<BinaryOp, (a: number, b: number) => number> = {
  add: (a, b) => a + b,
  sub: (a, b) => a - b,
  mul: (a, b) => a * b,
  div: (a, b) => a / b,
  pow: Math.pow,
  max: (a, b) => (Number.isNaN(a) || Number.isNaN(b) ? NaN : Math.max(a, b)),
  min: (a, b) => (Number.isNaN(a) || Number.isNaN(b) ? NaN : Math.min(a, b)),
};

export function unary(op: UnaryOp, x: Float32Array): Float32Array {
  const fn = unaryFns[op];
  const out = new Float32Array(x.length);
  for (let i = 0; i < x.length; i++) out[i] = fn(x[i]);
  return out;
}

/**
 * Done on the bit patterns (g's bits AND an all-ones or all-zeros mask): the
 * same values as a conditional, without a branch that mispredicts on half the elements.
 */
export function reluBackward(g: Float32Array, y: Float32Array): Float32Array {
  const out = new Float32Array(g.length);
  const gBits = new Int32Array(g.buffer, g.byteOffset, g.length);
  const outBits = new Int32Array(out.buffer);
  for (let i = 0; i < out.length; i++) outBits[i] = gBits[i] & -(y[i] > 0);
  return out;
}

/** Walks outShape with an odometer, advancing each operand by its (possibly zero) strides. */
export function binary(
  op: BinaryOp,
  a: Float32Array,
  aStrides: readonly number[],
  b: Float32Array,
  bStrides: readonly number[],
  outShape: readonly number[],
): Float32Array {
  const fn = binaryFns[op];
  const n = outShape.reduce((p, d) => p * d, 1);
  const out = new Float32Array(n);
  if (a.length === n && b.length === n) {
    for (let i = 0; i < n; i++) out[i] = fn(a[i], b[i]);
    return out;
  }
  if (b.length === 1 && a.length === n) {
    const bv = b[0];
    for (let i = 0; i < n; i++) out[i] = fn(a[i], bv);
    return out;
  }
  const rank = outShape.length;
  const index = new Array<number>(rank).fill(0);
  let ia = 0;
  let ib = 0;
  for (let i = 0; i < n; i++) {
    out[i] = fn(a[ia], b[ib]);
    for (let d = rank - 1; d >= 0; d--) {
      index[d]++;
      ia += aStrides[d];
      ib += bStrides[d];
      if (index[d] < outShape[d]) break;
      ia -= aStrides[d] * outShape[d];
      ib -= bStrides[d] * outShape[d];
      index[d] = 0;
    }
  }
  return out;
}

export function sumAxis(x: Float32Array, outer: number, size: number, inner: number): Float32Array {
  const acc = new Float64Array(outer * inner);
  for (let o = 0; o < outer; o++) {
    for (let k = 0; k < size; k++) {
      const base = (o * size + k) * inner;
      for (let i = 0; i < inner; i++) acc[o * inner + i] += x[base + i];
    }
  }
  return Float32Array.from(acc);
}

export function maxAxis(
  x: Float32Array,
  outer: number,
  size: number,
  inner: number,
): { values: Float32Array; indices: Int32Array } {
  const values = new Float32Array(outer * inner);
  const indices = new Int32Array(outer * inner);
  for (let o = 0; o < outer; o++) {
    for (let i = 0; i < inner; i++) {
      let best = -Infinity;
      let bestK = 0;
      for (let k = 0; k < size; k++) {
        const v = x[(o * size + k) * inner + i];
        if (v > best || (Number.isNaN(v) && !Number.isNaN(best))) {
          best = v;
          bestK = k;
        }
      }
      values[o * inner + i] = size > 0 ? x[(o * size + bestK) * inner + i] : NaN;
      indices[o * inner + i] = bestK;
    }
  }
  return { values, indices };
}

export function batchNorm(
  x: Float32Array,
  N: number,
  C: number,
  HW: number,
  mean: Float32Array,
  invStd: Float32Array,
  weight: Float32Array | null,
  bias: Float32Array | null,
): Float32Array {
  const y = new Float32Array(x.length);
  for (let n = 0; n < N; n++) {
    for (let c = 0; c < C; c++) {
      const scale = invStd[c] * (weight ? weight[c] : 1);
      const shift = (bias ? bias[c] : 0) - mean[c] * scale;
      const base = (n * C + c) * HW;
      for (let i = 0; i < HW; i++) y[base + i] = x[base + i] * scale + shift;
    }
  }
  return y;
}

/**
 * With batch statistics the mean and variance depend on x, which adds the two
 * correction terms: gx = invStd/n · (n·ĝ − Σĝ − x̂·Σ(ĝ·x̂)), where ĝ = g·γ.
 * The per-channel sums are one cheap pass; the input gradient, a second pass
 * as large as the activation, is skipped when nothing upstream needs it (a
 * frozen trunk in front of this layer).
 */
export function batchNormBackward(
  g: Float32Array,
  x: Float32Array,
  N: number,
  C: number,
  HW: number,
  mean: Float32Array,
  invStd: Float32Array,
  weight: Float32Array | null,
  batchStats: boolean,
  needInput: boolean,
): { gx: Float32Array | null; gWeight: Float32Array; gBias: Float32Array } {
  const gx = needInput ? new Float32Array(x.length) : null;
  const gWeight = new Float32Array(C);
  const gBias = new Float32Array(C);
  const count = N * HW;
  for (let c = 0; c < C; c++) {
    const m = mean[c];
    const s = invStd[c];
    let sumG = 0;
    let sumGXhat = 0;
    for (let n = 0; n < N; n++) {
      const base = (n * C + c) * HW;
      for (let i = base; i < base + HW; i++) {
        sumG += g[i];
        sumGXhat += g[i] * (x[i] - m) * s;
      }
    }
    gWeight[c] = sumGXhat;
    gBias[c] = sumG;
    if (!gx) continue;
    const scale = (weight ? weight[c] : 1) * s;
    const meanG = batchStats ? sumG / count : 0;
    const meanGXhat = batchStats ? sumGXhat / count : 0;
    for (let n = 0; n < N; n++) {
      const base = (n * C + c) * HW;
      for (let i = base; i < base + HW; i++) gx[i] = scale * (g[i] - meanG - (x[i] - m) * s * meanGXhat);
    }
  }
  return { gx, gWeight, gBias };
}

/** Two-pass mean and biased variance per channel in float64 (stable for large activations). */
export function channelMoments(
  x: Float32Array,
  N: number,
  C: number,
  HW: number,
): { mean: Float64Array; variance: Float64Array } {
  const mean = new Float64Array(C);
  const variance = new Float64Array(C);
  const count = N * HW;
  for (let c = 0; c < C; c++) {
    let s = 0;
    for (let n = 0; n < N; n++) {
      const base = (n * C + c) * HW;
      for (let i = 0; i < HW; i++) s += x[base + i];
    }
    const m = s / count;
    let v = 0;
    for (let n = 0; n < N; n++) {
      const base = (n * C + c) * HW;
      for (let i = 0; i < HW; i++) {
        const d = x[base + i] - m;
        v += d * d;
      }
    }
    mean[c] = m;
    variance[c] = v / count;
  }
  return { mean, variance };
}
