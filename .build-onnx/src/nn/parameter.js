import { Tensor } from '../tensor/tensor.js';
/** A tensor a Module learns: requiresGrad is on, and Module traversal reports it as a parameter. */
export class Parameter extends Tensor {
    constructor(data, shape) {
        if (data instanceof Tensor)
            super(data.data, data.shape);
        else
            super(data, shape ?? [data.length]);
        this.requiresGrad = true;
    }
}
//# sourceMappingURL=parameter.js.map