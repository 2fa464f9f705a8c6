/**
 * Stochastic gradient descent with PyTorch 1.13's update order
 * (torch.optim.SGD, single-tensor path), per parameter p with gradient g:
 *
 *   g ← −g                         if maximize
 *   g ← g + weightDecay · p        if weightDecay ≠ 0
 *   b ← g (first update)  or  b ← momentum · b + (1 − dampening) · g
 *   g ← g + momentum · b (nesterov)  or  g ← b          if momentum ≠ 0
 *   p ← p − lr · g
 *
 * Arithmetic is float32 with PyTorch's scalars and rounding points, so the
 * numbers track PyTorch's closely; the update is a backend kernel (sgdStep).
 */
import { ArgumentError } from '../../errors.js';
import { backend } from '../../backend/registry.js';
import type { SgdStepOptions } from '../../backend/backend.js';
import {
  Optimizer,
  checkBool,
  checkOption,
  type GroupOptions,
  type ParamGroup,
  type ParamsInput,
} from './optimizer.js';

/** The hyper-parameters sgdStep takes; lr is required, in the options or in every group. */
export interface SGDOptions extends GroupOptions, SgdStepOptions {}

export class SGD extends Optimizer<SGDOptions> {
  constructor(params: ParamsInput<SGDOptions>, opts: Partial<SGDOptions> = {}) {
    super(params, { momentum: 0, dampening: 0, weightDecay: 0, nesterov: false, maximize: false, ...opts });
  }

  protected validateGroup(g: SGDOptions & ParamGroup, where: string): void {
    checkOption(g.momentum, 'momentum', where, (x) => x >= 0, 'must be >= 0');
    checkOption(g.dampening, 'dampening', where, () => true, 'must be a finite number');
    checkOption(g.weightDecay, 'weightDecay', where, (x) => x >= 0, 'must be >= 0');
    checkBool(g.nesterov, 'nesterov', where);
    checkBool(g.maximize, 'maximize', where);
    if (g.nesterov && (g.momentum <= 0 || g.dampening !== 0))
      throw new ArgumentError(`${where}: Nesterov momentum requires a momentum and zero dampening`);
  }

  protected updateGroup(g: SGDOptions & ParamGroup): void {
    for (const p of g.params) {
      if (!p.grad) continue;
      let buf: Float32Array | null = null;
      let first = false;
      if (g.momentum !== 0) {
        const state = this.stateOf(p);
        first = state.momentum_buffer === undefined;
        buf = (state.momentum_buffer as Float32Array | undefined) ?? new Float32Array(p.numel);
        state.momentum_buffer = buf;
      }
      backend().sgdStep(p.data, p.grad.data, buf, first, g);
    }
  }
}
