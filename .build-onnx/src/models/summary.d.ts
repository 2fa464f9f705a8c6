import type { Module } from '../nn/module.js';
export interface LayerSummary {
    name: string;
    type: string;
    outputShape: number[];
    params: number;
    multAdds: number;
    activationBytes: number;
}
export interface ModelSummary {
    inputShape: number[];
    layers: LayerSummary[];
    totalParams: number;
    trainableParams: number;
    totalMultAdds: number;
    totalActivationBytes: number;
}
/** Summarises `model` for an input of shape [N, C, H, W]. */
export declare function summarize(model: Module, inputShape: readonly number[]): ModelSummary;
