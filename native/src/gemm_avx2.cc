// AVX2 + FMA SGEMM micro-kernel, 6×16 register tile.
//
// Ap: [kc][6] packed rows of A; Bp: [kc][16] packed columns of B (32-byte aligned);
// C:  6 rows × 16 floats at row stride ldc.
// The k loop is inline assembly with a fixed register plan (GCC's allocator
// spills with 15 live ymm values): ymm4..ymm15 accumulate the 6×16 tile, ymm0/1
// hold the B row, ymm2/3 alternate as A broadcasts; per k step 2 loads, 6
// broadcasts, 12 FMAs, unrolled by 4. The alpha/beta epilogue is intrinsics.
// Compiled with a per-function target attribute (no -mavx2 for the whole file),
// so the library still loads on CPUs without AVX2; gemm.cc dispatches at run time.
#include "platform.h"

#if VGG_X86_64
#include <immintrin.h>

#include "gemm.h"

#define VGG_AVX2 __attribute__((target("avx2,fma")))

namespace vgg {

VGG_AVX2 void ukernel_avx2_6x16(int64_t kc, const float* Ap, const float* Bp, float* C, int64_t ldc,
                                float alpha, float beta) {
  alignas(32) float acc[6 * 16];
  for (int r = 0; r < 6; ++r) {
    _mm_prefetch(reinterpret_cast<const char*>(C + r * ldc), _MM_HINT_T0);
    _mm_prefetch(reinterpret_cast<const char*>(C + r * ldc + 15), _MM_HINT_T0);
  }
  int64_t k4 = kc;
  __asm__ volatile(
      "vxorps %%ymm4, %%ymm4, %%ymm4\n\t"
      "vxorps %%ymm5, %%ymm5, %%ymm5\n\t"
      "vxorps %%ymm6, %%ymm6, %%ymm6\n\t"
      "vxorps %%ymm7, %%ymm7, %%ymm7\n\t"
      "vxorps %%ymm8, %%ymm8, %%ymm8\n\t"
      "vxorps %%ymm9, %%ymm9, %%ymm9\n\t"
      "vxorps %%ymm10, %%ymm10, %%ymm10\n\t"
      "vxorps %%ymm11, %%ymm11, %%ymm11\n\t"
      "vxorps %%ymm12, %%ymm12, %%ymm12\n\t"
      "vxorps %%ymm13, %%ymm13, %%ymm13\n\t"
      "vxorps %%ymm14, %%ymm14, %%ymm14\n\t"
      "vxorps %%ymm15, %%ymm15, %%ymm15\n\t"
      "cmp $4, %[k4]\n\t"
      "jb 3f\n\t"
      "1:\n\t"
      "prefetcht0 512(%[b])\n\t"
      "vmovaps 0(%[b]), %%ymm0\n\t"
      "vmovaps 32(%[b]), %%ymm1\n\t"
      "vbroadcastss 0(%[a]), %%ymm2\n\t"
      "vfmadd231ps %%ymm0, %%ymm2, %%ymm4\n\t"
      "vfmadd231ps %%ymm1, %%ymm2, %%ymm5\n\t"
      "vbroadcastss 4(%[a]), %%ymm3\n\t"
      "vfmadd231ps %%ymm0, %%ymm3, %%ymm6\n\t"
      "vfmadd231ps %%ymm1, %%ymm3, %%ymm7\n\t"
      "vbroadcastss 8(%[a]), %%ymm2\n\t"
      "vfmadd231ps %%ymm0, %%ymm2, %%ymm8\n\t"
      "vfmadd231ps %%ymm1, %%ymm2, %%ymm9\n\t"
      "vbroadcastss 12(%[a]), %%ymm3\n\t"
      "vfmadd231ps %%ymm0, %%ymm3, %%ymm10\n\t"
      "vfmadd231ps %%ymm1, %%ymm3, %%ymm11\n\t"
      "vbroadcastss 16(%[a]), %%ymm2\n\t"
      "vfmadd231ps %%ymm0, %%ymm2, %%ymm12\n\t"
      "vfmadd231ps %%ymm1, %%ymm2, %%ymm13\n\t"
      "vbroadcastss 20(%[a]), %%ymm3\n\t"
      "vfmadd231ps %%ymm0, %%ymm3, %%ymm14\n\t"
      "vfmadd231ps %%ymm1, %%ymm3, %%ymm15\n\t"
      "vmovaps 64(%[b]), %%ymm0\n\t"
      "vmovaps 96(%[b]), %%ymm1\n\t"
      "vbroadcastss 24(%[a]), %%ymm2\n\t"
      "vfmadd231ps %%ymm0, %%ymm2, %%ymm4\n\t"
      "vfmadd231ps %%ymm1, %%ymm2, %%ymm5\n\t"
      "vbroadcastss 28(%[a]), %%ymm3\n\t"
      "vfmadd231ps %%ymm0, %%ymm3, %%ymm6\n\t"
      "vfmadd231ps %%ymm1, %%ymm3, %%ymm7\n\t"
      "vbroadcastss 32(%[a]), %%ymm2\n\t"
      "vfmadd231ps %%ymm0, %%ymm2, %%ymm8\n\t"
      "vfmadd231ps %%ymm1, %%ymm2, %%ymm9\n\t"
      "vbroadcastss 36(%[a]), %%ymm3\n\t"
      "vfmadd231ps %%ymm0, %%ymm3, %%ymm10\n\t"
      "vfmadd231ps %%ymm1, %%ymm3, %%ymm11\n\t"
      "vbroadcastss 40(%[a]), %%ymm2\n\t"
      "vfmadd231ps %%ymm0, %%ymm2, %%ymm12\n\t"
      "vfmadd231ps %%ymm1, %%ymm2, %%ymm13\n\t"
      "vbroadcastss 44(%[a]), %%ymm3\n\t"
      "vfmadd231ps %%ymm0, %%ymm3, %%ymm14\n\t"
      "vfmadd231ps %%ymm1, %%ymm3, %%ymm15\n\t"
      "prefetcht0 192(%[a])\n\t"
      "vmovaps 128(%[b]), %%ymm0\n\t"
      "vmovaps 160(%[b]), %%ymm1\n\t"
      "vbroadcastss 48(%[a]), %%ymm2\n\t"
      "vfmadd231ps %%ymm0, %%ymm2, %%ymm4\n\t"
      "vfmadd231ps %%ymm1, %%ymm2, %%ymm5\n\t"
      "vbroadcastss 52(%[a]), %%ymm3\n\t"
      "vfmadd231ps %%ymm0, %%ymm3, %%ymm6\n\t"
      "vfmadd231ps %%ymm1, %%ymm3, %%ymm7\n\t"
      "vbroadcastss 56(%[a]), %%ymm2\n\t"
      "vfmadd231ps %%ymm0, %%ymm2, %%ymm8\n\t"
      "vfmadd231ps %%ymm1, %%ymm2, %%ymm9\n\t"
      "vbroadcastss 60(%[a]), %%ymm3\n\t"
      "vfmadd231ps %%ymm0, %%ymm3, %%ymm10\n\t"
      "vfmadd231ps %%ymm1, %%ymm3, %%ymm11\n\t"
      "vbroadcastss 64(%[a]), %%ymm2\n\t"
      "vfmadd231ps %%ymm0, %%ymm2, %%ymm12\n\t"
      "vfmadd231ps %%ymm1, %%ymm2, %%ymm13\n\t"
      "vbroadcastss 68(%[a]), %%ymm3\n\t"
      "vfmadd231ps %%ymm0, %%ymm3, %%ymm14\n\t"
      "vfmadd231ps %%ymm1, %%ymm3, %%ymm15\n\t"
      "vmovaps 192(%[b]), %%ymm0\n\t"
      "vmovaps 224(%[b]), %%ymm1\n\t"
      "vbroadcastss 72(%[a]), %%ymm2\n\t"
      "vfmadd231ps %%ymm0, %%ymm2, %%ymm4\n\t"
      "vfmadd231ps %%ymm1, %%ymm2, %%ymm5\n\t"
      "vbroadcastss 76(%[a]), %%ymm3\n\t"
      "vfmadd231ps %%ymm0, %%ymm3, %%ymm6\n\t"
      "vfmadd231ps %%ymm1, %%ymm3, %%ymm7\n\t"
      "vbroadcastss 80(%[a]), %%ymm2\n\t"
      "vfmadd231ps %%ymm0, %%ymm2, %%ymm8\n\t"
      "vfmadd231ps %%ymm1, %%ymm2, %%ymm9\n\t"
      "vbroadcastss 84(%[a]), %%ymm3\n\t"
      "vfmadd231ps %%ymm0, %%ymm3, %%ymm10\n\t"
      "vfmadd231ps %%ymm1, %%ymm3, %%ymm11\n\t"
      "vbroadcastss 88(%[a]), %%ymm2\n\t"
      "vfmadd231ps %%ymm0, %%ymm2, %%ymm12\n\t"
      "vfmadd231ps %%ymm1, %%ymm2, %%ymm13\n\t"
      "vbroadcastss 92(%[a]), %%ymm3\n\t"
      "vfmadd231ps %%ymm0, %%ymm3, %%ymm14\n\t"
      "vfmadd231ps %%ymm1, %%ymm3, %%ymm15\n\t"
      "add $96, %[a]\n\t"
      "add $256, %[b]\n\t"
      "sub $4, %[k4]\n\t"
      "cmp $4, %[k4]\n\t"
      "jae 1b\n\t"
      "3:\n\t"
      "test %[k4], %[k4]\n\t"
      "jz 2f\n\t"
      "4:\n\t"
      "vmovaps 0(%[b]), %%ymm0\n\t"
      "vmovaps 32(%[b]), %%ymm1\n\t"
      "vbroadcastss 0(%[a]), %%ymm2\n\t"
      "vfmadd231ps %%ymm0, %%ymm2, %%ymm4\n\t"
      "vfmadd231ps %%ymm1, %%ymm2, %%ymm5\n\t"
      "vbroadcastss 4(%[a]), %%ymm3\n\t"
      "vfmadd231ps %%ymm0, %%ymm3, %%ymm6\n\t"
      "vfmadd231ps %%ymm1, %%ymm3, %%ymm7\n\t"
      "vbroadcastss 8(%[a]), %%ymm2\n\t"
      "vfmadd231ps %%ymm0, %%ymm2, %%ymm8\n\t"
      "vfmadd231ps %%ymm1, %%ymm2, %%ymm9\n\t"
      "vbroadcastss 12(%[a]), %%ymm3\n\t"
      "vfmadd231ps %%ymm0, %%ymm3, %%ymm10\n\t"
      "vfmadd231ps %%ymm1, %%ymm3, %%ymm11\n\t"
      "vbroadcastss 16(%[a]), %%ymm2\n\t"
      "vfmadd231ps %%ymm0, %%ymm2, %%ymm12\n\t"
      "vfmadd231ps %%ymm1, %%ymm2, %%ymm13\n\t"
      "vbroadcastss 20(%[a]), %%ymm3\n\t"
      "vfmadd231ps %%ymm0, %%ymm3, %%ymm14\n\t"
      "vfmadd231ps %%ymm1, %%ymm3, %%ymm15\n\t"
      "add $24, %[a]\n\t"
      "add $64, %[b]\n\t"
      "dec %[k4]\n\t"
      "jnz 4b\n\t"
      "2:\n\t"
      "vmovaps %%ymm4, 0(%[acc])\n\t"
      "vmovaps %%ymm5, 32(%[acc])\n\t"
      "vmovaps %%ymm6, 64(%[acc])\n\t"
      "vmovaps %%ymm7, 96(%[acc])\n\t"
      "vmovaps %%ymm8, 128(%[acc])\n\t"
      "vmovaps %%ymm9, 160(%[acc])\n\t"
      "vmovaps %%ymm10, 192(%[acc])\n\t"
      "vmovaps %%ymm11, 224(%[acc])\n\t"
      "vmovaps %%ymm12, 256(%[acc])\n\t"
      "vmovaps %%ymm13, 288(%[acc])\n\t"
      "vmovaps %%ymm14, 320(%[acc])\n\t"
      "vmovaps %%ymm15, 352(%[acc])\n\t"
      : [a] "+r"(Ap), [b] "+r"(Bp), [k4] "+r"(k4)
      : [acc] "r"(acc)
      : "xmm0", "xmm1", "xmm2", "xmm3", "xmm4", "xmm5", "xmm6", "xmm7", "xmm8", "xmm9", "xmm10", "xmm11", "xmm12", "xmm13", "xmm14", "xmm15", "memory", "cc");

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
