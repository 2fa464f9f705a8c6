/**
 * Convolution and GEMM steps on addresses in a WasmKernels memory, shared by the eager kernels
 * (backend.ts) and the inference plan (plan.ts): the task argument layouts of wasm/src live here.
 */
import type { Conv2dParams } from '../backend.js';
import { windowArgs } from '../kernel-args.js';
import { im2colSizes } from '../window.js';
import {
  TASK_GEMM,
  TASK_IM2COL,
  TASK_WINO_GEMM,
  TASK_WINO_INPUT,
  TASK_WINO_OUTPUT,
  TASK_WINO_WEIGHTS,
  type WasmKernels,
} from './kernels.js';

/** Below this many multiply-adds a GEMM stays on the calling thread (waking workers costs more). */
const PARALLEL_MIN_MACS = 1 << 16;
/** Transformed inputs and products of one block of tiles stay under this many bytes (when a block holds NR tiles or more). */
const WINOGRAD_BLOCK_BYTES = 8 * 1024 * 1024;

/** n rounded up to a multiple of m (the kernels' panels and register tiles). */
export const roundUp = (n: number, m: number): number => Math.ceil(n / m) * m;

/** Runs fn with an arena mark, releasing every block fn allocated afterwards. */
export function scoped<T>(k: WasmKernels, fn: () => T): T {
  const mark = k.arena.mark();
  try {
    return fn();
  } finally {
    k.arena.release(mark);
  }
}

/** Addresses into the memory for the GEMM task; sizes and layouts as in Backend.gemm, with leading dimensions. */
export interface GemmCall {
  transA: boolean;
  transB: boolean;
  M: number;
  N: number;
  K: number;
  alpha: number;
  A: number;
  lda: number;
  B: number;
  ldb: number;
  beta: number;
  C: number;
  ldc: number;
}

/** Per-thread GEMM scratch for the current scope. */
export function gemmScratch(k: WasmKernels, what: string): number {
  return k.arena.alloc(k.exports.gemmScratchFloats() * 4 * k.threads, what);
}

export function runGemm(k: WasmKernels, g: GemmCall, scratch: number): void {
  const args = [+g.transA, +g.transB, g.M, g.N, g.K, g.alpha, g.A, g.lda, g.B, g.ldb, g.beta, g.C, g.ldc];
  const macs = g.M * g.N * g.K;
  k.run(TASK_GEMM, [...args, scratch, k.exports.gemmScratchFloats() * 4], macs < PARALLEL_MIN_MACS ? 1 : k.threads);
}

/** The im2col task's geometry slots after image and cols (wasm/src/conv.ts). */
export function im2colGeometry(p: Conv2dParams): number[] {
  return [p.inChannels, ...windowArgs(p)];
}

/** A 1×1, stride-1, unpadded convolution's columns are the image itself. */
export function isPointwise(p: Conv2dParams): boolean {
  return p.kernelH === 1 && p.kernelW === 1 && p.strideH === 1 && p.strideW === 1 && p.padH === 0 && p.padW === 0;
}

/**
 * y[N,K,outH,outW] = w[K, C·kh·kw] · im2col(x) + bias (0: none), image by image; weights and
 * images are addresses in the memory.
 */
export function im2colConv(
  k: WasmKernels,
  x: number,
  w: number,
  bias: number,
  y: number,
  p: Conv2dParams,
  what: string,
): void {
  scoped(k, () => {
    const { plane, taps, inSize, outSize } = im2colSizes(p);
    const pointwise = isPointwise(p);
    const cols = pointwise ? 0 : k.arena.alloc(taps * plane * 4, what);
    const scratch = gemmScratch(k, what);
    for (let n = 0; n < p.batch; n++) {
      const image = x + n * inSize * 4;
      if (!pointwise) k.run(TASK_IM2COL, [image, cols, ...im2colGeometry(p)]);
      const yn = y + n * outSize * 4;
      if (bias) k.exports.fillBias(yn, bias, p.outChannels, plane);
      runGemm(
        k,
        {
          transA: false,
          transB: false,
          M: p.outChannels,
          N: plane,
          K: taps,
          alpha: 1,
          A: w,
          lda: taps,
          B: pointwise ? image : cols,
          ldb: plane,
          beta: bias ? 1 : 0,
          C: yn,
          ldc: plane,
        },
        scratch,
      );
    }
  });
}

