import { Module } from '../module.js';
import { Tensor } from '../../tensor/tensor.js';
import { type Generator } from '../../tensor/rng.js';
export declare class Dropout extends Module {
    readonly p: number;
    readonly inplace: boolean;
    /** The generator masks are drawn from; set it to make training runs reproducible. */
    generator: Generator;
    constructor(p?: number, inplace?: boolean);
    forward(x: Tensor): Tensor;
    extraRepr(): string;
}
