import { Tensor } from '../tensor.js';
/** x[..., in], weight[out, in], bias[out] -> [..., out]. */
export declare function linear(x: Tensor, weight: Tensor, bias?: Tensor | null): Tensor;
