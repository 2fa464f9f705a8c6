// Winograd F(4×4, 3×3) for 3×3, stride-1, dilation-1 convolutions, on the interpolation points
// 0, 1, −1, 1/2, −2, ∞ (2–3× less float32 error than 0, ±1, ±2, ∞: the large coefficients of the
// ±2 rows are split between the transforms). Each 4×4 output tile reads a 6×6 input patch d; with U = G g Gᵀ per
// (output, input) channel pair and V = Bᵀ d B per (input channel, tile), the 36 products
// M[ξ][k][t] = Σ_c U[ξ][k][c] · V[ξ][c][t] are 36 GEMMs, and y = Aᵀ M A (+ bias) per tile.
// Layouts: U[36][K][C], V[36][C][T], M[36][K][T], tiles t = (n·tilesH + th)·tilesW + tw.
import { GEMM_SCRATCH_FLOATS, gemmSerial } from './gemm';
import { int, ptr, shareOf } from './simd';

/** Floats of per-thread scratch the transforms need: two 6×6 tiles. */
export const WINO_SCRATCH_FLOATS = 72;

function f32At(base: usize, index: i64): usize {
  return base + ((<usize>index) << 2);
}

/** Bᵀ applied to the 6 values at src (stride in floats), written to dst (stride in floats). */
function inputTransform6(src: usize, ss: i32, dst: usize, ds: i32): void {
  const s = (<usize>ss) << 2;
  const d = (<usize>ds) << 2;
  const d0 = load<f32>(src);
  const d1 = load<f32>(src + s);
  const d2 = load<f32>(src + 2 * s);
  const d3 = load<f32>(src + 3 * s);
  const d4 = load<f32>(src + 4 * s);
  const d5 = load<f32>(src + 5 * s);
  store<f32>(dst, d0 - 1.5 * d1 - 2 * d2 + 1.5 * d3 + d4);
  store<f32>(dst + d, -d1 + 0.5 * d2 + 2.5 * d3 + d4);
  store<f32>(dst + 2 * d, d1 - 2.5 * d2 + 0.5 * d3 + d4);
  store<f32>(dst + 3 * d, -2 * d1 - d2 + 2 * d3 + d4);
  store<f32>(dst + 4 * d, 0.5 * d1 - d2 - 0.5 * d3 + d4);
  store<f32>(dst + 5 * d, d1 - 1.5 * d2 - 2 * d3 + 1.5 * d4 + d5);
}

/** G applied to the 3 values at src, written as 6 values to dst. */
function weightTransform3(src: usize, ss: i32, dst: usize, ds: i32): void {
  const s = (<usize>ss) << 2;
  const d = (<usize>ds) << 2;
  const g0 = load<f32>(src);
  const g1 = load<f32>(src + s);
  const g2 = load<f32>(src + 2 * s);
  store<f32>(dst, g0);
  store<f32>(dst + d, (g0 + g1 + g2) / 3);
  store<f32>(dst + 2 * d, (g1 - g0 - g2) / 3);
  store<f32>(dst + 3 * d, -(16 * g0 + 8 * g1 + 4 * g2) / 15);
  store<f32>(dst + 4 * d, (g0 - 2 * g1 + 4 * g2) / 15);
  store<f32>(dst + 5 * d, g2);
}

/** Aᵀ applied to the 6 values at src, written as 4 values to dst. */
function outputTransform6(src: usize, ss: i32, dst: usize, ds: i32): void {
  const s = (<usize>ss) << 2;
  const d = (<usize>ds) << 2;
  const m0 = load<f32>(src);
  const m1 = load<f32>(src + s);
  const m2 = load<f32>(src + 2 * s);
  const m3 = load<f32>(src + 3 * s);
  const m4 = load<f32>(src + 4 * s);
  const m5 = load<f32>(src + 5 * s);
  const sum = m1 + m2;
  const diff = m1 - m2;
  store<f32>(dst, m0 + sum + m3 + m4);
  store<f32>(dst + d, diff + 0.5 * m3 - 2 * m4);
  store<f32>(dst + 2 * d, sum + 0.25 * m3 + 4 * m4);
  store<f32>(dst + 3 * d, diff + 0.125 * m3 - 8 * m4 + m5);
}

/**
 * Thread tid's output channels of U. Arguments: w, U, K, C, wsk, wsc, flip: g(k,c,u,v) =
 * w[k·wsk + c·wsc + u·3 + v], or w[… + (2−u)·3 + (2−v)] when flip (the input gradient's kernel).
 */
export function winoWeightsTask(args: usize, tid: i32, nt: i32): void {
  const w = ptr(args, 0);
  const U = ptr(args, 1);
  const K = int(args, 2);
  const C = int(args, 3);
  const wsk = int(args, 4);
  const wsc = int(args, 5);
  const flip = int(args, 6) != 0;
  const scratch = ptr(args, 7) + <usize>tid * (WINO_SCRATCH_FLOATS << 2);
  const g = scratch;
  const t = f32At(scratch, 9);
  const u = f32At(scratch, 27);
  const range = shareOf(K, 1, tid, nt);
  for (let k = <i32>(range >> 32); k < <i32>(range & 0xffffffff); k++) {
    for (let c = 0; c < C; c++) {
      const src = f32At(w, <i64>k * wsk + <i64>c * wsc);
      for (let i = 0; i < 9; i++) store<f32>(f32At(g, i), load<f32>(f32At(src, flip ? 8 - i : i)));
      for (let v = 0; v < 3; v++) weightTransform3(f32At(g, v), 3, f32At(t, v), 3);
      for (let i = 0; i < 6; i++) weightTransform3(f32At(t, 3 * i), 1, f32At(u, 6 * i), 1);
      for (let xi = 0; xi < 36; xi++) store<f32>(f32At(U, (<i64>xi * K + k) * C + c), load<f32>(f32At(u, xi)));
    }
  }
}

