import { Module } from '../module.js';
import { Tensor } from '../../tensor/tensor.js';
import { isGradEnabled } from '../../tensor/autograd.js';
import { relu } from '../../tensor/ops/elementwise.js';

export class ReLU extends Module {
  /**
   * With inplace, the input's buffer is overwritten when no gradient has to
   * flow through it (inference), saving one activation-sized allocation.
   */
  constructor(readonly inplace = false) {
    super();
  }

  forward(x: Tensor): Tensor {
    if (this.inplace && !(isGradEnabled() && x.requiresGrad)) {
      const d = x.data;
      for (let i = 0; i < d.length; i++) if (d[i] < 0) d[i] = 0;
      x.markDirty();
      return new Tensor(d, x.shape);
    }
    return relu(x);
  }

  override extraRepr(): string {
    return this.inplace ? 'inplace=True' : '';
  }
}
