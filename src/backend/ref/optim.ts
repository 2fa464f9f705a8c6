/** Optimizer updates in plain TypeScript (the rules are documented in nn/optim). */
import type { AdamStepScalars, SgdStepOptions } from '../backend.js';

const f = Math.fround;

/**
 * SGD in place, in passes over the parameter; each value is computed in
 * float64 from float32 inputs and rounded where PyTorch stores a float32
 * temporary (products of two float32 values are exact in float64).
 */
export function sgdStep(
  w: Float32Array,
  grad: Float32Array,
  buf: Float32Array | null,
  first: boolean,
  o: SgdStepOptions,
): void {
  const n = w.length;
  const mom = f(o.momentum);
  const keep = f(1 - o.dampening);
  const wd = f(o.weightDecay);
  const negLr = f(-o.lr);
  const d = o.maximize ? grad.map((v) => -v) : grad.slice();
  if (o.weightDecay !== 0) for (let i = 0; i < n; i++) d[i] += wd * w[i];
  let step: Float32Array = d;
  if (buf) {
    if (first) buf.set(d);
    else for (let i = 0; i < n; i++) buf[i] = f(buf[i] * mom) + keep * d[i];
    if (o.nesterov) for (let i = 0; i < n; i++) d[i] += mom * buf[i];
    else step = buf;
  }
  for (let i = 0; i < n; i++) w[i] += negLr * step[i];
}

/** Adam/AdamW in place, one pass per element after AdamW's decay (float32 rounding as in sgdStep). */
export function adamStep(
  w: Float32Array,
  grad: Float32Array,
  m: Float32Array,
  v: Float32Array,
  vMax: Float32Array | null,
  s: AdamStepScalars,
): void {
  const n = w.length;
  if (s.decoupled) for (let i = 0; i < n; i++) w[i] = w[i] * s.decay;
  for (let i = 0; i < n; i++) {
    let gi = s.maximize ? -grad[i] : grad[i];
    if (s.l2) gi = f(gi + s.wd * w[i]);
    const mi = f(f(m[i] * s.b1) + s.oneMinusB1 * gi);
    const vi = f(f(v[i] * s.b2) + f(f(s.oneMinusB2 * gi) * gi));
    m[i] = mi;
    v[i] = vi;
    let second = vi;
    if (vMax) {
      if (vi > vMax[i] || Number.isNaN(vi)) vMax[i] = vi;
      second = vMax[i];
    }
    const denom = f(f(f(Math.sqrt(second)) / s.bc2Sqrt) + s.eps);
    w[i] = w[i] + f(f(s.negStepSize * mi) / denom);
  }
}
