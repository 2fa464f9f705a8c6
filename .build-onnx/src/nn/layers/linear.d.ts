import { Module } from '../module.js';
import { Parameter } from '../parameter.js';
import { Tensor } from '../../tensor/tensor.js';
export declare class Linear extends Module {
    readonly inFeatures: number;
    readonly outFeatures: number;
    readonly weight: Parameter;
    readonly bias: Parameter | null;
    constructor(inFeatures: number, outFeatures: number, opts?: {
        bias?: boolean;
    });
    forward(x: Tensor): Tensor;
    extraRepr(): string;
}
