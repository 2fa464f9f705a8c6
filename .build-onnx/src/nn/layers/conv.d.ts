import { Module } from '../module.js';
import { Parameter } from '../parameter.js';
import { Tensor } from '../../tensor/tensor.js';
import { type IntOrPair } from '../../tensor/ops/pair.js';
export interface Conv2dOptions {
    stride?: IntOrPair;
    padding?: IntOrPair;
    dilation?: IntOrPair;
    bias?: boolean;
}
export declare class Conv2d extends Module {
    readonly inChannels: number;
    readonly outChannels: number;
    readonly kernelSize: [number, number];
    readonly stride: [number, number];
    readonly padding: [number, number];
    readonly dilation: [number, number];
    readonly weight: Parameter;
    readonly bias: Parameter | null;
    constructor(inChannels: number, outChannels: number, kernelSize: IntOrPair, opts?: Conv2dOptions);
    resetParameters(): void;
    forward(x: Tensor): Tensor;
    extraRepr(): string;
}
