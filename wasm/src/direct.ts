// Direct convolution for stride-1, undilated convs with few input channels (a VGG's first layer), where
// im2col + GEMM spends its time building and streaming a column matrix only C·kh·kw rows deep. Output
// rows are the work units: a thread copies the C·kh input rows one output row reads into zero-padded
// scratch rows, then computes register tiles of CB output channels × PX pixels, one tap at a time (two
// unaligned input vectors, CB broadcast weights, 2·CB multiply-adds), with bias and ReLU on the store.
import { f32At, int, madd, ptr, relu4, shareOf } from './simd';

/** Output channels of a register tile; weights are packed in blocks of CB. */
const CB = 4;
/** Output pixels of a register tile (two f32x4). */
const PX = 8;

/** Floats of one zero-padded scratch row: every tile of an OW-wide output row reads inside it. */
function rowFloats(kw: i32, OW: i32): i32 {
  return ((OW + PX - 1) / PX) * PX + kw - 1;
}

/** Floats of per-thread scratch: C·kh padded rows and one tile for clipped stores. */
export function directScratchFloats(C: i32, kh: i32, kw: i32, OW: i32): i32 {
  return C * kh * rowFloats(kw, OW) + CB * PX;
}

/** Floats of the packed weights: ceil(K/CB) blocks of [C][kh][kw][CB]. */
export function directPackedFloats(K: i32, C: i32, kh: i32, kw: i32): i32 {
  return ((K + CB - 1) / CB) * CB * C * kh * kw;
}

/** w[K, C, kh, kw] -> packed[ceil(K/CB)][C·kh·kw][CB], channels past K zero. */
export function directPackWeights(w: usize, packed: usize, K: i32, C: i32, kh: i32, kw: i32): void {
  const taps = C * kh * kw;
  const blocks = (K + CB - 1) / CB;
  for (let b = 0; b < blocks; b++) {
    for (let t = 0; t < taps; t++) {
      for (let j = 0; j < CB; j++) {
        const k = b * CB + j;
        const v: f32 = k < K ? load<f32>(f32At(w, <i64>k * taps + t)) : 0;
        store<f32>(f32At(packed, (<i64>b * taps + t) * CB + j), v);
      }
    }
  }
}

/** y, or 0 when relu and y is not positive (NaN kept, −0 becomes 0), as the ReLU kernel does. */
function activate(y: f32, relu: bool): f32 {
  return relu && !(y > 0) && !isNaN(y) ? 0 : y;
}

/** activate() on four lanes: clears the lanes that are ≤ 0 (NaN compares false and stays). */
function activate4(v: v128, relu: bool): v128 {
  return relu ? relu4(v) : v;
}

/** Row (c, ky) of scratch = input row oy − padH + ky of channel c, shifted right by padW, zeros around. */
function padRows(x: usize, C: i32, H: i32, W: i32, kh: i32, padH: i32, padW: i32, oy: i32, L: i32, rows: usize): void {
  for (let c = 0; c < C; c++) {
    for (let ky = 0; ky < kh; ky++) {
      const dst = f32At(rows, <i64>(c * kh + ky) * L);
      memory.fill(dst, 0, (<usize>L) << 2);
      const iy = oy - padH + ky;
      if (iy >= 0 && iy < H) memory.copy(f32At(dst, padW), f32At(x, (<i64>c * H + iy) * W), (<usize>W) << 2);
    }
  }
}

/** The CB×PX tile (lanes of acc in tile: [CB][PX]) stored to channels [k0, K) at ox, clipped to OW. */
function storeClipped(tile: usize, out: usize, plane: i64, k0: i32, K: i32, ox: i32, OW: i32, relu: bool): void {
  const live = min(PX, OW - ox);
  for (let j = 0; j < min(CB, K - k0); j++) {
    const dst = f32At(out, (k0 + j) * plane + ox);
    for (let p = 0; p < live; p++) store<f32>(f32At(dst, p), activate(load<f32>(f32At(tile, j * PX + p)), relu));
  }
}

/**
 * Channels [k0, k0+CB) × pixels [ox, ox+PX) of the output row whose padded input rows are `rows`
 * (row length L): taps in packed order (c, ky, kx), each weight a CB-wide group of wk.
 */
