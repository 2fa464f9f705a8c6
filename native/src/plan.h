// Prepared ("compiled") inference plans: a fixed sequence of fused layers
// whose weights are transformed and packed once, run on preallocated buffers.
//
// A plan is built op by op (plan_add_*), sealed with plan_finish, and then run
// on any input size and batch: plan_run(x[N,C,H,W]) -> [N,C',H',W'] or [N,F].
// The caller serialises calls (the addon holds its kernel mutex).
//
// Supported ops and how they run (plan_conv.cc, plan_map_ops.cc, plan_linear.cc):
//   conv      Conv2d with the bias (BatchNorm already folded in by the caller),
//             an optional ReLU and an optional 2×2 stride-2 max-pool fused into
//             the output stage: Winograd F(4×4,3×3) on precomputed transformed
//             weights for 3×3 / stride 1 / dilation 1, otherwise im2col rows +
//             GEMM on pre-packed weight panels (also the first layer, which
//             reads the plain NCHW input directly);
//   maxpool   any kernel/stride/padding/dilation/ceil mode;
//   avgpool   adaptive average pool (PyTorch's bins; a no-op at the same size);
//   affine    per-channel scale and shift (a BatchNorm2d that follows no conv);
//   relu      on any layout;
//   flatten   to [N, C·H·W] in PyTorch's order;
//   linear    dot products with the caller's [out][in] weights, read in place
//             (not copied), bias and ReLU fused.
#pragma once

#include <cstddef>
#include <cstdint>
#include <string>
#include <utility>
#include <vector>

#include "plan_kernels.h"

namespace vgg {

class Plan;

enum class PlanConvAlgo { automatic = 0, winograd = 1, direct = 2 };

struct PlanConvSpec {
  std::string label;
  int64_t C, K;
  PlanConvGeom g;
  const float* w;     // [K][C][kh][kw]
  const float* bias;  // [K] or null
  bool relu, pool;
  PlanConvAlgo algo;
};

Plan* plan_new();
void plan_free(Plan* p);

// Builders; each returns false with a message in *err.
bool plan_add_conv(Plan* p, const PlanConvSpec& s, std::string* err);
bool plan_add_maxpool(Plan* p, const std::string& label, const PlanPoolGeom& g, bool ceil_mode, std::string* err);
// oh / ow == 0 keep that input size.
bool plan_add_avgpool(Plan* p, const std::string& label, int64_t oh, int64_t ow, std::string* err);
bool plan_add_affine(Plan* p, const std::string& label, int64_t C, const float* scale, const float* shift, bool relu,
                     std::string* err);
bool plan_add_relu(Plan* p, const std::string& label, std::string* err);
bool plan_add_flatten(Plan* p, const std::string& label, std::string* err);
// w [out][in] is borrowed: every run reads it, so it must stay alive and
// unchanged until the plan is released (bias is copied).
bool plan_add_linear(Plan* p, const std::string& label, int64_t in, int64_t out, const float* w, const float* bias,
                     bool relu, std::string* err);
bool plan_finish(Plan* p, std::string* err);

// Output shape for input [N,C,H,W] (false with a message when it does not fit).
bool plan_output_shape(Plan* p, int64_t N, int64_t C, int64_t H, int64_t W, std::vector<int64_t>* shape,
                       std::string* err);
// Runs the plan; out must hold exactly the output's element count.
bool plan_run(Plan* p, const float* x, int64_t N, int64_t C, int64_t H, int64_t W, float* out, size_t out_len,
              std::string* err);

std::string plan_describe(const Plan* p);
// For input [N,C,H,W] on nt threads: each op that runs (label: description)
// and the work items of its parallel region with the fewest, so that callers
// can see how far a batch splits across threads.
bool plan_work_items(Plan* p, int64_t N, int64_t C, int64_t H, int64_t W, int nt,
                     std::vector<std::pair<std::string, int64_t>>* items, std::string* err);
// Bytes of prepared weights the plan owns.
size_t plan_weight_bytes(const Plan* p);
// Bytes of the caller's weights the plan reads in place (the Linear layers).
size_t plan_borrowed_bytes(const Plan* p);
// Bytes of the two activation buffers, and of the transform / im2col scratch.
size_t plan_activation_bytes(const Plan* p);
size_t plan_workspace_bytes(const Plan* p);
// Frees weights and buffers now; later runs fail.
void plan_release(Plan* p);
bool plan_released(const Plan* p);
// With profiling on, each run records the wall time of every op.
void plan_set_profile(Plan* p, bool on);
std::vector<std::pair<std::string, double>> plan_timings(const Plan* p);

}  // namespace vgg
