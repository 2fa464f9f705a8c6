import { ArgumentError } from '../errors.js';
import type { Module } from '../nn/module.js';
import type { Tensor } from '../tensor/tensor.js';
import type { Weights } from './weights.js';
/** Thrown by a synchronous builder when the weights it was asked for have not been downloaded yet. */
export declare class WeightsNotCachedError extends ArgumentError {
    readonly weights: Weights;
    readonly path: string;
    name: string;
    constructor(weights: Weights, path: string);
}
export declare function cachedWeightsPath(w: Weights): string;
/** Reads a checkpoint file synchronously into Tensors (float32 views of the file where possible). */
export declare function readCheckpointSync(path: string): Map<string, Tensor>;
/** Loads cached pretrained weights into `model` (strict: every key must match). */
export declare function loadCachedWeights(model: Module, w: Weights): void;
/** torchvision's rule: with pretrained weights, numClasses comes from the weights' categories. */
export declare function classesForWeights(w: Weights, requested: number | undefined): number | undefined;
