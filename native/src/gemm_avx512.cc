// AVX-512 SGEMM micro-kernel, 14×32 register tile.
//
// Ap: [kc][14] packed rows of A; Bp: [kc][32] packed columns of B (64-byte aligned);
// C:  14 rows × 32 floats at row stride ldc. 28 zmm accumulators + 2 B vectors +
// 1 broadcast (31 of 32 registers); per k step two aligned B loads, fourteen
// broadcasts of A and twenty-eight FMAs.
//
// Written with intrinsics (the AVX2 kernel is inline assembly) so that the same
// source can be checked on machines without AVX-512 by compiling it against
// SIMDe (-DVGG_SIMDE_AVX512). Empty asm statements that "modify" the
// accumulators pin them to registers across iterations; without them GCC 12
// spills one accumulator and shuffles the rest through the B registers.
// Compiled with a per-function target attribute; gemm.cc dispatches at run time.
#include "platform.h"

#if VGG_X86_64 || defined(VGG_SIMDE_AVX512)

#if defined(VGG_SIMDE_AVX512)
#define SIMDE_ENABLE_NATIVE_ALIASES
#include <simde/x86/avx512.h>
#define VGG_AVX512
#define VGG_PIN_ACCUMULATORS()
#else
#include <immintrin.h>
#define VGG_AVX512 __attribute__((target("avx512f,avx512bw,avx512vl,avx2,fma")))
#define VGG_PIN_ACCUMULATORS()  \
  __asm__("" : "+v"(c00), "+v"(c01), "+v"(c10), "+v"(c11), "+v"(c20), "+v"(c21), "+v"(c30), "+v"(c31), "+v"(c40), "+v"(c41), "+v"(c50), "+v"(c51), "+v"(c60), "+v"(c61)); \
  __asm__("" : "+v"(c70), "+v"(c71), "+v"(c80), "+v"(c81), "+v"(c90), "+v"(c91), "+v"(c100), "+v"(c101), "+v"(c110), "+v"(c111), "+v"(c120), "+v"(c121), "+v"(c130), "+v"(c131))
#endif

#include "gemm.h"

