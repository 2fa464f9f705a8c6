// Elementwise, normalisation and reduction kernels with the reference backend's arithmetic: each value
// is computed in float64 from float32 inputs and rounded once where the reference stores a float32.
import { f32At, relu4 } from './simd';

function get(base: usize, index: i32): f64 {
  return <f64>load<f32>(f32At(base, index));
}

function put(base: usize, index: i32, v: f64): void {
  store<f32>(f32At(base, index), <f32>v);
}

/** Codes of backend.ts's UnaryOp, in its order. */
const NEG = 0,
  EXP = 1,
  LOG = 2,
  SQRT = 3,
  ABS = 4,
  RELU = 5,
  SIGMOID = 6;

function unaryValue(op: i32, x: f64): f64 {
  switch (op) {
    case NEG:
      return -x;
    case EXP:
      return Math.exp(x);
    case LOG:
      return Math.log(x);
    case SQRT:
      return Math.sqrt(x);
    case ABS:
      return Math.abs(x);
    case RELU:
      return x > 0 || isNaN(x) ? x : 0;
    case SIGMOID:
      return 1 / (1 + Math.exp(-x));
    default:
      return Math.tanh(x);
  }
}

/** y[n] = op(x[n]); ReLU, the one a VGG runs on every activation, four lanes at a time. */
export function unary(op: i32, x: usize, y: usize, n: i32): void {
  let i = 0;
  if (ASC_FEATURE_SIMD && op == RELU) {
    for (; i + 4 <= n; i += 4) store<v128>(f32At(y, i), relu4(v128.load(f32At(x, i))));
  }
  for (; i < n; i++) put(y, i, unaryValue(op, get(x, i)));
}

/** gx[n] = g where y > 0, else +0: g's bits AND an all-ones or all-zero mask, as the reference does. */
export function reluBackward(g: usize, y: usize, gx: usize, n: i32): void {
  let i = 0;
  if (ASC_FEATURE_SIMD) {
    const zero = f32x4.splat(0);
    for (; i + 4 <= n; i += 4) {
      store<v128>(f32At(gx, i), v128.and(v128.load(f32At(g, i)), f32x4.gt(v128.load(f32At(y, i)), zero)));
    }
  }
  for (; i < n; i++) {
    const mask = -(<i32>(load<f32>(f32At(y, i)) > 0));
    store<i32>(f32At(gx, i), load<i32>(f32At(g, i)) & mask);
  }
}

/** Codes of backend.ts's BinaryOp, in its order. */
const ADD = 0,
  SUB = 1,
  MUL = 2,
  DIV = 3,
  POW = 4,
  MAX = 5;

function binaryValue(op: i32, a: f64, b: f64): f64 {
  switch (op) {
    case ADD:
      return a + b;
    case SUB:
      return a - b;
    case MUL:
      return a * b;
    case DIV:
      return a / b;
    case POW:
      return Math.pow(a, b);
    case MAX:
      return isNaN(a) || isNaN(b) ? NaN : Math.max(a, b);
    default:
      return isNaN(a) || isNaN(b) ? NaN : Math.min(a, b);
  }
}

/**
 * out[index] = a[Σ index_d·aStride_d] op b[Σ index_d·bStride_d] over shape, walked as an odometer.
 * meta holds rank i32 triples (shape, aStride, bStride) followed by rank i32 counters.
 */
export function binary(op: i32, a: usize, b: usize, out: usize, n: i32, meta: usize, rank: i32): void {
  const index = meta + ((<usize>rank * 3) << 2);
  memory.fill(index, 0, (<usize>rank) << 2);
  let ia = 0;
  let ib = 0;
  for (let i = 0; i < n; i++) {
    put(out, i, binaryValue(op, get(a, ia), get(b, ib)));
    for (let d = rank - 1; d >= 0; d--) {
      const size = load<i32>(f32At(meta, 3 * d));
      const sa = load<i32>(f32At(meta, 3 * d + 1));
      const sb = load<i32>(f32At(meta, 3 * d + 2));
      const k = load<i32>(f32At(index, d)) + 1;
      ia += sa;
      ib += sb;
      if (k < size) {
        store<i32>(f32At(index, d), k);
        break;
      }
      ia -= sa * size;
      ib -= sb * size;
      store<i32>(f32At(index, d), 0);
    }
  }
}

/** x viewed as [outer, size, inner] -> y[outer, inner], summed in float64 in index order. */
export function sumAxis(x: usize, y: usize, acc: usize, outer: i32, size: i32, inner: i32): void {
  for (let o = 0; o < outer; o++) {
    memory.fill(acc, 0, (<usize>inner) << 3);
    for (let k = 0; k < size; k++) {
      const base = (o * size + k) * inner;
      for (let i = 0; i < inner; i++) {
        const s = acc + ((<usize>i) << 3);
        store<f64>(s, load<f64>(s) + get(x, base + i));
      }
    }
    for (let i = 0; i < inner; i++) put(y, o * inner + i, load<f64>(acc + ((<usize>i) << 3)));
  }
}

