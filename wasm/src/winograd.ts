// Winograd F(4×4, 3×3) for 3×3, stride-1, dilation-1 convolutions, on the interpolation points
// 0, 1, −1, 1/2, −2, ∞ (2–3× less float32 error than 0, ±1, ±2, ∞: the large coefficients of the
// ±2 rows are split between the transforms). Each 4×4 output tile reads a 6×6 input patch d; with U = G g Gᵀ per
// (output, input) channel pair and V = Bᵀ d B per (input channel, tile), the 36 products
// M[ξ][k][t] = Σ_c U[ξ][k][c] · V[ξ][c][t] are 36 GEMMs, and y = Aᵀ M A (+ bias) per tile.
// U and V are stored already packed as the GEMM micro-kernel reads them, so the products run without
// packing: U as panels of MR output channels [36][Kp/MR][C][MR] (Kp = K rounded up to MR, the extra
// rows zero), V as panels of NR tiles [36][Tp/NR][C][NR] (Tp = T rounded up to NR, the extra lanes
// zero); M is [36][Kp][Tp], row-major. Tiles t = (n·tilesH + th)·tilesW + tw.
import { KC, MC, MR, NR, microKernel } from './gemm';
import { f32At, int, ptr, relu4, roundUp, shareOf } from './simd';

/** Floats of per-thread scratch the transforms need: three 6×6 tiles of four lanes (one lane per tile), rounded up. */
export const WINO_SCRATCH_FLOATS = 512;

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

