/** Pooling kernels over [planes, H, W] buffers. */
import type { Pool2dParams } from '../backend.js';
/** x[planes,H,W] -> y[planes,outH,outW]; padding reads as −inf; NaN propagates; first maximum wins. */
export declare function maxPool2d(x: Float32Array, p: Pool2dParams): {
    y: Float32Array;
    indices: Int32Array;
};
export declare function maxPool2dBackward(gy: Float32Array, indices: Int32Array, p: Pool2dParams): Float32Array;
/** PyTorch's adaptive bin [start, end) for output index i of `out` over `size` inputs. */
export declare function adaptiveBin(i: number, out: number, size: number): [number, number];
export declare function adaptiveAvgPool2d(x: Float32Array, planes: number, H: number, W: number, outH: number, outW: number): Float32Array;
export declare function adaptiveAvgPool2dBackward(gy: Float32Array, planes: number, H: number, W: number, outH: number, outW: number): Float32Array;
