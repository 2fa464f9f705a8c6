// Winograd F(4×4, 3×3) for 3×3, stride-1, dilation-1 convolutions, on the interpolation points
// 0, 1, −1, 1/2, −2, ∞ (2–3× less float32 error than 0, ±1, ±2, ∞: the large coefficients of the
// ±2 rows are split between the transforms). Each 4×4 output tile reads a 6×6 input patch d; with U = G g Gᵀ per
// (output, input) channel pair and V = Bᵀ d B per (input channel, tile), the 36 products
// M[ξ][k][t] = Σ_c U[ξ][k][c] · V[ξ][c][t] are 36 GEMMs, and y = Aᵀ M A (+ bias) per tile.
// Layouts: U[36][K][C], V[36][C][T], M[36][K][T], tiles t = (n·tilesH + th)·tilesW + tw.
import { GEMM_SCRATCH_FLOATS, gemmSerial } from './gemm';
import { int, ptr, shareOf } from './simd';

/** Floats of per-thread scratch the transforms need: two 6×6 tiles of four lanes (one lane per tile). */
export const WINO_SCRATCH_FLOATS = 288;

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

/** inputTransform6 on four tiles at once (one per lane); strides in bytes. */
function inputTransform6x4(src: usize, ss: usize, dst: usize, ds: usize): void {
  const d0 = v128.load(src);
  const d1 = v128.load(src + ss);
  const d2 = v128.load(src + 2 * ss);
  const d3 = v128.load(src + 3 * ss);
  const d4 = v128.load(src + 4 * ss);
  const d5 = v128.load(src + 5 * ss);
  const half = f32x4.splat(0.5);
  const oneHalf = f32x4.splat(1.5);
  const two = f32x4.splat(2);
  const twoHalf = f32x4.splat(2.5);
  const o0 = f32x4.sub(f32x4.sub(d0, f32x4.mul(oneHalf, d1)), f32x4.mul(two, d2));
  v128.store(dst, f32x4.add(o0, f32x4.add(f32x4.mul(oneHalf, d3), d4)));
  const o1 = f32x4.sub(f32x4.mul(half, d2), d1);
  v128.store(dst + ds, f32x4.add(o1, f32x4.add(f32x4.mul(twoHalf, d3), d4)));
  const o2 = f32x4.sub(d1, f32x4.mul(twoHalf, d2));
  v128.store(dst + 2 * ds, f32x4.add(o2, f32x4.add(f32x4.mul(half, d3), d4)));
  v128.store(dst + 3 * ds, f32x4.add(f32x4.sub(f32x4.mul(two, f32x4.sub(d3, d1)), d2), d4));
  v128.store(dst + 4 * ds, f32x4.add(f32x4.sub(f32x4.mul(half, f32x4.sub(d1, d3)), d2), d4));
  const o5 = f32x4.sub(f32x4.sub(d1, f32x4.mul(oneHalf, d2)), f32x4.mul(two, d3));
  v128.store(dst + 5 * ds, f32x4.add(o5, f32x4.add(f32x4.mul(oneHalf, d4), d5)));
}

/** outputTransform6 on four tiles at once; strides in bytes. */
function outputTransform6x4(src: usize, ss: usize, dst: usize, ds: usize): void {
  const m0 = v128.load(src);
  const m1 = v128.load(src + ss);
  const m2 = v128.load(src + 2 * ss);
  const m3 = v128.load(src + 3 * ss);
  const m4 = v128.load(src + 4 * ss);
  const m5 = v128.load(src + 5 * ss);
  const sum = f32x4.add(m1, m2);
  const diff = f32x4.sub(m1, m2);
  v128.store(dst, f32x4.add(f32x4.add(m0, sum), f32x4.add(m3, m4)));
  v128.store(dst + ds, f32x4.sub(f32x4.add(diff, f32x4.mul(f32x4.splat(0.5), m3)), f32x4.mul(f32x4.splat(2), m4)));
  v128.store(dst + 2 * ds, f32x4.add(f32x4.add(sum, f32x4.mul(f32x4.splat(0.25), m3)), f32x4.mul(f32x4.splat(4), m4)));
  v128.store(
    dst + 3 * ds,
    f32x4.add(f32x4.sub(f32x4.add(diff, f32x4.mul(f32x4.splat(0.125), m3)), f32x4.mul(f32x4.splat(8), m4)), m5),
  );
}

/** row[x], or 0 outside the plane. */
function pixel(row: usize, rowIn: bool, x: i32, W: i32): f32 {
  return rowIn && x >= 0 && x < W ? load<f32>(f32At(row, x)) : 0;
}

