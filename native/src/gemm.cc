// SGEMM driver: Goto/BLIS-style blocking around per-ISA micro-kernels.
//
//   for jc in N by NC:                     B block  [KC × NC] packed once, shared (L3)
//     for pc in K by KC:
//       pack B block                        (threads split the NR panels)
//       for each work item (ic, jr-range):  A block  [MC × KC] packed per thread (L2)
//         for jr in range by NR:            B micro-panel [KC × NR] (L1)
//           for ir in MC by MR:             micro-kernel: C tile [MR × NR] in registers
//
// Work items split M into equal MR-multiple blocks and N into panel ranges,
// about four per thread, handed out dynamically (robust when a core is busy
// with something else); a thread reuses its packed A block while ic is unchanged.
#include "platform.h"

#include "gemm.h"

#include <algorithm>
#include <atomic>
#include <cstring>

#if VGG_X86_64
#include <xmmintrin.h>
#endif

#include "gemm_small.h"
#include "scratch.h"
#include "threadpool.h"

namespace vgg {

// ---------------------------------------------------------------- packing --

// dst[k*R + r] = src[r][k] for k < kc, r < R: interleaves R rows (a transpose).
// On x86-64, 4×4 blocks go through SSE registers (baseline ISA, no dispatch).
template <int R>
static inline void interleave_rows(const float* const* src, int64_t kc, float* dst) {
  int64_t k = 0;
#if VGG_X86_64
  for (; k + 4 <= kc; k += 4) {
    int r = 0;
    for (; r + 4 <= R; r += 4) {
      __m128 a = _mm_loadu_ps(src[r] + k), b = _mm_loadu_ps(src[r + 1] + k);
      __m128 c = _mm_loadu_ps(src[r + 2] + k), d = _mm_loadu_ps(src[r + 3] + k);
      _MM_TRANSPOSE4_PS(a, b, c, d);
      _mm_storeu_ps(dst + k * R + r, a);
      _mm_storeu_ps(dst + (k + 1) * R + r, b);
      _mm_storeu_ps(dst + (k + 2) * R + r, c);
      _mm_storeu_ps(dst + (k + 3) * R + r, d);
    }
    for (; r < R; ++r)
      for (int kk = 0; kk < 4; ++kk) dst[(k + kk) * R + r] = src[r][k + kk];
  }
#endif
  for (; k < kc; ++k)
    for (int r = 0; r < R; ++r) dst[k * R + r] = src[r][k];
}

// Packs n panel lines (rows of op(A) or columns of op(B)) from j0 over kc values of k from k0
// into panels R lines wide: P[panel][k][R], a short last panel padded with zeros. kMajor: line
// j's value at k is X[k*ld + j] (each k a contiguous run of lines); else X[j*ld + k].
template <int R>
static void pack_panels(bool kMajor, const float* X, int64_t ld, int64_t k0, int64_t kc, int64_t j0, int64_t n,
                        float* P) {
  if (kMajor) {
    // Walk the rows of X in order (sequential reads) and deal R-wide pieces out to the panels.
    const int64_t full = n / R, rem = n % R;
    for (int64_t k = 0; k < kc; ++k) {
      const float* s = X + (k0 + k) * ld + j0;
      float* d = P + k * R;
      for (int64_t p = 0; p < full; ++p, s += R, d += kc * R)
        for (int r = 0; r < R; ++r) d[r] = s[r];
      if (rem) {
        int r = 0;
        for (; r < rem; ++r) d[r] = s[r];
        for (; r < R; ++r) d[r] = 0.f;
      }
    }
    return;
  }
  for (int64_t jp = 0; jp < n; jp += R, P += kc * R) {
    const int lines = static_cast<int>(std::min<int64_t>(R, n - jp));
    const int64_t j = j0 + jp;
    // Interleave R rows of X by k.
    if (lines == R) {
      const float* src[R];
      for (int r = 0; r < R; ++r) src[r] = X + (j + r) * ld + k0;
      interleave_rows<R>(src, kc, P);
    } else {
      for (int64_t k = 0; k < kc; ++k) {
        int r = 0;
        for (; r < lines; ++r) P[k * R + r] = X[(j + r) * ld + k0 + k];
        for (; r < R; ++r) P[k * R + r] = 0.f;
      }
    }
  }
}

// op(A)(i,k) is A[k*lda + i] when trans, else A[i*lda + k].
template <int MR>
static void pack_a_t(bool trans, const float* A, int64_t lda, int64_t i0, int64_t mc, int64_t k0,
                     int64_t kc, float* Ap) {
  pack_panels<MR>(trans, A, lda, k0, kc, i0, mc, Ap);
}

// op(B)(k,j) is B[j*ldb + k] when trans, else B[k*ldb + j].
template <int NR>
static void pack_b_t(bool trans, const float* B, int64_t ldb, int64_t k0, int64_t kc, int64_t j0,
                     int64_t nc, float* Bp) {
  pack_panels<NR>(!trans, B, ldb, k0, kc, j0, nc, Bp);
}

// ------------------------------------------------------ generic micro-kernel --

// Portable 4×8 kernel: Ap [kc][4], Bp [kc][8], C 4 rows × 8 floats at stride ldc.
// The compiler vectorises the j loop for the baseline ISA.
void ukernel_generic_4x8(int64_t kc, const float* Ap, const float* Bp, float* C, int64_t ldc,
                         float alpha, float beta) {
  constexpr int MR = 4, NR = 8;
  float acc[MR][NR] = {};
  for (int64_t k = 0; k < kc; ++k) {
    const float* b = Bp + k * NR;
    const float* a = Ap + k * MR;
    for (int i = 0; i < MR; ++i)
      for (int j = 0; j < NR; ++j) acc[i][j] += a[i] * b[j];
  }
  for (int i = 0; i < MR; ++i) {
    float* c = C + i * ldc;
    if (beta == 0.f) {
      for (int j = 0; j < NR; ++j) c[j] = alpha * acc[i][j];
    } else if (beta == 1.f) {
      for (int j = 0; j < NR; ++j) c[j] += alpha * acc[i][j];
    } else {
      for (int j = 0; j < NR; ++j) c[j] = alpha * acc[i][j] + beta * c[j];
    }
  }
}

// ------------------------------------------------------------ kernel table --

static const GemmKernel kGeneric = {Isa::generic, 4, 8, 64, 256, 4096, ukernel_generic_4x8,
                                    pack_a_t<4>, pack_b_t<8>, small_dot_generic, small_axpy_generic};
#if VGG_X86_64
static const GemmKernel kAvx2 = {Isa::avx2, 6, 16, 120, 256, 4096, ukernel_avx2_6x16,
                                 pack_a_t<6>, pack_b_t<16>, small_dot_avx2, small_axpy_avx2};
static const GemmKernel kAvx512 = {Isa::avx512, 14, 32, 168, 256, 4096, ukernel_avx512_14x32,
                                   pack_a_t<14>, pack_b_t<32>, small_dot_avx2, small_axpy_avx2};
#endif

const GemmKernel& gemm_kernel_for(Isa isa) {
#if VGG_X86_64
  if (isa == Isa::avx512) return kAvx512;
  if (isa == Isa::avx2) return kAvx2;
#endif
  (void)isa;
  return kGeneric;
}

const GemmKernel& gemm_kernel() { return gemm_kernel_for(current_isa()); }

// ------------------------------------------------------------ macro-kernel --

// C[m,n] (row stride ldc) = alpha · Ap · Bp + beta · C for a packed A block
// (⌈m/MR⌉ panels of [kc][MR]) and a packed B block (⌈n/NR⌉ panels of [kc][NR]).
void gemm_macro(const GemmKernel& kr, int64_t m, int64_t n, int64_t kc, const float* Ap,
                const float* Bp, float* C, int64_t ldc, float alpha, float beta) {
  const int MR = kr.mr, NR = kr.nr;
  alignas(64) float tile[16 * 32];
  for (int64_t j = 0; j < n; j += NR) {
    const float* b = Bp + (j / NR) * kc * NR;
    const int64_t nn = std::min<int64_t>(NR, n - j);
    for (int64_t i = 0; i < m; i += MR) {
      const float* a = Ap + (i / MR) * kc * MR;
      const int64_t mm = std::min<int64_t>(MR, m - i);
      float* c = C + i * ldc + j;
      if (mm == MR && nn == NR) {
        kr.ukernel(kc, a, b, c, ldc, alpha, beta);
      } else {
        kr.ukernel(kc, a, b, tile, NR, 1.f, 0.f);
        for (int64_t r = 0; r < mm; ++r) {
          float* cr = c + r * ldc;
          const float* t = tile + r * NR;
          if (beta == 0.f) {
            for (int64_t q = 0; q < nn; ++q) cr[q] = alpha * t[q];
          } else {
            for (int64_t q = 0; q < nn; ++q) cr[q] = alpha * t[q] + beta * cr[q];
          }
        }
      }
    }
  }
}

// ----------------------------------------------------------------- driver --

// C[M,N] (row stride ldc) *= beta (beta == 0 writes zeros).
static void scale_c(int64_t M, int64_t N, float beta, float* C, int64_t ldc, bool parallel) {
  if (beta == 1.f) return;
  auto body = [&](int64_t lo, int64_t hi) {
    for (int64_t i = lo; i < hi; ++i) {
      float* c = C + i * ldc;
      if (beta == 0.f) {
        std::memset(c, 0, sizeof(float) * N);
      } else {
        for (int64_t j = 0; j < N; ++j) c[j] *= beta;
      }
    }
  };
  if (parallel) parallel_for(0, M, std::max<int64_t>(1, 65536 / std::max<int64_t>(N, 1)), body);
  else body(0, M);
}

// C[M,N] (row stride ldc) = alpha · op(A)[M,K] · op(B)[K,N] + beta · C; A is [M,K]
// (row stride lda) or [K,M] when transA; B is [K,N] (row stride ldb) or [N,K] when transB.
void sgemm(bool transA, bool transB, int64_t M, int64_t N, int64_t K, float alpha, const float* A,
           int64_t lda, const float* B, int64_t ldb, float beta, float* C, int64_t ldc,
           bool parallel) {
  if (M <= 0 || N <= 0) return;
  if (K <= 0 || alpha == 0.f) {
    scale_c(M, N, beta, C, ldc, parallel);
    return;
  }
  const GemmKernel& kr = gemm_kernel();
  const int MR = kr.mr, NR = kr.nr;

  // Threads: roughly one per 4 MFLOP of work, at most the pool size.
  int nt = parallel && !in_parallel() ? num_threads() : 1;
  const double flops = 2.0 * M * N * K;
  nt = static_cast<int>(std::max<double>(1.0, std::min<double>(nt, flops / 4e6)));

  // Few rows (fully connected layers at small batch): stream B once, unpacked.
  if (M <= kSmallM && N >= 16 && K >= 16) {
    const float* a = A;
    int64_t la = lda;
    if (transA) {  // gather op(A) into a contiguous [M,K] copy
      float* buf = scratch(0, kScratchGemmTile, static_cast<size_t>(M) * K);
      if (!buf) return;
      for (int64_t k = 0; k < K; ++k)
        for (int64_t i = 0; i < M; ++i) buf[i * K + k] = A[k * lda + i];
      a = buf;
      la = K;
    }
    const SmallGemmFn fn = transB ? kr.small_dot : kr.small_axpy;
    auto body = [&](int64_t j0, int64_t j1) { fn(M, K, alpha, a, la, B, ldb, beta, C, ldc, j0, j1); };
    if (nt > 1) parallel_for(0, N, 512, body);
    else body(0, N);
    return;
  }

  // K blocks of (nearly) equal size, at most kc.
  const int64_t nkb = (K + kr.kc - 1) / kr.kc;
  const int64_t KC = (K + nkb - 1) / nkb;
  // M blocks of equal size (a multiple of MR), at most mc.
  int64_t mb = (M + kr.mc - 1) / kr.mc;
  const int64_t MC = ((M + mb - 1) / mb + MR - 1) / MR * MR;
  mb = (M + MC - 1) / MC;
  const int64_t NC = std::min<int64_t>(kr.nc, (N + NR - 1) / NR * NR);

  float* Bp = scratch(0, kScratchGemmB, static_cast<size_t>(KC) * NC);
  if (!Bp) return;

  for (int64_t jc = 0; jc < N; jc += NC) {
    const int64_t nc = std::min<int64_t>(NC, N - jc);
    const int64_t np = (nc + NR - 1) / NR;  // NR panels in this block
    // Work items: mb M-blocks × ns N-ranges, about four per thread so that the
    // dynamic hand-out balances load even when a core is busy elsewhere; each
    // N-range keeps at least two panels.
    int64_t ns = 1;
    if (nt > 1 && mb < 4 * nt) ns = std::min<int64_t>((4 * nt + mb - 1) / mb, std::max<int64_t>(1, np / 2));
    const int64_t items = mb * ns;
    for (int64_t pc = 0; pc < K; pc += KC) {
      const int64_t kc = std::min<int64_t>(KC, K - pc);
      const float beta_eff = pc == 0 ? beta : 1.f;
      // Phase 1: pack the B block, a few panels at a time.
      auto pack_b = [&](int64_t lo, int64_t hi) {
        const int64_t j0 = lo * NR, j1 = std::min<int64_t>(hi * NR, nc);
        kr.pack_b(transB, B, ldb, pc, kc, jc + j0, j1 - j0, Bp + lo * kc * NR);
      };
      if (nt > 1) parallel_for(0, np, 4, pack_b);
      else pack_b(0, np);
      // Phase 2: the work items, handed out in (ib, js) order.
      std::atomic<int64_t> next{0};
      std::atomic<bool> failed{false};
      auto compute = [&](int tid, int) {
        float* Ap = nullptr;
        int64_t packed_ib = -1;
        for (;;) {
          const int64_t it = next.fetch_add(1, std::memory_order_relaxed);
          if (it >= items) break;
          if (!Ap) {
            Ap = scratch(tid, kScratchGemmA, static_cast<size_t>(MC) * KC);
            if (!Ap) {
              failed.store(true);
              return;
            }
          }
          const int64_t ib = it / ns, js = it % ns;
          const int64_t i0 = ib * MC, mc = std::min<int64_t>(MC, M - i0);
          if (ib != packed_ib) {
            kr.pack_a(transA, A, lda, i0, mc, pc, kc, Ap);
            packed_ib = ib;
          }
          int64_t p0, p1;
          split_range(np, static_cast<int>(ns), static_cast<int>(js), &p0, &p1);
          if (p0 >= p1) continue;
          const int64_t j0 = p0 * NR, j1 = std::min<int64_t>(p1 * NR, nc);
          gemm_macro(kr, mc, j1 - j0, kc, Ap, Bp + p0 * kc * NR, C + i0 * ldc + jc + j0, ldc, alpha, beta_eff);
        }
      };
      if (nt > 1 && items > 1) parallel_run(compute, static_cast<int>(std::min<int64_t>(nt, items)));
      else compute(0, 1);
      if (failed.load()) return;
    }
  }
}

}  // namespace vgg
