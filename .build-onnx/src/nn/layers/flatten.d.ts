import { Module } from '../module.js';
import { Tensor } from '../../tensor/tensor.js';
export declare class Flatten extends Module {
    readonly startDim: number;
    readonly endDim: number;
    constructor(startDim?: number, endDim?: number);
    forward(x: Tensor): Tensor;
    extraRepr(): string;
}
