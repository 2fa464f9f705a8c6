import { Tensor } from '../tensor/tensor.js';
/** A tensor a Module learns: requiresGrad is on, and Module traversal reports it as a parameter. */
export declare class Parameter extends Tensor {
    constructor(data: Tensor | Float32Array, shape?: readonly number[]);
}
