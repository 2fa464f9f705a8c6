// Kernels of the prepared inference plan (plan.cc), one table per ISA.
//
// Activations between the plan's layers use a channel-blocked layout,
// "NCHW8c": [N][ceil(C/8)][H][W][8], channels past C zero. Every kernel works
// on 8-channel vectors, so the Winograd transforms, bias, ReLU and pooling are
// vectorised across channels with no shuffles.
//
// The table is built three times from plan_kernels.inc: for AVX-512, for
// AVX2+FMA and for the baseline ISA.
#pragma once

#include "platform.h"

#include <cstdint>

namespace vgg {

struct PlanConvGeom {
  int64_t kh, kw, sh, sw, ph, pw, dh, dw;
};

struct PlanPoolGeom {
  int64_t kh, kw, sh, sw, ph, pw, dh, dw;
};

// Epilogue flags of PlanKernels::gemm and wino_out.
enum : int {
  kPlanAcc = 1,   // gemm: C += A·B (otherwise C = A·B)
  kPlanRelu = 2,  // max(0, ·) after the bias (NaN stays NaN)
  kPlanPool = 4,  // wino_out: 2×2 stride-2 max-pool of the tile before storing
};

struct PlanKernels {
  const char* name;
  // Rows of one gemm call (6, or 12 on AVX-512).
  int mr;
  // acc[mr][16] = Σ_k A[r·lda + k] · B[k·16 + j] for rows r < mr (up to mr rows
  // are read: A must have mr readable rows) and k < kc; B is a 64-byte aligned
  // [kc][16] panel. Then, for r < rows: v = acc (+ C if kPlanAcc) (+ bias[j]) (ReLU),
  // columns 0..7 stored to C0 + r·ldc, columns 8..15 to C1 + r·ldc (skipped when C1 is null).
  void (*gemm)(int64_t kc, const float* A, int64_t lda, const float* B, float* C0, float* C1, int64_t ldc,
               int rows, const float* bias, int flags);
  // A Linear layer on its own [out][in] weights, read in place: A = ra
  // activation rows [ra][kc] at stride lda (1 <= ra <= 4), W = rw weight rows
  // [rw][kc] at stride ldw (1 <= rw <= 3), C = [ra][rw] at stride ldc:
  // v = Σ_k A[r][k]·W[j][k] (+ C if kPlanAcc) (+ bias[j]) (ReLU), stored to C[r·ldc + j].
  void (*dot)(int64_t kc, const float* A, int64_t lda, int ra, const float* W, int64_t ldw, int rw, float* C,
              int64_t ldc, const float* bias, int flags);
  // The same layer for up to eight activation rows at once: W = rw weight rows
  // [rw][kc] at stride ldw (1 <= rw <= 8), XT = the activation rows transposed,
  // [kc][8] (lane m = row m), C = [cols][rw] at stride ldc (cols <= 8):
  // v = Σ_k W[j][k]·XT[k][m] (+ C if kPlanAcc) (+ bias[j]) (ReLU), stored to C[m·ldc + j].
  void (*wt8)(int64_t kc, const float* W, int64_t ldw, int rw, const float* XT, float* C, int64_t ldc, int cols,
              const float* bias, int flags);
  // Winograd F(4×4,3×3) input transform of L consecutive tiles of one tile row:
  // tile l reads rows iy0..iy0+5, columns ix0+4l .. ix0+4l+5 of a blocked plane
  // [H][W][8] (zero outside) and writes (Bᵀ d B)[ξ] to V + l·ld_tile + ξ·ld_xi.
  void (*wino_in)(const float* plane, int64_t H, int64_t W, int64_t iy0, int64_t ix0, int L, float* V,
                  int64_t ld_tile, int64_t ld_xi);
  // Output transform of L consecutive tiles: m[ξ] = M + l·ld_tile + ξ·ld_xi ->
  // Aᵀ m A + bias8 (ReLU) -> plane [OH][OW][8] at rows oy0.., columns ox0+4l..,
  // clipped; with kPlanPool the 4×4 result is max-pooled 2×2 into a plane of
  // [OH/2][OW/2][8] (floor) at (oy0/2, ox0/2 + 2l).
  void (*wino_out)(const float* M, int64_t ld_tile, int64_t ld_xi, int L, const float* bias8, int flags,
                   float* plane, int64_t OH, int64_t OW, int64_t oy0, int64_t ox0);
  // The same transforms for two channel blocks at once (16 lanes), the second
  // block's plane plane_stride floats after the first's and its V / M / bias
  // entries 8 floats after the first's; null where vectors have 8 lanes.
  void (*wino_in2)(const float* plane, int64_t plane_stride, int64_t H, int64_t W, int64_t iy0, int64_t ix0, int L,
                   float* V, int64_t ld_tile, int64_t ld_xi);
  void (*wino_out2)(const float* M, int64_t ld_tile, int64_t ld_xi, int L, const float* bias16, int flags,
                    float* plane, int64_t plane_stride, int64_t OH, int64_t OW, int64_t oy0, int64_t ox0);
  // im2col rows for output row oy of a blocked image [Cb][H][W][8]:
  // A[ox·lda + (u·kw + v)·Cb·8 + c] = x[c][iy][ix] (zero outside), ox < OW.
  void (*im2col_blocked)(const float* img, int64_t Cb, int64_t H, int64_t W, const PlanConvGeom& g, int64_t oy,
                         int64_t OW, float* A, int64_t lda);
  // The same for a plain image [C][H][W]: A[ox·lda + (c·kh + u)·kw + v].
  void (*im2col_plain)(const float* img, int64_t C, int64_t H, int64_t W, const PlanConvGeom& g, int64_t oy,
                       int64_t OW, float* A, int64_t lda);
  // 2×2 stride-2 max-pool of two rows [OW][8] into out [OW/2][8].
  void (*pool2_row)(const float* r0, const float* r1, int64_t OW, float* out);
  // Max-pool of one blocked plane [H][W][8] -> [OH][OW][8] (−inf padding, NaN wins).
  void (*maxpool_plane)(const float* in, int64_t H, int64_t W, float* out, int64_t OH, int64_t OW,
                        const PlanPoolGeom& g);
  // Adaptive average pool of one blocked plane [H][W][8] -> [OH][OW][8] (PyTorch's bins).
  void (*avgpool_plane)(const float* in, int64_t H, int64_t W, float* out, int64_t OH, int64_t OW);
  // out[i][8] = in[i][8]·scale8 + shift8 (ReLU) for i < n pixels.
  void (*affine)(const float* in, float* out, int64_t n, const float* scale8, const float* shift8, bool relu);
  // out[i] = max(0, in[i]) for i < n (NaN stays NaN).
  void (*relu)(const float* in, float* out, int64_t n);
};

extern const PlanKernels kPlanGeneric;
#if VGG_X86_64
extern const PlanKernels kPlanAvx2;
#endif
#if VGG_X86_64 || defined(VGG_SIMDE_AVX512)
extern const PlanKernels kPlanAvx512;
#endif

}  // namespace vgg
