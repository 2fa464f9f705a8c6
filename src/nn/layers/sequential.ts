import { Module } from '../module.js';
import { Tensor } from '../../tensor/tensor.js';
import { ArgumentError } from '../../errors.js';

/** Children named '0', '1', …, applied in order. */
export class Sequential extends Module {
  constructor(...layers: Module[]) {
    super();
    layers.forEach((m) => this.append(m));
  }

  get length(): number {
    return [...this.namedChildren()].length;
  }

  append(m: Module): this {
    this.registerModule(String(this.length), m);
    return this;
  }

  /** The i-th layer; negative i counts from the end. */
  at(i: number): Module {
    const n = this.length;
    const m = this.getChild(String(i < 0 ? i + n : i));
    if (!m) throw new ArgumentError(`index ${i} is out of range for a Sequential of ${n} layers`);
    return m;
  }

  /** Replaces the i-th layer, keeping its position and key (model.classifier.set(6, new Linear(4096, 10))). */
  set(i: number, m: Module): this {
    this.at(i);
    this.registerModule(String(i < 0 ? i + this.length : i), m);
    return this;
  }

  [Symbol.iterator](): IterableIterator<Module> {
    return this.childModules();
  }

  forward(x: Tensor): Tensor {
    for (const [name, m] of this.namedChildren()) x = this.callChild(name, m, x);
    return x;
  }
}
