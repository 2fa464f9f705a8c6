// Pooling over [planes, H, W] buffers, with the reference backend's rules: padding reads as −inf,
// NaN propagates, the first maximum wins; adaptive bins are PyTorch's [floor(i·H/o), ceil((i+1)·H/o)).

function f32At(base: usize, index: i32): usize {
  return base + ((<usize>index) << 2);
}

/** x[planes,inH,inW] -> y[planes,outH,outW] and idx (flat in-plane index of each max, −1 if none). */
export function maxPool2d(
  x: usize,
  y: usize,
  idx: usize,
  planes: i32,
  inH: i32,
  inW: i32,
  outH: i32,
  outW: i32,
  kH: i32,
  kW: i32,
  sH: i32,
  sW: i32,
  pH: i32,
  pW: i32,
  dH: i32,
  dW: i32,
): void {
  let o = 0;
  for (let c = 0; c < planes; c++) {
    const xc = f32At(x, c * inH * inW);
    for (let oy = 0; oy < outH; oy++) {
      for (let ox = 0; ox < outW; ox++, o++) {
        let best: f32 = -Infinity;
        let bestIndex = -1;
        for (let ky = 0; ky < kH; ky++) {
          const iy = oy * sH - pH + ky * dH;
          if (iy < 0 || iy >= inH) continue;
          for (let kx = 0; kx < kW; kx++) {
            const ix = ox * sW - pW + kx * dW;
            if (ix < 0 || ix >= inW) continue;
            const v = load<f32>(f32At(xc, iy * inW + ix));
            if (v > best || isNaN(v) || bestIndex < 0) {
              best = v;
              bestIndex = iy * inW + ix;
              if (isNaN(v)) break;
            }
          }
          if (isNaN(best)) break;
        }
        store<f32>(f32At(y, o), best);
        store<i32>(f32At(idx, o), bestIndex);
      }
    }
  }
}

/** gx[planes,inH,inW] (zeroed by the caller) += gy scattered to the recorded maxima. */
export function maxPool2dBackward(gy: usize, idx: usize, gx: usize, planes: i32, inPlane: i32, outPlane: i32): void {
  for (let c = 0; c < planes; c++) {
    const gxc = f32At(gx, c * inPlane);
    for (let o = c * outPlane; o < (c + 1) * outPlane; o++) {
      const i = load<i32>(f32At(idx, o));
      if (i >= 0) store<f32>(f32At(gxc, i), load<f32>(f32At(gxc, i)) + load<f32>(f32At(gy, o)));
    }
  }
}

function binStart(i: i32, out: i32, size: i32): i32 {
  return <i32>Math.floor((<f64>i * size) / out);
}

function binEnd(i: i32, out: i32, size: i32): i32 {
  return <i32>Math.ceil((<f64>(i + 1) * size) / out);
}

/**
 * Walks the output cells of an adaptive pool over [planes,H,W] -> [planes,outH,outW] with
 * their bins: forward, out[cell] = the float64 mean of `src` over the bin; backward (`src` the
 * output gradient, `out` the zeroed input gradient), each src[cell] shared evenly over its bin.
 */
function adaptiveAvgWalk(
  src: usize,
  out: usize,
  planes: i32,
  H: i32,
  W: i32,
  outH: i32,
  outW: i32,
  backward: bool,
): void {
  for (let c = 0; c < planes; c++) {
    for (let oy = 0; oy < outH; oy++) {
      const y0 = binStart(oy, outH, H);
      const y1 = binEnd(oy, outH, H);
      for (let ox = 0; ox < outW; ox++) {
        const x0 = binStart(ox, outW, W);
        const x1 = binEnd(ox, outW, W);
        const cell = f32At(backward ? src : out, (c * outH + oy) * outW + ox);
        const count = <f64>((y1 - y0) * (x1 - x0));
        if (backward) {
          const share = <f64>load<f32>(cell) / count;
          for (let iy = y0; iy < y1; iy++) {
            for (let ix = x0; ix < x1; ix++) {
              const at = f32At(out, (c * H + iy) * W + ix);
              store<f32>(at, <f32>(<f64>load<f32>(at) + share));
            }
          }
        } else {
          let acc: f64 = 0;
          for (let iy = y0; iy < y1; iy++) {
            for (let ix = x0; ix < x1; ix++) acc += <f64>load<f32>(f32At(src, (c * H + iy) * W + ix));
          }
          store<f32>(cell, <f32>(acc / count));
        }
      }
    }
  }
}

/** x[planes,H,W] -> y[planes,outH,outW], each the float64 mean of its adaptive bin. */
export function adaptiveAvgPool2d(x: usize, y: usize, planes: i32, H: i32, W: i32, outH: i32, outW: i32): void {
  adaptiveAvgWalk(x, y, planes, H, W, outH, outW, false);
}

/** gx[planes,H,W] (zeroed by the caller) += each gy value shared evenly over its bin. */
export function adaptiveAvgPool2dBackward(
  gy: usize,
  gx: usize,
  planes: i32,
  H: i32,
  W: i32,
  outH: i32,
  outW: i32,
): void {
  adaptiveAvgWalk(gy, gx, planes, H, W, outH, outW, true);
}
