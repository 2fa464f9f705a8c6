// Prepared inference plans (see plan.h).
//
// Layouts. The input is plain NCHW. Convolutions, pools and per-channel ops
// work on the blocked layout NCHW8c ([N][⌈C/8⌉][H][W][8], channels past C are
// zero and stay zero: padded weights and biases are zero and every op maps 0
// to 0). Flatten turns it back into PyTorch's [N, C·H·W] order; a plan that
// ends on a feature map converts it back to NCHW.
//
// Buffers. Activations ping-pong between two plan-owned buffers that grow to
// the largest layer at the current batch and input size and are then reused;
// transform and im2col scratch is plan-owned too (shared slots and per-thread
// slots), so a run allocates nothing once warm.
//
// The ops live in plan_map_ops.cc (layouts, pointwise, pools), plan_conv.cc
// (Winograd and im2col convolutions) and plan_linear.cc; plan_op.h is what
// they share with this file, which builds, schedules and runs the op list.
#include "plan.h"

#include <chrono>
#include <cstdio>

#include "cpu.h"
#include "plan_op.h"

#if defined(__linux__)
#include <sys/mman.h>
#endif

namespace vgg {
namespace plan_internal {

bool Buf::reserve(size_t floats) {
  if (floats <= n && p) return true;
  std::free(p);
  p = nullptr;
  n = 0;
  size_t bytes = ((floats + 16) * sizeof(float) + 63) & ~size_t(63);
  // Large buffers on 2 MiB boundaries, backed by huge pages where the OS
  // allows it: the transforms touch 36 planes at once and U streams through.
  const size_t huge = size_t(2) << 20;
  const bool big = bytes >= 2 * huge;
  if (big) bytes = (bytes + huge - 1) & ~(huge - 1);
  p = static_cast<float*>(std::aligned_alloc(big ? huge : 64, bytes));
  if (!p) return false;
#if defined(__linux__) && defined(MADV_HUGEPAGE)
  if (big) madvise(p, bytes, MADV_HUGEPAGE);
#endif
  n = bytes / sizeof(float);
  return true;
}

std::string dims(const Act& a) {
  char b[96];
  if (a.layout == kFlat) std::snprintf(b, sizeof b, "[%lld, %lld]", (long long)a.N, (long long)a.C);
  else std::snprintf(b, sizeof b, "[%lld, %lld, %lld, %lld]", (long long)a.N, (long long)a.C, (long long)a.H, (long long)a.W);
  return b;
}

std::string num(int64_t v) { return std::to_string(static_cast<long long>(v)); }

bool need_layout(const Act& in, Layout l, std::string* err) {
  if (in.layout == l) return true;
  *err = "internal error: unexpected activation layout";
  return false;
}

bool need_channels(const Act& in, int64_t C, std::string* err) {
  if (in.C == C) return true;
  *err = "expects " + num(C) + " input channels, got an input of shape " + dims(in);
  return false;
}

}  // namespace plan_internal

using namespace plan_internal;

namespace {

const PlanKernels& kernels_now() {
#if VGG_X86_64 || defined(VGG_SIMDE_AVX512)
  if (current_isa() == Isa::avx512) return kPlanAvx512;
#endif
#if VGG_X86_64
  if (current_isa() == Isa::avx2) return kPlanAvx2;
#endif
  return kPlanGeneric;
}

}  // namespace

class Plan {
 public:
  std::vector<std::unique_ptr<Op>> ops;
  Layout layout = kPlain;  // layout after the last op, while building
  bool finished = false, released = false, profile = false;
  Buf act[2];
  Buf shared[kSharedSlots];
  std::vector<Buf> local;
  std::vector<std::pair<std::string, double>> times;

  struct Step {
    Op* op;
    Act in, out;
    int src, dst;  // -1: the caller's input; 0/1: act buffers
    bool view;
  };

