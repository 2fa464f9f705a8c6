import { Module } from '../module.js';
import { Tensor } from '../../tensor/tensor.js';
import { dropout } from '../../tensor/ops/dropout.js';
import { pyBool, pyFloat } from '../pyrepr.js';
import { ArgumentError } from '../../errors.js';
import { defaultGenerator, type Generator } from '../../tensor/rng.js';

export class Dropout extends Module {
  /** The generator masks are drawn from; set it to make training runs reproducible. */
  generator: Generator = defaultGenerator;

  constructor(
    readonly p = 0.5,
    readonly inplace = false,
  ) {
    super();
    if (!(p >= 0 && p <= 1)) throw new ArgumentError(`dropout probability has to be between 0 and 1, but got ${p}`);
  }

  forward(x: Tensor): Tensor {
    return dropout(x, this.p, this.training, this.generator);
  }

  override extraRepr(): string {
    return `p=${pyFloat(this.p)}, inplace=${pyBool(this.inplace)}`;
  }
}
