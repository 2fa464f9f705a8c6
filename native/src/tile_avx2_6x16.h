// The 6×16 AVX2+FMA register tile shared by the packed SGEMM (gemm_avx2.cc)
// and the plan's GEMM tile (plan_kernels.inc), as inline assembly with a fixed
// register plan (GCC's allocator spills with 15 live ymm values): ymm4..ymm15
// accumulate the tile, ymm0/1 hold the B row, ymm2/3 alternate as A
// broadcasts; per k step 2 loads, 6 broadcasts, 12 FMAs, unrolled by 4.
//
//   A  row r < 3 at a0 + r·lda_bytes, row r >= 3 at a3 + (r−3)·lda_bytes;
//      column k KS bytes after column k−1 (4: rows read in place; 24: a packed
//      [kc][6] block, with a0 = A, a3 = A + 3, lda_bytes = 4)
//   B  [kc][16], 32-byte aligned; the lines pfd bytes ahead are prefetched
//   C  6 rows × 16 at c0 + r·ldc_bytes (r < 3), c3 + (r−3)·ldc_bytes:
//      C = A·B, or C += A·B when accumulate.
// Include only where the caller compiles the function for avx2,fma.
#pragma once

#include <cstdint>

#define VGG_TILE_STEP(i)                                         \
  "vmovaps " #i "*64(%[b]), %%ymm0\n\t"                          \
  "vmovaps " #i "*64+32(%[b]), %%ymm1\n\t"                       \
  "vbroadcastss " #i "*%c[ks](%[a0]), %%ymm2\n\t"                \
  "vfmadd231ps %%ymm0, %%ymm2, %%ymm4\n\t"                       \
  "vfmadd231ps %%ymm1, %%ymm2, %%ymm5\n\t"                       \
  "vbroadcastss " #i "*%c[ks](%[a0],%[ld],1), %%ymm3\n\t"        \
  "vfmadd231ps %%ymm0, %%ymm3, %%ymm6\n\t"                       \
  "vfmadd231ps %%ymm1, %%ymm3, %%ymm7\n\t"                       \
  "vbroadcastss " #i "*%c[ks](%[a0],%[ld],2), %%ymm2\n\t"        \
  "vfmadd231ps %%ymm0, %%ymm2, %%ymm8\n\t"                       \
  "vfmadd231ps %%ymm1, %%ymm2, %%ymm9\n\t"                       \
  "vbroadcastss " #i "*%c[ks](%[a3]), %%ymm3\n\t"                \
  "vfmadd231ps %%ymm0, %%ymm3, %%ymm10\n\t"                      \
  "vfmadd231ps %%ymm1, %%ymm3, %%ymm11\n\t"                      \
  "vbroadcastss " #i "*%c[ks](%[a3],%[ld],1), %%ymm2\n\t"        \
  "vfmadd231ps %%ymm0, %%ymm2, %%ymm12\n\t"                      \
  "vfmadd231ps %%ymm1, %%ymm2, %%ymm13\n\t"                      \
  "vbroadcastss " #i "*%c[ks](%[a3],%[ld],2), %%ymm3\n\t"        \
  "vfmadd231ps %%ymm0, %%ymm3, %%ymm14\n\t"                      \
  "vfmadd231ps %%ymm1, %%ymm3, %%ymm15\n\t"

