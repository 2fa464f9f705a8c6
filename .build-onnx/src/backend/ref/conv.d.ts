/**
 * Convolution as im2col + GEMM, one image at a time.
 * cols[Cin·kh·kw, outH·outW] holds, for each kernel tap, the input pixel each
 * output position reads (0 in the padding), so that
 *   y[n]  = W[Cout, Cin·kh·kw] · cols                (forward)
 *   gW   += gy[n] · colsᵀ                             (weight gradient)
 *   gcols = Wᵀ · gy[n], scattered back by col2im      (input gradient)
 */
import type { Conv2dParams } from '../backend.js';
export declare function conv2dIm2col(x: Float32Array, w: Float32Array, bias: Float32Array | null, p: Conv2dParams): Float32Array;
export declare function conv2dIm2colBackwardInput(gy: Float32Array, w: Float32Array, p: Conv2dParams): Float32Array;
export declare function conv2dIm2colBackwardWeight(gy: Float32Array, x: Float32Array, p: Conv2dParams): Float32Array;
