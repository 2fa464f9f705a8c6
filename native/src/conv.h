// Convolution kernels (NCHW, row-major, float32).
#pragma once

#include "platform.h"

#include <cstdint>

namespace vgg {

struct ConvParams {
  int64_t batch, inC, outC, inH, inW, outH, outW, kH, kW, strideH, strideW, padH, padW, dilH, dilW;
};

enum class ConvAlgo { automatic = 0, winograd = 1, im2col = 2 };
void set_conv_algo(ConvAlgo a);
ConvAlgo conv_algo();

// x[N,Cin,H,W] * w[Cout,Cin,kH,kW] + bias[Cout] -> y[N,Cout,outH,outW] (bias may be null).
void conv2d_forward(const float* x, const float* w, const float* bias, float* y, const ConvParams& p);
// gy[N,Cout,outH,outW], w[Cout,Cin,kH,kW] -> gx[N,Cin,H,W] (overwritten).
void conv2d_backward_input(const float* gy, const float* w, float* gx, const ConvParams& p);
// gy[N,Cout,outH,outW], x[N,Cin,H,W] -> gw[Cout,Cin,kH,kW] (overwritten).
void conv2d_backward_weight(const float* gy, const float* x, float* gw, const ConvParams& p);

// ---- Winograd F(4×4, 3×3) (winograd.cc) ----

// One 3×3, stride-1, dilation-1 convolution in Winograd form:
//   y[n,k,oy,ox] = bias[k] + Σ_c Σ_{u,v<3} x[n,c,oy-padH+u,ox-padW+v] · g(k,c,u,v)
// with x zero outside [0,H)×[0,W), and
//   g(k,c,u,v) = w[k*w_sk + c*w_sc + u*3 + v]           (flip = false)
//   g(k,c,u,v) = w[k*w_sk + c*w_sc + (2-u)*3 + (2-v)]   (flip = true).
struct WinoProblem {
  int64_t N, C, K, H, W, OH, OW, padH, padW;
  const float* x;
  float* y;
  const float* bias;  // may be null
  const float* w;
  int64_t w_sk, w_sc;
  bool flip;
};
void winograd_conv3x3(const WinoProblem& q);

// Up to kWinoMaxCW tiles taken from anywhere in a batch, one per lane: tile l is
// tile row th[l], tile column tw[l] of image n[l]. Maps narrower than a vector of
// tiles fill the lanes from several tile rows and images this way.
constexpr int kWinoMaxCW = 16;
struct WinoLanes {
  int L;
  int64_t n[kWinoMaxCW], th[kWinoMaxCW], tw[kWinoMaxCW];
};

// Per-ISA tile transforms (wino_transforms.inc), CW tiles per call.
struct WinoTransforms {
  int cw;      // tiles per input/output call
  int wlanes;  // lanes of the weight transform (>= the GEMM kernel's MR)
  // Input tiles l < L: rows iy0..iy0+5, columns ix0+4l .. ix0+4l+5 of a [H,W] plane
  // (zero outside) -> out[ξ*ldo + l] = (Bᵀ d B)[ξ], ξ = 6i + j.
  void (*input)(const float* plane, int64_t H, int64_t W, int64_t iy0, int64_t ix0, int L, float* out,
                int64_t ldo);
  // m[ξ*ldm + l] (l < L) -> y[oy0+p, ox0+4l+q] = (Aᵀ m A)[p,q] + bias, clipped to [OH,OW].
  void (*output)(const float* m, int64_t ldm, float bias, float* y, int64_t OH, int64_t OW, int64_t oy0,
                 int64_t ox0, int L);
  // As input, for the tiles of t: image n's plane is xc + n·img_stride, tile (th, tw)
  // covers rows 4th − padH .. +5 and columns 4tw − padW .. +5.
  void (*input_lanes)(const float* xc, int64_t img_stride, int64_t H, int64_t W, int64_t padH, int64_t padW,
                      const WinoLanes& t, float* out, int64_t ldo);
  // As output, for the tiles of t: image n's plane is y + n·img_stride.
  void (*output_lanes)(const float* m, int64_t ldm, float bias, float* y, int64_t img_stride, int64_t OH,
                       int64_t OW, const WinoLanes& t);
  // U[qp][ξ][c][mr] = (G g Gᵀ)[ξ] for output-channel panels qp in [qlo, qhi) of mr
  // channels (mr <= lanes of this ISA; channels >= K are zero), where
  // g(k,c,u,v) is read as in WinoProblem.
  void (*weights)(const float* w, int64_t w_sk, int64_t w_sc, bool flip, int64_t K, int64_t C, int mr,
                  int64_t qlo, int64_t qhi, float* U);
};
extern const WinoTransforms kWinoGeneric;
#if VGG_X86_64
extern const WinoTransforms kWinoAvx2;
extern const WinoTransforms kWinoAvx512;
#endif

}  // namespace vgg
