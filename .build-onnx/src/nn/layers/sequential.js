import { Module } from '../module.js';
import { ArgumentError } from '../../errors.js';
/** Children named '0', '1', …, applied in order. */
export class Sequential extends Module {
    constructor(...layers) {
        super();
        layers.forEach((m) => this.append(m));
    }
    get length() {
        return [...this.namedChildren()].length;
    }
    append(m) {
        this.registerModule(String(this.length), m);
        return this;
    }
    /** The i-th layer; negative i counts from the end. */
    at(i) {
        const n = this.length;
        const m = this.getChild(String(i < 0 ? i + n : i));
        if (!m)
            throw new ArgumentError(`index ${i} is out of range for a Sequential of ${n} layers`);
        return m;
    }
    /** Replaces the i-th layer, keeping its position and key (model.classifier.set(6, new Linear(4096, 10))). */
    set(i, m) {
        this.at(i);
        this.registerModule(String(i < 0 ? i + this.length : i), m);
        return this;
    }
    [Symbol.iterator]() {
        return this.childModules();
    }
    forward(x) {
        for (const [name, m] of this.namedChildren())
            x = this.callChild(name, m, x);
        return x;
    }
}
//# sourceMappingURL=sequential.js.map