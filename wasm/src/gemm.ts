// Packed, register-blocked SGEMM: C[M,N] = alpha · op(A)[M,K] · op(B)[K,N] + beta · C, row-major.
// op(A) is A[M,K] (lda) or, with transA, A stored as [K,M]; op(B) is B[K,N] (ldb) or, with transB,
// B stored as [N,K]. beta == 0 overwrites C without reading it. Addresses are byte offsets.
import { f32At, int, madd, ptr, shareOf } from './simd';

/** Register tile: MR rows of A (broadcast lanes) × NR columns of B (two f32x4 vectors). */
export const MR = 4;
export const NR = 8;
/** Cache blocking: an A block of MC×KC floats stays in L2, a B panel of KC×NR in L1. */
export const KC = 256;
export const MC = 128;
export const NC = 2048;
/** Floats of scratch one thread needs: a packed A block, a packed B block and an edge tile. */
export const GEMM_SCRATCH_FLOATS = MC * KC + KC * NC + MR * NR;
/**
 * Up to this many rows with transB (a fully connected layer at small batch), each C value is a dot
 * product of two contiguous rows: B is read where it lies, once per block of K, where packing it
 * would copy all of it on every call (a VGG's FC1 weights are 411 MB).
 */
const DOT_MAX_M = 16;
/** Past this many floats of A, the dot products run over blocks of DOT_KB of K, so A's block stays in L2. */
const DOT_L2_FLOATS = 64 * 1024;
const DOT_KB = 4096;

/**
 * Rows [r0, r0+rows) × cols [c0, c0+cols) of a matrix M -> ceil(rows/width) panels [cols][width], rows
 * past `rows` zero; M(r, c) is src[r·ld + c], or src[c·ld + r] when transposed.
 */
function packPanels(
  transposed: bool,
  src: usize,
  ld: i32,
  r0: i32,
  rows: i32,
  c0: i32,
  cols: i32,
  width: i32,
  dst: usize,
): void {
  for (let rp = 0; rp < rows; rp += width) {
    const live = min(width, rows - rp);
    for (let c = c0; c < c0 + cols; c++) {
      for (let q = 0; q < width; q++) {
        const r = r0 + rp + q;
        let v: f32 = 0;
        if (q < live) v = transposed ? load<f32>(f32At(src, <i64>c * ld + r)) : load<f32>(f32At(src, <i64>r * ld + c));
        store<f32>(dst, v);
        dst += 4;
      }
    }
  }
}

/** Rows [i0, i0+mc) × cols [k0, k0+kc) of op(A) -> ceil(mc/MR) panels [kc][MR]. */
function packA(trans: bool, A: usize, lda: i32, i0: i32, mc: i32, k0: i32, kc: i32, Ap: usize): void {
  packPanels(trans, A, lda, i0, mc, k0, kc, MR, Ap);
}

/** Rows [k0, k0+kc) × cols [j0, j0+nc) of op(B) -> ceil(nc/NR) panels [kc][NR] (panel rows are B's columns). */
function packB(trans: bool, B: usize, ldb: i32, k0: i32, kc: i32, j0: i32, nc: i32, Bp: usize): void {
  packPanels(!trans, B, ldb, j0, nc, k0, kc, NR, Bp);
}

/** One output row of the tile: C[0..8) = alpha·(lo,hi) + beta·C. */
function storeRow(c: usize, lo: v128, hi: v128, va: v128, vb: v128, beta: f32): void {
  if (beta == 0) {
    v128.store(c, f32x4.mul(lo, va));
    v128.store(c, f32x4.mul(hi, va), 16);
  } else {
    v128.store(c, f32x4.add(f32x4.mul(lo, va), f32x4.mul(v128.load(c), vb)));
    v128.store(c, f32x4.add(f32x4.mul(hi, va), f32x4.mul(v128.load(c, 16), vb)), 16);
  }
}

