/**
 * Kernel parameter records flattened into the positional order the compiled kernels take
 * them in: the native addon and the WebAssembly module read the same order.
 */
import type { AdamStepScalars, Pool2dParams, Window2d } from './backend.js';

/** A sliding window's geometry: sizes in, sizes out, kernel, stride, padding, dilation (H before W). */
export function windowArgs(w: Window2d): number[] {
  return [
    w.inH,
    w.inW,
    w.outH,
    w.outW,
    w.kernelH,
    w.kernelW,
    w.strideH,
    w.strideW,
    w.padH,
    w.padW,
    w.dilationH,
    w.dilationW,
  ];
}

/** A max pool's parameters: the plane count, then the window. */
export function poolArgs(p: Pool2dParams): number[] {
  return [p.planes, ...windowArgs(p)];
}

/** An Adam step's float32 scalars; its flags travel apart, as each kernel's ABI wants them. */
export function adamScalarArgs(s: AdamStepScalars): number[] {
  return [s.b1, s.b2, s.oneMinusB1, s.oneMinusB2, s.eps, s.wd, s.decay, s.negStepSize, s.bc2Sqrt];
}
