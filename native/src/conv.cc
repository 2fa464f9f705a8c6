// Convolution forward and gradients (NCHW float32).
//
//   forward          3×3/stride 1/dilation 1 with ≥ 8 input and output channels,
//                    when a cost model says it beats im2col (small spatial sizes at
//                    batch 1 do not: the weight transform dominates): Winograd
//                    F(4×4,3×3) (winograd.cc); 1×1/stride 1/no padding: one
//                    GEMM per image on x itself; otherwise im2col + GEMM, chunked
//                    over output positions so the column buffer stays bounded.
//   backward input   Winograd on the flipped, transposed weights when the
//                    forward could use it (padding ≤ 2); otherwise GEMM (Wᵀ·gy)
//                    + col2im. 1×1/stride 1/no padding: one GEMM per image.
//   backward weight  im2col + GEMM (gy · colᵀ), several images per GEMM when their
//                    columns fit the budget, else chunks of one image.
#include <algorithm>
#include <cstring>

#include "conv.h"
#include "gemm.h"
#include "scratch.h"
#include "threadpool.h"

namespace vgg {
namespace {

ConvAlgo g_algo = ConvAlgo::automatic;

// Column buffer budget (floats) for im2col chunks.
constexpr int64_t kColBudget = int64_t(1) << 21;
// Columns per weight-gradient GEMM when whole images are grouped: about one
// core's L2 (512 KB), so the GEMM packs columns im2col has just written while
// they are still in cache (8 MB groups ran 20–30 % slower at 28×28 and 14×14).
constexpr int64_t kGradColBudget = int64_t(1) << 17;

bool is_pointwise(const ConvParams& p) {
  return p.kH == 1 && p.kW == 1 && p.strideH == 1 && p.strideW == 1 && p.padH == 0 && p.padW == 0 &&
         p.outH == p.inH && p.outW == p.inW;
}

bool winograd_shape(const ConvParams& p) {
  return p.kH == 3 && p.kW == 3 && p.strideH == 1 && p.strideW == 1 && p.dilH == 1 && p.dilW == 1 &&
         p.outH == p.inH + 2 * p.padH - 2 && p.outW == p.inW + 2 * p.padW - 2;
}

// Rough cost model (nanoseconds on one AVX2 core) deciding between Winograd
// and im2col for a stride-1 3×3 convolution with C inputs, K outputs and an
// n × oh × ow output: GEMM work at ~75 flop/ns plus memory-bound passes
// (im2col columns; Winograd weight, input and output transforms).
bool winograd_pays(int64_t n, int64_t C, int64_t K, int64_t oh, int64_t ow) {
  const double pixels = double(n) * oh * ow;
  const double tiles = double(n) * ((oh + 3) / 4) * ((ow + 3) / 4);
  const double ck = double(C) * K;
  const double t_im2col = 18.0 * pixels * ck / 75.0 + 9.0 * C * pixels * 1.4;
  const double t_wino = 72.0 * tiles * ck / 75.0 + 36.0 * ck * 1.0 + 36.0 * tiles * (C + K) * 1.2;
  return t_wino < t_im2col;
}

bool use_winograd(const ConvParams& p, int64_t cin, int64_t cout, int64_t n, int64_t oh, int64_t ow) {
  if (g_algo == ConvAlgo::im2col || !winograd_shape(p)) return false;
  if (g_algo == ConvAlgo::winograd) return true;
  return cin >= 8 && cout >= 8 && winograd_pays(n, cin, cout, oh, ow);
}

int64_t col_chunk(const ConvParams& p) {
  const int64_t kdim = p.inC * p.kH * p.kW, hw = p.outH * p.outW;
  return std::min<int64_t>(hw, std::max<int64_t>(256, kColBudget / std::max<int64_t>(kdim, 1)));
}

// dst[j], j < np: row r = (c·kH + u)·kW + v of the columns, the input pixel seen by
// kernel tap (u,v) of channel c at output position p0 + j of image xn[C,H,W]
// (0 outside the image). With stride 1 each output row's run splits into a zero
// head, a contiguous copy and a zero tail, so no pixel is bounds-checked.
void im2col_row(const float* xn, const ConvParams& p, int64_t r, int64_t p0, int64_t np, float* dst) {
  const int64_t K = p.kH * p.kW;
  const int64_t c = r / K, u = (r % K) / p.kW, v = r % p.kW;
  const float* plane = xn + c * p.inH * p.inW;
  int64_t j = 0, oy = p0 / p.outW, ox = p0 % p.outW;
  while (j < np) {
    const int64_t run = std::min<int64_t>(p.outW - ox, np - j);
    const int64_t iy = oy * p.strideH - p.padH + u * p.dilH;
    float* out = dst + j;
    if (iy < 0 || iy >= p.inH) {
      for (int64_t e = 0; e < run; ++e) out[e] = 0.f;
    } else {
      const float* row = plane + iy * p.inW;
      const int64_t ix0 = ox * p.strideW - p.padW + v * p.dilW;
      if (p.strideW == 1) {
        const int64_t lo = std::clamp<int64_t>(-ix0, 0, run), hi = std::clamp<int64_t>(p.inW - ix0, lo, run);
        for (int64_t e = 0; e < lo; ++e) out[e] = 0.f;
        for (int64_t e = lo; e < hi; ++e) out[e] = row[ix0 + e];
        for (int64_t e = hi; e < run; ++e) out[e] = 0.f;
      } else {
        for (int64_t e = 0; e < run; ++e) {
          const int64_t ix = ix0 + e * p.strideW;
          out[e] = (ix >= 0 && ix < p.inW) ? row[ix] : 0.f;
        }
      }
    }
    j += run;
    ox = 0;
    ++oy;
  }
}

// col[r·ld + j], j < np: im2col_row r of image xn at output positions p0 + j.
// ld ≥ np lets several images' columns sit side by side in one buffer.
void im2col(const float* xn, const ConvParams& p, int64_t p0, int64_t np, float* col, int64_t ld) {
  parallel_for(0, p.inC * p.kH * p.kW, std::max<int64_t>(1, 16384 / std::max<int64_t>(np, 1)),
               [&](int64_t lo, int64_t hi) {
                 for (int64_t r = lo; r < hi; ++r) im2col_row(xn, p, r, p0, np, col + r * ld);
               });
}

// The whole-image columns of m consecutive images x[m,C,H,W] side by side:
// col[r·m·hw + i·hw + j] for image i, in one parallel region.
void im2col_images(const float* x, const ConvParams& p, int64_t m, float* col) {
  const int64_t rows = p.inC * p.kH * p.kW, hw = p.outH * p.outW, inImage = p.inC * p.inH * p.inW;
  parallel_for(0, rows * m, std::max<int64_t>(1, 16384 / std::max<int64_t>(hw, 1)), [&](int64_t lo, int64_t hi) {
    for (int64_t t = lo; t < hi; ++t) {
      const int64_t r = t / m, i = t % m;
      im2col_row(x + i * inImage, p, r, 0, hw, col + (r * m + i) * hw);
    }
  });
}

// Adjoint of im2col: gxn[C,H,W] += scatter of col[r][j]. Threads own channels.
void col2im_add(const float* col, const ConvParams& p, int64_t p0, int64_t np, float* gxn) {
  const int64_t K = p.kH * p.kW;
  parallel_for(0, p.inC, 1, [&](int64_t lo, int64_t hi) {
    for (int64_t c = lo; c < hi; ++c) {
      float* plane = gxn + c * p.inH * p.inW;
      for (int64_t k = 0; k < K; ++k) {
        const int64_t u = k / p.kW, v = k % p.kW;
        const float* src = col + (c * K + k) * np;
        int64_t j = 0, oy = p0 / p.outW, ox = p0 % p.outW;
        while (j < np) {
          const int64_t run = std::min<int64_t>(p.outW - ox, np - j);
          const int64_t iy = oy * p.strideH - p.padH + u * p.dilH;
          if (iy >= 0 && iy < p.inH) {
            float* row = plane + iy * p.inW;
            const int64_t ix0 = ox * p.strideW - p.padW + v * p.dilW;
            if (p.strideW == 1 && ix0 >= 0 && ix0 + run <= p.inW) {
              for (int64_t e = 0; e < run; ++e) row[ix0 + e] += src[j + e];
            } else {
              for (int64_t e = 0; e < run; ++e) {
                const int64_t ix = ix0 + e * p.strideW;
                if (ix >= 0 && ix < p.inW) row[ix] += src[j + e];
              }
            }
          }
          j += run;
          ox = 0;
          ++oy;
        }
      }
    }
  });
}

// yn[channels,hw] = bias[c] per channel.
void fill_bias(float* yn, const float* bias, int64_t channels, int64_t hw) {
  parallel_for(0, channels, std::max<int64_t>(1, 16384 / std::max<int64_t>(hw, 1)), [&](int64_t lo, int64_t hi) {
    for (int64_t c = lo; c < hi; ++c) std::fill(yn + c * hw, yn + (c + 1) * hw, bias[c]);
  });
}

}  // namespace

void set_conv_algo(ConvAlgo a) { g_algo = a; }
ConvAlgo conv_algo() { return g_algo; }

// x[N,Cin,H,W], w[Cout,Cin,kH,kW], bias[Cout] or null -> y[N,Cout,outH,outW].
void conv2d_forward(const float* x, const float* w, const float* bias, float* y, const ConvParams& p) {
  const int64_t hw = p.outH * p.outW, inHW = p.inH * p.inW;
  const int64_t kdim = p.inC * p.kH * p.kW;
  if (p.batch == 0 || p.outC == 0 || hw == 0) return;
  if (use_winograd(p, p.inC, p.outC, p.batch, p.outH, p.outW)) {
    WinoProblem q{p.batch, p.inC, p.outC, p.inH, p.inW, p.outH, p.outW, p.padH, p.padW,
                  x, y, bias, w, p.inC * 9, 9, false};
    winograd_conv3x3(q);
    return;
  }
  for (int64_t n = 0; n < p.batch; ++n) {
    const float* xn = x + n * p.inC * inHW;
    float* yn = y + n * p.outC * hw;
    if (bias) fill_bias(yn, bias, p.outC, hw);
    const float beta = bias ? 1.f : 0.f;
    if (is_pointwise(p)) {
      sgemm(false, false, p.outC, hw, p.inC, 1.f, w, p.inC, xn, hw, beta, yn, hw);
      continue;
    }
    const int64_t chunk = col_chunk(p);
    float* col = scratch(0, kScratchCol, static_cast<size_t>(kdim) * chunk);
    if (!col) return;
    for (int64_t p0 = 0; p0 < hw; p0 += chunk) {
      const int64_t np = std::min<int64_t>(chunk, hw - p0);
      im2col(xn, p, p0, np, col, np);
      sgemm(false, false, p.outC, np, kdim, 1.f, w, kdim, col, np, beta, yn + p0, hw);
    }
  }
}

// gy[N,Cout,outH,outW], w[Cout,Cin,kH,kW] -> gx[N,Cin,H,W] (overwritten).
void conv2d_backward_input(const float* gy, const float* w, float* gx, const ConvParams& p) {
  const int64_t hw = p.outH * p.outW, inHW = p.inH * p.inW;
  const int64_t kdim = p.inC * p.kH * p.kW;
  if (p.batch == 0 || p.inC == 0 || inHW == 0) return;
  if (p.padH <= 2 && p.padW <= 2 && hw > 0 && use_winograd(p, p.outC, p.inC, p.batch, p.inH, p.inW)) {
    // gx = conv(gy, w flipped, channels swapped, padding 2 − pad).
    WinoProblem q{p.batch, p.outC, p.inC, p.outH, p.outW, p.inH, p.inW, 2 - p.padH, 2 - p.padW,
                  gy, gx, nullptr, w, 9, p.inC * 9, true};
    winograd_conv3x3(q);
    return;
  }
  for (int64_t n = 0; n < p.batch; ++n) {
    const float* gyn = gy + n * p.outC * hw;
    float* gxn = gx + n * p.inC * inHW;
    if (is_pointwise(p)) {
      sgemm(true, false, p.inC, hw, p.outC, 1.f, w, p.inC, gyn, hw, 0.f, gxn, hw);
      continue;
    }
    parallel_for(0, p.inC, 1, [&](int64_t lo, int64_t hi) {
      std::memset(gxn + lo * inHW, 0, sizeof(float) * (hi - lo) * inHW);
    });
    if (hw == 0 || p.outC == 0) continue;
    const int64_t chunk = col_chunk(p);
    float* col = scratch(0, kScratchCol, static_cast<size_t>(kdim) * chunk);
    if (!col) return;
    for (int64_t p0 = 0; p0 < hw; p0 += chunk) {
      const int64_t np = std::min<int64_t>(chunk, hw - p0);
      sgemm(true, false, kdim, np, p.outC, 1.f, w, kdim, gyn + p0, hw, 0.f, col, np);
      col2im_add(col, p, p0, np, gxn);
    }
  }
}

// gy[N,Cout,outH,outW], x[N,Cin,H,W] -> gw[Cout, Cin·kH·kW] (overwritten), summed over images.
// When whole images fit the column budget, m images go into one GEMM
// (gy gathered to [Cout][m·outH·outW], columns side by side): one GEMM per image
// has a reduction of only outH·outW (49 at 7×7), and small maps then spend their
// time packing and synchronising instead of multiplying.
void conv2d_backward_weight(const float* gy, const float* x, float* gw, const ConvParams& p) {
  const int64_t hw = p.outH * p.outW, inHW = p.inH * p.inW;
  const int64_t kdim = p.inC * p.kH * p.kW;
  if (p.outC == 0 || kdim == 0) return;
  if (p.batch == 0 || hw == 0) {
    std::memset(gw, 0, sizeof(float) * p.outC * kdim);
    return;
  }
  bool first = true;
  if (is_pointwise(p)) {
    for (int64_t n = 0; n < p.batch; ++n) {
      sgemm(false, true, p.outC, p.inC, hw, 1.f, gy + n * p.outC * hw, hw, x + n * p.inC * inHW, hw, first ? 0.f : 1.f, gw, p.inC);
      first = false;
    }
    return;
  }
  const int64_t chunk = col_chunk(p);
  if (chunk == hw) {
    const int64_t group = std::clamp<int64_t>(kGradColBudget / (kdim * hw), 1, p.batch);
    float* col = scratch(0, kScratchCol, static_cast<size_t>(kdim) * group * hw);
    float* g = group > 1 ? scratch(0, kScratchGy, static_cast<size_t>(p.outC) * group * hw) : nullptr;
    if (!col || (group > 1 && !g)) return;
    for (int64_t n0 = 0; n0 < p.batch; n0 += group) {
      const int64_t m = std::min(group, p.batch - n0), K = m * hw;
      im2col_images(x + n0 * p.inC * inHW, p, m, col);
      const float* a = gy + n0 * p.outC * hw;
      if (m > 1) {
        parallel_for(0, p.outC, 1, [&](int64_t lo, int64_t hi) {
          for (int64_t c = lo; c < hi; ++c)
            for (int64_t i = 0; i < m; ++i) std::memcpy(g + c * K + i * hw, a + (i * p.outC + c) * hw, sizeof(float) * hw);
        });
        a = g;
      }
      sgemm(false, true, p.outC, kdim, K, 1.f, a, K, col, K, first ? 0.f : 1.f, gw, kdim);
      first = false;
    }
    return;
  }
  float* col = scratch(0, kScratchCol, static_cast<size_t>(kdim) * chunk);
  if (!col) return;
  for (int64_t n = 0; n < p.batch; ++n) {
    const float* gyn = gy + n * p.outC * hw;
    const float* xn = x + n * p.inC * inHW;
    for (int64_t p0 = 0; p0 < hw; p0 += chunk) {
      const int64_t np = std::min<int64_t>(chunk, hw - p0);
      im2col(xn, p, p0, np, col, np);
      sgemm(false, true, p.outC, kdim, np, 1.f, gyn + p0, hw, col, np, first ? 0.f : 1.f, gw, kdim);
      first = false;
    }
  }
}

}  // namespace vgg
