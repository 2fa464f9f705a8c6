// Packed, register-blocked SGEMM with run-time ISA dispatch.
//
// All matrices are row-major. C[M,N] = alpha · op(A)[M,K] · op(B)[K,N] + beta · C,
// where op(A) is A[M,K] (lda >= K) or, transposed, A stored as [K,M] (lda >= M);
// op(B) is B[K,N] (ldb >= N) or, transposed, B stored as [N,K] (ldb >= K).
// beta == 0 overwrites C without reading it.
#pragma once

#include "platform.h"

#include <cstdint>

#include "cpu.h"
#include "gemm_small.h"

namespace vgg {

// Micro-kernel: C[MR,NR] (row stride ldc) = alpha · Ap · Bp + beta · C, where
// Ap is an MR-row panel packed k-major ([kc][MR]) and Bp an NR-column panel
// packed k-major ([kc][NR], 64-byte aligned). beta == 0 never reads C.
using MicroKernel = void (*)(int64_t kc, const float* Ap, const float* Bp, float* C, int64_t ldc,
                             float alpha, float beta);

// Packs rows [i0, i0+mc) × cols [k0, k0+kc) of op(A) into ceil(mc/MR) panels of
// [kc][MR] (rows past mc are zero). Element (i,k) of op(A) is A[i*lda+k], or
// A[k*lda+i] when trans.
using PackAFn = void (*)(bool trans, const float* A, int64_t lda, int64_t i0, int64_t mc, int64_t k0,
                         int64_t kc, float* Ap);
// Packs rows [k0, k0+kc) × cols [j0, j0+nc) of op(B) into ceil(nc/NR) panels of
// [kc][NR] (columns past nc are zero). Element (k,j) is B[k*ldb+j], or B[j*ldb+k] when trans.
using PackBFn = void (*)(bool trans, const float* B, int64_t ldb, int64_t k0, int64_t kc, int64_t j0,
                         int64_t nc, float* Bp);

struct GemmKernel {
  Isa isa;
  int mr, nr;          // register tile
  int64_t mc, kc, nc;  // cache blocking: A block mc×kc (L2), B block kc×nc (L3)
  MicroKernel ukernel;
  PackAFn pack_a;
  PackBFn pack_b;
  SmallGemmFn small_dot;   // M <= kSmallM, transB
  SmallGemmFn small_axpy;  // M <= kSmallM, !transB
};

// The kernel table entry for the current ISA (see cpu.h).
const GemmKernel& gemm_kernel();
const GemmKernel& gemm_kernel_for(Isa isa);

// Full SGEMM (see top of file). `parallel` = false keeps it on the calling thread.
void sgemm(bool transA, bool transB, int64_t M, int64_t N, int64_t K, float alpha, const float* A,
           int64_t lda, const float* B, int64_t ldb, float beta, float* C, int64_t ldc,
           bool parallel = true);

// Runs the micro-kernel over a packed A block (ceil(m/MR) panels of [kc][MR]) and a
// packed B block (ceil(n/NR) panels of [kc][NR]) into C[m,n] (row stride ldc),
// clipping partial tiles. Single-threaded.
void gemm_macro(const GemmKernel& kr, int64_t m, int64_t n, int64_t kc, const float* Ap,
                const float* Bp, float* C, int64_t ldc, float alpha, float beta);

// Micro-kernels provided by the per-ISA translation units.
void ukernel_generic_4x8(int64_t kc, const float* Ap, const float* Bp, float* C, int64_t ldc,
                         float alpha, float beta);
#if VGG_X86_64
void ukernel_avx2_6x16(int64_t kc, const float* Ap, const float* Bp, float* C, int64_t ldc,
                       float alpha, float beta);
void ukernel_avx512_14x32(int64_t kc, const float* Ap, const float* Bp, float* C, int64_t ldc,
                          float alpha, float beta);
#endif

}  // namespace vgg