function tileSimd(
  rows: usize,
  L: i32,
  C: i32,
  kh: i32,
  kw: i32,
  wk: usize,
  bias: usize,
  k0: i32,
  K: i32,
  out: usize,
  plane: i64,
  ox: i32,
  OW: i32,
  relu: bool,
  tile: usize,
): void {
  let a00 = f32x4.splat(0),
    a10 = a00,
    a20 = a00,
    a30 = a00;
  if (bias) {
    // Packed channels past K have zero weights; their bias lane is never stored, so any finite value does.
    a00 = v128.load32_splat(f32At(bias, min(k0, K - 1)));
    a10 = v128.load32_splat(f32At(bias, min(k0 + 1, K - 1)));
    a20 = v128.load32_splat(f32At(bias, min(k0 + 2, K - 1)));
    a30 = v128.load32_splat(f32At(bias, min(k0 + 3, K - 1)));
  }
  let a01 = a00,
    a11 = a10,
    a21 = a20,
    a31 = a30;
  for (let r = 0; r < C * kh; r++) {
    let src = f32At(rows, <i64>r * L + ox);
    for (let kx = 0; kx < kw; kx++) {
      const x0 = v128.load(src);
      const x1 = v128.load(src, 16);
      let w = v128.load32_splat(wk);
      a00 = madd(w, x0, a00);
      a01 = madd(w, x1, a01);
      w = v128.load32_splat(wk, 4);
      a10 = madd(w, x0, a10);
      a11 = madd(w, x1, a11);
      w = v128.load32_splat(wk, 8);
      a20 = madd(w, x0, a20);
      a21 = madd(w, x1, a21);
      w = v128.load32_splat(wk, 12);
      a30 = madd(w, x0, a30);
      a31 = madd(w, x1, a31);
      src += 4;
      wk += CB << 2;
    }
  }
  if (k0 + CB <= K && ox + PX <= OW) {
    const dst = f32At(out, k0 * plane + ox);
    const step = (<usize>plane) << 2;
    v128.store(dst, activate4(a00, relu));
    v128.store(dst, activate4(a01, relu), 16);
    v128.store(dst + step, activate4(a10, relu));
    v128.store(dst + step, activate4(a11, relu), 16);
    v128.store(dst + 2 * step, activate4(a20, relu));
    v128.store(dst + 2 * step, activate4(a21, relu), 16);
    v128.store(dst + 3 * step, activate4(a30, relu));
    v128.store(dst + 3 * step, activate4(a31, relu), 16);
    return;
  }
  v128.store(tile, a00);
  v128.store(tile, a01, 16);
  v128.store(tile, a10, 32);
  v128.store(tile, a11, 48);
  v128.store(tile, a20, 64);
  v128.store(tile, a21, 80);
  v128.store(tile, a30, 96);
  v128.store(tile, a31, 112);
  storeClipped(tile, out, plane, k0, K, ox, OW, relu);
}

/** tileSimd for the build without SIMD: the same sums, one output at a time, into the tile. */
function tileScalar(
  rows: usize,
  L: i32,
  C: i32,
  kh: i32,
  kw: i32,
  wk: usize,
  bias: usize,
  k0: i32,
  K: i32,
  out: usize,
  plane: i64,
  ox: i32,
  OW: i32,
  relu: bool,
  tile: usize,
): void {
  const taps = C * kh * kw;
  for (let j = 0; j < CB; j++) {
    const b: f32 = bias && k0 + j < K ? load<f32>(f32At(bias, k0 + j)) : 0;
    for (let p = 0; p < PX; p++) {
      let s = b;
      for (let t = 0; t < taps; t++) {
        const r = t / kw;
        const kx = t - r * kw;
        s += load<f32>(f32At(wk, t * CB + j)) * load<f32>(f32At(rows, <i64>r * L + ox + p + kx));
      }
      store<f32>(f32At(tile, j * PX + p), s);
    }
  }
  storeClipped(tile, out, plane, k0, K, ox, OW, relu);
}

/**
 * Thread tid's output rows (over all images) of y[N,K,OH,OW] = x[N,C,H,W] ⋆ w + bias, ReLU'd when relu;
 * stride 1, no dilation, OH = H + 2·padH − kh + 1 (likewise OW). Arguments: x, y, packed weights
 * (directPackWeights), bias (0: none), N, C, H, W, K, kh, kw, padH, padW, relu, scratch (per thread,
 * directScratchFloats each).
 */
export function directConvTask(args: usize, tid: i32, nt: i32): void {
  const x = ptr(args, 0);
  const y = ptr(args, 1);
  const packed = ptr(args, 2);
  const bias = ptr(args, 3);
  const N = int(args, 4);
  const C = int(args, 5);
  const H = int(args, 6);
  const W = int(args, 7);
  const K = int(args, 8);
  const kh = int(args, 9);
  const kw = int(args, 10);
  const padH = int(args, 11);
  const padW = int(args, 12);
  const relu = int(args, 13) != 0;
  const OH = H + 2 * padH - kh + 1;
  const OW = W + 2 * padW - kw + 1;
  const L = rowFloats(kw, OW);
  const scratch = ptr(args, 14) + <usize>tid * ((<usize>directScratchFloats(C, kh, kw, OW)) << 2);
  const tile = f32At(scratch, <i64>C * kh * L);
  const plane = <i64>OH * OW;
  const blockFloats = C * kh * kw * CB;
  const range = shareOf(N * OH, 1, tid, nt);
  for (let r = <i32>(range >> 32); r < <i32>(range & 0xffffffff); r++) {
    const n = r / OH;
    const oy = r - n * OH;
    padRows(f32At(x, <i64>n * C * H * W), C, H, W, kh, padH, padW, oy, L, scratch);
    const out = f32At(y, <i64>n * K * plane + <i64>oy * OW);
    for (let k0 = 0; k0 < K; k0 += CB) {
      const wk = f32At(packed, <i64>(k0 / CB) * blockFloats);
      for (let ox = 0; ox < OW; ox += PX) {
        if (ASC_FEATURE_SIMD) tileSimd(scratch, L, C, kh, kw, wk, bias, k0, K, out, plane, ox, OW, relu, tile);
        else tileScalar(scratch, L, C, kh, kw, wk, bias, k0, K, out, plane, ox, OW, relu, tile);
      }
    }
  }
}
