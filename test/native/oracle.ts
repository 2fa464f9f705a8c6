/**
 * Float64 oracles and helpers for the native backend tests: naive GEMM, naive
 * direct conv2d and its two gradients, plus a seeded RNG and the error metric.
 */
import type { Conv2dParams } from '../../src/backend/backend.js';
import { loadNativeAddon, nativeLoadError, type NativeAddon } from '../../src/backend/native/index.js';

/** The addon, or null with a message printed once per test file. */
export function addonOrSkip(file: string): { addon: NativeAddon | null; skip: string | false } {
  const addon = loadNativeAddon();
  if (addon) return { addon, skip: false };
  const reason = `native addon unavailable: ${nativeLoadError() ?? 'unknown reason'}`;
  console.log(`${file}: skipped, ${reason}`);
  return { addon: null, skip: reason };
}

/** mulberry32: deterministic uniform numbers in [0, 1). */
export function makeRng(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

export function randomArray(n: number, rng: () => number, scale = 1): Float32Array {
  const out = new Float32Array(n);
  for (let i = 0; i < n; i++) out[i] = (rng() * 2 - 1) * scale;
  return out;
}

export function randInt(rng: () => number, lo: number, hi: number): number {
  return lo + Math.floor(rng() * (hi - lo + 1));
}

/** max|a − b| / max|b| (0 when both are all zero). */
export function relError(a: ArrayLike<number>, b: ArrayLike<number>): number {
  if (a.length !== b.length) throw new Error(`length mismatch ${a.length} vs ${b.length}`);
  let diff = 0;
  let scale = 0;
  for (let i = 0; i < a.length; i++) {
    const d = Math.abs(a[i] - b[i]);
    if (!(d <= diff)) diff = d; // NaN propagates into diff
    scale = Math.max(scale, Math.abs(b[i]));
  }
  if (scale === 0) return diff;
  return diff / scale;
}

/** C = alpha·op(A)·op(B) + beta·C0 in float64 (beta = 0 ignores C0, NaN included). */
export function naiveGemm(
  transA: boolean, transB: boolean, M: number, N: number, K: number,
  alpha: number, A: Float32Array, B: Float32Array, beta: number, C0: Float32Array,
): Float64Array {
  const C = new Float64Array(M * N);
  for (let i = 0; i < M; i++) {
    for (let j = 0; j < N; j++) {
      let s = 0;
      for (let k = 0; k < K; k++) {
        const a = transA ? A[k * M + i] : A[i * K + k];
        const b = transB ? B[j * K + k] : B[k * N + j];
        s += a * b;
      }
      C[i * N + j] = alpha * s + (beta === 0 ? 0 : beta * C0[i * N + j]);
    }
  }
  return C;
}

export interface ConvShape {
  batch: number;
  inC: number;
  outC: number;
  inH: number;
  inW: number;
  k: [number, number];
  stride?: [number, number];
  pad?: [number, number];
  dilation?: [number, number];
}

export function convParams(s: ConvShape): Conv2dParams {
  const [kernelH, kernelW] = s.k;
  const [strideH, strideW] = s.stride ?? [1, 1];
  const [padH, padW] = s.pad ?? [0, 0];
  const [dilationH, dilationW] = s.dilation ?? [1, 1];
  const outH = Math.floor((s.inH + 2 * padH - dilationH * (kernelH - 1) - 1) / strideH) + 1;
  const outW = Math.floor((s.inW + 2 * padW - dilationW * (kernelW - 1) - 1) / strideW) + 1;
  return {
    batch: s.batch, inChannels: s.inC, outChannels: s.outC, inH: s.inH, inW: s.inW, outH, outW,
    kernelH, kernelW, strideH, strideW, padH, padW, dilationH, dilationW,
  };
}

export function describeConv(p: Conv2dParams): string {
  return `N${p.batch} ${p.inChannels}->${p.outChannels} ${p.inH}x${p.inW} k${p.kernelH}x${p.kernelW}` +
    ` s${p.strideH},${p.strideW} p${p.padH},${p.padW} d${p.dilationH},${p.dilationW}`;
}

/**
 * Visits every (n, co, oy, ox, ci, u, v) with an in-bounds input pixel:
 * f(yIndex, xIndex, wIndex).
 */
function forEachTap(p: Conv2dParams, f: (yi: number, xi: number, wi: number) => void): void {
  for (let n = 0; n < p.batch; n++) {
    for (let co = 0; co < p.outChannels; co++) {
      for (let oy = 0; oy < p.outH; oy++) {
        for (let ox = 0; ox < p.outW; ox++) {
          const yi = ((n * p.outChannels + co) * p.outH + oy) * p.outW + ox;
          for (let ci = 0; ci < p.inChannels; ci++) {
            for (let u = 0; u < p.kernelH; u++) {
              const iy = oy * p.strideH - p.padH + u * p.dilationH;
              if (iy < 0 || iy >= p.inH) continue;
              for (let v = 0; v < p.kernelW; v++) {
                const ix = ox * p.strideW - p.padW + v * p.dilationW;
                if (ix < 0 || ix >= p.inW) continue;
                f(yi, ((n * p.inChannels + ci) * p.inH + iy) * p.inW + ix, ((co * p.inChannels + ci) * p.kernelH + u) * p.kernelW + v);
              }
            }
          }
        }
      }
    }
  }
}

/** Direct convolution in float64. */
export function naiveConv2d(x: Float32Array, w: Float32Array, bias: Float32Array | null, p: Conv2dParams): Float64Array {
  const y = new Float64Array(p.batch * p.outChannels * p.outH * p.outW);
  if (bias) {
    const hw = p.outH * p.outW;
    for (let i = 0; i < y.length; i++) y[i] = bias[Math.floor(i / hw) % p.outChannels];
  }
  forEachTap(p, (yi, xi, wi) => {
    y[yi] += x[xi] * w[wi];
  });
  return y;
}

/** d(Σ gy·y)/dx in float64. */
export function naiveConv2dBackwardInput(gy: Float32Array, w: Float32Array, p: Conv2dParams): Float64Array {
  const gx = new Float64Array(p.batch * p.inChannels * p.inH * p.inW);
  forEachTap(p, (yi, xi, wi) => {
    gx[xi] += gy[yi] * w[wi];
  });
  return gx;
}

/** d(Σ gy·y)/dw in float64. */
export function naiveConv2dBackwardWeight(gy: Float32Array, x: Float32Array, p: Conv2dParams): Float64Array {
  const gw = new Float64Array(p.outChannels * p.inChannels * p.kernelH * p.kernelW);
  forEachTap(p, (yi, xi, wi) => {
    gw[wi] += gy[yi] * x[xi];
  });
  return gw;
}

/** Runs fn once per instruction set the CPU supports, restoring the best one afterwards. */
export function forEachIsa(addon: NativeAddon, fn: (isa: string) => void): void {
  const isas = addon.availableIsas();
  const original = addon.getIsa();
  try {
    for (const isa of isas) {
      if (!addon.setIsa(isa)) throw new Error(`setIsa(${isa}) refused an advertised ISA`);
      fn(isa);
    }
  } finally {
    addon.setIsa(original);
  }
}
