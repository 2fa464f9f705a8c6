// GEMM for few rows (M <= kSmallM), as in fully connected layers at small
// batch: C[M,N] = alpha · A[M,K] · op(B) + beta · C with A contiguous (row
// stride lda) and B read once, unpacked. Each call computes columns [j0, j1).
//   dot  (transB, B stored [N,K]):  C[i,j] = alpha · <A_i, B_j> + beta · C[i,j]
//   axpy (B stored [K,N]):          C[i,:] = alpha · Σ_k A[i,k] · B_k + beta · C[i,:]
#pragma once

#include "platform.h"

#include <cstdint>

namespace vgg {

constexpr int64_t kSmallM = 8;

using SmallGemmFn = void (*)(int64_t M, int64_t K, float alpha, const float* A, int64_t lda, const float* B,
                             int64_t ldb, float beta, float* C, int64_t ldc, int64_t j0, int64_t j1);

void small_dot_generic(int64_t M, int64_t K, float alpha, const float* A, int64_t lda, const float* B, int64_t ldb,
                       float beta, float* C, int64_t ldc, int64_t j0, int64_t j1);
void small_axpy_generic(int64_t M, int64_t K, float alpha, const float* A, int64_t lda, const float* B, int64_t ldb,
                        float beta, float* C, int64_t ldc, int64_t j0, int64_t j1);
#if VGG_X86_64
void small_dot_avx2(int64_t M, int64_t K, float alpha, const float* A, int64_t lda, const float* B, int64_t ldb,
                    float beta, float* C, int64_t ldc, int64_t j0, int64_t j1);
void small_axpy_avx2(int64_t M, int64_t K, float alpha, const float* A, int64_t lda, const float* B, int64_t ldb,
                     float beta, float* C, int64_t ldc, int64_t j0, int64_t j1);
#endif

}  // namespace vgg
