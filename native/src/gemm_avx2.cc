// AVX2 + FMA SGEMM micro-kernel, 6×16 register tile.
//
// Ap: [kc][6] packed rows of A; Bp: [kc][16] packed columns of B (32-byte aligned);
// C:  6 rows × 16 floats at row stride ldc.
// The k loop is the shared inline-assembly tile (tile_avx2_6x16.h); the
// alpha/beta epilogue is intrinsics.
// Compiled with a per-function target attribute (no -mavx2 for the whole file),
// so the library still loads on CPUs without AVX2; gemm.cc dispatches at run time.
#include "platform.h"

#if VGG_X86_64
#include <immintrin.h>

#include "gemm.h"
#include "tile_avx2_6x16.h"

#define VGG_AVX2 __attribute__((target("avx2,fma")))

namespace vgg {

VGG_AVX2 void ukernel_avx2_6x16(int64_t kc, const float* Ap, const float* Bp, float* C, int64_t ldc,
                                float alpha, float beta) {
  alignas(32) float acc[6 * 16];
  for (int r = 0; r < 6; ++r) {
    _mm_prefetch(reinterpret_cast<const char*>(C + r * ldc), _MM_HINT_T0);
    _mm_prefetch(reinterpret_cast<const char*>(C + r * ldc + 15), _MM_HINT_T0);
  }
  // Packed A: row r of step k at Ap[6k + r] (rows 4 bytes apart, steps 24).
  avx2_tile_6x16<24>(kc, Ap, Ap + 3, 4, Bp, 512, acc, acc + 48, 64, false);

  const __m256 va = _mm256_set1_ps(alpha), vb = _mm256_set1_ps(beta);
  for (int r = 0; r < 6; ++r) {
    float* c = C + r * ldc;
    const __m256 v0 = _mm256_mul_ps(_mm256_load_ps(acc + 16 * r), va);
    const __m256 v1 = _mm256_mul_ps(_mm256_load_ps(acc + 16 * r + 8), va);
    if (beta == 0.f) {
      _mm256_storeu_ps(c, v0);
      _mm256_storeu_ps(c + 8, v1);
    } else if (beta == 1.f) {
      _mm256_storeu_ps(c, _mm256_add_ps(_mm256_loadu_ps(c), v0));
      _mm256_storeu_ps(c + 8, _mm256_add_ps(_mm256_loadu_ps(c + 8), v1));
    } else {
      _mm256_storeu_ps(c, _mm256_fmadd_ps(vb, _mm256_loadu_ps(c), v0));
      _mm256_storeu_ps(c + 8, _mm256_fmadd_ps(vb, _mm256_loadu_ps(c + 8), v1));
    }
  }
}

}  // namespace vgg
#endif