namespace vgg {

template <int KS>
__attribute__((target("avx2,fma"), always_inline)) inline void avx2_tile_6x16(
    int64_t kc, const float* a0, const float* a3, int64_t lda_bytes, const float* B, int64_t pfd, float* c0,
    float* c3, int64_t ldc_bytes, bool accumulate) {
  const int64_t add = accumulate;
  int64_t k = kc;
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
      "cmp $4, %[k]\n\t"
      "jb 3f\n\t"
      "1:\n\t"
      "prefetcht0 0(%[b],%[pfd],1)\n\t"
      "prefetcht0 64(%[b],%[pfd],1)\n\t"
      VGG_TILE_STEP(0)
      VGG_TILE_STEP(1)
      "prefetcht0 128(%[b],%[pfd],1)\n\t"
      "prefetcht0 192(%[b],%[pfd],1)\n\t"
      VGG_TILE_STEP(2)
      VGG_TILE_STEP(3)
      "add $4*%c[ks], %[a0]\n\t"
      "add $4*%c[ks], %[a3]\n\t"
      "add $256, %[b]\n\t"
      "sub $4, %[k]\n\t"
      "cmp $4, %[k]\n\t"
      "jae 1b\n\t"
      "3:\n\t"
      "test %[k], %[k]\n\t"
      "jz 2f\n\t"
      "4:\n\t"
      VGG_TILE_STEP(0)
      "add $%c[ks], %[a0]\n\t"
      "add $%c[ks], %[a3]\n\t"
      "add $64, %[b]\n\t"
      "dec %[k]\n\t"
      "jnz 4b\n\t"
      "2:\n\t"
      "test %[add], %[add]\n\t"
      "jz 5f\n\t"
      "vaddps 0(%[c0]), %%ymm4, %%ymm4\n\t"
      "vaddps 32(%[c0]), %%ymm5, %%ymm5\n\t"
      "vaddps 0(%[c0],%[ldc],1), %%ymm6, %%ymm6\n\t"
      "vaddps 32(%[c0],%[ldc],1), %%ymm7, %%ymm7\n\t"
      "vaddps 0(%[c0],%[ldc],2), %%ymm8, %%ymm8\n\t"
      "vaddps 32(%[c0],%[ldc],2), %%ymm9, %%ymm9\n\t"
      "vaddps 0(%[c3]), %%ymm10, %%ymm10\n\t"
      "vaddps 32(%[c3]), %%ymm11, %%ymm11\n\t"
      "vaddps 0(%[c3],%[ldc],1), %%ymm12, %%ymm12\n\t"
      "vaddps 32(%[c3],%[ldc],1), %%ymm13, %%ymm13\n\t"
      "vaddps 0(%[c3],%[ldc],2), %%ymm14, %%ymm14\n\t"
      "vaddps 32(%[c3],%[ldc],2), %%ymm15, %%ymm15\n\t"
      "5:\n\t"
      "vmovups %%ymm4, 0(%[c0])\n\t"
      "vmovups %%ymm5, 32(%[c0])\n\t"
      "vmovups %%ymm6, 0(%[c0],%[ldc],1)\n\t"
      "vmovups %%ymm7, 32(%[c0],%[ldc],1)\n\t"
      "vmovups %%ymm8, 0(%[c0],%[ldc],2)\n\t"
      "vmovups %%ymm9, 32(%[c0],%[ldc],2)\n\t"
      "vmovups %%ymm10, 0(%[c3])\n\t"
      "vmovups %%ymm11, 32(%[c3])\n\t"
      "vmovups %%ymm12, 0(%[c3],%[ldc],1)\n\t"
      "vmovups %%ymm13, 32(%[c3],%[ldc],1)\n\t"
      "vmovups %%ymm14, 0(%[c3],%[ldc],2)\n\t"
      "vmovups %%ymm15, 32(%[c3],%[ldc],2)\n\t"
      : [a0] "+r"(a0), [a3] "+r"(a3), [b] "+r"(B), [k] "+r"(k)
      : [ld] "r"(lda_bytes), [c0] "r"(c0), [c3] "r"(c3), [ldc] "r"(ldc_bytes), [add] "r"(add), [pfd] "r"(pfd),
        [ks] "i"(KS)
      : "xmm0", "xmm1", "xmm2", "xmm3", "xmm4", "xmm5", "xmm6", "xmm7", "xmm8", "xmm9", "xmm10", "xmm11", "xmm12",
        "xmm13", "xmm14", "xmm15", "memory", "cc");
}

}  // namespace vgg

#undef VGG_TILE_STEP
