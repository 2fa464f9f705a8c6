import type { Tensor } from '../tensor/tensor.js';
import { type Generator } from '../tensor/rng.js';
export type Nonlinearity = 'linear' | 'conv1d' | 'conv2d' | 'conv3d' | 'sigmoid' | 'tanh' | 'relu' | 'leaky_relu' | 'selu';
export type FanMode = 'fan_in' | 'fan_out';
export interface KaimingOptions {
    a?: number;
    mode?: FanMode;
    nonlinearity?: Nonlinearity;
    generator?: Generator;
}
/** The recommended gain for a nonlinearity (torch.nn.init.calculate_gain). */
export declare function calculateGain(nonlinearity: Nonlinearity, param?: number): number;
/** Fan-in and fan-out of a weight [out, in, ...kernel] (kernel sizes multiply both). */
export declare function calculateFans(t: Tensor): {
    fanIn: number;
    fanOut: number;
};
export declare function uniform_(t: Tensor, a?: number, b?: number, generator?: Generator): Tensor;
export declare function normal_(t: Tensor, mean?: number, std?: number, generator?: Generator): Tensor;
export declare function constant_(t: Tensor, value: number): Tensor;
export declare function zeros_(t: Tensor): Tensor;
export declare function ones_(t: Tensor): Tensor;
export declare function kaimingNormal_(t: Tensor, opts?: KaimingOptions): Tensor;
export declare function kaimingUniform_(t: Tensor, opts?: KaimingOptions): Tensor;
export declare function xavierUniform_(t: Tensor, gain?: number, generator?: Generator): Tensor;
export declare function xavierNormal_(t: Tensor, gain?: number, generator?: Generator): Tensor;
/** PyTorch's default for Conv and Linear layers: kaiming_uniform(a=√5) weights, bias uniform in ±1/√fan_in. */
export declare function resetLinearLike(weight: Tensor, bias: Tensor | null): void;
