import { Tensor, type NestedArray } from './tensor.js';
import { type Shape } from './shape.js';
import { type Generator } from './rng.js';
export interface CreateOptions {
    requiresGrad?: boolean;
}
export interface RandomOptions extends CreateOptions {
    generator?: Generator;
}
/**
 * A tensor from a flat array (with a shape) or nested arrays (shape inferred).
 * A Float32Array is copied, so later writes to it do not change the tensor.
 */
export declare function tensor(values: ArrayLike<number> | NestedArray, shape?: Shape, opts?: CreateOptions): Tensor;
export declare function full(shape: Shape, value: number, opts?: CreateOptions): Tensor;
export declare function zeros(shape: Shape, opts?: CreateOptions): Tensor;
export declare function ones(shape: Shape, opts?: CreateOptions): Tensor;
export declare function zerosLike(t: Tensor): Tensor;
export declare function onesLike(t: Tensor): Tensor;
/** Standard normal values from the given (or default) generator. */
export declare function randn(shape: Shape, opts?: RandomOptions): Tensor;
/** Uniform values in [0, 1) from the given (or default) generator. */
export declare function rand(shape: Shape, opts?: RandomOptions): Tensor;
/** Integers start, start+step, … below end, as float32 (like torch.arange). */
export declare function arange(start: number, end?: number, step?: number): Tensor;
