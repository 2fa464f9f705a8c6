/** Elementwise, normalisation and reduction kernels in plain TypeScript. */
import type { BinaryOp, UnaryOp } from '../backend.js';
export declare function unary(op: UnaryOp, x: Float32Array): Float32Array;
/** Walks outShape with an odometer, advancing each operand by its (possibly zero) strides. */
export declare function binary(op: BinaryOp, a: Float32Array, aStrides: readonly number[], b: Float32Array, bStrides: readonly number[], outShape: readonly number[]): Float32Array;
export declare function sumAxis(x: Float32Array, outer: number, size: number, inner: number): Float32Array;
export declare function maxAxis(x: Float32Array, outer: number, size: number, inner: number): {
    values: Float32Array;
    indices: Int32Array;
};
export declare function batchNorm(x: Float32Array, N: number, C: number, HW: number, mean: Float32Array, invStd: Float32Array, weight: Float32Array | null, bias: Float32Array | null): Float32Array;
/** Two-pass mean and biased variance per channel in float64 (stable for large activations). */
export declare function channelMoments(x: Float32Array, N: number, C: number, HW: number): {
    mean: Float64Array;
    variance: Float64Array;
};