namespace vgg {

static inline VGG_AVX512 __attribute__((always_inline)) void store_row(float* c, __m512 v0, __m512 v1,
                                                                        __m512 va, __m512 vb, int mode) {
  v0 = _mm512_mul_ps(v0, va);
  v1 = _mm512_mul_ps(v1, va);
  if (mode == 0) {
    _mm512_storeu_ps(c, v0);
    _mm512_storeu_ps(c + 16, v1);
  } else if (mode == 1) {
    _mm512_storeu_ps(c, _mm512_add_ps(_mm512_loadu_ps(c), v0));
    _mm512_storeu_ps(c + 16, _mm512_add_ps(_mm512_loadu_ps(c + 16), v1));
  } else {
    _mm512_storeu_ps(c, _mm512_fmadd_ps(vb, _mm512_loadu_ps(c), v0));
    _mm512_storeu_ps(c + 16, _mm512_fmadd_ps(vb, _mm512_loadu_ps(c + 16), v1));
  }
}

VGG_AVX512 void ukernel_avx512_14x32(int64_t kc, const float* Ap, const float* Bp, float* C,
                                     int64_t ldc, float alpha, float beta) {
  __m512 c00 = _mm512_setzero_ps(), c01 = _mm512_setzero_ps();
  __m512 c10 = _mm512_setzero_ps(), c11 = _mm512_setzero_ps();
  __m512 c20 = _mm512_setzero_ps(), c21 = _mm512_setzero_ps();
  __m512 c30 = _mm512_setzero_ps(), c31 = _mm512_setzero_ps();
  __m512 c40 = _mm512_setzero_ps(), c41 = _mm512_setzero_ps();
  __m512 c50 = _mm512_setzero_ps(), c51 = _mm512_setzero_ps();
  __m512 c60 = _mm512_setzero_ps(), c61 = _mm512_setzero_ps();
  __m512 c70 = _mm512_setzero_ps(), c71 = _mm512_setzero_ps();
  __m512 c80 = _mm512_setzero_ps(), c81 = _mm512_setzero_ps();
  __m512 c90 = _mm512_setzero_ps(), c91 = _mm512_setzero_ps();
  __m512 c100 = _mm512_setzero_ps(), c101 = _mm512_setzero_ps();
  __m512 c110 = _mm512_setzero_ps(), c111 = _mm512_setzero_ps();
  __m512 c120 = _mm512_setzero_ps(), c121 = _mm512_setzero_ps();
  __m512 c130 = _mm512_setzero_ps(), c131 = _mm512_setzero_ps();
  for (int r = 0; r < 14; ++r) {
    _mm_prefetch(reinterpret_cast<const char*>(C + r * ldc), _MM_HINT_T0);
    _mm_prefetch(reinterpret_cast<const char*>(C + r * ldc + 31), _MM_HINT_T0);
  }
  for (int64_t k = 0; k < kc; ++k) {
    const __m512 b0 = _mm512_load_ps(Bp);
    const __m512 b1 = _mm512_load_ps(Bp + 16);
    __m512 av;
    av = _mm512_set1_ps(Ap[0]);
    c00 = _mm512_fmadd_ps(av, b0, c00);
    c01 = _mm512_fmadd_ps(av, b1, c01);
    av = _mm512_set1_ps(Ap[1]);
    c10 = _mm512_fmadd_ps(av, b0, c10);
    c11 = _mm512_fmadd_ps(av, b1, c11);
    av = _mm512_set1_ps(Ap[2]);
    c20 = _mm512_fmadd_ps(av, b0, c20);
    c21 = _mm512_fmadd_ps(av, b1, c21);
    av = _mm512_set1_ps(Ap[3]);
    c30 = _mm512_fmadd_ps(av, b0, c30);
    c31 = _mm512_fmadd_ps(av, b1, c31);
    av = _mm512_set1_ps(Ap[4]);
    c40 = _mm512_fmadd_ps(av, b0, c40);
    c41 = _mm512_fmadd_ps(av, b1, c41);
    av = _mm512_set1_ps(Ap[5]);
    c50 = _mm512_fmadd_ps(av, b0, c50);
    c51 = _mm512_fmadd_ps(av, b1, c51);
    av = _mm512_set1_ps(Ap[6]);
    c60 = _mm512_fmadd_ps(av, b0, c60);
    c61 = _mm512_fmadd_ps(av, b1, c61);
    av = _mm512_set1_ps(Ap[7]);
    c70 = _mm512_fmadd_ps(av, b0, c70);
    c71 = _mm512_fmadd_ps(av, b1, c71);
    av = _mm512_set1_ps(Ap[8]);
    c80 = _mm512_fmadd_ps(av, b0, c80);
    c81 = _mm512_fmadd_ps(av, b1, c81);
    av = _mm512_set1_ps(Ap[9]);
    c90 = _mm512_fmadd_ps(av, b0, c90);
    c91 = _mm512_fmadd_ps(av, b1, c91);
    av = _mm512_set1_ps(Ap[10]);
    c100 = _mm512_fmadd_ps(av, b0, c100);
    c101 = _mm512_fmadd_ps(av, b1, c101);
    av = _mm512_set1_ps(Ap[11]);
    c110 = _mm512_fmadd_ps(av, b0, c110);
    c111 = _mm512_fmadd_ps(av, b1, c111);
    av = _mm512_set1_ps(Ap[12]);
    c120 = _mm512_fmadd_ps(av, b0, c120);
    c121 = _mm512_fmadd_ps(av, b1, c121);
    av = _mm512_set1_ps(Ap[13]);
    c130 = _mm512_fmadd_ps(av, b0, c130);
    c131 = _mm512_fmadd_ps(av, b1, c131);
    Ap += 14;
    Bp += 32;
    VGG_PIN_ACCUMULATORS();
  }

  const __m512 va = _mm512_set1_ps(alpha), vb = _mm512_set1_ps(beta);
  const int mode = beta == 0.f ? 0 : beta == 1.f ? 1 : 2;
  store_row(C + 0 * ldc, c00, c01, va, vb, mode);
  store_row(C + 1 * ldc, c10, c11, va, vb, mode);
  store_row(C + 2 * ldc, c20, c21, va, vb, mode);
  store_row(C + 3 * ldc, c30, c31, va, vb, mode);
  store_row(C + 4 * ldc, c40, c41, va, vb, mode);
  store_row(C + 5 * ldc, c50, c51, va, vb, mode);
  store_row(C + 6 * ldc, c60, c61, va, vb, mode);
  store_row(C + 7 * ldc, c70, c71, va, vb, mode);
  store_row(C + 8 * ldc, c80, c81, va, vb, mode);
  store_row(C + 9 * ldc, c90, c91, va, vb, mode);
  store_row(C + 10 * ldc, c100, c101, va, vb, mode);
  store_row(C + 11 * ldc, c110, c111, va, vb, mode);
  store_row(C + 12 * ldc, c120, c121, va, vb, mode);
  store_row(C + 13 * ldc, c130, c131, va, vb, mode);
}

}  // namespace vgg
#endif
