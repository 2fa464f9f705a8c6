import { Module } from '../module.js';
import { Parameter } from '../parameter.js';
import { Tensor } from '../../tensor/tensor.js';
export interface BatchNormOptions {
    eps?: number;
    /** Weight of each new batch in the running statistics; null means a cumulative average. */
    momentum?: number | null;
    affine?: boolean;
    trackRunningStats?: boolean;
}
export declare class BatchNorm2d extends Module {
    readonly numFeatures: number;
    readonly eps: number;
    readonly momentum: number | null;
    readonly affine: boolean;
    readonly trackRunningStats: boolean;
    readonly weight: Parameter | null;
    readonly bias: Parameter | null;
    readonly runningMean: Tensor | null;
    readonly runningVar: Tensor | null;
    /** Counted in float32 like every tensor here; exact up to 2^24 batches. */
    readonly numBatchesTracked: Tensor | null;
    constructor(numFeatures: number, opts?: BatchNormOptions);
    resetRunningStats(): void;
    forward(x: Tensor): Tensor;
    extraRepr(): string;
}
