// The plan's ops on feature maps that need no GEMM: layout changes (plain
// NCHW <-> blocked NCHW8c, flatten), ReLU, per-channel affine, max and
// adaptive average pooling. See plan.h.
#include <cstring>

#include "plan_op.h"

namespace vgg {
namespace plan_internal {
namespace {

// plain -> blocked
struct BlockOp : Op {
  bool infer(const Act& in, Act* out, std::string* err) const override {
    if (!need_layout(in, kPlain, err)) return false;
    *out = in;
    out->layout = kBlocked;
    return true;
  }
  void run(Ctx& ctx, const Act& in, float* out, const Act&) override {
    const int64_t Cb = in.cb(), HW = in.H * in.W, C = in.C;
    for_items(in.N * Cb, ctx.nt, [&](int64_t it, int) {
      const int64_t n = it / Cb, cb = it % Cb;
      float* d = out + it * HW * 8;
      for (int l = 0; l < 8; ++l) {
        const int64_t c = cb * 8 + l;
        if (c < C) {
          const float* s = in.data + (n * C + c) * HW;
          for (int64_t i = 0; i < HW; ++i) d[i * 8 + l] = s[i];
        } else {
          for (int64_t i = 0; i < HW; ++i) d[i * 8 + l] = 0.f;
        }
      }
    });
  }
  std::string describe() const override { return "to blocked NCHW8c"; }
};

// blocked -> plain NCHW, or flat [N, C·H·W] (the same memory order)
struct UnblockOp : Op {
  bool to_flat;
  explicit UnblockOp(bool flat) : to_flat(flat) {}
  bool infer(const Act& in, Act* out, std::string* err) const override {
    if (!need_layout(in, kBlocked, err)) return false;
    *out = in;
    if (to_flat) {
      out->layout = kFlat;
      out->C = in.C * in.H * in.W;
      out->H = out->W = 1;
      out->ld = out->C;
    } else {
      out->layout = kPlain;
    }
    return true;
  }
  void run(Ctx& ctx, const Act& in, float* out, const Act&) override {
    const int64_t Cb = in.cb(), HW = in.H * in.W, C = in.C;
    for_items(in.N * Cb, ctx.nt, [&](int64_t it, int) {
      const int64_t n = it / Cb, cb = it % Cb;
      const float* s = in.data + it * HW * 8;
      for (int l = 0; l < 8 && cb * 8 + l < C; ++l) {
        float* d = out + (n * C + cb * 8 + l) * HW;
        for (int64_t i = 0; i < HW; ++i) d[i] = s[i * 8 + l];
      }
    });
  }
  std::string describe() const override { return to_flat ? "flatten (from blocked)" : "to plain NCHW"; }
};

// plain [N,C,H,W] -> flat [N, C·H·W]: a view
struct FlattenViewOp : Op {
  bool infer(const Act& in, Act* out, std::string* err) const override {
    *out = in;
    if (in.layout == kFlat) return true;
    if (!need_layout(in, kPlain, err)) return false;
    out->layout = kFlat;
    out->C = in.C * in.H * in.W;
    out->H = out->W = 1;
    out->ld = out->C;
    return true;
  }
  bool is_view(const Act&) const override { return true; }
  void run(Ctx&, const Act&, float*, const Act&) override {}
  std::string describe() const override { return "flatten"; }
};

struct ReluOp : Op {
  bool infer(const Act& in, Act* out, std::string*) const override {
    *out = in;
    return true;
  }
  bool in_place() const override { return true; }
  static constexpr int64_t kChunk = 1 << 16;  // floats per item
  int64_t work_items(const Act& in, int, int64_t) const override { return cdiv(int64_t(in.floats()), kChunk); }
  void run(Ctx& ctx, const Act& in, float* out, const Act&) override {
    const int64_t n = static_cast<int64_t>(in.floats());
    constexpr int64_t chunk = kChunk;
    for_items(cdiv(n, chunk), ctx.nt, [&](int64_t it, int) {
      const int64_t lo = it * chunk, hi = std::min(n, lo + chunk);
      ctx.k->relu(in.data + lo, out + lo, hi - lo);
    });
  }
  std::string describe() const override { return "ReLU"; }
};

struct AffineOp : Op {
  int64_t C;
  bool relu;
  Buf scale, shift;  // [⌈C/8⌉·8], zero past C
  bool infer(const Act& in, Act* out, std::string* err) const override {
    if (!need_layout(in, kBlocked, err) || !need_channels(in, C, err)) return false;
    *out = in;
    return true;
  }
  bool in_place() const override { return true; }
  void run(Ctx& ctx, const Act& in, float* out, const Act&) override {
    const int64_t Cb = in.cb(), HW = in.H * in.W;
    for_items(in.N * Cb, ctx.nt, [&](int64_t it, int) {
      const int64_t cb = it % Cb;
      ctx.k->affine(in.data + it * HW * 8, out + it * HW * 8, HW, scale.p + cb * 8, shift.p + cb * 8, relu);
    });
  }
  std::string describe() const override {
    return "BatchNorm2d(" + num(C) + ") as scale+shift" + (relu ? " + ReLU" : "");
  }
  size_t weight_bytes() const override { return (scale.n + shift.n) * sizeof(float); }
  void release() override {
    scale.release();
    shift.release();
  }
};

int64_t pool_out(int64_t size, int64_t k, int64_t s, int64_t p, int64_t d, bool ceil_mode) {
  const int64_t span = size + 2 * p - d * (k - 1) - 1;
  if (span < 0) return 0;
  int64_t out = (ceil_mode ? cdiv(span, s) : span / s) + 1;
  if (ceil_mode && (out - 1) * s >= size + p) --out;
  return out;
}

struct MaxPoolOp : Op {
  PlanPoolGeom g;
  bool ceil_mode;
  bool infer(const Act& in, Act* out, std::string* err) const override {
    if (!need_layout(in, kBlocked, err)) return false;
    *out = in;
    out->H = pool_out(in.H, g.kh, g.sh, g.ph, g.dh, ceil_mode);
    out->W = pool_out(in.W, g.kw, g.sw, g.pw, g.dw, ceil_mode);
    if (out->H < 1 || out->W < 1) {
      *err = "input " + dims(in) + " is too small for max pooling with kernel (" + num(g.kh) + ", " + num(g.kw) +
             "), stride (" + num(g.sh) + ", " + num(g.sw) + ")";
      return false;
    }
    return true;
  }
  void run(Ctx& ctx, const Act& in, float* out, const Act& o) override {
    const int64_t inP = in.H * in.W * 8, outP = o.H * o.W * 8;
    for_items(in.N * in.cb(), ctx.nt, [&](int64_t it, int) {
      ctx.k->maxpool_plane(in.data + it * inP, in.H, in.W, out + it * outP, o.H, o.W, g);
    });
  }
  std::string describe() const override {
    return "MaxPool2d(kernel (" + num(g.kh) + ", " + num(g.kw) + "), stride (" + num(g.sh) + ", " + num(g.sw) +
           "), padding (" + num(g.ph) + ", " + num(g.pw) + ")" + (ceil_mode ? ", ceil" : "") + ")";
  }
};

struct AvgPoolOp : Op {
  int64_t oh, ow;  // 0: keep
  bool infer(const Act& in, Act* out, std::string* err) const override {
    if (!need_layout(in, kBlocked, err)) return false;
    if (in.H < 1 || in.W < 1) {
      *err = "input " + dims(in) + " has an empty spatial size";
      return false;
    }
    *out = in;
    out->H = oh ? oh : in.H;
    out->W = ow ? ow : in.W;
    return true;
  }
  bool is_view(const Act& in) const override { return (oh == 0 || oh == in.H) && (ow == 0 || ow == in.W); }
  void run(Ctx& ctx, const Act& in, float* out, const Act& o) override {
    const int64_t inP = in.H * in.W * 8, outP = o.H * o.W * 8;
    for_items(in.N * in.cb(), ctx.nt, [&](int64_t it, int) {
      ctx.k->avgpool_plane(in.data + it * inP, in.H, in.W, out + it * outP, o.H, o.W);
    });
  }
  std::string describe() const override {
    return "AdaptiveAvgPool2d(" + (oh ? num(oh) : std::string("None")) + ", " + (ow ? num(ow) : std::string("None")) +
           ") (identity when the map already has that size)";
  }
};

}  // namespace

std::unique_ptr<Op> make_block_op() { return std::make_unique<BlockOp>(); }
std::unique_ptr<Op> make_unblock_op(bool to_flat) { return std::make_unique<UnblockOp>(to_flat); }
std::unique_ptr<Op> make_flatten_view_op() { return std::make_unique<FlattenViewOp>(); }
std::unique_ptr<Op> make_relu_op() { return std::make_unique<ReluOp>(); }

std::unique_ptr<Op> make_affine_op(int64_t C, const float* scale, const float* shift, bool relu) {
  auto op = std::make_unique<AffineOp>();
  op->C = C;
  op->relu = relu;
  const size_t cp = size_t((C + 7) / 8 * 8);
  if (!op->scale.zeros(cp) || !op->shift.zeros(cp)) return nullptr;
  std::memcpy(op->scale.p, scale, sizeof(float) * C);
  std::memcpy(op->shift.p, shift, sizeof(float) * C);
  return op;
}

std::unique_ptr<Op> make_maxpool_op(const PlanPoolGeom& g, bool ceil_mode) {
  auto op = std::make_unique<MaxPoolOp>();
  op->g = g;
  op->ceil_mode = ceil_mode;
  return op;
}

std::unique_ptr<Op> make_avgpool_op(int64_t oh, int64_t ow) {
  auto op = std::make_unique<AvgPoolOp>();
  op->oh = oh;
  op->ow = ow;
  return op;
}

}  // namespace plan_internal
}  // namespace vgg
