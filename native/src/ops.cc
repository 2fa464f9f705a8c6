// Simple threaded loops for everything that is not a GEMM or a convolution.
#include "ops.h"

#include <algorithm>
#include <cmath>
#include <cstring>
#include <limits>

#include "threadpool.h"

namespace vgg {
namespace {

constexpr int64_t kGrainElems = 16384;  // elements per parallel chunk, roughly

int64_t grain_for(int64_t per_item) {
  return std::max<int64_t>(1, kGrainElems / std::max<int64_t>(per_item, 1));
}

// Channel sums keep kLanes float64 partial sums (element i goes to lane i mod kLanes,
// a row's tail to lane 0) so the adds vectorise instead of waiting on one chain.
constexpr int64_t kLanes = 8;

double fold(const double (&lanes)[kLanes]) {
  return ((lanes[0] + lanes[1]) + (lanes[2] + lanes[3])) + ((lanes[4] + lanes[5]) + (lanes[6] + lanes[7]));
}

// Calls add(lane, i) for i < n in that lane order (whole blocks of kLanes, then the tail in lane 0).
template <class F>
inline void for_lanes(int64_t n, F&& add) {
  int64_t i = 0;
  for (; i + kLanes <= n; i += kLanes)
    for (int64_t l = 0; l < kLanes; ++l) add(l, i + l);
  for (; i < n; ++i) add(0, i);
}

// 1 if, of two candidates in scan order, the pooling rule keeps the later one
// (larger, or NaN while the earlier one is not), else 0. Bitwise, not ||: a
// branch here mispredicts on every other window of real activations.
inline int32_t later_wins(float earlier, float later) {
  return static_cast<int32_t>(later > earlier) |
         (static_cast<int32_t>(later != later) & static_cast<int32_t>(earlier == earlier));
}

// VGG's pool (2×2 windows, stride 2, no padding, every window inside the image):
// a tournament over each window's four values keeps the generic scan's choice
// (first NaN, else first maximum) without its per-tap bounds checks.
void maxpool2x2(const float* x, float* y, int32_t* idx, const PoolParams& p) {
  const int64_t inPlane = p.inH * p.inW, outPlane = p.outH * p.outW;
  parallel_for(0, p.planes, grain_for(outPlane * 4), [&](int64_t lo, int64_t hi) {
    for (int64_t c = lo; c < hi; ++c) {
      const float* xc = x + c * inPlane;
      for (int64_t oy = 0; oy < p.outH; ++oy) {
        const int32_t r0 = static_cast<int32_t>(2 * oy * p.inW), r1 = static_cast<int32_t>(r0 + p.inW);
        float* yr = y + c * outPlane + oy * p.outW;
        int32_t* ir = idx + c * outPlane + oy * p.outW;
        for (int64_t ox = 0; ox < p.outW; ++ox) {
          const int32_t i = static_cast<int32_t>(2 * ox);
          const int32_t top = r0 + i + later_wins(xc[r0 + i], xc[r0 + i + 1]);
          const int32_t bottom = r1 + i + later_wins(xc[r1 + i], xc[r1 + i + 1]);
          const int32_t best = top + (bottom - top) * later_wins(xc[top], xc[bottom]);
          yr[ox] = xc[best];
          ir[ox] = best;
        }
      }
    }
  });
}

}  // namespace

// x[planes,inH,inW] -> y[planes,outH,outW], idx = flat in-plane index of the max
// (−inf padding; NaN wins and stops the scan; first maximum wins; −1 if the window is empty).
void maxpool2d(const float* x, float* y, int32_t* idx, const PoolParams& p) {
  const int64_t inPlane = p.inH * p.inW, outPlane = p.outH * p.outW;
  if (p.kH == 2 && p.kW == 2 && p.strideH == 2 && p.strideW == 2 && p.padH == 0 && p.padW == 0 && p.dilH == 1 &&
      p.dilW == 1 && 2 * p.outH <= p.inH && 2 * p.outW <= p.inW) {
    maxpool2x2(x, y, idx, p);
    return;
  }
  parallel_for(0, p.planes, grain_for(outPlane * p.kH * p.kW), [&](int64_t lo, int64_t hi) {
    for (int64_t c = lo; c < hi; ++c) {
      const float* xc = x + c * inPlane;
      for (int64_t oy = 0; oy < p.outH; ++oy) {
        for (int64_t ox = 0; ox < p.outW; ++ox) {
          float best = -std::numeric_limits<float>::infinity();
          int64_t bestIndex = -1;
          for (int64_t ky = 0; ky < p.kH; ++ky) {
            const int64_t iy = oy * p.strideH - p.padH + ky * p.dilH;
            if (iy < 0 || iy >= p.inH) continue;
            for (int64_t kx = 0; kx < p.kW; ++kx) {
              const int64_t ix = ox * p.strideW - p.padW + kx * p.dilW;
              if (ix < 0 || ix >= p.inW) continue;
              const float v = xc[iy * p.inW + ix];
              if (v > best || std::isnan(v) || bestIndex < 0) {
                best = v;
                bestIndex = iy * p.inW + ix;
                if (std::isnan(v)) break;
              }
            }
            if (std::isnan(best)) break;
          }
          const int64_t o = c * outPlane + oy * p.outW + ox;
          y[o] = best;
          idx[o] = static_cast<int32_t>(bestIndex);
        }
      }
    }
  });
}

// gx[planes,inH,inW] = scatter-add of gy[planes,outH,outW] at idx (−1 skipped).
void maxpool2d_backward(const float* gy, const int32_t* idx, float* gx, const PoolParams& p) {
  const int64_t inPlane = p.inH * p.inW, outPlane = p.outH * p.outW;
  parallel_for(0, p.planes, grain_for(inPlane + outPlane), [&](int64_t lo, int64_t hi) {
    for (int64_t c = lo; c < hi; ++c) {
      float* g = gx + c * inPlane;
      std::memset(g, 0, sizeof(float) * inPlane);
      for (int64_t o = 0; o < outPlane; ++o) {
        const int32_t i = idx[c * outPlane + o];
        if (i >= 0 && i < inPlane) g[i] += gy[c * outPlane + o];
      }
    }
  });
}

// x[planes,H,W] -> y[planes,oh,ow]; bin i covers [⌊i·H/oh⌋, ⌈(i+1)·H/oh⌉); float64 sums.
void adaptive_avgpool2d(const float* x, float* y, int64_t planes, int64_t H, int64_t W, int64_t oh, int64_t ow) {
  parallel_for(0, planes, grain_for(H * W), [&](int64_t lo, int64_t hi) {
    for (int64_t c = lo; c < hi; ++c) {
      for (int64_t oy = 0; oy < oh; ++oy) {
        const int64_t y0 = oy * H / oh, y1 = ((oy + 1) * H + oh - 1) / oh;
        for (int64_t ox = 0; ox < ow; ++ox) {
          const int64_t x0 = ox * W / ow, x1 = ((ox + 1) * W + ow - 1) / ow;
          double acc = 0;
          for (int64_t iy = y0; iy < y1; ++iy)
            for (int64_t ix = x0; ix < x1; ++ix) acc += x[(c * H + iy) * W + ix];
          y[(c * oh + oy) * ow + ox] = static_cast<float>(acc / static_cast<double>((y1 - y0) * (x1 - x0)));
        }
      }
    }
  });
}

// gy[planes,oh,ow] -> gx[planes,H,W]: each output's gradient shared evenly over its bin.
void adaptive_avgpool2d_backward(const float* gy, float* gx, int64_t planes, int64_t H, int64_t W, int64_t oh,
                                 int64_t ow) {
  parallel_for(0, planes, grain_for(H * W), [&](int64_t lo, int64_t hi) {
    for (int64_t c = lo; c < hi; ++c) {
      float* g = gx + c * H * W;
      std::memset(g, 0, sizeof(float) * H * W);
      for (int64_t oy = 0; oy < oh; ++oy) {
        const int64_t y0 = oy * H / oh, y1 = ((oy + 1) * H + oh - 1) / oh;
        for (int64_t ox = 0; ox < ow; ++ox) {
          const int64_t x0 = ox * W / ow, x1 = ((ox + 1) * W + ow - 1) / ow;
          const double share =
              static_cast<double>(gy[(c * oh + oy) * ow + ox]) / static_cast<double>((y1 - y0) * (x1 - x0));
          for (int64_t iy = y0; iy < y1; ++iy)
            for (int64_t ix = x0; ix < x1; ++ix) {
              float& v = g[iy * W + ix];
              v = static_cast<float>(static_cast<double>(v) + share);
            }
        }
      }
    }
  });
}

// x[N,C,HW] -> y = x·scale + shift per channel, scale = invStd·weight, shift = bias − mean·scale (float64).
void batchnorm(const float* x, float* y, int64_t N, int64_t C, int64_t HW, const float* mean, const float* invstd,
               const float* weight, const float* bias) {
  parallel_for(0, N * C, grain_for(HW), [&](int64_t lo, int64_t hi) {
    for (int64_t nc = lo; nc < hi; ++nc) {
      const int64_t c = nc % C;
      const double scale = static_cast<double>(invstd[c]) * (weight ? static_cast<double>(weight[c]) : 1.0);
      const double shift = (bias ? static_cast<double>(bias[c]) : 0.0) - static_cast<double>(mean[c]) * scale;
      const float* xs = x + nc * HW;
      float* ys = y + nc * HW;
      for (int64_t i = 0; i < HW; ++i) ys[i] = static_cast<float>(static_cast<double>(xs[i]) * scale + shift);
    }
  });
}

// g, x [N,C,HW] -> gweight[c] = Σ g·x̂, gbias[c] = Σ g (float64 sums, x̂ = (x − mean)·invstd)
// and, when gx is given, gx = weight·invstd·(g − [Σg + x̂·Σg·x̂]/count), the bracket only
// with batch statistics (they depend on x). Threads own channels; no reduction across them.
void batchnorm_backward(const float* g, const float* x, int64_t N, int64_t C, int64_t HW, const float* mean,
                        const float* invstd, const float* weight, bool batch_stats, float* gx, float* gweight,
                        float* gbias) {
  parallel_for(0, C, grain_for(N * HW), [&](int64_t lo, int64_t hi) {
    for (int64_t c = lo; c < hi; ++c) {
      const double m = mean[c], s = invstd[c];
      double lanes_g[kLanes] = {}, lanes_gxhat[kLanes] = {};
      for (int64_t n = 0; n < N; ++n) {
        const float* gs = g + (n * C + c) * HW;
        const float* xs = x + (n * C + c) * HW;
        for_lanes(HW, [&](int64_t l, int64_t i) {
          lanes_g[l] += gs[i];
          lanes_gxhat[l] += static_cast<double>(gs[i]) * (static_cast<double>(xs[i]) - m) * s;
        });
      }
      const double sum_g = fold(lanes_g), sum_gxhat = fold(lanes_gxhat);
      gweight[c] = static_cast<float>(sum_gxhat);
      gbias[c] = static_cast<float>(sum_g);
      if (!gx) continue;
      const double count = static_cast<double>(N * HW);
      const double scale = (weight ? static_cast<double>(weight[c]) : 1.0) * s;
      const double mean_g = batch_stats ? sum_g / count : 0.0;
      const double mean_gxhat = batch_stats ? sum_gxhat / count : 0.0;
      for (int64_t n = 0; n < N; ++n) {
        const float* gs = g + (n * C + c) * HW;
        const float* xs = x + (n * C + c) * HW;
        float* out = gx + (n * C + c) * HW;
        for (int64_t i = 0; i < HW; ++i)
          out[i] = static_cast<float>(scale * (gs[i] - mean_g - (static_cast<double>(xs[i]) - m) * s * mean_gxhat));
      }
    }
  });
}

// x[N,C,HW] -> per-channel mean and biased variance, two passes in float64.
void channel_moments(const float* x, int64_t N, int64_t C, int64_t HW, double* mean, double* var) {
  parallel_for(0, C, grain_for(N * HW), [&](int64_t lo, int64_t hi) {
    for (int64_t c = lo; c < hi; ++c) {
      const double count = static_cast<double>(N * HW);
      double lanes[kLanes] = {};
      for (int64_t n = 0; n < N; ++n) {
        const float* xs = x + (n * C + c) * HW;
        for_lanes(HW, [&](int64_t l, int64_t i) { lanes[l] += xs[i]; });
      }
      const double m = fold(lanes) / count;
      double sq[kLanes] = {};
      for (int64_t n = 0; n < N; ++n) {
        const float* xs = x + (n * C + c) * HW;
        for_lanes(HW, [&](int64_t l, int64_t i) {
          const double d = xs[i] - m;
          sq[l] += d * d;
        });
      }
      mean[c] = m;
      var[c] = fold(sq) / count;
    }
  });
}

// y[i] = op(x[i]), evaluated in float64 and rounded (as the reference does).
void unary(int op, const float* x, float* y, int64_t n) {
  parallel_for(0, n, kGrainElems, [&](int64_t lo, int64_t hi) {
    switch (op) {
      case kNeg:
        for (int64_t i = lo; i < hi; ++i) y[i] = -x[i];
        break;
      case kExp:
        for (int64_t i = lo; i < hi; ++i) y[i] = static_cast<float>(std::exp(static_cast<double>(x[i])));
        break;
      case kLog:
        for (int64_t i = lo; i < hi; ++i) y[i] = static_cast<float>(std::log(static_cast<double>(x[i])));
        break;
      case kSqrt:
        for (int64_t i = lo; i < hi; ++i) y[i] = static_cast<float>(std::sqrt(static_cast<double>(x[i])));
        break;
      case kAbs:
        for (int64_t i = lo; i < hi; ++i) y[i] = std::fabs(x[i]);
        break;
      case kRelu:
        for (int64_t i = lo; i < hi; ++i) y[i] = (x[i] > 0.f || std::isnan(x[i])) ? x[i] : 0.f;
        break;
      case kSigmoid:
        for (int64_t i = lo; i < hi; ++i)
          y[i] = static_cast<float>(1.0 / (1.0 + std::exp(-static_cast<double>(x[i]))));
        break;
      case kTanh:
        for (int64_t i = lo; i < hi; ++i) y[i] = static_cast<float>(std::tanh(static_cast<double>(x[i])));
        break;
      default:
        break;
    }
  });
}

void sgd_step(float* w, const float* grad, float* buf, int64_t n, const SgdParams& o) {
  const double mom = static_cast<float>(o.momentum), keep = static_cast<float>(1.0 - o.dampening);
  const double wd = static_cast<float>(o.weight_decay), neg_lr = static_cast<float>(-o.lr);
  const bool decay = o.weight_decay != 0;
  parallel_for(0, n, kGrainElems, [&](int64_t lo, int64_t hi) {
    for (int64_t i = lo; i < hi; ++i) {
      float d = o.maximize ? -grad[i] : grad[i];
      if (decay) d = static_cast<float>(d + wd * w[i]);
      float step = d;
      if (buf) {
        const float b = o.first ? d : static_cast<float>(static_cast<double>(static_cast<float>(buf[i] * mom)) + keep * d);
        buf[i] = b;
        step = o.nesterov ? static_cast<float>(d + mom * b) : b;
      }
      w[i] = static_cast<float>(w[i] + neg_lr * step);
    }
  });
}

void adam_step(float* w, const float* grad, float* m, float* v, float* v_max, int64_t n, const AdamScalars& s) {
  // Every operand below is a float32 value widened to double: products of two are
  // exact, and each result is rounded once to float32 where the reference rounds.
  const double b1 = s.b1, b2 = s.b2, c1 = s.one_minus_b1, c2 = s.one_minus_b2, eps = s.eps, wd = s.wd;
  const double decay = s.decay, neg_step = s.neg_step_size, bc2 = s.bc2_sqrt;
  parallel_for(0, n, kGrainElems, [&](int64_t lo, int64_t hi) {
    for (int64_t i = lo; i < hi; ++i) {
      float wi = s.decoupled ? static_cast<float>(w[i] * decay) : w[i];
      float gi = s.maximize ? -grad[i] : grad[i];
      if (s.l2) gi = static_cast<float>(gi + wd * wi);
      const float mi = static_cast<float>(static_cast<float>(m[i] * b1) + c1 * gi);
      const float sq = static_cast<float>(static_cast<float>(c2 * gi) * static_cast<double>(gi));
      const float vi = static_cast<float>(static_cast<float>(v[i] * b2) + static_cast<double>(sq));
      m[i] = mi;
      v[i] = vi;
      float second = vi;
      if (v_max) {
        if (vi > v_max[i] || vi != vi) v_max[i] = vi;
        second = v_max[i];
      }
      const float root = static_cast<float>(std::sqrt(static_cast<double>(second)));
      const float denom = static_cast<float>(static_cast<float>(root / bc2) + eps);
      const float update = static_cast<float>(static_cast<float>(neg_step * mi) / static_cast<double>(denom));
      w[i] = static_cast<float>(wi + static_cast<double>(update));
    }
  });
}

void relu_backward(const float* g, const float* y, float* gx, int64_t n) {
  parallel_for(0, n, kGrainElems, [&](int64_t lo, int64_t hi) {
    // g is read unconditionally so the compiler can select instead of branching.
    for (int64_t i = lo; i < hi; ++i) {
      const float gi = g[i];
      gx[i] = y[i] > 0.f ? gi : 0.f;
    }
  });
}

namespace {

template <int OP>
inline float apply(float a, float b) {
  if (OP == kAdd) return a + b;
  if (OP == kSub) return a - b;
  if (OP == kMul) return a * b;
  if (OP == kDiv) return a / b;
  if (OP == kPow) return static_cast<float>(std::pow(static_cast<double>(a), static_cast<double>(b)));
  if (std::isnan(a) || std::isnan(b)) return std::numeric_limits<float>::quiet_NaN();
  if (OP == kMax) {
    if (a == b) return std::signbit(a) ? b : a;  // max(−0, +0) = +0
    return a > b ? a : b;
  }
  if (a == b) return std::signbit(a) ? a : b;  // min(−0, +0) = −0
  return a < b ? a : b;
}

template <int OP>
void binary_t(const float* a, const int64_t* as, const float* b, const int64_t* bs, const int64_t* shape, int rank,
              float* out) {
  int64_t total = 1;
  for (int d = 0; d < rank; ++d) total *= shape[d];
  if (total == 0) return;
  if (rank == 0) {
    out[0] = apply<OP>(a[0], b[0]);
    return;
  }
  const int64_t inner = shape[rank - 1], sa = as[rank - 1], sb = bs[rank - 1];
  const int64_t rows = total / inner;
  parallel_for(0, rows, grain_for(inner), [&](int64_t lo, int64_t hi) {
    for (int64_t r = lo; r < hi; ++r) {
      // Offsets of row r from its multi-index over the leading rank-1 dims.
      int64_t oa = 0, ob = 0, rem = r;
      for (int d = rank - 2; d >= 0; --d) {
        const int64_t i = rem % shape[d];
        rem /= shape[d];
        oa += i * as[d];
        ob += i * bs[d];
      }
      const float* pa = a + oa;
      const float* pb = b + ob;
      float* po = out + r * inner;
      if (sa == 1 && sb == 1) {
        for (int64_t i = 0; i < inner; ++i) po[i] = apply<OP>(pa[i], pb[i]);
      } else if (sa == 1 && sb == 0) {
        const float bv = pb[0];
        for (int64_t i = 0; i < inner; ++i) po[i] = apply<OP>(pa[i], bv);
      } else if (sa == 0 && sb == 1) {
        const float av = pa[0];
        for (int64_t i = 0; i < inner; ++i) po[i] = apply<OP>(av, pb[i]);
      } else {
        for (int64_t i = 0; i < inner; ++i) po[i] = apply<OP>(pa[i * sa], pb[i * sb]);
      }
    }
  });
}

}  // namespace

// out[outShape] (contiguous) = a[Σ i_d·as_d] op b[Σ i_d·bs_d]; stride 0 broadcasts an operand.
void binary(int op, const float* a, const int64_t* as, const float* b, const int64_t* bs, const int64_t* shape,
            int rank, float* out) {
  switch (op) {
    case kAdd: binary_t<kAdd>(a, as, b, bs, shape, rank, out); break;
    case kSub: binary_t<kSub>(a, as, b, bs, shape, rank, out); break;
    case kMul: binary_t<kMul>(a, as, b, bs, shape, rank, out); break;
    case kDiv: binary_t<kDiv>(a, as, b, bs, shape, rank, out); break;
    case kPow: binary_t<kPow>(a, as, b, bs, shape, rank, out); break;
    case kMax: binary_t<kMax>(a, as, b, bs, shape, rank, out); break;
    case kMin: binary_t<kMin>(a, as, b, bs, shape, rank, out); break;
    default: break;
  }
}

// x[outer,size,inner] -> y[outer,inner] = Σ_k x[o,k,i], float64 accumulation in k order.
void sum_axis(const float* x, float* y, int64_t outer, int64_t size, int64_t inner) {
  constexpr int64_t kBlock = 512;  // inner columns per work item
  const int64_t iblocks = (inner + kBlock - 1) / kBlock;
  parallel_for(0, outer * iblocks, grain_for(size * kBlock), [&](int64_t lo, int64_t hi) {
    double acc[kBlock];
    for (int64_t w = lo; w < hi; ++w) {
      const int64_t o = w / iblocks, i0 = (w % iblocks) * kBlock, ni = std::min<int64_t>(kBlock, inner - i0);
      for (int64_t i = 0; i < ni; ++i) acc[i] = 0;
      for (int64_t k = 0; k < size; ++k) {
        const float* xs = x + (o * size + k) * inner + i0;
        for (int64_t i = 0; i < ni; ++i) acc[i] += xs[i];
      }
      for (int64_t i = 0; i < ni; ++i) y[o * inner + i0 + i] = static_cast<float>(acc[i]);
    }
  });
}

// x[outer,size,inner] -> max and first argmax over k (NaN wins; size 0 gives NaN, 0).
void max_axis(const float* x, float* values, int32_t* indices, int64_t outer, int64_t size, int64_t inner) {
  parallel_for(0, outer * inner, grain_for(size), [&](int64_t lo, int64_t hi) {
    for (int64_t w = lo; w < hi; ++w) {
      const int64_t o = w / inner, i = w % inner;
      float best = -std::numeric_limits<float>::infinity();
      int64_t bestK = 0;
      for (int64_t k = 0; k < size; ++k) {
        const float v = x[(o * size + k) * inner + i];
        if (v > best || (std::isnan(v) && !std::isnan(best))) {
          best = v;
          bestK = k;
        }
      }
      values[w] = size > 0 ? x[(o * size + bestK) * inner + i] : std::numeric_limits<float>::quiet_NaN();
      indices[w] = static_cast<int32_t>(bestK);
    }
  });
}

}  // namespace vgg