/** inputTransform6 on four tiles at once (one per lane), the six inputs given; dst stride in bytes. */
function bt6x4(d0: v128, d1: v128, d2: v128, d3: v128, d4: v128, d5: v128, dst: usize, ds: usize): void {
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

/** bt6x4 on six vectors at src (stride ss bytes). */
function inputTransform6x4(src: usize, ss: usize, dst: usize, ds: usize): void {
  const d0 = v128.load(src);
  const d1 = v128.load(src + ss);
  const d2 = v128.load(src + 2 * ss);
  const d3 = v128.load(src + 3 * ss);
  bt6x4(d0, d1, d2, d3, v128.load(src + 4 * ss), v128.load(src + 5 * ss), dst, ds);
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

/**
 * One row of four horizontally adjacent tiles (columns ix0 + 4l + j, j = 0…5, for lane l): four
 * vector loads, a 4×4 transpose and two lane shifts give the six columns, whose Bᵀ along the row goes
 * to dst + j·ds. Needs ix0 ≥ 0 and ix0 + 18 ≤ the row's length.
 */
function rowTransform4(row: usize, ix0: i32, dst: usize, ds: usize): void {
  const at = f32At(row, ix0);
  const a = v128.load(at);
  const b = v128.load(at, 16);
  const c = v128.load(at, 32);
  const e = v128.load(at, 48);
  const f = v128.load64_zero(at, 64);
  const ab0 = v128.shuffle<f32>(a, b, 0, 4, 1, 5);
  const ab1 = v128.shuffle<f32>(a, b, 2, 6, 3, 7);
  const ce0 = v128.shuffle<f32>(c, e, 0, 4, 1, 5);
  const ce1 = v128.shuffle<f32>(c, e, 2, 6, 3, 7);
  const col0 = v128.shuffle<f32>(ab0, ce0, 0, 1, 4, 5);
  const col1 = v128.shuffle<f32>(ab0, ce0, 2, 3, 6, 7);
  const col2 = v128.shuffle<f32>(ab1, ce1, 0, 1, 4, 5);
  const col3 = v128.shuffle<f32>(ab1, ce1, 2, 3, 6, 7);
  const col4 = v128.shuffle<f32>(col0, f, 1, 2, 3, 4);
  const col5 = v128.shuffle<f32>(col1, f, 1, 2, 3, 5);
  bt6x4(col0, col1, col2, col3, col4, col5, dst, ds);
}

/**
 * Four horizontally adjacent tiles (columns ix0 + 4l … + 5 for lane l of six rows at `rows`, `stride`
 * bytes apart, every column present) -> Bᵀ d B of each, lane l of dst + ξ·ds (ds in bytes): along
 * the rows first, into t (36 vectors), then down the columns.
 */
function inputTiles4(rows: usize, stride: usize, ix0: i32, dst: usize, ds: usize, t: usize): void {
  for (let i = 0; i < 6; i++) rowTransform4(rows + <usize>i * stride, ix0, t + <usize>i * 96, 16);
  for (let j = 0; j < 6; j++) inputTransform6x4(t + ((<usize>j) << 4), 96, dst + <usize>j * ds, 6 * ds);
}

/** Floats per channel of an input band: six rows of bandWidth(tilesW) floats. */
function bandWidth(tilesW: i32): i32 {
  // Groups of four tiles read 4·tw … 4·tw + 17 for tw up to tilesW rounded up to 4, minus 4.
  return 4 * roundUp(tilesW, 4) + 4;
}

/**
 * The six input rows tile row th of image `image` reads, every channel, zero-padded on all sides ->
 * band[C][6][Wb], so that every group of tiles reads whole vectors with no edge checks.
 */
function fillBand(image: usize, C: i32, H: i32, W: i32, iy0: i32, padW: i32, band: usize, Wb: i32): void {
  const rowBytes = (<usize>Wb) << 2;
  const zero = f32x4.splat(0);
  for (let c = 0; c < C; c++) {
    const plane = f32At(image, <i64>c * H * W);
    for (let i = 0; i < 6; i++) {
      const dst = band + <usize>(c * 6 + i) * rowBytes;
      // Wb is a multiple of 4: zero the row by vectors, then copy the input row over its middle.
      for (let o: usize = 0; o < rowBytes; o += 16) v128.store(dst + o, zero);
      const iy = iy0 + i;
      if (iy < 0 || iy >= H) continue;
      const src = f32At(plane, <i64>iy * W);
      const at = f32At(dst, padW);
      let x = 0;
      for (; x + 4 <= W; x += 4) v128.store(f32At(at, x), v128.load(f32At(src, x)));
      for (; x < W; x++) store<f32>(f32At(at, x), load<f32>(f32At(src, x)));
    }
  }
}

/** Byte offset of V[ξ = 0][c][t] in the panel layout (panels of NR tiles, C rows each). */
function vOffset(t: i32, c: i32, C: i32): usize {
  return (<usize>(<i64>(t >> 3) * C * NR + <i64>c * NR + (t & 7))) << 2;
}

/** The activation of one output value: v + b, clamped to 0 unless positive or NaN when relu. */
function activate(v: f32, b: f32, relu: bool): f32 {
  const y = v + b;
  return relu && !(y > 0) && !isNaN(y) ? 0 : y;
}

/**
 * One 4×4 output tile s (16 floats, before bias) at rows oy0…, columns ox0… of an [OH,OW] output ->
 * y, clipped; with pool, its 2×2 max-pools go to a [OH/2, OW/2] plane instead (NaN wins, as in maxPool2d).
 */
function emitTile(s: usize, plane: usize, OH: i32, OW: i32, oy0: i32, ox0: i32, b: f32, relu: bool, pool: bool): void {
  if (!pool) {
    const rows = min(4, OH - oy0);
    const cols = min(4, OW - ox0);
    for (let p = 0; p < rows; p++) {
      const row = f32At(plane, <i64>(oy0 + p) * OW + ox0);
      for (let q = 0; q < cols; q++) store<f32>(f32At(row, q), activate(load<f32>(f32At(s, 4 * p + q)), b, relu));
    }
    return;
  }
  const PH = OH >> 1;
  const PW = OW >> 1;
  for (let pp = 0; pp < 2; pp++) {
    const py = (oy0 >> 1) + pp;
    if (py >= PH) break;
    for (let qq = 0; qq < 2; qq++) {
      const px = (ox0 >> 1) + qq;
      if (px >= PW) break;
      const top = f32At(s, 8 * pp + 2 * qq);
      const m0 = max(load<f32>(top), load<f32>(top, 4));
      const m1 = max(load<f32>(top, 16), load<f32>(top, 20));
      store<f32>(f32At(plane, <i64>py * PW + px), activate(max(m0, m1), b, relu));
    }
  }
}

/** v + b per lane, through relu4 when relu (as activate computes each value). */
function activate4(v: v128, b: v128, relu: bool): v128 {
  const y = f32x4.add(v, b);
  return relu ? relu4(y) : y;
}

/**
 * Four horizontally adjacent output tiles from their products (lane l of src + ξ·ss, ss in bytes)
 * -> Aᵀ m A + b into rows oy0 … and columns ox0 + 4l … of a [OH,OW] plane, or their 2×2 max-pools
 * into an [OH/2, OW/2] plane when pool; only the first `lanes` tiles are written. m, t: scratch (36
 * and 24 vectors), s: 16 floats.
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
  pool: bool,
  lanes: i32,
  m: usize,
  t: usize,
  s: usize,
): void {
  for (let xi = 0; xi < 36; xi++) v128.store(m + ((<usize>xi) << 4), v128.load(src + <usize>xi * ss));
  for (let j = 0; j < 6; j++) outputTransform6x4(m + ((<usize>j) << 4), 96, t + ((<usize>j) << 4), 96);
  for (let p = 0; p < 4; p++) outputTransform6x4(t + <usize>p * 96, 16, m + <usize>p * 64, 16);
  // m[p][q] (at m + 64p + 16q) now holds output (oy0 + p, ox0 + 4l + q) in lane l.
  const vb = f32x4.splat(b);
  if (lanes == 4 && oy0 + 4 <= OH && ox0 + 16 <= OW) {
    if (!pool) {
      for (let p = 0; p < 4; p++) {
        const r = m + <usize>p * 64;
        const q0 = v128.load(r);
        const q1 = v128.load(r, 16);
        const q2 = v128.load(r, 32);
        const q3 = v128.load(r, 48);
        const lo01 = v128.shuffle<f32>(q0, q1, 0, 4, 1, 5);
        const hi01 = v128.shuffle<f32>(q0, q1, 2, 6, 3, 7);
        const lo23 = v128.shuffle<f32>(q2, q3, 0, 4, 1, 5);
        const hi23 = v128.shuffle<f32>(q2, q3, 2, 6, 3, 7);
        const row = f32At(plane, <i64>(oy0 + p) * OW + ox0);
        v128.store(row, activate4(v128.shuffle<f32>(lo01, lo23, 0, 1, 4, 5), vb, relu));
        v128.store(row, activate4(v128.shuffle<f32>(lo01, lo23, 2, 3, 6, 7), vb, relu), 16);
        v128.store(row, activate4(v128.shuffle<f32>(hi01, hi23, 0, 1, 4, 5), vb, relu), 32);
        v128.store(row, activate4(v128.shuffle<f32>(hi01, hi23, 2, 3, 6, 7), vb, relu), 48);
      }
      return;
    }
    const PW = OW >> 1;
    for (let pp = 0; pp < 2; pp++) {
      const r = m + <usize>pp * 128;
      const left = f32x4.max(f32x4.max(v128.load(r), v128.load(r, 16)), f32x4.max(v128.load(r, 64), v128.load(r, 80)));
      const right = f32x4.max(
        f32x4.max(v128.load(r, 32), v128.load(r, 48)),
        f32x4.max(v128.load(r, 96), v128.load(r, 112)),
      );
      const row = f32At(plane, <i64>((oy0 >> 1) + pp) * PW + (ox0 >> 1));
      v128.store(row, activate4(v128.shuffle<f32>(left, right, 0, 4, 1, 5), vb, relu));
      v128.store(row, activate4(v128.shuffle<f32>(left, right, 2, 6, 3, 7), vb, relu), 16);
    }
    return;
  }
  for (let l = 0; l < lanes; l++) {
    for (let i = 0; i < 16; i++) store<f32>(f32At(s, i), load<f32>(m + ((<usize>i) << 4) + ((<usize>l) << 2)));
    emitTile(s, plane, OH, OW, oy0, ox0 + 4 * l, b, relu, pool);
  }
}

/**
 * Thread tid's output channels of U (panel layout; the caller zeroes the rows past K). Arguments:
 * w, U, K, C, wsk, wsc, flip: g(k,c,u,v) = w[k·wsk + c·wsc + u·3 + v], or w[… + (2−u)·3 + (2−v)]
 * when flip (the input gradient's kernel).
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
  const perXi = <i64>roundUp(K, MR) * C;
  const range = shareOf(K, 1, tid, nt);
  for (let k = <i32>(range >> 32); k < <i32>(range & 0xffffffff); k++) {
    const panel = <i64>(k / MR) * C * MR + (k % MR);
    for (let c = 0; c < C; c++) {
      const src = f32At(w, <i64>k * wsk + <i64>c * wsc);
      for (let i = 0; i < 9; i++) store<f32>(f32At(g, i), load<f32>(f32At(src, flip ? 8 - i : i)));
      for (let v = 0; v < 3; v++) weightTransform3(f32At(g, v), 3, f32At(t, v), 3);
      for (let i = 0; i < 6; i++) weightTransform3(f32At(t, 3 * i), 1, f32At(u, 6 * i), 1);
      const at = panel + <i64>c * MR;
      for (let xi = 0; xi < 36; xi++) store<f32>(f32At(U, xi * perXi + at), load<f32>(f32At(u, xi)));
    }
  }
}

/** The 6×6 patch of tile (iy0, ix0) of a [H,W] plane (zero outside) -> Bᵀ d B, ξ by ξ at dst + ξ·ds (bytes). d, t: 36 floats. */
function inputTile(plane: usize, H: i32, W: i32, iy0: i32, ix0: i32, dst: usize, ds: usize, d: usize, t: usize): void {
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
  for (let xi = 0; xi < 36; xi++) store<f32>(dst + <usize>xi * ds, load<f32>(f32At(d, xi)));
}

/**
 * Thread tid's panels of V for the block of tiles [t0, t0 + count) (whole panels of NR tiles, every
 * input channel, so that each thread fills its panels front to back). Arguments: x, V, N, C, H, W,
 * padH, padW, tilesH, tilesW, scratch, scratch bytes per thread (winoInputScratchFloats), t0, count.
 */
export function winoInputTask(args: usize, tid: i32, nt: i32): void {
  const x = ptr(args, 0);
  const V = ptr(args, 1);
  const C = int(args, 3);
  const H = int(args, 4);
  const W = int(args, 5);
  const padH = int(args, 6);
  const padW = int(args, 7);
  const tilesH = int(args, 8);
  const tilesW = int(args, 9);
  const scratch = ptr(args, 10) + <usize>tid * ptr(args, 11);
  const d = scratch;
  const t = f32At(scratch, 144);
  const u = f32At(scratch, 288);
  const band = f32At(scratch, WINO_SCRATCH_FLOATS);
  const Wb = bandWidth(tilesW);
  const bandStride = (<usize>(6 * Wb)) << 2;
  const t0 = int(args, 12);
  const T = int(args, 13);
  const perImage = tilesH * tilesW;
  const Tp = roundUp(T, NR);
  const ds = (<usize>(<i64>C * Tp)) << 2;
  const plane = <i64>H * W;
  const range = shareOf(Tp, NR, tid, nt);
  const end = <i32>(range & 0xffffffff);
  // tile counts within the block (V's columns); t0 + tile is the tile of the batch.
  let tile = <i32>(range >> 32);
  let bandRow = -1;
  while (tile < end) {
    if (tile >= T) {
      for (let c = 0; c < C; c++) {
        const dst = V + vOffset(tile, c, C);
        for (let xi = 0; xi < 36; xi++) store<f32>(dst + <usize>xi * ds, 0);
      }
      tile++;
      continue;
    }
    const n = (t0 + tile) / perImage;
    const th = ((t0 + tile) % perImage) / tilesW;
    const tw = (t0 + tile) % tilesW;
    const image = f32At(x, <i64>n * C * plane);
    if (ASC_FEATURE_SIMD) {
      if (bandRow != n * tilesH + th) {
        bandRow = n * tilesH + th;
        fillBand(image, C, H, W, 4 * th - padH, padW, band, Wb);
      }
      // Up to four tiles of this tile row (fewer at its end or the share's end) as the lanes of one group.
      const lanes = min(4, min(tilesW - tw, min(end, T) - tile));
      // Whole groups whose four slots lie in one panel are stored in place.
      const inPlace = lanes == 4 && (tile & 7) <= 4;
      for (let c = 0; c < C; c++) {
        const rows = band + <usize>c * bandStride;
        if (inPlace) {
          inputTiles4(rows, (<usize>Wb) << 2, 4 * tw, V + vOffset(tile, c, C), ds, t);
          continue;
        }
        // A partial group, or one straddling two panels: transform into scratch, then place lane by lane.
        inputTiles4(rows, (<usize>Wb) << 2, 4 * tw, u, 16, t);
        for (let l = 0; l < lanes; l++) {
          const dst = V + vOffset(tile + l, c, C);
          for (let xi = 0; xi < 36; xi++) {
            store<f32>(dst + <usize>xi * ds, load<f32>(u + ((<usize>xi) << 4) + ((<usize>l) << 2)));
          }
        }
      }
      tile += lanes;
      continue;
    }
    const iy0 = 4 * th - padH;
    const ix0 = 4 * tw - padW;
    for (let c = 0; c < C; c++) {
      inputTile(f32At(image, <i64>c * plane), H, W, iy0, ix0, V + vOffset(tile, c, C), ds, d, t);
    }
    tile++;
  }
}

/** Floats of per-thread scratch winoInputTask needs for C channels and tilesW tiles per row. */
export function winoInputScratchFloats(C: i32, tilesW: i32): i32 {
  return WINO_SCRATCH_FLOATS + C * 6 * bandWidth(tilesW);
}

/**
 * M[Kp][Tp] = U[Kp/MR][C][MR] · V[Tp/NR][C][NR], both already packed: a block of MC output channels
 * stays in L2 while each panel of NR tiles (KC deep) stays in L1.
 */
function panelGemm(U: usize, V: usize, M: usize, Kp: i32, C: i32, Tp: i32): void {
  for (let pc = 0; pc < C; pc += KC) {
    const kc = min(KC, C - pc);
    const beta: f32 = pc == 0 ? 0 : 1;
    for (let ic = 0; ic < Kp; ic += MC) {
      const mc = min(MC, Kp - ic);
      for (let jp = 0; jp < Tp; jp += NR) {
        const b = f32At(V, <i64>jp * C + pc * NR);
        for (let ip = ic; ip < ic + mc; ip += MR) {
          microKernel(kc, f32At(U, <i64>ip * C + pc * MR), b, f32At(M, <i64>ip * Tp + jp), Tp, 1, beta);
        }
      }
    }
  }
}

/** Thread tid's share of the 36 products M[ξ] = U[ξ]·V[ξ]. Arguments: U, V, M, K, C, T. */
export function winoGemmTask(args: usize, tid: i32, nt: i32): void {
  const U = ptr(args, 0);
  const V = ptr(args, 1);
  const M = ptr(args, 2);
  const Kp = roundUp(int(args, 3), MR);
  const C = int(args, 4);
  const Tp = roundUp(int(args, 5), NR);
  const range = shareOf(36, 1, tid, nt);
  for (let xi = <i32>(range >> 32); xi < <i32>(range & 0xffffffff); xi++) {
    panelGemm(f32At(U, <i64>xi * Kp * C), f32At(V, <i64>xi * C * Tp), f32At(M, <i64>xi * Kp * Tp), Kp, C, Tp);
  }
}

/**
 * Thread tid's output channels of y for the block of tiles [t0, t0 + count) (M holds that block).
 * Arguments: M, y, bias (0: none), N, K, OH, OW, tilesH, tilesW, scratch, relu (clamps negatives to 0
 * as the values are written, NaN kept), pool (writes the 2×2 max-pool of the output,
 * [N,K,OH/2,OW/2], instead of the output), t0, count.
 */
export function winoOutputTask(args: usize, tid: i32, nt: i32): void {
  const M = ptr(args, 0);
  const y = ptr(args, 1);
  const bias = ptr(args, 2);
  const K = int(args, 4);
  const OH = int(args, 5);
  const OW = int(args, 6);
  const tilesH = int(args, 7);
  const tilesW = int(args, 8);
  const scratch = ptr(args, 9) + <usize>tid * (WINO_SCRATCH_FLOATS << 2);
  const relu = int(args, 10) != 0;
  const pool = int(args, 11) != 0;
  const t0 = int(args, 12);
  const end = t0 + int(args, 13);
  const m = scratch;
  const t = f32At(scratch, 144);
  const s = f32At(scratch, 432);
  const perImage = tilesH * tilesW;
  const Tp = <i64>roundUp(end - t0, NR);
  const ss = (<usize>(<i64>roundUp(K, MR) * Tp)) << 2;
  const outPlane = pool ? <i64>(OH >> 1) * (OW >> 1) : <i64>OH * OW;
  const range = shareOf(K, 1, tid, nt);
  for (let k = <i32>(range >> 32); k < <i32>(range & 0xffffffff); k++) {
    const b: f32 = bias ? load<f32>(f32At(bias, k)) : 0;
    let tile = t0;
    while (tile < end) {
      const n = tile / perImage;
      const th = (tile % perImage) / tilesW;
      const tw = tile % tilesW;
      const plane = f32At(y, (<i64>n * K + k) * outPlane);
      const src = f32At(M, <i64>k * Tp + (tile - t0));
      if (ASC_FEATURE_SIMD) {
        const lanes = min(4, min(tilesW - tw, end - tile));
        outputTiles4(src, ss, plane, OH, OW, 4 * th, 4 * tw, b, relu, pool, lanes, m, t, s);
        tile += lanes;
        continue;
      }
      for (let xi = 0; xi < 36; xi++) store<f32>(f32At(m, xi), load<f32>(src + xi * ss));
      for (let j = 0; j < 6; j++) outputTransform6(f32At(m, j), 6, f32At(t, j), 6);
      for (let i = 0; i < 4; i++) outputTransform6(f32At(t, 6 * i), 1, f32At(s, 4 * i), 1);
      emitTile(s, plane, OH, OW, 4 * th, 4 * tw, b, relu, pool);
      tile++;
    }
  }
}
