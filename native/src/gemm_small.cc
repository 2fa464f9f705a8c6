// Few-row GEMM (see gemm_small.h): portable versions and AVX2+FMA versions
// (the latter also serve AVX-512 CPUs; this is memory-bound work).
//
// dot:  for each column pair j, j+1 and each group of up to four rows, eight
//       accumulators sweep K together, so each B element is loaded once per
//       row group and feeds four FMAs.
// axpy: a block of up to 2048 columns of C accumulates in a local buffer while
//       K is walked four rows of B at a time (four FMAs per load/store of the
//       accumulator).
#include "platform.h"

#include "gemm_small.h"

#include <algorithm>
#include <cstring>

#if VGG_X86_64
#include <immintrin.h>
#endif

namespace vgg {

static inline void store_c(float* c, float v, float alpha, float beta) {
  *c = beta == 0.f ? alpha * v : alpha * v + beta * *c;
}

// One axpy block of columns [jb, jb + w): adds rows k0..K of B, one at a time, into the
// accumulators (all of K for the portable kernel, the tail after the AVX2 kernel's steps of
// four), then writes the block to C.
template <int64_t W>
static inline void axpy_finish_block(int64_t M, int64_t k0, int64_t K, float alpha, const float* A, int64_t lda,
                                     const float* B, int64_t ldb, float beta, float* C, int64_t ldc, int64_t jb,
                                     int64_t w, float (*acc)[W]) {
  for (int64_t k = k0; k < K; ++k) {
    const float* b = B + k * ldb + jb;
    for (int64_t i = 0; i < M; ++i) {
      const float a = A[i * lda + k];
      for (int64_t l = 0; l < w; ++l) acc[i][l] += a * b[l];
    }
  }
  for (int64_t i = 0; i < M; ++i)
    for (int64_t l = 0; l < w; ++l) store_c(C + i * ldc + jb + l, acc[i][l], alpha, beta);
}

void small_dot_generic(int64_t M, int64_t K, float alpha, const float* A, int64_t lda, const float* B, int64_t ldb,
                       float beta, float* C, int64_t ldc, int64_t j0, int64_t j1) {
  for (int64_t j = j0; j < j1; ++j) {
    const float* b = B + j * ldb;
    for (int64_t i = 0; i < M; ++i) {
      const float* a = A + i * lda;
      float acc[8] = {};
      int64_t k = 0;
      for (; k + 8 <= K; k += 8)
        for (int l = 0; l < 8; ++l) acc[l] += a[k + l] * b[k + l];
      float s = ((acc[0] + acc[1]) + (acc[2] + acc[3])) + ((acc[4] + acc[5]) + (acc[6] + acc[7]));
      for (; k < K; ++k) s += a[k] * b[k];
      store_c(C + i * ldc + j, s, alpha, beta);
    }
  }
}

void small_axpy_generic(int64_t M, int64_t K, float alpha, const float* A, int64_t lda, const float* B, int64_t ldb,
                        float beta, float* C, int64_t ldc, int64_t j0, int64_t j1) {
  constexpr int64_t W = 512;
  float acc[kSmallM][W];
  for (int64_t jb = j0; jb < j1; jb += W) {
    const int64_t w = std::min<int64_t>(W, j1 - jb);
    for (int64_t i = 0; i < M; ++i)
      for (int64_t l = 0; l < W; ++l) acc[i][l] = 0.f;
    axpy_finish_block(M, 0, K, alpha, A, lda, B, ldb, beta, C, ldc, jb, w, acc);
  }
}

#if VGG_X86_64

#define VGG_AVX2 __attribute__((target("avx2,fma")))

static inline VGG_AVX2 float hsum(__m256 v) {
  __m128 s = _mm_add_ps(_mm256_castps256_ps128(v), _mm256_extractf128_ps(v, 1));
  s = _mm_add_ps(s, _mm_movehl_ps(s, s));
  s = _mm_add_ss(s, _mm_movehdup_ps(s));
  return _mm_cvtss_f32(s);
}

// R rows (1..4) × 2 columns of dot products.
template <int R>
static inline VGG_AVX2 void dot_rx2(int64_t K, const float* A, int64_t lda, const float* b0, const float* b1,
                                    float out[4][2]) {
  __m256 acc[R][2];
  for (int r = 0; r < R; ++r) acc[r][0] = acc[r][1] = _mm256_setzero_ps();
  int64_t k = 0;
  for (; k + 8 <= K; k += 8) {
    const __m256 v0 = _mm256_loadu_ps(b0 + k), v1 = _mm256_loadu_ps(b1 + k);
    for (int r = 0; r < R; ++r) {
      const __m256 a = _mm256_loadu_ps(A + r * lda + k);
      acc[r][0] = _mm256_fmadd_ps(a, v0, acc[r][0]);
      acc[r][1] = _mm256_fmadd_ps(a, v1, acc[r][1]);
    }
  }
  for (int r = 0; r < R; ++r) {
    float s0 = hsum(acc[r][0]), s1 = hsum(acc[r][1]);
    for (int64_t kk = k; kk < K; ++kk) {
      s0 += A[r * lda + kk] * b0[kk];
      s1 += A[r * lda + kk] * b1[kk];
    }
    out[r][0] = s0;
    out[r][1] = s1;
  }
}

VGG_AVX2 void small_dot_avx2(int64_t M, int64_t K, float alpha, const float* A, int64_t lda, const float* B,
                             int64_t ldb, float beta, float* C, int64_t ldc, int64_t j0, int64_t j1) {
  float out[4][2];
  for (int64_t j = j0; j < j1; j += 2) {
    const bool pair = j + 1 < j1;
    const float* b0 = B + j * ldb;
    const float* b1 = pair ? b0 + ldb : b0;
    for (int64_t i = 0; i < M; i += 4) {
      const int64_t rows = std::min<int64_t>(4, M - i);
      const float* a = A + i * lda;
      switch (rows) {
        case 1: dot_rx2<1>(K, a, lda, b0, b1, out); break;
        case 2: dot_rx2<2>(K, a, lda, b0, b1, out); break;
        case 3: dot_rx2<3>(K, a, lda, b0, b1, out); break;
        default: dot_rx2<4>(K, a, lda, b0, b1, out); break;
      }
      for (int64_t r = 0; r < rows; ++r) {
        store_c(C + (i + r) * ldc + j, out[r][0], alpha, beta);
        if (pair) store_c(C + (i + r) * ldc + j + 1, out[r][1], alpha, beta);
      }
    }
  }
}

VGG_AVX2 void small_axpy_avx2(int64_t M, int64_t K, float alpha, const float* A, int64_t lda, const float* B,
                              int64_t ldb, float beta, float* C, int64_t ldc, int64_t j0, int64_t j1) {
  constexpr int64_t W = 2048;  // columns per block: up to 64 KiB of accumulators (L2), B rows read in long runs
  alignas(32) float acc[kSmallM][W];
  for (int64_t jb = j0; jb < j1; jb += W) {
    const int64_t w = std::min<int64_t>(W, j1 - jb);
    for (int64_t i = 0; i < M; ++i) std::memset(acc[i], 0, sizeof(acc[i]));
    int64_t k = 0;
    if (w == W) {
      for (; k + 4 <= K; k += 4) {
        const float* b0 = B + k * ldb + jb;
        const float* b1 = b0 + ldb;
        const float* b2 = b1 + ldb;
        const float* b3 = b2 + ldb;
        for (int64_t i = 0; i < M; ++i) {
          const float* a = A + i * lda + k;
          const __m256 a0 = _mm256_set1_ps(a[0]), a1 = _mm256_set1_ps(a[1]);
          const __m256 a2 = _mm256_set1_ps(a[2]), a3 = _mm256_set1_ps(a[3]);
          for (int v = 0; v < W; v += 8) {
            __m256 c = _mm256_load_ps(acc[i] + v);
            c = _mm256_fmadd_ps(a0, _mm256_loadu_ps(b0 + v), c);
            c = _mm256_fmadd_ps(a1, _mm256_loadu_ps(b1 + v), c);
            c = _mm256_fmadd_ps(a2, _mm256_loadu_ps(b2 + v), c);
            c = _mm256_fmadd_ps(a3, _mm256_loadu_ps(b3 + v), c);
            _mm256_store_ps(acc[i] + v, c);
          }
        }
      }
    }
    axpy_finish_block(M, k, K, alpha, A, lda, B, ldb, beta, C, ldc, jb, w, acc);
  }
}

#endif

}  // namespace vgg
