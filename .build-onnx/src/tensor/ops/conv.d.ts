import { Tensor } from '../tensor.js';
import { type IntOrPair } from './pair.js';
export interface Conv2dOptions {
    stride?: IntOrPair;
    padding?: IntOrPair;
    dilation?: IntOrPair;
}
/** Output size of a sliding window along one axis (floor mode), as PyTorch computes it. */
export declare function windowOutputSize(size: number, kernel: number, stride: number, pad: number, dilation: number): number;
/** x[N,Cin,H,W] (or unbatched [Cin,H,W]), weight[Cout,Cin,kh,kw], bias[Cout] -> [N,Cout,outH,outW]. */
export declare function conv2d(x: Tensor, weight: Tensor, bias?: Tensor | null, opts?: Conv2dOptions): Tensor;
