import { Tensor } from '../tensor.js';
export interface BatchNormOptions {
    training: boolean;
    /** Weight of the new batch statistic in the running average (PyTorch's momentum). */
    momentum: number;
    eps: number;
}
/**
 * In training, normalises with the batch's statistics and updates the running
 * ones in place (variance unbiased, as PyTorch does); in evaluation, uses the
 * running statistics.
 */
export declare function batchNorm(x: Tensor, runningMean: Tensor | null, runningVar: Tensor | null, weight: Tensor | null, bias: Tensor | null, opts: BatchNormOptions): Tensor;
