// What the plan builder (plan.cc) and its ops (plan_map_ops.cc, plan_conv.cc,
// plan_linear.cc) share: buffers, the activation descriptor, the run context,
// the Op interface and one factory per op. Internal to the addon.
#pragma once

#include <algorithm>
#include <atomic>
#include <cstddef>
#include <cstdint>
#include <cstdlib>
#include <cstring>
#include <memory>
#include <string>
#include <vector>

#include "plan.h"
#include "plan_kernels.h"
#include "threadpool.h"

namespace vgg {
namespace plan_internal {

inline int64_t cdiv(int64_t a, int64_t b) { return (a + b - 1) / b; }
inline int64_t round_up(int64_t a, int64_t b) { return cdiv(a, b) * b; }

// A 64-byte aligned float buffer that only grows.
struct Buf {
  float* p = nullptr;
  size_t n = 0;
  Buf() = default;
  Buf(const Buf&) = delete;
  Buf& operator=(const Buf&) = delete;
  Buf(Buf&& o) noexcept : p(o.p), n(o.n) {
    o.p = nullptr;
    o.n = 0;
  }
  ~Buf() { std::free(p); }
  // Grows to at least `floats` (contents lost); false when out of memory.
  bool reserve(size_t floats);
  bool zeros(size_t floats) {
    if (!reserve(floats)) return false;
    std::memset(p, 0, n * sizeof(float));
    return true;
  }
  void release() {
    std::free(p);
    p = nullptr;
    n = 0;
  }
};


enum Layout { kPlain = 0, kBlocked = 1, kFlat = 2 };

// An activation: plain [N][C][H][W], blocked [N][⌈C/8⌉][H][W][8], or flat
// [N][C] with row stride ld.
struct Act {
  Layout layout = kPlain;
  int64_t N = 0, C = 0, H = 1, W = 1, ld = 0;
  const float* data = nullptr;
  int64_t cb() const { return (C + 7) / 8; }
  size_t floats() const {
    switch (layout) {
      case kPlain: return size_t(N * C * H * W);
      case kBlocked: return size_t(N * cb() * 8 * H * W);
      case kFlat: return size_t(N * ld);
    }
    return 0;
  }
};

enum SharedSlot { kShV = 0, kShXt, kSharedSlots };
enum LocalSlot { kLoBand = 0, kLoPool, kLoV, kLoM, kLocalSlots };

struct Ctx {
  const PlanKernels* k;
  int nt;
  Buf* shared;
  std::vector<Buf>* local;
  bool ok = true;
  float* sh(int slot, size_t floats) {
    if (!shared[slot].reserve(floats)) {
      ok = false;
      return nullptr;
    }
    return shared[slot].p;
  }
  bool reserve_local(int slot, size_t floats) {
    if (local->size() < size_t(nt) * kLocalSlots) local->resize(size_t(nt) * kLocalSlots);
    for (int t = 0; t < nt; ++t)
      if (!(*local)[size_t(t) * kLocalSlots + slot].reserve(floats)) {
        ok = false;
        return false;
      }
    return true;
  }
  float* loc(int tid, int slot) { return (*local)[size_t(tid) * kLocalSlots + slot].p; }
};

// f(item, tid) for item in [0, n), handed out dynamically over the pool.
template <class F>
void for_items(int64_t n, int nt, F&& f) {
  if (n <= 0) return;
  if (nt <= 1 || n == 1) {
    for (int64_t i = 0; i < n; ++i) f(i, 0);
    return;
  }
  std::atomic<int64_t> next{0};
  parallel_run(
      [&](int tid, int) {
        for (;;) {
          const int64_t i = next.fetch_add(1, std::memory_order_relaxed);
          if (i >= n) break;
          f(i, tid);
        }
      },
      static_cast<int>(std::min<int64_t>(nt, n)));
}

// "[N, C, H, W]" or "[N, C]" for messages.
std::string dims(const Act& a);
std::string num(int64_t v);

struct Op {
  std::string label;
  virtual ~Op() = default;
  // Output shape for input `in` (data left unset); false with a message.
  virtual bool infer(const Act& in, Act* out, std::string* err) const = 0;
  // True when the output is the input itself (nothing to run).
  virtual bool is_view(const Act&) const { return false; }
  // True when out may be the same buffer as in.
  virtual bool in_place() const { return false; }
  virtual void run(Ctx& ctx, const Act& in, float* out, const Act& o) = 0;
  // Work items of the op's parallel region with the fewest, for input `in`
  // on nt threads and a GEMM tile of mr rows (default: one item per image
  // and channel block).
  virtual int64_t work_items(const Act& in, int nt, int64_t mr) const { return in.N * in.cb(); }
  virtual std::string describe() const = 0;
  // Bytes of weights prepared and owned by the op.
  virtual size_t weight_bytes() const { return 0; }
  // Bytes of the caller's weights the op reads in place at every run.
  virtual size_t borrowed_bytes() const { return 0; }
  virtual void release() {}
};

// False with a message unless `in` has layout l / C channels.
bool need_layout(const Act& in, Layout l, std::string* err);
bool need_channels(const Act& in, int64_t C, std::string* err);

// Op factories (plan_map_ops.cc): layout changes, pointwise ops and pools.
std::unique_ptr<Op> make_block_op();                // plain -> blocked
std::unique_ptr<Op> make_unblock_op(bool to_flat);  // blocked -> plain, or flat [N, C·H·W]
std::unique_ptr<Op> make_flatten_view_op();         // plain -> flat (a view)
std::unique_ptr<Op> make_relu_op();
// Null when out of memory.
std::unique_ptr<Op> make_affine_op(int64_t C, const float* scale, const float* shift, bool relu);
std::unique_ptr<Op> make_maxpool_op(const PlanPoolGeom& g, bool ceil_mode);
std::unique_ptr<Op> make_avgpool_op(int64_t oh, int64_t ow);

// Convolutions (plan_conv.cc), null when out of memory: Winograd on blocked
// input, or im2col + GEMM on plain (plain_in) or blocked input.
std::unique_ptr<Op> make_wino_conv_op(const PlanConvSpec& s);
std::unique_ptr<Op> make_direct_conv_op(const PlanConvSpec& s, bool plain_in);

// Linear on the caller's weights (plan_linear.cc), null when out of memory.
std::unique_ptr<Op> make_linear_op(int64_t in, int64_t out, const float* w, const float* bias, bool relu);

}  // namespace plan_internal
}  // namespace vgg
