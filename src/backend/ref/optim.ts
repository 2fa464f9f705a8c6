/** Optimizer updates in plain TypeScript (the rules are documented in nn/optim). */
import type { SgdStepOptions } from '../backend.js';

const f = Math.fround;

/**
 * SGD in place, in passes over the parameter; each value is computed in
 * float64 from float32 inputs and rounded where PyTorch stores a float32
 * temporary (products of two float32 values are exact in float64).
 */
export function sgdStep(w: Float32Array, grad: Float32Array, buf: Float32Array | null, first: boolean, o: SgdStepOptions): void {
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
