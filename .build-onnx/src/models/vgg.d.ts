import { Module } from '../nn/module.js';
import { AdaptiveAvgPool2d } from '../nn/layers/pooling.js';
import { Sequential } from '../nn/layers/sequential.js';
import type { Tensor } from '../tensor/tensor.js';
import { type Weights } from './weights.js';
/** A layer list: a number is a 3×3 conv with that many output channels, 'M' a 2×2 max-pool. */
export type VggConfig = readonly (number | 'M')[];
export declare const cfgs: Readonly<Record<'A' | 'B' | 'D' | 'E', VggConfig>>;
export interface MakeLayersOptions {
    batchNorm?: boolean;
    inChannels?: number;
}
/** The convolutional trunk: conv(3×3, pad 1) [+ BatchNorm] + ReLU per number, MaxPool(2, 2) per 'M'. */
export declare function makeLayers(cfg: VggConfig, opts?: MakeLayersOptions): Sequential;
export interface VggOptions {
    numClasses?: number;
    initWeights?: boolean;
    dropout?: number;
}
export declare class VGG extends Module {
    readonly features: Sequential;
    readonly avgpool: AdaptiveAvgPool2d;
    readonly classifier: Sequential;
    /**
     * The first classifier layer takes (channels of the last conv) × 7 × 7
     * inputs: 25088 for the standard configs, as in torchvision, and the right
     * size for custom trunks that end with fewer channels.
     */
    constructor(features: Sequential, opts?: VggOptions);
    /** torchvision's scheme: He-normal (fan-out) convs, unit BatchNorm, N(0, 0.01) linears, zero biases. */
    initializeWeights(): void;
    /** The smallest square input the pools accept: each 2×2 pool halves the map. */
    minInputSize(): number;
    forward(x: Tensor): Tensor;
}
export interface VggBuilderOptions extends VggOptions {
    /**
     * Pretrained weights: 'DEFAULT', 'IMAGENET1K_V1', a full name such as
     * 'VGG16_Weights.IMAGENET1K_V1', or a Weights object. Builders are
     * synchronous and read the torch.hub cache; getModel() downloads first.
     */
    weights?: string | Weights | null;
}
export declare const vgg11: (opts?: VggBuilderOptions) => VGG;
export declare const vgg11_bn: (opts?: VggBuilderOptions) => VGG;
export declare const vgg13: (opts?: VggBuilderOptions) => VGG;
export declare const vgg13_bn: (opts?: VggBuilderOptions) => VGG;
export declare const vgg16: (opts?: VggBuilderOptions) => VGG;
export declare const vgg16_bn: (opts?: VggBuilderOptions) => VGG;
export declare const vgg19: (opts?: VggBuilderOptions) => VGG;
export declare const vgg19_bn: (opts?: VggBuilderOptions) => VGG;
/** Every builder by its torchvision name. */
export declare const vggBuilders: Readonly<Record<string, (opts?: VggBuilderOptions) => VGG>>;
