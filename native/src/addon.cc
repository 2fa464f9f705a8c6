// Node-API entry points of vgg_native. Every kernel takes its inputs and a
// caller-allocated output as typed arrays, checks types and lengths, and runs
// synchronously on the thread pool; no JS value is kept after a call returns.
// Calls are serialised by one mutex (the pool and scratch buffers are global),
// so the addon is safe to load in several worker threads.
#include <functional>
#include <memory>
#include <mutex>
#include <string>
#include <vector>

#include "conv.h"
#include "cpu.h"
#include "gemm.h"
#include "napi_util.h"
#include "ops.h"
#include "addon.h"
#include "plan_napi.h"
#include "scratch.h"
#include "threadpool.h"

namespace vgg {

std::mutex g_kernel_mu;

namespace {

using napi::Args;
using napi::View;

napi_value finish(napi_env env) {
  if (take_alloc_failure()) return napi::throw_error(env, "vgg_native: out of memory for scratch buffers");
  return napi::undefined(env);
}

bool ranges_overlap(const void* a, size_t an, const void* b, size_t bn) {
  const char* pa = static_cast<const char*>(a);
  const char* pb = static_cast<const char*>(b);
  return pa < pb + bn && pb < pa + an;
}

// gemm(transA, transB, M, N, K, alpha, A, B, beta, C)
napi_value Gemm(napi_env env, napi_callback_info info) {
  VGG_ARGS(10, "gemm");
  bool ta, tb;
  int64_t M, N, K;
  double alpha, beta;
  if (!napi::get_bool(env, args[0], "transA", &ta) || !napi::get_bool(env, args[1], "transB", &tb) ||
      !napi::get_size(env, args[2], "M", &M) || !napi::get_size(env, args[3], "N", &N) ||
      !napi::get_size(env, args[4], "K", &K) || !napi::get_double(env, args[5], "alpha", &alpha) ||
      !napi::get_double(env, args[8], "beta", &beta))
    return nullptr;
  View<float> A, B, C;
  if (!napi::get_array(env, args[6], "A", double(M) * K, &A) || !napi::get_array(env, args[7], "B", double(K) * N, &B) ||
      !napi::get_array(env, args[9], "C", double(M) * N, &C))
    return nullptr;
  std::lock_guard<std::mutex> lk(g_kernel_mu);
  // C must not alias an input; copy inputs that overlap it.
  std::vector<float> a_copy, b_copy;
  const float* a = A.data;
  const float* b = B.data;
  const size_t cbytes = sizeof(float) * M * N;
  if (ranges_overlap(A.data, sizeof(float) * M * K, C.data, cbytes)) {
    a_copy.assign(A.data, A.data + M * K);
    a = a_copy.data();
  }
  if (ranges_overlap(B.data, sizeof(float) * K * N, C.data, cbytes)) {
    b_copy.assign(B.data, B.data + K * N);
    b = b_copy.data();
  }
  sgemm(ta, tb, M, N, K, static_cast<float>(alpha), a, ta ? M : K, b, tb ? K : N, static_cast<float>(beta), C.data,
        N);
  return finish(env);
}

bool get_conv_params(napi_env env, napi_value v, ConvParams* p) {
  int64_t a[15];
  uint32_t n = 0;
  if (!napi::get_int_list(env, v, "conv params", a, 15, &n)) return false;
  if (n != 15) {
    napi::throw_range(env, "conv params must have 15 entries");
    return false;
  }
  *p = ConvParams{a[0], a[1], a[2], a[3], a[4], a[5], a[6], a[7], a[8], a[9], a[10], a[11], a[12], a[13], a[14]};
  for (int i = 0; i < 15; ++i)
    if (a[i] < 0 || a[i] > (int64_t(1) << 31)) {
      napi::throw_range(env, "conv params must be non-negative 32-bit integers");
      return false;
    }
  if (p->strideH < 1 || p->strideW < 1 || p->dilH < 1 || p->dilW < 1) {
    napi::throw_range(env, "conv strides and dilations must be >= 1");
    return false;
  }
  return true;
}

double conv_x_len(const ConvParams& p) { return double(p.batch) * p.inC * p.inH * p.inW; }
double conv_y_len(const ConvParams& p) { return double(p.batch) * p.outC * p.outH * p.outW; }
double conv_w_len(const ConvParams& p) { return double(p.outC) * p.inC * p.kH * p.kW; }

// conv2d(x, w, bias | null, y, params[15])
napi_value Conv2d(napi_env env, napi_callback_info info) {
  VGG_ARGS(5, "conv2d");
  ConvParams p;
  if (!get_conv_params(env, args[4], &p)) return nullptr;
  View<float> x, w, bias, y;
  if (!napi::get_array(env, args[0], "x", conv_x_len(p), &x) || !napi::get_array(env, args[1], "w", conv_w_len(p), &w) ||
      !napi::get_array(env, args[2], "bias", double(p.outC), &bias, true) ||
      !napi::get_array(env, args[3], "y", conv_y_len(p), &y))
    return nullptr;
  std::lock_guard<std::mutex> lk(g_kernel_mu);
  conv2d_forward(x.data, w.data, bias.data, y.data, p);
  return finish(env);
}

// conv2dBackwardInput(gy, w, gx, params[15])
napi_value Conv2dBackwardInput(napi_env env, napi_callback_info info) {
  VGG_ARGS(4, "conv2dBackwardInput");
  ConvParams p;
  if (!get_conv_params(env, args[3], &p)) return nullptr;
  View<float> gy, w, gx;
  if (!napi::get_array(env, args[0], "gy", conv_y_len(p), &gy) || !napi::get_array(env, args[1], "w", conv_w_len(p), &w) ||
      !napi::get_array(env, args[2], "gx", conv_x_len(p), &gx))
    return nullptr;
  std::lock_guard<std::mutex> lk(g_kernel_mu);
  conv2d_backward_input(gy.data, w.data, gx.data, p);
  return finish(env);
}

// conv2dBackwardWeight(gy, x, gw, params[15])
napi_value Conv2dBackwardWeight(napi_env env, napi_callback_info info) {
  VGG_ARGS(4, "conv2dBackwardWeight");
  ConvParams p;
  if (!get_conv_params(env, args[3], &p)) return nullptr;
  View<float> gy, x, gw;
  if (!napi::get_array(env, args[0], "gy", conv_y_len(p), &gy) || !napi::get_array(env, args[1], "x", conv_x_len(p), &x) ||
      !napi::get_array(env, args[2], "gw", conv_w_len(p), &gw))
    return nullptr;
  std::lock_guard<std::mutex> lk(g_kernel_mu);
  conv2d_backward_weight(gy.data, x.data, gw.data, p);
  return finish(env);
}

bool get_pool_params(napi_env env, napi_value v, PoolParams* p) {
  int64_t a[13];
  uint32_t n = 0;
  if (!napi::get_int_list(env, v, "pool params", a, 13, &n)) return false;
  if (n != 13) {
    napi::throw_range(env, "pool params must have 13 entries");
    return false;
  }
  for (int i = 0; i < 13; ++i)
    if (a[i] < 0 || a[i] > (int64_t(1) << 31)) {
      napi::throw_range(env, "pool params must be non-negative 32-bit integers");
      return false;
    }
  *p = PoolParams{a[0], a[1], a[2], a[3], a[4], a[5], a[6], a[7], a[8], a[9], a[10], a[11], a[12]};
  if (p->strideH < 1 || p->strideW < 1 || p->dilH < 1 || p->dilW < 1) {
    napi::throw_range(env, "pool strides and dilations must be >= 1");
    return false;
  }
  if (double(p->inH) * p->inW > 2147483647.0) {
    napi::throw_range(env, "pool planes must have fewer than 2^31 elements");
    return false;
  }
  return true;
}

// maxPool2d(x, y, indices, params[13])
napi_value MaxPool2d(napi_env env, napi_callback_info info) {
  VGG_ARGS(4, "maxPool2d");
  PoolParams p;
  if (!get_pool_params(env, args[3], &p)) return nullptr;
  View<float> x, y;
  View<int32_t> idx;
  const double in = double(p.planes) * p.inH * p.inW, out = double(p.planes) * p.outH * p.outW;
  if (!napi::get_array(env, args[0], "x", in, &x) || !napi::get_array(env, args[1], "y", out, &y) ||
      !napi::get_array(env, args[2], "indices", out, &idx))
    return nullptr;
  std::lock_guard<std::mutex> lk(g_kernel_mu);
  maxpool2d(x.data, y.data, idx.data, p);
  return finish(env);
}

// maxPool2dBackward(gy, indices, gx, params[13])
napi_value MaxPool2dBackward(napi_env env, napi_callback_info info) {
  VGG_ARGS(4, "maxPool2dBackward");
  PoolParams p;
  if (!get_pool_params(env, args[3], &p)) return nullptr;
  View<float> gy, gx;
  View<int32_t> idx;
  const double in = double(p.planes) * p.inH * p.inW, out = double(p.planes) * p.outH * p.outW;
  if (!napi::get_array(env, args[0], "gy", out, &gy) || !napi::get_array(env, args[1], "indices", out, &idx) ||
      !napi::get_array(env, args[2], "gx", in, &gx))
    return nullptr;
  std::lock_guard<std::mutex> lk(g_kernel_mu);
  maxpool2d_backward(gy.data, idx.data, gx.data, p);
  return finish(env);
}

bool get_sizes(napi_env env, const Args& args, size_t first, size_t count, int64_t* out) {
  static const char* names[] = {"size 0", "size 1", "size 2", "size 3", "size 4", "size 5"};
  for (size_t i = 0; i < count; ++i)
    if (!napi::get_size(env, args[first + i], names[i], &out[i])) return false;
  return true;
}

// adaptiveAvgPool2d(x, y, planes, inH, inW, outH, outW) and its backward (gy, gx, ...)
napi_value AdaptiveAvgPool2dImpl(napi_env env, napi_callback_info info, bool backward) {
  VGG_ARGS(7, backward ? "adaptiveAvgPool2dBackward" : "adaptiveAvgPool2d");
  int64_t s[5];
  if (!get_sizes(env, args, 2, 5, s)) return nullptr;
  const int64_t planes = s[0], H = s[1], W = s[2], oh = s[3], ow = s[4];
  if ((oh == 0 || ow == 0) ? false : (H == 0 || W == 0)) return napi::throw_range(env, "empty input with non-empty output");
  const double in = double(planes) * H * W, out = double(planes) * oh * ow;
  View<float> a, b;
  if (!napi::get_array(env, args[0], backward ? "gy" : "x", backward ? out : in, &a) ||
      !napi::get_array(env, args[1], backward ? "gx" : "y", backward ? in : out, &b))
    return nullptr;
  std::lock_guard<std::mutex> lk(g_kernel_mu);
  if (backward) adaptive_avgpool2d_backward(a.data, b.data, planes, H, W, oh, ow);
  else adaptive_avgpool2d(a.data, b.data, planes, H, W, oh, ow);
  return finish(env);
}
napi_value AdaptiveAvgPool2d(napi_env env, napi_callback_info info) { return AdaptiveAvgPool2dImpl(env, info, false); }
napi_value AdaptiveAvgPool2dBackward(napi_env env, napi_callback_info info) {
  return AdaptiveAvgPool2dImpl(env, info, true);
}

// batchNorm(x, y, N, C, HW, mean, invStd, weight | null, bias | null)
napi_value BatchNorm(napi_env env, napi_callback_info info) {
  VGG_ARGS(9, "batchNorm");
  int64_t s[3];
  if (!get_sizes(env, args, 2, 3, s)) return nullptr;
  const int64_t N = s[0], C = s[1], HW = s[2];
  const double len = double(N) * C * HW;
  View<float> x, y, mean, invstd, weight, bias;
  if (!napi::get_array(env, args[0], "x", len, &x) || !napi::get_array(env, args[1], "y", len, &y) ||
      !napi::get_array(env, args[5], "mean", double(C), &mean) ||
      !napi::get_array(env, args[6], "invStd", double(C), &invstd) ||
      !napi::get_array(env, args[7], "weight", double(C), &weight, true) ||
      !napi::get_array(env, args[8], "bias", double(C), &bias, true))
    return nullptr;
  std::lock_guard<std::mutex> lk(g_kernel_mu);
  batchnorm(x.data, y.data, N, C, HW, mean.data, invstd.data, weight.data, bias.data);
  return finish(env);
}

// batchNormBackward(g, x, N, C, HW, mean, invStd, weight | null, batchStats, gx | null, gWeight, gBias)
napi_value BatchNormBackward(napi_env env, napi_callback_info info) {
  VGG_ARGS(12, "batchNormBackward");
  int64_t s[3];
  if (!get_sizes(env, args, 2, 3, s)) return nullptr;
  const int64_t N = s[0], C = s[1], HW = s[2];
  const double len = double(N) * C * HW;
  bool batch_stats = false;
  View<float> g, x, mean, invstd, weight, gx, gweight, gbias;
  if (napi_get_value_bool(env, args[8], &batch_stats) != napi_ok) {
    napi_throw_type_error(env, nullptr, "batchNormBackward: batchStats must be a boolean");
    return nullptr;
  }
  if (!napi::get_array(env, args[0], "g", len, &g) || !napi::get_array(env, args[1], "x", len, &x) ||
      !napi::get_array(env, args[5], "mean", double(C), &mean) ||
      !napi::get_array(env, args[6], "invStd", double(C), &invstd) ||
      !napi::get_array(env, args[7], "weight", double(C), &weight, true) ||
      !napi::get_array(env, args[9], "gx", len, &gx, true) ||
      !napi::get_array(env, args[10], "gWeight", double(C), &gweight) ||
      !napi::get_array(env, args[11], "gBias", double(C), &gbias))
    return nullptr;
  std::lock_guard<std::mutex> lk(g_kernel_mu);
  batchnorm_backward(g.data, x.data, N, C, HW, mean.data, invstd.data, weight.data, batch_stats, gx.data, gweight.data,
                     gbias.data);
  return finish(env);
}

// channelMoments(x, N, C, HW, mean: Float64Array, variance: Float64Array)
napi_value ChannelMoments(napi_env env, napi_callback_info info) {
  VGG_ARGS(6, "channelMoments");
  int64_t s[3];
  if (!get_sizes(env, args, 1, 3, s)) return nullptr;
  const int64_t N = s[0], C = s[1], HW = s[2];
  View<float> x;
  View<double> mean, var;
  if (!napi::get_array(env, args[0], "x", double(N) * C * HW, &x) ||
      !napi::get_array(env, args[4], "mean", double(C), &mean) ||
      !napi::get_array(env, args[5], "variance", double(C), &var))
    return nullptr;
  std::lock_guard<std::mutex> lk(g_kernel_mu);
  channel_moments(x.data, N, C, HW, mean.data, var.data);
  return finish(env);
}

// unary(op, x, y)
napi_value Unary(napi_env env, napi_callback_info info) {
  VGG_ARGS(3, "unary");
  int64_t op;
  if (!napi::get_int(env, args[0], "op", &op)) return nullptr;
  if (op < 0 || op >= kUnaryCount) return napi::throw_range(env, "unknown unary op");
  View<float> x, y;
  if (!napi::get_array(env, args[1], "x", 0, &x) || !napi::get_array(env, args[2], "y", double(x.length), &y))
    return nullptr;
  std::lock_guard<std::mutex> lk(g_kernel_mu);
  unary(static_cast<int>(op), x.data, y.data, static_cast<int64_t>(x.length));
  return finish(env);
}

// sgdStep(w, grad, buf | null, first, nesterov, maximize, lr, momentum, dampening, weightDecay)
napi_value SgdStep(napi_env env, napi_callback_info info) {
  VGG_ARGS(10, "sgdStep");
  View<float> w, grad, buf;
  SgdParams o;
  if (!napi::get_array(env, args[0], "w", 0, &w) || !napi::get_array(env, args[1], "grad", double(w.length), &grad) ||
      !napi::get_array(env, args[2], "buf", double(w.length), &buf, true) ||
      !napi::get_bool(env, args[3], "first", &o.first) || !napi::get_bool(env, args[4], "nesterov", &o.nesterov) ||
      !napi::get_bool(env, args[5], "maximize", &o.maximize) || !napi::get_double(env, args[6], "lr", &o.lr) ||
      !napi::get_double(env, args[7], "momentum", &o.momentum) ||
      !napi::get_double(env, args[8], "dampening", &o.dampening) ||
      !napi::get_double(env, args[9], "weightDecay", &o.weight_decay))
    return nullptr;
  if (ranges_overlap(w.data, w.length * sizeof(float), grad.data, grad.length * sizeof(float)) ||
      (buf.data && (ranges_overlap(buf.data, buf.length * sizeof(float), w.data, w.length * sizeof(float)) ||
                    ranges_overlap(buf.data, buf.length * sizeof(float), grad.data, grad.length * sizeof(float)))))
    return napi::throw_range(env, "sgdStep: w, grad and buf must not overlap");
  std::lock_guard<std::mutex> lk(g_kernel_mu);
  sgd_step(w.data, grad.data, buf.data, static_cast<int64_t>(w.length), o);
  return finish(env);
}

// adamStep(w, grad, m, v, vMax | null, scalars[9], l2, decoupled, amsgrad, maximize)
// scalars: b1, b2, 1 − b1, 1 − b2, eps, wd, decay, negStepSize, bc2Sqrt (float32 values).
napi_value AdamStep(napi_env env, napi_callback_info info) {
  VGG_ARGS(10, "adamStep");
  View<float> w, grad, m, v, vmax, sc;
  AdamScalars s;
  if (!napi::get_array(env, args[0], "w", 0, &w) || !napi::get_array(env, args[1], "grad", double(w.length), &grad) ||
      !napi::get_array(env, args[2], "m", double(w.length), &m) ||
      !napi::get_array(env, args[3], "v", double(w.length), &v) ||
      !napi::get_array(env, args[4], "vMax", double(w.length), &vmax, true) ||
      !napi::get_array(env, args[5], "scalars", 9, &sc) || !napi::get_bool(env, args[6], "l2", &s.l2) ||
      !napi::get_bool(env, args[7], "decoupled", &s.decoupled) || !napi::get_bool(env, args[8], "amsgrad", &s.amsgrad) ||
      !napi::get_bool(env, args[9], "maximize", &s.maximize))
    return nullptr;
  const size_t bytes = w.length * sizeof(float);
  const float* bufs[] = {w.data, grad.data, m.data, v.data, vmax.data};
  for (int i = 0; i < 5; ++i)
    for (int j = i + 1; j < 5; ++j)
      if (bufs[i] && bufs[j] && ranges_overlap(bufs[i], bytes, bufs[j], bytes))
        return napi::throw_range(env, "adamStep: w, grad, m, v and vMax must not overlap");
  s.b1 = sc.data[0], s.b2 = sc.data[1], s.one_minus_b1 = sc.data[2], s.one_minus_b2 = sc.data[3], s.eps = sc.data[4];
  s.wd = sc.data[5], s.decay = sc.data[6], s.neg_step_size = sc.data[7], s.bc2_sqrt = sc.data[8];
  std::lock_guard<std::mutex> lk(g_kernel_mu);
  adam_step(w.data, grad.data, m.data, v.data, vmax.data, static_cast<int64_t>(w.length), s);
  return finish(env);
}

// reluBackward(g, y, gx)
napi_value ReluBackward(napi_env env, napi_callback_info info) {
  VGG_ARGS(3, "reluBackward");
  View<float> g, y, gx;
  if (!napi::get_array(env, args[0], "g", 0, &g) || !napi::get_array(env, args[1], "y", double(g.length), &y) ||
      !napi::get_array(env, args[2], "gx", double(g.length), &gx))
    return nullptr;
  std::lock_guard<std::mutex> lk(g_kernel_mu);
  relu_backward(g.data, y.data, gx.data, static_cast<int64_t>(g.length));
  return finish(env);
}

// binary(op, a, aStrides, b, bStrides, outShape, out)
napi_value Binary(napi_env env, napi_callback_info info) {
  VGG_ARGS(7, "binary");
  constexpr uint32_t kMaxRank = 16;
  int64_t op;
  if (!napi::get_int(env, args[0], "op", &op)) return nullptr;
  if (op < 0 || op >= kBinaryCount) return napi::throw_range(env, "unknown binary op");
  int64_t as[kMaxRank], bs[kMaxRank], shape[kMaxRank];
  uint32_t na = 0, nb = 0, rank = 0;
  if (!napi::get_int_list(env, args[2], "aStrides", as, kMaxRank, &na) ||
      !napi::get_int_list(env, args[4], "bStrides", bs, kMaxRank, &nb) ||
      !napi::get_int_list(env, args[5], "outShape", shape, kMaxRank, &rank))
    return nullptr;
  if (na != rank || nb != rank) return napi::throw_range(env, "binary: strides and shape must have the same length");
  double total = 1, amax = 0, bmax = 0;
  for (uint32_t d = 0; d < rank; ++d) {
    if (shape[d] < 0 || as[d] < 0 || bs[d] < 0) return napi::throw_range(env, "binary: negative size or stride");
    total *= double(shape[d]);
    if (shape[d] > 0) {
      amax += double(shape[d] - 1) * as[d];
      bmax += double(shape[d] - 1) * bs[d];
    }
  }
  const double need_a = total > 0 ? amax + 1 : 0, need_b = total > 0 ? bmax + 1 : 0;
  View<float> a, b, out;
  if (!napi::get_array(env, args[1], "a", need_a, &a) || !napi::get_array(env, args[3], "b", need_b, &b) ||
      !napi::get_array(env, args[6], "out", total, &out))
    return nullptr;
  std::lock_guard<std::mutex> lk(g_kernel_mu);
  binary(static_cast<int>(op), a.data, as, b.data, bs, shape, static_cast<int>(rank), out.data);
  return finish(env);
}

// sumAxis(x, y, outer, size, inner)
napi_value SumAxis(napi_env env, napi_callback_info info) {
  VGG_ARGS(5, "sumAxis");
  int64_t s[3];
  if (!get_sizes(env, args, 2, 3, s)) return nullptr;
  View<float> x, y;
  if (!napi::get_array(env, args[0], "x", double(s[0]) * s[1] * s[2], &x) ||
      !napi::get_array(env, args[1], "y", double(s[0]) * s[2], &y))
    return nullptr;
  std::lock_guard<std::mutex> lk(g_kernel_mu);
  sum_axis(x.data, y.data, s[0], s[1], s[2]);
  return finish(env);
}

// maxAxis(x, values, indices, outer, size, inner)
napi_value MaxAxis(napi_env env, napi_callback_info info) {
  VGG_ARGS(6, "maxAxis");
  int64_t s[3];
  if (!get_sizes(env, args, 3, 3, s)) return nullptr;
  View<float> x, values;
  View<int32_t> indices;
  if (!napi::get_array(env, args[0], "x", double(s[0]) * s[1] * s[2], &x) ||
      !napi::get_array(env, args[1], "values", double(s[0]) * s[2], &values) ||
      !napi::get_array(env, args[2], "indices", double(s[0]) * s[2], &indices))
    return nullptr;
  std::lock_guard<std::mutex> lk(g_kernel_mu);
  max_axis(x.data, values.data, indices.data, s[0], s[1], s[2]);
  return finish(env);
}

// ---- configuration ----

// setIsa('generic' | 'avx2' | 'avx512'): false when the CPU lacks it.
napi_value SetIsa(napi_env env, napi_callback_info info) {
  VGG_ARGS(1, "setIsa");
  std::string name;
  if (!napi::get_string(env, args[0], "isa", &name)) return nullptr;
  Isa isa;
  if (!parse_isa(name.c_str(), &isa)) return napi::throw_range(env, "unknown ISA \"" + name + "\"");
  std::lock_guard<std::mutex> lk(g_kernel_mu);
  return napi::make_bool(env, set_isa(isa));
}

napi_value GetIsa(napi_env env, napi_callback_info) { return napi::make_string(env, isa_name(current_isa())); }

napi_value AvailableIsas(napi_env env, napi_callback_info) {
  napi_value arr;
  napi_create_array(env, &arr);
  uint32_t i = 0;
  for (Isa isa : {Isa::generic, Isa::avx2, Isa::avx512})
    if (cpu_supports(isa)) napi_set_element(env, arr, i++, napi::make_string(env, isa_name(isa)));
  return arr;
}

// setNumThreads(n): n <= 0 restores the default (VGG_NUM_THREADS or the CPU count).
napi_value SetNumThreads(napi_env env, napi_callback_info info) {
  VGG_ARGS(1, "setNumThreads");
  int64_t n;
  if (!napi::get_int(env, args[0], "threads", &n)) return nullptr;
  std::lock_guard<std::mutex> lk(g_kernel_mu);
  set_num_threads(n > 1024 ? 1024 : static_cast<int>(n));
  return napi::undefined(env);
}

napi_value GetNumThreads(napi_env env, napi_callback_info) { return napi::make_number(env, num_threads()); }

const char* algo_name(ConvAlgo a) {
  return a == ConvAlgo::winograd ? "winograd" : a == ConvAlgo::im2col ? "im2col" : "auto";
}

// setConvAlgo('auto' | 'winograd' | 'im2col'): 'winograd' forces it for every 3×3
// stride-1 convolution, whatever the channel counts; 'im2col' disables it.
napi_value SetConvAlgo(napi_env env, napi_callback_info info) {
  VGG_ARGS(1, "setConvAlgo");
  std::string name;
  if (!napi::get_string(env, args[0], "algo", &name)) return nullptr;
  ConvAlgo a;
  if (name == "auto") a = ConvAlgo::automatic;
  else if (name == "winograd") a = ConvAlgo::winograd;
  else if (name == "im2col") a = ConvAlgo::im2col;
  else return napi::throw_range(env, "unknown conv algorithm \"" + name + "\"");
  std::lock_guard<std::mutex> lk(g_kernel_mu);
  set_conv_algo(a);
  return napi::undefined(env);
}

napi_value GetConvAlgo(napi_env env, napi_callback_info) { return napi::make_string(env, algo_name(conv_algo())); }

napi_value ReleaseScratch(napi_env env, napi_callback_info) {
  std::lock_guard<std::mutex> lk(g_kernel_mu);
  release_scratch();
  return napi::undefined(env);
}

}  // namespace
}  // namespace vgg

