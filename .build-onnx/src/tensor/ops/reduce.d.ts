import { Tensor } from '../tensor.js';
/** Materialises `t` broadcast to `shape`. */
export declare function expand(t: Tensor, shape: readonly number[]): Tensor;
/** Sums a broadcast result back down to `shape` (the adjoint of broadcasting). */
export declare function sumToShape(g: Tensor, shape: readonly number[]): Tensor;
export declare function sum(x: Tensor, dim?: number | number[], keepdim?: boolean): Tensor;
export declare function mean(x: Tensor, dim?: number | number[], keepdim?: boolean): Tensor;
/** Maximum of all values; the gradient goes to the first maximum. */
export declare function maxAll(x: Tensor): Tensor;
/** Values and indices of the maximum along `dim` (indices as float32 values). */
export declare function max(x: Tensor, dim: number, keepdim?: boolean): {
    values: Tensor;
    indices: Tensor;
};
/** Index of the maximum along `dim`, or of the flattened tensor when `dim` is omitted. */
export declare function argmax(x: Tensor, dim?: number, keepdim?: boolean): Tensor;
export declare function softmax(x: Tensor, dim: number): Tensor;
export declare function logSoftmax(x: Tensor, dim: number): Tensor;
