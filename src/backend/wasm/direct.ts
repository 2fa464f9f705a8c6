/**
 * Direct convolution on addresses in a WasmKernels memory (wasm/src/direct.ts): for stride-1,
 * undilated convs with few input channels, where im2col + GEMM builds a column matrix that is only
 * C·kh·kw rows deep and then streams it (a VGG's first layer ran at a seventh of the GEMM's speed).
 */
import type { Conv2dParams } from '../backend.js';
import type { ConvGeometry } from '../graph.js';
import { scoped } from './ops.js';
import { TASK_DIRECT_CONV, type WasmKernels } from './kernels.js';

/**
 * Convs with up to this many input channels run direct. Measured on 3×3 convs (batch 1, one thread):
 * 2.5–4× im2col + GEMM's speed at 3–64 channels, but only 1.1–1.25× at 256–512, where the C·kh padded
 * input rows every tile re-reads outgrow the cache on wide maps and im2col's packed panels hold up.
 */
const DIRECT_MAX_CHANNELS = 64;

/** Whether the direct kernel computes this conv (stride 1, no dilation, few input channels). */
export function directFits(g: ConvGeometry): boolean {
  return (
    g.stride[0] === 1 &&
    g.stride[1] === 1 &&
    g.dilation[0] === 1 &&
    g.dilation[1] === 1 &&
    g.inChannels <= DIRECT_MAX_CHANNELS
  );
}

/** A convolution's geometry from a kernel call's parameters. */
export function convGeometry(p: Conv2dParams): ConvGeometry {
  return {
    inChannels: p.inChannels,
    outChannels: p.outChannels,
    kernel: [p.kernelH, p.kernelW],
    stride: [p.strideH, p.strideW],
    padding: [p.padH, p.padW],
    dilation: [p.dilationH, p.dilationW],
  };
}

/**
 * The weights w[K, C, kh, kw] packed for the direct kernel, in a block taken from the arena; `weight`
 * is their address in the memory, or an array copied in for the packing only.
 */
export function directPackWeights(
  k: WasmKernels,
  weight: Float32Array | number,
  g: ConvGeometry,
  what: string,
): number {
  const [K, C, [kh, kw]] = [g.outChannels, g.inChannels, g.kernel];
  const packed = k.arena.alloc(k.exports.directPackedFloats(K, C, kh, kw) * 4, what);
  scoped(k, () => {
    const w = typeof weight === 'number' ? weight : k.arena.copyIn(weight, what);
    k.exports.directPackWeights(w, packed, K, C, kh, kw);
  });
  return packed;
}

/** y[N,K,outH,outW] = x ⋆ w + bias (0: none), ReLU'd when relu, from weights packed by directPackWeights; p as directFits takes. */
export function directConv(
  k: WasmKernels,
  x: number,
  packed: number,
  bias: number,
  relu: boolean,
  y: number,
  p: Conv2dParams,
  what: string,
): void {
  scoped(k, () => {
    const [C, kh, kw] = [p.inChannels, p.kernelH, p.kernelW];
    const scratch = k.arena.alloc(k.exports.directScratchFloats(C, kh, kw, p.outW) * 4 * k.threads, what);
    const geometry = [p.batch, C, p.inH, p.inW, p.outChannels, kh, kw, p.padH, p.padW];
    k.run(TASK_DIRECT_CONV, [x, y, packed, bias, ...geometry, +relu, scratch]);
  });
}
