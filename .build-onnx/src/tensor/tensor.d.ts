import { type GradFn } from './autograd.js';
import { type Shape } from './shape.js';
import { type Generator } from './rng.js';
export type NestedArray = number | NestedArray[];
export declare class Tensor {
    readonly data: Float32Array;
    readonly shape: readonly number[];
    requiresGrad: boolean;
    grad: Tensor | null;
    gradFn: GradFn | null;
    /** Keep `.grad` on a non-leaf tensor too (like `retain_grad()`). */
    retainsGrad: boolean;
    constructor(data: Float32Array, shape: Shape);
    get ndim(): number;
    get strides(): number[];
    get numel(): number;
    get isLeaf(): boolean;
    size(dim?: number): number | readonly number[];
    /** A contiguous copy of the values. */
    toFloat32Array(): Float32Array;
    toArray(): NestedArray;
    item(): number;
    requiresGrad_(flag?: boolean): this;
    retainGrad(): this;
    /** The same values, cut from the graph. Shares the buffer. */
    detach(): Tensor;
    clone(): Tensor;
    /** Copies `src` (same number of elements) into this tensor's buffer without recording a graph. */
    copy_(src: Tensor | Float32Array): this;
    fill_(value: number): this;
    zero_(): this;
    /** Fills with uniform values in [low, high). */
    uniform_(low?: number, high?: number, generator?: Generator): this;
    /** Fills with normal values of the given mean and standard deviation. */
    normal_(mean?: number, std?: number, generator?: Generator): this;
    /** Accumulates a gradient into `.grad` (used by the autograd engine on leaves). */
    accumulateGrad(g: Tensor): void;
    /** Back-propagates from this tensor; a scalar needs no seed gradient. */
    backward(gradient?: Tensor): void;
    add(other: Tensor | number): Tensor;
    sub(other: Tensor | number): Tensor;
    mul(other: Tensor | number): Tensor;
    div(other: Tensor | number): Tensor;
    pow(exponent: number): Tensor;
    maximum(other: Tensor | number): Tensor;
    minimum(other: Tensor | number): Tensor;
    neg(): Tensor;
    exp(): Tensor;
    log(): Tensor;
    sqrt(): Tensor;
    abs(): Tensor;
    relu(): Tensor;
    sigmoid(): Tensor;
    tanh(): Tensor;
    sum(dim?: number | number[], keepdim?: boolean): Tensor;
    mean(dim?: number | number[], keepdim?: boolean): Tensor;
    /** Without `dim`, the maximum of all values; with it, values and indices along `dim`. */
    max(): Tensor;
    max(dim: number, keepdim?: boolean): {
        values: Tensor;
        indices: Tensor;
    };
    argmax(dim?: number, keepdim?: boolean): Tensor;
    softmax(dim: number): Tensor;
    logSoftmax(dim: number): Tensor;
    reshape(...shape: number[] | [readonly number[]]): Tensor;
    view(...shape: number[] | [readonly number[]]): Tensor;
    flatten(startDim?: number, endDim?: number): Tensor;
    squeeze(dim?: number): Tensor;
    unsqueeze(dim: number): Tensor;
    permute(...dims: number[]): Tensor;
    transpose(dim0: number, dim1: number): Tensor;
    get T(): Tensor;
    matmul(other: Tensor): Tensor;
    toString(): string;
}
