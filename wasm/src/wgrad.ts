// The weight gradient of a convolution as one GEMM over the whole batch:
// gw[K, C·kh·kw] = Σ_r gy(k, r) · cols(t, r), r running over every output position of every image
// (r = n·plane + p). Instead of writing im2col columns per image and packing them again for the GEMM,
// each B panel of NR taps × KC positions is gathered from the images straight into the packed layout
// the micro-kernel reads, and one task covers the batch (no per-image dispatch, no beta passes).
// Every gw value is summed over the same KC blocks of r in the same order whichever thread computes it.
import { KC, MR, NR, microKernel } from './gemm';
import { f32At, int, ptr, roundUp, shareOf } from './simd';

// Argument slots.
const X = 0,
  GY = 1,
  GW = 2,
  SCRATCH = 3,
  BATCH = 4,
  IN_C = 5,
  OUT_C = 6,
  IN_H = 7,
  IN_W = 8,
  OUT_H = 9,
  OUT_W = 10,
  K_H = 11,
  K_W = 12,
  S_H = 13,
  S_W = 14,
  P_H = 15,
  P_W = 16,
  D_H = 17,
  D_W = 18;

/** Floats of per-thread scratch for K output channels: packed gy rows [Kp/MR][KC][MR] and one B panel [KC][NR]. */
export function wgradScratchFloats(K: i32): i32 {
  return roundUp(K, MR) * KC + KC * NR;
}

/** gy rows [m0, m1) over positions [r0, r0+kc) -> panels [kc][MR] at Ap, rows past K zero. */
function packGy(gy: usize, K: i32, plane: i32, m0: i32, m1: i32, r0: i32, kc: i32, Ap: usize): void {
  for (let ip = m0; ip < m1; ip += MR) {
    const panel = f32At(Ap, <i64>(ip - m0) * kc);
    for (let q = 0; q < MR; q++) {
      const k = ip + q;
      let r = r0;
      while (r < r0 + kc) {
        const n = r / plane;
        const p = r - n * plane;
        const run = min(plane - p, r0 + kc - r);
        const dst = f32At(panel, <i64>(r - r0) * MR + q);
        if (k < K) {
          const src = f32At(gy, (<i64>n * K + k) * plane + p);
          for (let i = 0; i < run; i++) store<f32>(dst + ((<usize>i * MR) << 2), load<f32>(src + ((<usize>i) << 2)));
        } else {
          for (let i = 0; i < run; i++) store<f32>(dst + ((<usize>i * MR) << 2), 0);
        }
        r += run;
      }
    }
  }
}

/** Taps [t0, t0+NR) of the columns over positions [r0, r0+kc) -> one panel [kc][NR] at Bp, taps past the last zero. */
function packCols(args: usize, t0: i32, r0: i32, kc: i32, Bp: usize): void {
  const x = ptr(args, X);
  const C = int(args, IN_C);
  const H = int(args, IN_H);
  const W = int(args, IN_W);
  const OW = int(args, OUT_W);
  const plane = int(args, OUT_H) * OW;
  const kh = int(args, K_H);
  const kw = int(args, K_W);
  const sH = int(args, S_H);
  const sW = int(args, S_W);
  const pH = int(args, P_H);
  const pW = int(args, P_W);
  const dH = int(args, D_H);
  const dW = int(args, D_W);
  const taps = C * kh * kw;
  for (let q = 0; q < NR; q++) {
    const t = t0 + q;
    const column = f32At(Bp, q);
    if (t >= taps) {
      for (let i = 0; i < kc; i++) store<f32>(column + ((<usize>i * NR) << 2), 0);
      continue;
    }
    const c = t / (kh * kw);
    const ky = (t / kw) % kh;
    const kx = t % kw;
    let r = r0;
    while (r < r0 + kc) {
      const n = r / plane;
      const p = r - n * plane;
      const oy = p / OW;
      const ox0 = p - oy * OW;
      const run = min(OW - ox0, r0 + kc - r);
      const dst = column + ((<usize>(r - r0) * NR) << 2);
      const iy = oy * sH - pH + ky * dH;
      if (iy < 0 || iy >= H) {
        for (let i = 0; i < run; i++) store<f32>(dst + ((<usize>i * NR) << 2), 0);
      } else if (sW == 1) {
        // Positions [a, b) of the run read the row contiguously from ix = shift + i: no per-value bounds test.
        const shift = kx * dW - pW + ox0;
        const a = min(max(-shift, 0), run);
        const b = max(min(W - shift, run), a);
        const src = f32At(x, ((<i64>n * C + c) * H + iy) * W + shift);
        for (let i = 0; i < a; i++) store<f32>(dst + ((<usize>i * NR) << 2), 0);
        for (let i = a; i < b; i++) store<f32>(dst + ((<usize>i * NR) << 2), load<f32>(src + ((<usize>i) << 2)));
        for (let i = b; i < run; i++) store<f32>(dst + ((<usize>i * NR) << 2), 0);
      } else {
        const row = f32At(x, ((<i64>n * C + c) * H + iy) * W);
        for (let i = 0; i < run; i++) {
          const ix = (ox0 + i) * sW - pW + kx * dW;
          const v: f32 = ix >= 0 && ix < W ? load<f32>(row + ((<usize>ix) << 2)) : 0;
          store<f32>(dst + ((<usize>i * NR) << 2), v);
        }
      }
      r += run;
    }
  }
}

/**
 * Thread tid's share of gw, written into a [Kp, Tp] block (K and taps rounded up to MR and NR; the
 * caller copies the live [K, taps] part out). Taps are split when there are at least as many as
 * output channels, else output channels; a share's tiles accumulate over all N·plane positions.
 * Arguments: x, gy, gw, scratch, N, C, K, then the window (inH … dilationW).
 */
export function wgradTask(args: usize, tid: i32, nt: i32): void {
  const gy = ptr(args, GY);
  const gw = ptr(args, GW);
  const K = int(args, OUT_C);
  const taps = int(args, IN_C) * int(args, K_H) * int(args, K_W);
  const plane = int(args, OUT_H) * int(args, OUT_W);
  const R = int(args, BATCH) * plane;
  const Tp = roundUp(taps, NR);
  const splitTaps = taps >= K;
  const range = shareOf(splitTaps ? taps : K, splitTaps ? NR : MR, tid, nt);
  const lo = <i32>(range >> 32);
  const hi = <i32>(range & 0xffffffff);
  if (hi <= lo) return;
  const m0 = splitTaps ? 0 : lo;
  const m1 = splitTaps ? K : hi;
  const t0 = splitTaps ? lo : 0;
  const t1 = splitTaps ? hi : taps;
  const Ap = ptr(args, SCRATCH) + ((<usize>tid * wgradScratchFloats(K)) << 2);
  const Bp = f32At(Ap, <i64>roundUp(K, MR) * KC);
  for (let r0 = 0; r0 < R; r0 += KC) {
    const kc = min(KC, R - r0);
    const beta: f32 = r0 == 0 ? 0 : 1;
    packGy(gy, K, plane, m0, m1, r0, kc, Ap);
    for (let jp = t0; jp < t1; jp += NR) {
      packCols(args, jp, r0, kc, Bp);
      for (let ip = m0; ip < m1; ip += MR) {
        microKernel(kc, f32At(Ap, <i64>(ip - m0) * kc), Bp, f32At(gw, <i64>ip * Tp + jp), Tp, 1, beta);
      }
    }
  }
}