/** C[MR,NR] (row stride ldc floats) = alpha · Ap[kc][MR]ᵀ · Bp[kc][NR] + beta · C. */
export function microKernel(kc: i32, Ap: usize, Bp: usize, C: usize, ldc: i32, alpha: f32, beta: f32): void {
  if (ASC_FEATURE_SIMD) {
    const zero = f32x4.splat(0);
    let c00 = zero,
      c01 = zero,
      c10 = zero,
      c11 = zero,
      c20 = zero,
      c21 = zero,
      c30 = zero,
      c31 = zero;
    for (let p = 0; p < kc; p++) {
      const b0 = v128.load(Bp);
      const b1 = v128.load(Bp, 16);
      let a = v128.load32_splat(Ap);
      c00 = madd(a, b0, c00);
      c01 = madd(a, b1, c01);
      a = v128.load32_splat(Ap, 4);
      c10 = madd(a, b0, c10);
      c11 = madd(a, b1, c11);
      a = v128.load32_splat(Ap, 8);
      c20 = madd(a, b0, c20);
      c21 = madd(a, b1, c21);
      a = v128.load32_splat(Ap, 12);
      c30 = madd(a, b0, c30);
      c31 = madd(a, b1, c31);
      Ap += MR << 2;
      Bp += NR << 2;
    }
    const va = f32x4.splat(alpha);
    const vb = f32x4.splat(beta);
    const row = (<usize>ldc) << 2;
    storeRow(C, c00, c01, va, vb, beta);
    storeRow(C + row, c10, c11, va, vb, beta);
    storeRow(C + 2 * row, c20, c21, va, vb, beta);
    storeRow(C + 3 * row, c30, c31, va, vb, beta);
  } else {
    for (let i = 0; i < MR; i++) {
      for (let j = 0; j < NR; j++) {
        let s: f32 = 0;
        for (let p = 0; p < kc; p++) s += load<f32>(f32At(Ap, p * MR + i)) * load<f32>(f32At(Bp, p * NR + j));
        const c = f32At(C, <i64>i * ldc + j);
        store<f32>(c, beta == 0 ? alpha * s : alpha * s + beta * load<f32>(c));
      }
    }
  }
}

/** Runs the micro-kernel over packed blocks into C[m,n], clipping partial tiles through `tile`. */
function macroKernel(
  m: i32,
  n: i32,
  kc: i32,
  Ap: usize,
  Bp: usize,
  C: usize,
  ldc: i32,
  alpha: f32,
  beta: f32,
  tile: usize,
): void {
  for (let jp = 0; jp < n; jp += NR) {
    const cols = min(NR, n - jp);
    const bp = f32At(Bp, <i64>jp * kc);
    for (let ip = 0; ip < m; ip += MR) {
      const rows = min(MR, m - ip);
      const ap = f32At(Ap, <i64>ip * kc);
      const c = f32At(C, <i64>ip * ldc + jp);
      if (rows == MR && cols == NR) {
        microKernel(kc, ap, bp, c, ldc, alpha, beta);
        continue;
      }
      microKernel(kc, ap, bp, tile, NR, alpha, 0);
      for (let r = 0; r < rows; r++) {
        for (let q = 0; q < cols; q++) {
          const dst = f32At(c, <i64>r * ldc + q);
          const v = load<f32>(f32At(tile, r * NR + q));
          store<f32>(dst, beta == 0 ? v : v + beta * load<f32>(dst));
        }
      }
    }
  }
}

/** C[M,N] = beta · C (zeros when beta is 0), for the empty products. */
function scaleC(M: i32, N: i32, beta: f32, C: usize, ldc: i32): void {
  for (let i = 0; i < M; i++) {
    for (let j = 0; j < N; j++) {
      const c = f32At(C, <i64>i * ldc + j);
      store<f32>(c, beta == 0 ? 0 : beta * load<f32>(c));
    }
  }
}

