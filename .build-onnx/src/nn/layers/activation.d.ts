import { Module } from '../module.js';
import { Tensor } from '../../tensor/tensor.js';
export declare class ReLU extends Module {
    readonly inplace: boolean;
    /**
     * With inplace, the input's buffer is overwritten when no gradient has to
     * flow through it (inference), saving one activation-sized allocation.
     */
    constructor(inplace?: boolean);
    forward(x: Tensor): Tensor;
    extraRepr(): string;
}
