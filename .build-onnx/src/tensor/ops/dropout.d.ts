import { Tensor } from '../tensor.js';
import { type Generator } from '../rng.js';
export declare function dropout(x: Tensor, p?: number, training?: boolean, generator?: Generator): Tensor;