/** The packed GEMM on the calling thread; scratch holds GEMM_SCRATCH_FLOATS floats. */
export function gemmSerial(
  transA: bool,
  transB: bool,
  M: i32,
  N: i32,
  K: i32,
  alpha: f32,
  A: usize,
  lda: i32,
  B: usize,
  ldb: i32,
  beta: f32,
  C: usize,
  ldc: i32,
  scratch: usize,
): void {
  if (M <= 0 || N <= 0) return;
  if (K <= 0 || alpha == 0) {
    scaleC(M, N, beta, C, ldc);
    return;
  }
  const Ap = scratch;
  const Bp = f32At(Ap, MC * KC);
  const tile = f32At(Bp, KC * NC);
  for (let jc = 0; jc < N; jc += NC) {
    const nc = min(NC, N - jc);
    for (let pc = 0; pc < K; pc += KC) {
      const kc = min(KC, K - pc);
      packB(transB, B, ldb, pc, kc, jc, nc, Bp);
      const b: f32 = pc == 0 ? beta : 1;
      for (let ic = 0; ic < M; ic += MC) {
        const mc = min(MC, M - ic);
        packA(transA, A, lda, ic, mc, pc, kc, Ap);
        macroKernel(mc, nc, kc, Ap, Bp, f32At(C, <i64>ic * ldc + jc), ldc, alpha, b, tile);
      }
    }
  }
}

/** Σ_k a[k]·b[k] over two contiguous rows of K floats. */
function dot(a: usize, b: usize, K: i32): f32 {
  let k = 0;
  let s: f32 = 0;
  if (ASC_FEATURE_SIMD) {
    let s0 = f32x4.splat(0),
      s1 = s0,
      s2 = s0,
      s3 = s0;
    for (; k + 16 <= K; k += 16) {
      const o = (<usize>k) << 2;
      s0 = madd(v128.load(a + o), v128.load(b + o), s0);
      s1 = madd(v128.load(a + o, 16), v128.load(b + o, 16), s1);
      s2 = madd(v128.load(a + o, 32), v128.load(b + o, 32), s2);
      s3 = madd(v128.load(a + o, 48), v128.load(b + o, 48), s3);
    }
    s = lanesSum(f32x4.add(f32x4.add(s0, s1), f32x4.add(s2, s3)));
  }
  for (; k < K; k++) s += load<f32>(f32At(a, k)) * load<f32>(f32At(b, k));
  return s;
}

/** The sum of v's four lanes, in the order dot uses. */
function lanesSum(v: v128): f32 {
  return f32x4.extract_lane(v, 0) + f32x4.extract_lane(v, 1) + (f32x4.extract_lane(v, 2) + f32x4.extract_lane(v, 3));
}

/** C[i][j] = s (first block: alpha-scaled s plus beta · C) or C[i][j] + s for later blocks of K. */
function storeDot(c: usize, s: f32, first: bool, beta: f32): void {
  if (!first) store<f32>(c, load<f32>(c) + s);
  else store<f32>(c, beta == 0 ? s : s + beta * load<f32>(c));
}

/**
 * Four dot products of rows a, a + lda, a + 2·lda, a + 3·lda (bytes apart) with one row b over K,
 * reading b once: C[0..4) (ldc bytes apart) as storeDot writes them.
 */
function dot4(a: usize, lda: usize, b: usize, K: i32, alpha: f32, c: usize, ldc: usize, first: bool, beta: f32): void {
  let s0 = f32x4.splat(0),
    s1 = s0,
    s2 = s0,
    s3 = s0,
    t0 = s0,
    t1 = s0,
    t2 = s0,
    t3 = s0;
  let k = 0;
  for (; k + 8 <= K; k += 8) {
    const o = (<usize>k) << 2;
    const w0 = v128.load(b + o);
    const w1 = v128.load(b + o, 16);
    s0 = madd(v128.load(a + o), w0, s0);
    t0 = madd(v128.load(a + o, 16), w1, t0);
    s1 = madd(v128.load(a + lda + o), w0, s1);
    t1 = madd(v128.load(a + lda + o, 16), w1, t1);
    s2 = madd(v128.load(a + 2 * lda + o), w0, s2);
    t2 = madd(v128.load(a + 2 * lda + o, 16), w1, t2);
    s3 = madd(v128.load(a + 3 * lda + o), w0, s3);
    t3 = madd(v128.load(a + 3 * lda + o, 16), w1, t3);
  }
  for (let r = 0; r < 4; r++) {
    const ar = a + <usize>r * lda;
    const v = r == 0 ? f32x4.add(s0, t0) : r == 1 ? f32x4.add(s1, t1) : r == 2 ? f32x4.add(s2, t2) : f32x4.add(s3, t3);
    let sum = lanesSum(v);
    for (let q = k; q < K; q++) sum += load<f32>(f32At(ar, q)) * load<f32>(f32At(b, q));
    storeDot(c + <usize>r * ldc, alpha * sum, first, beta);
  }
}

