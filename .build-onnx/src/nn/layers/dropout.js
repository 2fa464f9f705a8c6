import { Module } from '../module.js';
import { dropout } from '../../tensor/ops/dropout.js';
import { pyBool, pyFloat } from '../pyrepr.js';
import { ArgumentError } from '../../errors.js';
import { defaultGenerator } from '../../tensor/rng.js';
export class Dropout extends Module {
    p;
    inplace;
    /** The generator masks are drawn from; set it to make training runs reproducible. */
    generator = defaultGenerator;
    constructor(p = 0.5, inplace = false) {
        super();
        this.p = p;
        this.inplace = inplace;
        if (!(p >= 0 && p <= 1))
            throw new ArgumentError(`dropout probability has to be between 0 and 1, but got ${p}`);
    }
    forward(x) {
        return dropout(x, this.p, this.training, this.generator);
    }
    extraRepr() {
        return `p=${pyFloat(this.p)}, inplace=${pyBool(this.inplace)}`;
    }
}
//# sourceMappingURL=dropout.js.map