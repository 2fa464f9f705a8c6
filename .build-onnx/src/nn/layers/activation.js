import { Module } from '../module.js';
import { Tensor } from '../../tensor/tensor.js';
import { isGradEnabled } from '../../tensor/autograd.js';
import { relu } from '../../tensor/ops/elementwise.js';
export class ReLU extends Module {
    inplace;
    /**
     * With inplace, the input's buffer is overwritten when no gradient has to
     * flow through it (inference), saving one activation-sized allocation.
     */
    constructor(inplace = false) {
        super();
        this.inplace = inplace;
    }
    forward(x) {
        if (this.inplace && !(isGradEnabled() && x.requiresGrad)) {
            const d = x.data;
            for (let i = 0; i < d.length; i++)
                if (d[i] < 0)
                    d[i] = 0;
            return new Tensor(d, x.shape);
        }
        return relu(x);
    }
    extraRepr() {
        return this.inplace ? 'inplace=True' : '';
    }
}
//# sourceMappingURL=activation.js.map