/** x viewed as [outer, size, inner] -> max and first argmax over the middle axis (NaN wins). */
export function maxAxis(x: usize, values: usize, indices: usize, outer: i32, size: i32, inner: i32): void {
  for (let o = 0; o < outer; o++) {
    for (let i = 0; i < inner; i++) {
      let best: f32 = -Infinity;
      let bestK = 0;
      for (let k = 0; k < size; k++) {
        const v = load<f32>(f32At(x, (o * size + k) * inner + i));
        if (v > best || (isNaN(v) && !isNaN(best))) {
          best = v;
          bestK = k;
        }
      }
      const value: f32 = size > 0 ? load<f32>(f32At(x, (o * size + bestK) * inner + i)) : NaN;
      store<f32>(f32At(values, o * inner + i), value);
      store<i32>(f32At(indices, o * inner + i), bestK);
    }
  }
}

/** y = x·scale + shift per channel of x[N,C,HW], scale = invStd·weight, shift = bias − mean·scale. */
export function batchNorm(
  x: usize,
  y: usize,
  N: i32,
  C: i32,
  HW: i32,
  mean: usize,
  invStd: usize,
  weight: usize,
  bias: usize,
): void {
  batchNormChannels(x, y, N, C, HW, mean, invStd, weight, bias, 0, C);
}

/** batchNorm over channels [c0, c1) only. */
export function batchNormChannels(
  x: usize,
  y: usize,
  N: i32,
  C: i32,
  HW: i32,
  mean: usize,
  invStd: usize,
  weight: usize,
  bias: usize,
  c0: i32,
  c1: i32,
): void {
  for (let n = 0; n < N; n++) {
    for (let c = c0; c < c1; c++) {
      const scale = get(invStd, c) * (weight ? get(weight, c) : 1);
      const shift = (bias ? get(bias, c) : 0) - get(mean, c) * scale;
      const base = (n * C + c) * HW;
      for (let i = base; i < base + HW; i++) put(y, i, get(x, i) * scale + shift);
    }
  }
}

/** batchNorm's gradients (see backend.ts) for channels [c0, c1); gx is 0 (null) when the input gradient is not wanted. */
export function batchNormBackward(
  g: usize,
  x: usize,
  N: i32,
  C: i32,
  HW: i32,
  mean: usize,
  invStd: usize,
  weight: usize,
  batchStats: bool,
  gx: usize,
  gWeight: usize,
  gBias: usize,
  c0: i32,
  c1: i32,
): void {
  const count = <f64>N * HW;
  for (let c = c0; c < c1; c++) {
    const m = get(mean, c);
    const s = get(invStd, c);
    let sumG: f64 = 0;
    let sumGXhat: f64 = 0;
    for (let n = 0; n < N; n++) {
      const base = (n * C + c) * HW;
      for (let i = base; i < base + HW; i++) {
        const gi = get(g, i);
        sumG += gi;
        sumGXhat += gi * (get(x, i) - m) * s;
      }
    }
    put(gWeight, c, sumGXhat);
    put(gBias, c, sumG);
    if (!gx) continue;
    const scale = (weight ? get(weight, c) : 1) * s;
    const meanG = batchStats ? sumG / count : 0;
    const meanGXhat = batchStats ? sumGXhat / count : 0;
    for (let n = 0; n < N; n++) {
      const base = (n * C + c) * HW;
      for (let i = base; i < base + HW; i++) put(gx, i, scale * (get(g, i) - meanG - (get(x, i) - m) * s * meanGXhat));
    }
  }
}

/** Two-pass float64 mean and biased variance of channels [c0, c1) of x[N,C,HW] into mean[C], variance[C] (f64). */
export function channelMoments(
  x: usize,
  N: i32,
  C: i32,
  HW: i32,
  mean: usize,
  variance: usize,
  c0: i32,
  c1: i32,
): void {
  const count = <f64>N * HW;
  for (let c = c0; c < c1; c++) {
    let s: f64 = 0;
    for (let n = 0; n < N; n++) {
      const base = (n * C + c) * HW;
      for (let i = base; i < base + HW; i++) s += get(x, i);
    }
    const m = s / count;
    let v: f64 = 0;
    for (let n = 0; n < N; n++) {
      const base = (n * C + c) * HW;
      for (let i = base; i < base + HW; i++) {
        const d = get(x, i) - m;
        v += d * d;
      }
    }
    store<f64>(mean + ((<usize>c) << 3), m);
    store<f64>(variance + ((<usize>c) << 3), v / count);
  }
}
