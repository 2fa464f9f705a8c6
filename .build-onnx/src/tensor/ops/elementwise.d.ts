import { Tensor } from '../tensor.js';
export declare function add(a: Tensor, other: Tensor | number): Tensor;
export declare function sub(a: Tensor, other: Tensor | number): Tensor;
export declare function mul(a: Tensor, other: Tensor | number): Tensor;
export declare function div(a: Tensor, other: Tensor | number): Tensor;
/** Elementwise maximum; on ties the gradient is split evenly, as in PyTorch. */
export declare function maximum(a: Tensor, other: Tensor | number): Tensor;
export declare function minimum(a: Tensor, other: Tensor | number): Tensor;
export declare const neg: (x: Tensor) => Tensor;
export declare const exp: (x: Tensor) => Tensor;
export declare const log: (x: Tensor) => Tensor;
export declare const sqrt: (x: Tensor) => Tensor;
export declare const abs: (x: Tensor) => Tensor;
export declare const relu: (x: Tensor) => Tensor;
export declare const sigmoid: (x: Tensor) => Tensor;
export declare const tanh: (x: Tensor) => Tensor;
export declare function pow(x: Tensor, exponent: number): Tensor;