/**
 * The few-rows case of A·Bᵀ (a fully connected layer at small batch): dot products, four rows of A
 * against each row of B at a time, over blocks of K when A's rows would not stay in L2.
 */
function gemmDot(
  M: i32,
  N: i32,
  K: i32,
  alpha: f32,
  A: usize,
  lda: i32,
  B: usize,
  ldb: i32,
  beta: f32,
  C: usize,
  ldc: i32,
): void {
  const block = <i64>M * K <= DOT_L2_FLOATS ? K : DOT_KB;
  const ldaBytes = (<usize>lda) << 2;
  const ldcBytes = (<usize>ldc) << 2;
  for (let k0 = 0; k0 < K; k0 += block) {
    const kb = min(block, K - k0);
    const first = k0 == 0;
    for (let j = 0; j < N; j++) {
      const bj = f32At(B, <i64>j * ldb + k0);
      let i = 0;
      if (ASC_FEATURE_SIMD) {
        for (; i + 4 <= M; i += 4) {
          dot4(f32At(A, <i64>i * lda + k0), ldaBytes, bj, kb, alpha, f32At(C, <i64>i * ldc + j), ldcBytes, first, beta);
        }
      }
      for (; i < M; i++) {
        storeDot(f32At(C, <i64>i * ldc + j), alpha * dot(f32At(A, <i64>i * lda + k0), bj, kb), first, beta);
      }
    }
  }
}

/**
 * Thread tid's share of one GEMM. Arguments: transA, transB, M, N, K, alpha, A, lda, B, ldb, beta,
 * C, ldc, scratch, scratchBytesPerThread. Columns of C are split when N >= M, else rows; the few-row
 * A·Bᵀ case splits the dot products by column.
 */
export function gemmTask(args: usize, tid: i32, nt: i32): void {
  const transA = int(args, 0) != 0;
  const transB = int(args, 1) != 0;
  const M = int(args, 2);
  const N = int(args, 3);
  const K = int(args, 4);
  const alpha = <f32>load<f64>(args + 40);
  const A = ptr(args, 6);
  const lda = int(args, 7);
  const B = ptr(args, 8);
  const ldb = int(args, 9);
  const beta = <f32>load<f64>(args + 80);
  const C = ptr(args, 11);
  const ldc = int(args, 12);
  const scratch = ptr(args, 13) + <usize>tid * ptr(args, 14);
  const small = !transA && transB && M <= DOT_MAX_M && K > 0 && alpha != 0;
  const splitN = small || N >= M;
  const range = shareOf(splitN ? N : M, small ? 1 : splitN ? NR : MR, tid, nt);
  const lo = <i32>(range >> 32);
  const hi = <i32>(range & 0xffffffff);
  if (hi <= lo) return;
  if (small) {
    gemmDot(M, hi - lo, K, alpha, A, lda, f32At(B, <i64>lo * ldb), ldb, beta, f32At(C, lo), ldc);
  } else if (splitN) {
    const b = transB ? f32At(B, <i64>lo * ldb) : f32At(B, lo);
    gemmSerial(transA, transB, M, hi - lo, K, alpha, A, lda, b, ldb, beta, f32At(C, lo), ldc, scratch);
  } else {
    const a = transA ? f32At(A, lo) : f32At(A, <i64>lo * lda);
    gemmSerial(transA, transB, hi - lo, N, K, alpha, a, lda, B, ldb, beta, f32At(C, <i64>lo * ldc), ldc, scratch);
  }
}
