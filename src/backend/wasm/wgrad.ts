/**
 * A convolution's weight gradient on addresses in a WasmKernels memory (wasm/src/wgrad.ts): one GEMM
 * over every output position of the batch, its column panels gathered from the images as it goes,
 * where per-image im2col + GEMM wrote, re-packed and accumulated the columns image by image.
 */
import type { Conv2dParams } from '../backend.js';
import { windowArgs } from '../kernel-args.js';
import { TASK_WGRAD, type WasmKernels } from './kernels.js';
import { roundUp, scoped } from './ops.js';

/** gw[K, C·kh·kw] = Σ over the batch of gy[N,K,outH,outW] ⋆ x[N,C,inH,inW]; gy and x are addresses. */
export function convWeightGradient(k: WasmKernels, gy: number, x: number, p: Conv2dParams, what: string): Float32Array {
  const taps = p.inChannels * p.kernelH * p.kernelW;
  const gw = new Float32Array(p.outChannels * taps);
  if (p.batch === 0 || p.outH * p.outW === 0) return gw;
  return scoped(k, () => {
    const Tp = roundUp(taps, k.exports.gemmTileCols());
    const padded = k.arena.alloc(roundUp(p.outChannels, k.exports.gemmTileRows()) * Tp * 4, what);
    const scratch = k.arena.alloc(k.exports.wgradScratchFloats(p.outChannels) * 4 * k.threads, what);
    const sizes = [p.batch, p.inChannels, p.outChannels, ...windowArgs(p)];
    k.run(TASK_WGRAD, [x, gy, padded, scratch, ...sizes]);
    const rows = k.arena.f32(padded, p.outChannels * Tp);
    if (Tp === taps) gw.set(rows);
    else for (let o = 0; o < p.outChannels; o++) gw.set(rows.subarray(o * Tp, o * Tp + taps), o * taps);
    return gw;
  });
}