  bool schedule(int64_t N, int64_t C, int64_t H, int64_t W, std::vector<Step>* steps, size_t need[2], Act* fin,
                std::string* err) const {
    if (released) {
      *err = "the plan has been disposed";
      return false;
    }
    if (!finished) {
      *err = "the plan is not finished";
      return false;
    }
    Act cur;
    cur.layout = kPlain;
    cur.N = N;
    cur.C = C;
    cur.H = H;
    cur.W = W;
    int where = -1;
    need[0] = need[1] = 0;
    for (const auto& op : ops) {
      Act nx;
      std::string e;
      if (!op->infer(cur, &nx, &e)) {
        *err = op->label.empty() ? e : op->label + ": " + e;
        return false;
      }
      Step s{op.get(), cur, nx, where, where, false};
      if (op->is_view(cur)) {
        s.view = true;
      } else {
        const int dst = (op->in_place() && where >= 0) ? where : (where == 0 ? 1 : 0);
        s.dst = dst;
        need[dst] = std::max(need[dst], nx.floats());
        where = dst;
      }
      steps->push_back(s);
      cur = nx;
    }
    *fin = cur;
    return true;
  }
};

Plan* plan_new() { return new Plan(); }
void plan_free(Plan* p) { delete p; }

namespace {

bool oom(std::string* err) {
  *err = "out of memory while preparing the plan's weights";
  return false;
}

bool check_open(Plan* p, std::string* err) {
  if (p->finished || p->released) {
    *err = "the plan is already finished";
    return false;
  }
  return true;
}

// Inserts the conversion to the blocked layout; false for a flat input.
bool ensure_blocked(Plan* p, const std::string& label, const char* what, std::string* err) {
  if (p->layout == kFlat) {
    *err = label + ": " + what + " needs a 4-D input, but it follows a Flatten or Linear";
    return false;
  }
  if (p->layout == kPlain) {
    auto op = make_block_op();
    op->label = label;
    p->ops.push_back(std::move(op));
    p->layout = kBlocked;
  }
  return true;
}

}  // namespace

bool plan_add_conv(Plan* p, const PlanConvSpec& s, std::string* err) {
  if (!check_open(p, err)) return false;
  const PlanConvGeom& g = s.g;
  if (s.C < 1 || s.K < 1 || g.kh < 1 || g.kw < 1 || g.sh < 1 || g.sw < 1 || g.dh < 1 || g.dw < 1 || g.ph < 0 ||
      g.pw < 0) {
    *err = s.label + ": invalid convolution parameters";
    return false;
  }
  const bool wino_shape = g.kh == 3 && g.kw == 3 && g.sh == 1 && g.sw == 1 && g.dh == 1 && g.dw == 1;
  std::unique_ptr<Op> op;
  if (p->layout == kPlain && s.C <= 4 && s.algo != PlanConvAlgo::winograd) {
    op = make_direct_conv_op(s, true);
  } else {
    if (!ensure_blocked(p, s.label, "Conv2d", err)) return false;
    op = wino_shape && s.algo != PlanConvAlgo::direct ? make_wino_conv_op(s) : make_direct_conv_op(s, false);
  }
  if (!op) return oom(err);
  op->label = s.label;
  p->ops.push_back(std::move(op));
  p->layout = kBlocked;
  return true;
}

bool plan_add_maxpool(Plan* p, const std::string& label, const PlanPoolGeom& g, bool ceil_mode, std::string* err) {
  if (!check_open(p, err)) return false;
  if (g.kh < 1 || g.kw < 1 || g.sh < 1 || g.sw < 1 || g.dh < 1 || g.dw < 1 || g.ph < 0 || g.pw < 0 ||
      2 * g.ph > g.kh || 2 * g.pw > g.kw) {
    *err = label + ": invalid max-pool parameters";
    return false;
  }
  if (!ensure_blocked(p, label, "MaxPool2d", err)) return false;
  auto op = make_maxpool_op(g, ceil_mode);
  op->label = label;
  p->ops.push_back(std::move(op));
  return true;
}

bool plan_add_avgpool(Plan* p, const std::string& label, int64_t oh, int64_t ow, std::string* err) {
  if (!check_open(p, err)) return false;
  if (oh < 0 || ow < 0) {
    *err = label + ": invalid output size";
    return false;
  }
  if (!ensure_blocked(p, label, "AdaptiveAvgPool2d", err)) return false;
  auto op = make_avgpool_op(oh, ow);
  op->label = label;
  p->ops.push_back(std::move(op));
  return true;
}

bool plan_add_affine(Plan* p, const std::string& label, int64_t C, const float* scale, const float* shift, bool relu,
                     std::string* err) {
  if (!check_open(p, err)) return false;
  if (!ensure_blocked(p, label, "BatchNorm2d", err)) return false;
  auto op = make_affine_op(C, scale, shift, relu);
  if (!op) return oom(err);
  op->label = label;
  p->ops.push_back(std::move(op));
  return true;
}

bool plan_add_relu(Plan* p, const std::string& label, std::string* err) {
  if (!check_open(p, err)) return false;
  auto op = make_relu_op();
  op->label = label;
  p->ops.push_back(std::move(op));
  return true;
}

bool plan_add_flatten(Plan* p, const std::string& label, std::string* err) {
  if (!check_open(p, err)) return false;
  if (p->layout == kFlat) return true;
  std::unique_ptr<Op> op = p->layout == kBlocked ? make_unblock_op(true) : make_flatten_view_op();
  op->label = label;
  p->ops.push_back(std::move(op));
  p->layout = kFlat;
  return true;
}

bool plan_add_linear(Plan* p, const std::string& label, int64_t in, int64_t out, const float* w, const float* bias,
                     bool relu, std::string* err) {
  if (!check_open(p, err)) return false;
  if (p->layout != kFlat) {
    *err = label + ": Linear needs a flattened [N, features] input (a Flatten before it)";
    return false;
  }
  if (in < 1 || out < 1) {
    *err = label + ": invalid Linear sizes";
    return false;
  }
  auto op = make_linear_op(in, out, w, bias, relu);
  if (!op) return oom(err);
  op->label = label;
  p->ops.push_back(std::move(op));
  return true;
}

bool plan_finish(Plan* p, std::string* err) {
  if (!check_open(p, err)) return false;
  if (p->layout == kBlocked) {
    auto op = make_unblock_op(false);
    op->label = "output";
    p->ops.push_back(std::move(op));
    p->layout = kPlain;
  }
  p->finished = true;
  return true;
}

bool plan_output_shape(Plan* p, int64_t N, int64_t C, int64_t H, int64_t W, std::vector<int64_t>* shape,
                       std::string* err) {
  std::vector<Plan::Step> steps;
  size_t need[2];
  Act fin;
  if (!p->schedule(N, C, H, W, &steps, need, &fin, err)) return false;
  if (fin.layout == kFlat) *shape = {fin.N, fin.C};
  else *shape = {fin.N, fin.C, fin.H, fin.W};
  return true;
}

bool plan_run(Plan* p, const float* x, int64_t N, int64_t C, int64_t H, int64_t W, float* out, size_t out_len,
              std::string* err) {
  std::vector<Plan::Step> steps;
  size_t need[2];
  Act fin;
  if (!p->schedule(N, C, H, W, &steps, need, &fin, err)) return false;
  const size_t fin_len = fin.layout == kFlat ? size_t(fin.N * fin.C) : fin.floats();
  if (out_len != fin_len) {
    *err = "output buffer has " + std::to_string(out_len) + " elements, needs " + std::to_string(fin_len);
    return false;
  }
  for (int b = 0; b < 2; ++b)
    if (need[b] && !p->act[b].reserve(need[b])) {
      *err = "out of memory for the plan's activation buffers";
      return false;
    }
  Ctx ctx{&kernels_now(), num_threads(), p->shared, &p->local};
  if (p->profile) p->times.clear();
  const float* ptr[3] = {x, p->act[0].p, p->act[1].p};
  const float* cur = x;
  for (Plan::Step& s : steps) {
    if (s.view) continue;
    const auto t0 = std::chrono::steady_clock::now();
    s.in.data = ptr[s.src + 1];
    float* dst = const_cast<float*>(ptr[s.dst + 1]);
    s.op->run(ctx, s.in, dst, s.out);
    if (!ctx.ok) {
      *err = "out of memory for the plan's scratch buffers";
      return false;
    }
    cur = dst;
    if (p->profile) {
      const double ms = std::chrono::duration<double, std::milli>(std::chrono::steady_clock::now() - t0).count();
      p->times.emplace_back(s.op->label + ": " + s.op->describe(), ms);
    }
  }
  if (fin.layout == kFlat && fin.ld != fin.C) {
    for (int64_t r = 0; r < fin.N; ++r) std::memcpy(out + r * fin.C, cur + r * fin.ld, sizeof(float) * fin.C);
  } else if (fin_len) {
    std::memcpy(out, cur, sizeof(float) * fin_len);
  }
  return true;
}

bool plan_work_items(Plan* p, int64_t N, int64_t C, int64_t H, int64_t W, int nt,
                     std::vector<std::pair<std::string, int64_t>>* items, std::string* err) {
  std::vector<Plan::Step> steps;
  size_t need[2];
  Act fin;
  if (!p->schedule(N, C, H, W, &steps, need, &fin, err)) return false;
  const int64_t mr = kernels_now().mr;
  for (const Plan::Step& s : steps)
    if (!s.view) items->emplace_back(s.op->label + ": " + s.op->describe(), s.op->work_items(s.in, nt, mr));
  return true;
}

std::string plan_describe(const Plan* p) {
  std::string s;
  for (size_t i = 0; i < p->ops.size(); ++i) {
    const Op& op = *p->ops[i];
    s += std::to_string(i) + ". " + (op.label.empty() ? std::string() : op.label + ": ") + op.describe() + "\n";
  }
  return s;
}

size_t plan_weight_bytes(const Plan* p) {
  size_t n = 0;
  for (const auto& op : p->ops) n += op->weight_bytes();
  return n;
}

size_t plan_borrowed_bytes(const Plan* p) {
  size_t n = 0;
  for (const auto& op : p->ops) n += op->borrowed_bytes();
  return n;
}

size_t plan_activation_bytes(const Plan* p) { return (p->act[0].n + p->act[1].n) * sizeof(float); }

size_t plan_workspace_bytes(const Plan* p) {
  size_t n = 0;
  for (const Buf& b : p->shared) n += b.n;
  for (const Buf& b : p->local) n += b.n;
  return n * sizeof(float);
}

void plan_release(Plan* p) {
  for (auto& op : p->ops) op->release();
  for (Buf& b : p->act) b.release();
  for (Buf& b : p->shared) b.release();
  p->local.clear();
  p->released = true;
}

bool plan_released(const Plan* p) { return p->released; }

void plan_set_profile(Plan* p, bool on) {
  p->profile = on;
  if (!on) p->times.clear();
}

std::vector<std::pair<std::string, double>> plan_timings(const Plan* p) { return p->times; }

}  // namespace vgg