/**
 * Four horizontally adjacent tiles (columns ix0 + 4l … + 5 for lane l, rows iy0 … iy0 + 5 of a [H,W]
 * plane, zero outside) -> Bᵀ d B of each, lane l of dst + ξ·ds (ds in bytes). d, t: 36 vectors each.
 */
function inputTiles4(
  plane: usize,
  H: i32,
  W: i32,
  iy0: i32,
  ix0: i32,
  dst: usize,
  ds: usize,
  d: usize,
  t: usize,
): void {
  const inside = iy0 >= 0 && iy0 + 6 <= H && ix0 >= 0 && ix0 + 18 <= W;
  for (let i = 0; i < 6; i++) {
    const iy = iy0 + i;
    const row = f32At(plane, <i64>iy * W);
    for (let j = 0; j < 6; j++) {
      const ix = ix0 + j;
      let v: v128;
      if (inside) {
        v = f32x4(
          load<f32>(f32At(row, ix)),
          load<f32>(f32At(row, ix + 4)),
          load<f32>(f32At(row, ix + 8)),
          load<f32>(f32At(row, ix + 12)),
        );
      } else {
        const rowIn = iy >= 0 && iy < H;
        v = f32x4(
          pixel(row, rowIn, ix, W),
          pixel(row, rowIn, ix + 4, W),
          pixel(row, rowIn, ix + 8, W),
          pixel(row, rowIn, ix + 12, W),
        );
      }
      v128.store(d + ((<usize>(6 * i + j)) << 4), v);
    }
  }
  for (let j = 0; j < 6; j++) inputTransform6x4(d + ((<usize>j) << 4), 96, t + ((<usize>j) << 4), 96);
  for (let i = 0; i < 6; i++) inputTransform6x4(t + <usize>i * 96, 16, dst + <usize>(6 * i) * ds, ds);
}

/** y = v + b, clamped to 0 unless positive or NaN when relu, stored at row[x] when x < OW. */
function storeOutput(row: usize, x: i32, OW: i32, v: f32, b: f32, relu: bool): void {
  if (x >= OW) return;
  const y = v + b;
  store<f32>(f32At(row, x), relu && !(y > 0) && !isNaN(y) ? 0 : y);
}

/**
 * Four horizontally adjacent output tiles from their products (lane l of src + ξ·ss, ss in bytes)
 * -> Aᵀ m A + b into rows oy0 … and columns ox0 + 4l … of a [OH,OW] plane, clipped. m, t: scratch.
 */
function outputTiles4(
  src: usize,
  ss: usize,
  plane: usize,
  OH: i32,
  OW: i32,
  oy0: i32,
  ox0: i32,
  b: f32,
  relu: bool,
  m: usize,
  t: usize,
): void {
  for (let xi = 0; xi < 36; xi++) v128.store(m + ((<usize>xi) << 4), v128.load(src + <usize>xi * ss));
  for (let j = 0; j < 6; j++) outputTransform6x4(m + ((<usize>j) << 4), 96, t + ((<usize>j) << 4), 96);
  for (let p = 0; p < 4; p++) outputTransform6x4(t + <usize>p * 96, 16, m + <usize>p * 64, 16);
  const rows = min(4, OH - oy0);
  for (let p = 0; p < rows; p++) {
    const row = f32At(plane, <i64>(oy0 + p) * OW);
    for (let q = 0; q < 4; q++) {
      const v = v128.load(m + <usize>(p * 4 + q) * 16);
      storeOutput(row, ox0 + q, OW, f32x4.extract_lane(v, 0), b, relu);
      storeOutput(row, ox0 + 4 + q, OW, f32x4.extract_lane(v, 1), b, relu);
      storeOutput(row, ox0 + 8 + q, OW, f32x4.extract_lane(v, 2), b, relu);
      storeOutput(row, ox0 + 12 + q, OW, f32x4.extract_lane(v, 3), b, relu);
    }
  }
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
        let tw = 0;
        if (ASC_FEATURE_SIMD) {
          const ds = (<usize>(<i64>C * T)) << 2;
          for (; tw + 4 <= tilesW; tw += 4, tile += 4) {
            const dst = f32At(V, <i64>c * T + tile);
            inputTiles4(plane, H, W, 4 * th - padH, 4 * tw - padW, dst, ds, scratch, scratch + 576);
          }
        }
        for (; tw < tilesW; tw++, tile++) {
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
        let tw = 0;
        if (ASC_FEATURE_SIMD) {
          const ss = (<usize>(<i64>K * T)) << 2;
          for (; tw + 4 <= tilesW; tw += 4, tile += 4) {
            const src = f32At(M, <i64>k * T + tile);
            outputTiles4(src, ss, plane, OH, OW, 4 * th, 4 * tw, b, relu, scratch, scratch + 576);
          }
        }
        for (; tw < tilesW; tw++, tile++) {
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
