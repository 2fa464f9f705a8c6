// Pooling, normalisation, elementwise and reduction kernels (float32, row-major).
// Results match the reference TypeScript backend: float64 where it computes in
// float64; channel sums add in eight float64 lanes, so they may differ from its
// single running sum in the last bits of a float64.
#pragma once

#include <cstdint>

namespace vgg {

struct PoolParams {
  int64_t planes, inH, inW, outH, outW, kH, kW, strideH, strideW, padH, padW, dilH, dilW;
};

enum UnaryOpCode { kNeg = 0, kExp, kLog, kSqrt, kAbs, kRelu, kSigmoid, kTanh, kUnaryCount };
enum BinaryOpCode { kAdd = 0, kSub, kMul, kDiv, kPow, kMax, kMin, kBinaryCount };

void maxpool2d(const float* x, float* y, int32_t* idx, const PoolParams& p);
void maxpool2d_backward(const float* gy, const int32_t* idx, float* gx, const PoolParams& p);
void adaptive_avgpool2d(const float* x, float* y, int64_t planes, int64_t H, int64_t W, int64_t oh, int64_t ow);
void adaptive_avgpool2d_backward(const float* gy, float* gx, int64_t planes, int64_t H, int64_t W, int64_t oh,
                                 int64_t ow);
void batchnorm(const float* x, float* y, int64_t N, int64_t C, int64_t HW, const float* mean, const float* invstd,
               const float* weight, const float* bias);
void batchnorm_backward(const float* g, const float* x, int64_t N, int64_t C, int64_t HW, const float* mean,
                        const float* invstd, const float* weight, bool batch_stats, float* gx, float* gweight,
                        float* gbias);
void channel_moments(const float* x, int64_t N, int64_t C, int64_t HW, double* mean, double* var);
void unary(int op, const float* x, float* y, int64_t n);
struct SgdParams {
  double lr, momentum, dampening, weight_decay;
  bool nesterov, maximize, first;
};
// One SGD update of w[n] in place (PyTorch 1.13's order; buf[n] is the momentum
// buffer or null). Each value is computed in float64 from float32 inputs and
// rounded where PyTorch stores a float32 temporary, as the reference backend does,
// so the two agree bit for bit.
void sgd_step(float* w, const float* grad, float* buf, int64_t n, const SgdParams& o);
struct AdamScalars {
  float b1, b2, one_minus_b1, one_minus_b2, eps, wd, decay, neg_step_size, bc2_sqrt;
  bool l2, decoupled, amsgrad, maximize;
};
// One Adam/AdamW update of w[n] in place with moments m, v (and v_max with amsgrad,
// else null), from the float32 scalars the optimizer derived (nn/optim/adam.ts);
// rounding as in sgd_step, so it agrees with the reference backend bit for bit.
void adam_step(float* w, const float* grad, float* m, float* v, float* v_max, int64_t n, const AdamScalars& s);
// gx[i] = g[i] where y[i] > 0, else +0 (ReLU's gradient from its output).
void relu_backward(const float* g, const float* y, float* gx, int64_t n);
// out[index] = a[Σ index_d·aStride_d] op b[Σ index_d·bStride_d] over outShape (rank dims).
void binary(int op, const float* a, const int64_t* as, const float* b, const int64_t* bs, const int64_t* shape,
            int rank, float* out);
void sum_axis(const float* x, float* y, int64_t outer, int64_t size, int64_t inner);
void max_axis(const float* x, float* values, int32_t* indices, int64_t outer, int64_t size, int64_t inner);

}  // namespace vgg
