import { Module } from '../module.js';
import { Tensor } from '../../tensor/tensor.js';
import { type IntOrPair } from '../../tensor/ops/pair.js';
export interface MaxPool2dOptions {
    stride?: IntOrPair | null;
    padding?: IntOrPair;
    dilation?: IntOrPair;
    ceilMode?: boolean;
}
export declare class MaxPool2d extends Module {
    readonly kernelSize: IntOrPair;
    readonly stride: IntOrPair;
    readonly padding: IntOrPair;
    readonly dilation: IntOrPair;
    readonly ceilMode: boolean;
    constructor(kernelSize: IntOrPair, opts?: MaxPool2dOptions);
    forward(x: Tensor): Tensor;
    extraRepr(): string;
}
export type AdaptiveSize = number | readonly [number | null, number | null];
export declare class AdaptiveAvgPool2d extends Module {
    readonly outputSize: AdaptiveSize;
    constructor(outputSize: AdaptiveSize);
    forward(x: Tensor): Tensor;
    extraRepr(): string;
}
