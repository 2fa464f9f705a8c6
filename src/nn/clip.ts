/**
 * Gradient clipping (torch.nn.utils.clip_grad_norm_ / clip_grad_value_).
 * Both work in place on `.grad` and skip parameters without a gradient.
 */
import { ArgumentError } from '../errors.js';
import { Tensor } from '../tensor/tensor.js';

export interface ClipGradNormOptions {
  /** Throw when the total norm is NaN or infinite instead of scaling by it (default false). */
  errorIfNonfinite?: boolean;
}

function gradsOf(parameters: Iterable<Tensor> | Tensor, where: string): Float32Array[] {
  if (parameters instanceof Tensor) parameters = [parameters];
  if (
    parameters === null ||
    typeof parameters !== 'object' ||
    typeof (parameters as Iterable<Tensor>)[Symbol.iterator] !== 'function'
  ) {
    throw new ArgumentError(`${where}: parameters must be a Tensor or an iterable of Tensors`);
  }
  const out: Float32Array[] = [];
  for (const p of parameters) {
    if (!(p instanceof Tensor)) throw new ArgumentError(`${where}: every parameter must be a Tensor`);
    if (p.grad) out.push(p.grad.data);
  }
  return out;
}

/**
 * Scales all gradients together so that their combined norm (the norm of the
 * per-parameter norms) is at most maxNorm, and returns that total norm before
 * clipping. As PyTorch: `coef = maxNorm / (total + 1e-6)`, clamped to 1, and
 * every gradient is multiplied by it (in float32). normType is any p > 0 or
 * Infinity (the largest absolute value).
 */
export function clipGradNorm_(
  parameters: Iterable<Tensor> | Tensor,
  maxNorm: number,
  normType = 2,
  opts: ClipGradNormOptions = {},
): number {
  const where = 'clipGradNorm_';
  if (typeof maxNorm !== 'number' || !(maxNorm >= 0))
    throw new ArgumentError(`${where}: maxNorm must be a number >= 0, got ${maxNorm}`);
  if (typeof normType !== 'number' || !(normType > 0))
    throw new ArgumentError(`${where}: normType must be > 0 or Infinity, got ${normType}`);
  const grads = gradsOf(parameters, where);
  if (grads.length === 0) return 0;
  const f = Math.fround;
  let total: number;
  if (normType === Infinity) {
    total = 0;
    for (const g of grads) {
      for (let i = 0; i < g.length; i++) {
        const a = Math.abs(g[i]);
        if (a > total || Number.isNaN(a)) total = a;
      }
    }
  } else {
    // Each parameter's norm is a float32 value (torch.norm per tensor), then the norm of those.
    const p = normType;
    let acc = 0;
    for (const g of grads) {
      let s = 0;
      if (p === 2) for (let i = 0; i < g.length; i++) s += g[i] * g[i];
      else if (p === 1) for (let i = 0; i < g.length; i++) s += Math.abs(g[i]);
      else for (let i = 0; i < g.length; i++) s += Math.abs(g[i]) ** p;
      const norm = f(p === 1 ? s : p === 2 ? Math.sqrt(s) : s ** (1 / p));
      acc += p === 1 ? norm : norm ** p;
    }
    total = f(p === 1 ? acc : p === 2 ? Math.sqrt(acc) : acc ** (1 / p));
  }
  if (opts.errorIfNonfinite && !Number.isFinite(total)) {
    throw new ArgumentError(
      `${where}: the total norm of order ${normType} for gradients from \`parameters\` is non-finite, so it cannot be clipped. ` +
        'To scale the gradients by the non-finite norm anyway, set errorIfNonfinite: false',
    );
  }
  const coef = Math.min(f(maxNorm / f(total + f(1e-6))), 1);
  const c = f(coef);
  for (const g of grads) for (let i = 0; i < g.length; i++) g[i] = g[i] * c;
  return total;
}

/** Clamps every gradient value into [−clipValue, clipValue]. */
export function clipGradValue_(parameters: Iterable<Tensor> | Tensor, clipValue: number): void {
  const where = 'clipGradValue_';
  if (typeof clipValue !== 'number' || !(clipValue >= 0))
    throw new ArgumentError(`${where}: clipValue must be a number >= 0, got ${clipValue}`);
  for (const g of gradsOf(parameters, where)) {
    for (let i = 0; i < g.length; i++) g[i] = Math.min(Math.max(g[i], -clipValue), clipValue);
  }
}
