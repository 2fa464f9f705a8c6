/**
 * Adam and AdamW with PyTorch 1.13's single-tensor update, per parameter p
 * with gradient g at step t (counted per parameter):
 *
 *   g ← −g                                   if maximize
 *   Adam:  g ← g + weightDecay · p           (L2 penalty in the gradient)
 *   AdamW: p ← p · (1 − lr · weightDecay)    (decoupled decay, first)
 *   m ← β1 · m + (1 − β1) · g
 *   v ← β2 · v + (1 − β2) · g²
 *   v̂ ← max(v̂, v) and use v̂ below          if amsgrad
 *   denom ← √v / √(1 − β2^t) + eps
 *   p ← p − (lr / (1 − β1^t)) · m / denom
 *
 * Arithmetic is float32 with PyTorch's scalars and rounding points; the
 * scalars are derived here once per parameter and the update is a backend
 * kernel (adamStep).
 */
import {
  Optimizer,
  checkBool,
  checkOption,
  type GroupOptions,
  type ParamGroup,
  type ParamsInput,
} from './optimizer.js';
import { ArgumentError } from '../../errors.js';
import { backend } from '../../backend/registry.js';

export interface AdamOptions extends GroupOptions {
  lr: number;
  betas: [number, number];
  eps: number;
  weightDecay: number;
  amsgrad: boolean;
  maximize: boolean;
}

const f = Math.fround;

abstract class AdamBase extends Optimizer<AdamOptions> {
  protected abstract readonly decoupled: boolean;

  protected validateGroup(g: AdamOptions & ParamGroup, where: string): void {
    checkOption(g.eps, 'eps', where, (x) => x >= 0, 'must be >= 0');
    if (!Array.isArray(g.betas) || g.betas.length !== 2)
      throw new ArgumentError(`${where}: betas must be a pair [beta1, beta2]`);
    g.betas.forEach((b, i) =>
      checkOption(b, `beta parameter at index ${i}`, where, (x) => x >= 0 && x < 1, 'must be in [0, 1)'),
    );
    checkOption(g.weightDecay, 'weightDecay', where, (x) => x >= 0, 'must be >= 0');
    checkBool(g.amsgrad, 'amsgrad', where);
    checkBool(g.maximize, 'maximize', where);
  }

  protected updateGroup(g: AdamOptions & ParamGroup): void {
    const [beta1, beta2] = g.betas;
    const scalars = {
      b1: f(beta1),
      b2: f(beta2),
      oneMinusB1: f(1 - beta1),
      oneMinusB2: f(1 - beta2),
      eps: f(g.eps),
      wd: f(g.weightDecay),
      l2: !this.decoupled && g.weightDecay !== 0,
      decay: f(1 - g.lr * g.weightDecay),
      decoupled: this.decoupled,
      amsgrad: g.amsgrad,
      maximize: g.maximize,
    };
    for (const p of g.params) {
      if (!p.grad) continue;
      const n = p.numel;
      const state = this.stateOf(p);
      if (state.step === undefined) {
        state.step = 0;
        state.exp_avg = new Float32Array(n);
        state.exp_avg_sq = new Float32Array(n);
      }
      if (g.amsgrad && !state.max_exp_avg_sq) state.max_exp_avg_sq = new Float32Array(n);
      const step = (state.step as number) + 1;
      state.step = step;
      const negStepSize = f(-(g.lr / (1 - beta1 ** step)));
      const bc2Sqrt = f(Math.sqrt(1 - beta2 ** step));
      const vMax = g.amsgrad ? (state.max_exp_avg_sq as Float32Array) : null;
      backend().adamStep(p.data, p.grad.data, state.exp_avg as Float32Array, state.exp_avg_sq as Float32Array, vMax, {
        ...scalars,
        negStepSize,
        bc2Sqrt,
      });
    }
  }
}

/** PyTorch's defaults for both classes; only weightDecay differs. Fresh each call (betas is an array). */
function adamDefaults(weightDecay: number): AdamOptions {
  return { lr: 1e-3, betas: [0.9, 0.999], eps: 1e-8, weightDecay, amsgrad: false, maximize: false };
}

/** torch.optim.Adam (defaults: lr 1e-3, betas [0.9, 0.999], eps 1e-8, weightDecay 0). */
export class Adam extends AdamBase {
  protected readonly decoupled = false;

  constructor(params: ParamsInput<AdamOptions>, opts: Partial<AdamOptions> = {}) {
    super(params, { ...adamDefaults(0), ...opts });
  }
}

/** torch.optim.AdamW: decoupled weight decay (defaults as Adam but weightDecay 1e-2). */
export class AdamW extends AdamBase {
  protected readonly decoupled = true;

  constructor(params: ParamsInput<AdamOptions>, opts: Partial<AdamOptions> = {}) {
    super(params, { ...adamDefaults(1e-2), ...opts });
  }
}