NAPI_MODULE_INIT() {
  using namespace vgg;
  const napi_property_descriptor props[] = {
#define VGG_FN(js, c) {js, nullptr, c, nullptr, nullptr, nullptr, napi_enumerable, nullptr}
      VGG_FN("gemm", Gemm),
      VGG_FN("conv2d", Conv2d),
      VGG_FN("conv2dBackwardInput", Conv2dBackwardInput),
      VGG_FN("conv2dBackwardWeight", Conv2dBackwardWeight),
      VGG_FN("maxPool2d", MaxPool2d),
      VGG_FN("maxPool2dBackward", MaxPool2dBackward),
      VGG_FN("adaptiveAvgPool2d", AdaptiveAvgPool2d),
      VGG_FN("adaptiveAvgPool2dBackward", AdaptiveAvgPool2dBackward),
      VGG_FN("batchNorm", BatchNorm),
      VGG_FN("batchNormBackward", BatchNormBackward),
      VGG_FN("channelMoments", ChannelMoments),
      VGG_FN("unary", Unary),
      VGG_FN("reluBackward", ReluBackward),
      VGG_FN("sgdStep", SgdStep),
      VGG_FN("adamStep", AdamStep),
      VGG_FN("binary", Binary),
      VGG_FN("sumAxis", SumAxis),
      VGG_FN("maxAxis", MaxAxis),
      VGG_FN("setIsa", SetIsa),
      VGG_FN("getIsa", GetIsa),
      VGG_FN("availableIsas", AvailableIsas),
      VGG_FN("setNumThreads", SetNumThreads),
      VGG_FN("getNumThreads", GetNumThreads),
      VGG_FN("setConvAlgo", SetConvAlgo),
      VGG_FN("getConvAlgo", GetConvAlgo),
      VGG_FN("releaseScratch", ReleaseScratch),
      VGG_FN("planCreate", PlanCreate),
      VGG_FN("planRun", PlanRun),
      VGG_FN("planOutputShape", PlanOutputShape),
      VGG_FN("planDescribe", PlanDescribe),
      VGG_FN("planInfo", PlanInfo),
      VGG_FN("planSetProfile", PlanSetProfile),
      VGG_FN("planTimings", PlanTimings),
      VGG_FN("planDispose", PlanDispose),
      VGG_FN("planWorkItems", PlanWorkItems),
#undef VGG_FN
  };
  napi_define_properties(env, exports, sizeof(props) / sizeof(props[0]), props);
  return exports;
}
