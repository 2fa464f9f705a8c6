// Optimizer updates with the reference backend's rounding (src/backend/ref/optim.ts): float64 arithmetic
// on float32 values, rounded to float32 wherever PyTorch stores a temporary, so results agree bit for bit.
// Each element's update depends on that element alone, so the reference's passes fuse into one loop.
import { f32At } from './simd';

function f(v: f64): f64 {
  return <f64>(<f32>v);
}

/**
 * One SGD step of w[n] in place; buf is the momentum buffer (0 without momentum). mom, keep (1 −
 * dampening), wd and negLr are the float32-rounded scalars the reference derives.
 */
export function sgdStep(
  w: usize,
  grad: usize,
  buf: usize,
  n: i32,
  first: bool,
  nesterov: bool,
  maximize: bool,
  hasWd: bool,
  mom: f64,
  keep: f64,
  wd: f64,
  negLr: f64,
): void {
  for (let i = 0; i < n; i++) {
    const wi = <f64>load<f32>(f32At(w, i));
    const g = <f64>load<f32>(f32At(grad, i));
    let d = maximize ? -g : g;
    if (hasWd) d = f(d + wd * wi);
    let step = d;
    if (buf) {
      const b = first ? d : f(f(<f64>load<f32>(f32At(buf, i)) * mom) + keep * d);
      store<f32>(f32At(buf, i), <f32>b);
      if (nesterov) step = f(d + mom * b);
      else step = b;
    }
    store<f32>(f32At(w, i), <f32>(wi + negLr * step));
  }
}

/** One Adam/AdamW step of w[n] in place with moments m, v (and vMax with amsgrad, else 0). */
export function adamStep(
  w: usize,
  grad: usize,
  m: usize,
  v: usize,
  vMax: usize,
  n: i32,
  b1: f64,
  b2: f64,
  oneMinusB1: f64,
  oneMinusB2: f64,
  eps: f64,
  wd: f64,
  decay: f64,
  negStepSize: f64,
  bc2Sqrt: f64,
  l2: bool,
  decoupled: bool,
  maximize: bool,
): void {
  for (let i = 0; i < n; i++) {
    let wi = <f64>load<f32>(f32At(w, i));
    if (decoupled) wi = f(wi * decay);
    const g = <f64>load<f32>(f32At(grad, i));
    let gi = maximize ? -g : g;
    if (l2) gi = f(gi + wd * wi);
    const mi = f(f(<f64>load<f32>(f32At(m, i)) * b1) + oneMinusB1 * gi);
    const vi = f(f(<f64>load<f32>(f32At(v, i)) * b2) + f(f(oneMinusB2 * gi) * gi));
    store<f32>(f32At(m, i), <f32>mi);
    store<f32>(f32At(v, i), <f32>vi);
    let second = vi;
    if (vMax) {
      const previous = <f64>load<f32>(f32At(vMax, i));
      second = vi > previous || isNaN(vi) ? vi : previous;
      store<f32>(f32At(vMax, i), <f32>second);
    }
    const denom = f(f(f(Math.sqrt(second)) / bc2Sqrt) + eps);
    store<f32>(f32At(w, i), <f32>(wi + f(f(negStepSize * mi) / denom)));
  }
}