/** Where the 3×3 kernel g(k,c,·,·) of a Winograd convolution lies: w[k·wsk + c·wsc + u·3 + v], rotated 180° when flip. */
export interface WinogradWeights {
  w: number;
  K: number;
  C: number;
  wsk: number;
  wsc: number;
  flip: boolean;
}

/**
 * U = G g Gᵀ for every channel pair, in a block taken from the arena: [36][Kp/MR][C][MR], panels of
 * the GEMM tile's MR output channels (Kp = K rounded up to MR, the extra rows zero), as the products read it.
 */
export function winogradTransformWeights(k: WasmKernels, g: WinogradWeights, what: string): number {
  const bytes = winogradWeightBytes(k, g.K, g.C);
  const U = g.K % k.exports.gemmTileRows() === 0 ? k.arena.alloc(bytes, what) : k.arena.zeros(bytes / 4, what);
  scoped(k, () => {
    const ws = k.arena.alloc(k.exports.winoScratchFloats() * 4 * k.threads, what);
    k.run(TASK_WINO_WEIGHTS, [g.w, U, g.K, g.C, g.wsk, g.wsc, +g.flip, ws]);
  });
  return U;
}

/** Bytes of winogradTransformWeights' block for K output and C input channels. */
export function winogradWeightBytes(k: WasmKernels, K: number, C: number): number {
  return 36 * roundUp(K, k.exports.gemmTileRows()) * C * 4;
}

/**
 * One 3×3 stride-1 convolution from transformed weights U: y[N,K,OH,OW] = x[N,C,H,W] ⋆ g + bias
 * (0: none), ReLU'd when relu; with pool, y receives its 2×2 max-pool [N,K,OH/2,OW/2] instead.
 */
export interface WinogradCall {
  U: number;
  x: number;
  y: number;
  bias: number;
  relu: boolean;
  pool?: boolean;
  N: number;
  C: number;
  H: number;
  W: number;
  K: number;
  OH: number;
  OW: number;
  padH: number;
  padW: number;
}

/**
 * Input transform, the 36 products and the output transform, over blocks of tiles (across images)
 * small enough that the transformed inputs and products of one block stay in the last-level cache.
 */
export function winogradConv(k: WasmKernels, q: WinogradCall, what: string): void {
  scoped(k, () => {
    const [NR, MR] = [k.exports.gemmTileCols(), k.exports.gemmTileRows()];
    const tilesH = Math.ceil(q.OH / 4);
    const tilesW = Math.ceil(q.OW / 4);
    const T = q.N * tilesH * tilesW;
    const Kp = roundUp(q.K, MR);
    const perTile = 36 * (q.C + Kp) * 4;
    const block = Math.min(roundUp(T, NR), Math.max(NR, Math.floor(WINOGRAD_BLOCK_BYTES / perTile / NR) * NR));
    const V = k.arena.alloc(36 * q.C * block * 4, what);
    // Four floats of slack: the last group of tiles may read up to three lanes past the end.
    const M = k.arena.alloc((36 * Kp * block + 4) * 4, what);
    const wsBytes = Math.max(k.exports.winoScratchFloats(), k.exports.winoInputScratchFloats(q.C, tilesW)) * 4;
    const ws = k.arena.alloc(wsBytes * k.threads, what);
    const sizes = [q.N, q.C, q.H, q.W];
    for (let t0 = 0; t0 < T; t0 += block) {
      const n = Math.min(block, T - t0);
      k.run(TASK_WINO_INPUT, [q.x, V, ...sizes, q.padH, q.padW, tilesH, tilesW, ws, wsBytes, t0, n]);
      k.run(TASK_WINO_GEMM, [q.U, V, M, q.K, q.C, n]);
      const output = [M, q.y, q.bias, q.N, q.K, q.OH, q.OW, tilesH, tilesW, ws, +q.relu, +!!q.pool, t0, n];
      k.run(TASK_WINO_OUTPUT, output);
    }
  });
}
