// Pooling over [planes, H, W] buffers, with the reference backend's rules: padding reads as −inf,
// NaN propagates, the first maximum wins; adaptive bins are PyTorch's [floor(i·H/o), ceil((i+1)·H/o)).
import { f32At } from './simd';

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
  const pairs =
    ASC_FEATURE_SIMD && kH == 2 && kW == 2 && sH == 2 && sW == 2 && pH == 0 && pW == 0 && dH == 1 && dW == 1;
  // Vectors of 4 outputs read 8 input columns: those whose whole window lies inside the plane.
  const vecRows = pairs ? min(outH, inH >> 1) : 0;
  const vecCols = pairs ? (min(outW, inW >> 1) >> 2) << 2 : 0;
  for (let c = 0; c < planes; c++) {
    const xc = f32At(x, c * inH * inW);
    const o = c * outH * outW;
    for (let oy = 0; oy < outH; oy++) {
      const row = o + oy * outW;
      let ox = 0;
      if (ASC_FEATURE_SIMD && oy < vecRows) {
        for (; ox < vecCols; ox += 4) maxPool2x2Quad(xc, inW, oy, ox, f32At(y, row + ox), f32At(idx, row + ox));
      }
      for (; ox < outW; ox++) {
        maxWindow(xc, inH, inW, oy, ox, kH, kW, sH, sW, pH, pW, dH, dW, f32At(y, row + ox), f32At(idx, row + ox));
      }
    }
  }
}

/** The max of one window and its flat index, stored at yAt and idxAt (the scan order's first maximum; a NaN ends it). */
function maxWindow(
  xc: usize,
  inH: i32,
  inW: i32,
  oy: i32,
  ox: i32,
  kH: i32,
  kW: i32,
  sH: i32,
  sW: i32,
  pH: i32,
  pW: i32,
  dH: i32,
  dW: i32,
  yAt: usize,
  idxAt: usize,
): void {
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
  store<f32>(yAt, best);
  store<i32>(idxAt, bestIndex);
}

/** Lanes where a later candidate v replaces best: greater, or the first NaN. */
function replaces(best: v128, v: v128): v128 {
  return v128.or(f32x4.gt(v, best), v128.and(f32x4.ne(v, v), f32x4.eq(best, best)));
}

/** Outputs (oy, ox … ox+3) of a 2×2 stride-2 pool whose windows lie inside the plane, as maxWindow picks them. */
function maxPool2x2Quad(xc: usize, inW: i32, oy: i32, ox: i32, yAt: usize, idxAt: usize): void {
  const top = 2 * oy * inW + 2 * ox;
  const r0 = f32At(xc, top);
  const r1 = f32At(xc, top + inW);
  const a0 = v128.load(r0);
  const b0 = v128.load(r0, 16);
  const a1 = v128.load(r1);
  const b1 = v128.load(r1, 16);
  // Candidates in maxWindow's scan order: top-left, top-right, bottom-left, bottom-right.
  const topLeft = i32x4.add(i32x4.splat(top), i32x4(0, 2, 4, 6));
  let best = v128.shuffle<f32>(a0, b0, 0, 2, 4, 6);
  let at = topLeft;
  let v = v128.shuffle<f32>(a0, b0, 1, 3, 5, 7);
  let take = replaces(best, v);
  best = v128.bitselect(v, best, take);
  at = v128.bitselect(i32x4.add(topLeft, i32x4.splat(1)), at, take);
  v = v128.shuffle<f32>(a1, b1, 0, 2, 4, 6);
  take = replaces(best, v);
  best = v128.bitselect(v, best, take);
  at = v128.bitselect(i32x4.add(topLeft, i32x4.splat(inW)), at, take);
  v = v128.shuffle<f32>(a1, b1, 1, 3, 5, 7);
  take = replaces(best, v);
  best = v128.bitselect(v, best, take);
  at = v128.bitselect(i32x4.add(topLeft, i32x4.splat(inW + 1)), at, take);
  v128.store(yAt, best);
  v128.store(idxAt, at);
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