/** Thread tid's input channels of V. Arguments: x, V, N, C, H, W, padH, padW, tilesH, tilesW, scratch. */
export function winoInputTask(args: usize, tid: i32, nt: i32): void {
  const x = ptr(args, 0);
  const V = ptr(args, 1);
  const N = int(args, 2);
  const C = int(args, 3);
  const H = int(args, 4);
  const W = int(args, 5);
  const padH = int(args, 6);
  const padW = int(args, 7);
  const tilesH = int(args, 8);
  const tilesW = int(args, 9);
  const scratch = ptr(args, 10) + <usize>tid * (WINO_SCRATCH_FLOATS << 2);
  const d = scratch;
  const t = f32At(scratch, 36);
  const T = <i64>N * tilesH * tilesW;
  const range = shareOf(C, 1, tid, nt);
  for (let c = <i32>(range >> 32); c < <i32>(range & 0xffffffff); c++) {
    let tile: i64 = 0;
    for (let n = 0; n < N; n++) {
      const plane = f32At(x, (<i64>n * C + c) * H * W);
      for (let th = 0; th < tilesH; th++) {
        for (let tw = 0; tw < tilesW; tw++, tile++) {
          const iy0 = 4 * th - padH;
          const ix0 = 4 * tw - padW;
          for (let i = 0; i < 6; i++) {
            const iy = iy0 + i;
            for (let j = 0; j < 6; j++) {
              const ix = ix0 + j;
              const inside = iy >= 0 && iy < H && ix >= 0 && ix < W;
              store<f32>(f32At(d, 6 * i + j), inside ? load<f32>(f32At(plane, <i64>iy * W + ix)) : 0);
            }
          }
          for (let j = 0; j < 6; j++) inputTransform6(f32At(d, j), 6, f32At(t, j), 6);
          for (let i = 0; i < 6; i++) inputTransform6(f32At(t, 6 * i), 1, f32At(d, 6 * i), 1);
          for (let xi = 0; xi < 36; xi++) store<f32>(f32At(V, (<i64>xi * C + c) * T + tile), load<f32>(f32At(d, xi)));
        }
      }
    }
  }
}

/** Thread tid's share of the 36 products M[ξ] = U[ξ]·V[ξ]. Arguments: U, V, M, K, C, T, gemm scratch. */
export function winoGemmTask(args: usize, tid: i32, nt: i32): void {
  const U = ptr(args, 0);
  const V = ptr(args, 1);
  const M = ptr(args, 2);
  const K = int(args, 3);
  const C = int(args, 4);
  const T = int(args, 5);
  const scratch = ptr(args, 6) + <usize>tid * ((<usize>GEMM_SCRATCH_FLOATS) << 2);
  const range = shareOf(36, 1, tid, nt);
  for (let xi = <i32>(range >> 32); xi < <i32>(range & 0xffffffff); xi++) {
    const u = f32At(U, <i64>xi * K * C);
    const v = f32At(V, <i64>xi * C * T);
    const m = f32At(M, <i64>xi * K * T);
    gemmSerial(false, false, K, T, C, 1, u, C, v, T, 0, m, T, scratch);
  }
}

/**
 * Thread tid's output channels of y. Arguments: M, y, bias (0: none), N, K, OH, OW, tilesH, tilesW,
 * scratch, relu (clamps negatives to 0 as the values are written, NaN kept).
 */
export function winoOutputTask(args: usize, tid: i32, nt: i32): void {
  const M = ptr(args, 0);
  const y = ptr(args, 1);
  const bias = ptr(args, 2);
  const N = int(args, 3);
  const K = int(args, 4);
  const OH = int(args, 5);
  const OW = int(args, 6);
  const tilesH = int(args, 7);
  const tilesW = int(args, 8);
  const scratch = ptr(args, 9) + <usize>tid * (WINO_SCRATCH_FLOATS << 2);
  const relu = int(args, 10) != 0;
  const m = scratch;
  const t = f32At(scratch, 36);
  const T = <i64>N * tilesH * tilesW;
  const range = shareOf(K, 1, tid, nt);
  for (let k = <i32>(range >> 32); k < <i32>(range & 0xffffffff); k++) {
    const b: f32 = bias ? load<f32>(f32At(bias, k)) : 0;
    let tile: i64 = 0;
    for (let n = 0; n < N; n++) {
      const plane = f32At(y, (<i64>n * K + k) * OH * OW);
      for (let th = 0; th < tilesH; th++) {
        for (let tw = 0; tw < tilesW; tw++, tile++) {
          for (let xi = 0; xi < 36; xi++) store<f32>(f32At(m, xi), load<f32>(f32At(M, (<i64>xi * K + k) * T + tile)));
          for (let j = 0; j < 6; j++) outputTransform6(f32At(m, j), 6, f32At(t, j), 6);
          for (let i = 0; i < 4; i++) outputTransform6(f32At(t, 6 * i), 1, f32At(m, 4 * i), 1);
          const rows = min(4, OH - 4 * th);
          const cols = min(4, OW - 4 * tw);
          for (let p = 0; p < rows; p++) {
            const row = f32At(plane, <i64>(4 * th + p) * OW + 4 * tw);
            for (let q = 0; q < cols; q++) {
              const v = load<f32>(f32At(m, 4 * p + q)) + b;
              store<f32>(f32At(row, q), relu && !(v > 0) && !isNaN(v) ? 0 : v);
            }
          }
        }
      }
    }
  }
}
