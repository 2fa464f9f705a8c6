import { Module } from '../module.js';
import { Tensor } from '../../tensor/tensor.js';
/** Children named '0', '1', …, applied in order. */
export declare class Sequential extends Module {
    constructor(...layers: Module[]);
    get length(): number;
    append(m: Module): this;
    /** The i-th layer; negative i counts from the end. */
    at(i: number): Module;
    /** Replaces the i-th layer, keeping its position and key (model.classifier.set(6, new Linear(4096, 10))). */
    set(i: number, m: Module): this;
    [Symbol.iterator](): IterableIterator<Module>;
    forward(x: Tensor): Tensor;
}
