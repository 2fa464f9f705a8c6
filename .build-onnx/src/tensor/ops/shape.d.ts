import { Tensor } from '../tensor.js';
/** A view with another shape over the same values; one size may be -1. */
export declare function reshape(x: Tensor, shape: readonly number[]): Tensor;
export declare function flatten(x: Tensor, startDim?: number, endDim?: number): Tensor;
export declare function squeeze(x: Tensor, dim?: number): Tensor;
export declare function unsqueeze(x: Tensor, dim: number): Tensor;
/** Copies values into the axis order `dims` (a permutation of 0…ndim−1). */
export declare function permute(x: Tensor, dims: readonly number[]): Tensor;
export declare function transpose(x: Tensor, dim0: number, dim1: number): Tensor;
