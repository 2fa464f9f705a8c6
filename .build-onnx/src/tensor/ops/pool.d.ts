import { Tensor } from '../tensor.js';
import { type IntOrPair } from './pair.js';
export interface MaxPool2dOptions {
    stride?: IntOrPair | null;
    padding?: IntOrPair;
    dilation?: IntOrPair;
    ceilMode?: boolean;
}
/** PyTorch's pooling output size, including the ceil-mode rule that the last window must start inside the input or left padding. */
export declare function poolOutputSize(size: number, kernel: number, stride: number, pad: number, dilation: number, ceilMode: boolean): number;
export declare function maxPool2d(x: Tensor, kernelSize: IntOrPair, opts?: MaxPool2dOptions): Tensor;
/** Average pooling to a fixed output size with PyTorch's bins; null keeps that input size. */
export declare function adaptiveAvgPool2d(x: Tensor, outputSize: number | readonly [number | null, number | null]): Tensor;
