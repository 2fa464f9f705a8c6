/**
 * The native backend: the kernel set of backend.ts implemented in C++
 * (native/src) as a Node-API addon, with a persistent thread pool, packed
 * SGEMM micro-kernels chosen at run time (AVX-512, AVX2+FMA or portable C++),
 * Winograd F(4×4,3×3) for 3×3 convolutions and im2col + GEMM for the rest.
 *
 * The addon is optional: it is built by `native/build.mjs` (node-gyp) at
 * install time and loaded lazily from `<package root>/native/build/Release/
 * vgg_native.node`. When it is missing or fails to load, loadNativeBackend()
 * returns null and nativeLoadError() says why.
 *
 * Environment: VGG_NATIVE=0 disables the addon; VGG_NATIVE_ADDON=<path> loads
 * a specific build; VGG_NUM_THREADS sets the pool size (default: online CPUs);
 * VGG_ISA=generic|avx2|avx512 caps the instruction set.
 */
import { existsSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { ArgumentError } from '../../errors.js';
import { findPackageRoot } from '../../package-root.js';
import type { Backend, BinaryOp, Conv2dParams, UnaryOp } from '../backend.js';
import { adamScalarArgs, poolArgs, windowArgs } from '../kernel-args.js';
import { compileNativePlan, hasPlans } from './plan.js';

export type NativeIsa = 'avx512' | 'avx2' | 'generic';
export type NativeConvAlgo = 'auto' | 'winograd' | 'im2col';

export interface NativeInfo {
  /** Instruction set the kernels dispatch to now. */
  isa: NativeIsa;
  /** Threads in the pool (the calling thread included). */
  threads: number;
}

/**
 * The functions the compiled addon exports. Kernels write into the output
 * arrays they are given; sizes are checked natively (TypeError / RangeError).
 * Conv params: [batch, inC, outC, inH, inW, outH, outW, kH, kW, strideH,
 * strideW, padH, padW, dilationH, dilationW]; pool params: [planes, inH, inW,
 * outH, outW, kH, kW, strideH, strideW, padH, padW, dilationH, dilationW].
 */
export interface NativeAddon {
  gemm(
    transA: boolean,
    transB: boolean,
    M: number,
    N: number,
    K: number,
    alpha: number,
    A: Float32Array,
    B: Float32Array,
    beta: number,
    C: Float32Array,
  ): void;
  conv2d(x: Float32Array, w: Float32Array, bias: Float32Array | null, y: Float32Array, params: readonly number[]): void;
  conv2dBackwardInput(gy: Float32Array, w: Float32Array, gx: Float32Array, params: readonly number[]): void;
  conv2dBackwardWeight(gy: Float32Array, x: Float32Array, gw: Float32Array, params: readonly number[]): void;
  maxPool2d(x: Float32Array, y: Float32Array, indices: Int32Array, params: readonly number[]): void;
  maxPool2dBackward(gy: Float32Array, indices: Int32Array, gx: Float32Array, params: readonly number[]): void;
  adaptiveAvgPool2d(
    x: Float32Array,
    y: Float32Array,
    planes: number,
    inH: number,
    inW: number,
    outH: number,
    outW: number,
  ): void;
  adaptiveAvgPool2dBackward(
    gy: Float32Array,
    gx: Float32Array,
    planes: number,
    inH: number,
    inW: number,
    outH: number,
    outW: number,
  ): void;
  batchNorm(
    x: Float32Array,
    y: Float32Array,
    N: number,
    C: number,
    HW: number,
    mean: Float32Array,
    invStd: Float32Array,
    weight: Float32Array | null,
    bias: Float32Array | null,
  ): void;
  batchNormBackward(
    g: Float32Array,
    x: Float32Array,
    N: number,
    C: number,
    HW: number,
    mean: Float32Array,
    invStd: Float32Array,
    weight: Float32Array | null,
    batchStats: boolean,
    gx: Float32Array | null,
    gWeight: Float32Array,
    gBias: Float32Array,
  ): void;
  channelMoments(x: Float32Array, N: number, C: number, HW: number, mean: Float64Array, variance: Float64Array): void;
  unary(op: number, x: Float32Array, y: Float32Array): void;
  reluBackward(g: Float32Array, y: Float32Array, gx: Float32Array): void;
  adamStep(
    w: Float32Array,
    grad: Float32Array,
    m: Float32Array,
    v: Float32Array,
    vMax: Float32Array | null,
    scalars: Float32Array,
    l2: boolean,
    decoupled: boolean,
    amsgrad: boolean,
    maximize: boolean,
  ): void;
  sgdStep(
    w: Float32Array,
    grad: Float32Array,
    buf: Float32Array | null,
    first: boolean,
    nesterov: boolean,
    maximize: boolean,
    lr: number,
    momentum: number,
    dampening: number,
    weightDecay: number,
  ): void;
  binary(
    op: number,
    a: Float32Array,
    aStrides: readonly number[],
    b: Float32Array,
    bStrides: readonly number[],
    outShape: readonly number[],
    out: Float32Array,
  ): void;
  sumAxis(x: Float32Array, y: Float32Array, outer: number, size: number, inner: number): void;
  maxAxis(x: Float32Array, values: Float32Array, indices: Int32Array, outer: number, size: number, inner: number): void;
  /** Forces an instruction set; false when this CPU lacks it. */
  setIsa(isa: NativeIsa): boolean;
  getIsa(): NativeIsa;
  /** Instruction sets this CPU (and OS) supports, 'generic' first. */
  availableIsas(): NativeIsa[];
  /** Resizes the pool; n <= 0 restores the default. */
  setNumThreads(n: number): void;
  getNumThreads(): number;
  /** 'winograd' forces Winograd for every 3×3 stride-1 convolution, 'im2col' disables it. */
  setConvAlgo(algo: NativeConvAlgo): void;
  getConvAlgo(): NativeConvAlgo;
  /** Frees the cached packing / column / transform buffers. */
  releaseScratch(): void;
}

const UNARY_CODES: Record<UnaryOp, number> = {
  neg: 0,
  exp: 1,
  log: 2,
  sqrt: 3,
  abs: 4,
  relu: 5,
  sigmoid: 6,
  tanh: 7,
};
const BINARY_CODES: Record<BinaryOp, number> = {
  add: 0,
  sub: 1,
  mul: 2,
  div: 3,
  pow: 4,
  max: 5,
  min: 6,
};

const ADDON_RELATIVE_PATH = join('native', 'build', 'Release', 'vgg_native.node');
/** Where the addon should be: $VGG_NATIVE_ADDON, else under the package root. */
export function nativeAddonCandidates(): string[] {
  const fromEnv = process.env.VGG_NATIVE_ADDON;
  if (fromEnv) return [resolve(fromEnv)];
  const out: string[] = [];
  for (const start of [dirname(fileURLToPath(import.meta.url)), process.cwd()]) {
    const root = findPackageRoot(start);
    if (root) {
      const p = join(root, ADDON_RELATIVE_PATH);
      if (!out.includes(p)) out.push(p);
    }
  }
  return out;
}

let loaded: { addon: NativeAddon | null; error: string | null } | undefined;

function tryLoad(): { addon: NativeAddon | null; error: string | null } {
  const flag = process.env.VGG_NATIVE;
  if (flag === '0' || flag === 'false' || flag === 'off') {
    return { addon: null, error: 'native backend disabled by VGG_NATIVE' };
  }
  const candidates = nativeAddonCandidates();
  const path = candidates.find((p) => existsSync(p));
  if (!path) {
    const where = candidates.length > 0 ? candidates.join(', ') : 'no package root found';
    return { addon: null, error: `native addon not built (looked for ${where}; run \`node native/build.mjs\`)` };
  }
  try {
    const require = createRequire(import.meta.url);
    const addon = require(path) as NativeAddon;
    if (typeof addon.gemm !== 'function' || typeof addon.conv2d !== 'function') {
      return { addon: null, error: `${path} is not a vgg_native addon` };
    }
    return { addon, error: null };
  } catch (e) {
    return { addon: null, error: `failed to load ${path}: ${e instanceof Error ? e.message : String(e)}` };
  }
}

/** The raw addon, or null when it is missing (see nativeLoadError). Loaded once. */
export function loadNativeAddon(): NativeAddon | null {
  loaded ??= tryLoad();
  return loaded.addon;
}

/** Why the addon is unavailable, or null when it loaded. */
export function nativeLoadError(): string | null {
  loaded ??= tryLoad();
  return loaded.error;
}

/** Instruction set and thread count of the loaded addon; throws when it is unavailable. */
export function nativeInfo(): NativeInfo {
  const addon = loadNativeAddon();
  if (!addon) throw new ArgumentError(`the native backend is unavailable: ${nativeLoadError()}`);
  return { isa: addon.getIsa(), threads: addon.getNumThreads() };
}

function convParams(p: Conv2dParams): number[] {
  return [p.batch, p.inChannels, p.outChannels, ...windowArgs(p)];
}

/**
 * Wraps an addon as a Backend. Every kernel of backend.ts runs natively; the
 * optional fallback only serves ops the addon does not know (unary/binary op
 * names added to backend.ts after this addon was built).
 */
export function createNativeBackend(addon: NativeAddon, fallback?: Backend): Backend {
  const noOp = (kind: string, op: string): never => {
    throw new Error(`native backend: unsupported ${kind} op "${op}"`);
  };
  const native: Backend = {
    name: 'native',

    gemm(transA, transB, M, N, K, alpha, A, B, beta, C) {
      addon.gemm(transA, transB, M, N, K, alpha, A, B, beta, C);
    },

    conv2d(x, w, bias, p) {
      const y = new Float32Array(p.batch * p.outChannels * p.outH * p.outW);
      addon.conv2d(x, w, bias, y, convParams(p));
      return y;
    },

    conv2dBackwardInput(gy, w, p) {
      const gx = new Float32Array(p.batch * p.inChannels * p.inH * p.inW);
      addon.conv2dBackwardInput(gy, w, gx, convParams(p));
      return gx;
    },

    conv2dBackwardWeight(gy, x, p) {
      const gw = new Float32Array(p.outChannels * p.inChannels * p.kernelH * p.kernelW);
      addon.conv2dBackwardWeight(gy, x, gw, convParams(p));
      return gw;
    },

    maxPool2d(x, p) {
      const n = p.planes * p.outH * p.outW;
      const y = new Float32Array(n);
      const indices = new Int32Array(n);
      addon.maxPool2d(x, y, indices, poolArgs(p));
      return { y, indices };
    },

    maxPool2dBackward(gy, indices, p) {
      const gx = new Float32Array(p.planes * p.inH * p.inW);
      addon.maxPool2dBackward(gy, indices, gx, poolArgs(p));
      return gx;
    },

    adaptiveAvgPool2d(x, planes, inH, inW, outH, outW) {
      const y = new Float32Array(planes * outH * outW);
      addon.adaptiveAvgPool2d(x, y, planes, inH, inW, outH, outW);
      return y;
    },

    adaptiveAvgPool2dBackward(gy, planes, inH, inW, outH, outW) {
      const gx = new Float32Array(planes * inH * inW);
      addon.adaptiveAvgPool2dBackward(gy, gx, planes, inH, inW, outH, outW);
      return gx;
    },

    batchNorm(x, N, C, HW, mean, invStd, weight, bias) {
      const y = new Float32Array(N * C * HW);
      addon.batchNorm(x, y, N, C, HW, mean, invStd, weight, bias);
      return y;
    },

    batchNormBackward(g, x, N, C, HW, mean, invStd, weight, batchStats, needInput) {
      const gx = needInput ? new Float32Array(N * C * HW) : null;
      const gWeight = new Float32Array(C);
      const gBias = new Float32Array(C);
      addon.batchNormBackward(g, x, N, C, HW, mean, invStd, weight, batchStats, gx, gWeight, gBias);
      return { gx, gWeight, gBias };
    },

    channelMoments(x, N, C, HW) {
      const mean = new Float64Array(C);
      const variance = new Float64Array(C);
      addon.channelMoments(x, N, C, HW, mean, variance);
      return { mean, variance };
    },

    unary(op, x) {
      const code = UNARY_CODES[op];
      if (code === undefined) return fallback ? fallback.unary(op, x) : noOp('unary', op);
      const y = new Float32Array(x.length);
      addon.unary(code, x, y);
      return y;
    },

    sgdStep(w, grad, buf, first, o) {
      addon.sgdStep(w, grad, buf, first, o.nesterov, o.maximize, o.lr, o.momentum, o.dampening, o.weightDecay);
    },

    adamStep(w, grad, m, v, vMax, s) {
      const scalars = Float32Array.from(adamScalarArgs(s));
      addon.adamStep(w, grad, m, v, vMax, scalars, s.l2, s.decoupled, s.amsgrad, s.maximize);
    },

    reluBackward(g, y) {
      const gx = new Float32Array(g.length);
      addon.reluBackward(g, y, gx);
      return gx;
    },

    binary(op, a, aStrides, b, bStrides, outShape) {
      const code = BINARY_CODES[op];
      if (code === undefined)
        return fallback ? fallback.binary(op, a, aStrides, b, bStrides, outShape) : noOp('binary', op);
      const out = new Float32Array(outShape.reduce((p, d) => p * d, 1));
      addon.binary(code, a, aStrides, b, bStrides, outShape, out);
      return out;
    },

    sumAxis(x, outer, size, inner) {
      const y = new Float32Array(outer * inner);
      addon.sumAxis(x, y, outer, size, inner);
      return y;
    },

    maxAxis(x, outer, size, inner) {
      const values = new Float32Array(outer * inner);
      const indices = new Int32Array(outer * inner);
      addon.maxAxis(x, values, indices, outer, size, inner);
      return { values, indices };
    },
  };
  if (hasPlans(addon)) native.compileInferencePlan = (graph, options) => compileNativePlan(addon, graph, options);
  return native;
}

/** The native Backend, or null when the addon is unavailable (nativeLoadError() says why). */
export function loadNativeBackend(fallback?: Backend): Backend | null {
  const addon = loadNativeAddon();
  return addon ? createNativeBackend(addon, fallback) : null;
}
