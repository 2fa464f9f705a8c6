// The plan's Linear op (see plan.h).
//
// the activation rows (a second, packed copy would double the 472 MiB of
// VGG16's classifier; at batch 1–8 the layer streams the weights once and is
// as fast either way); bias and ReLU fused. See LinearOp.
#include "plan.h"

#include <cstring>

#include "plan_op.h"

namespace vgg {
namespace plan_internal {
namespace {

// Linear on the model's own weights W [out][in], read in place (borrowed, not
// copied): y [N][out] = x [N][in] · Wᵀ + bias, ReLU. Threads split the output
// features. Up to four rows run as `dot` tiles (4 rows × 3 weight rows, the
// sums across the 8 lanes); more rows are transposed once into 8-lane chunks
// XT [⌈N/8⌉][in][8] and run as `wt8` tiles (8 weight rows × 8 batch lanes),
// which need no horizontal sums and one vector load per 8 FMAs.
struct LinearOp : Op {
  int64_t in_f = 0, out_f = 0;
  bool relu = false;
  const float* w = nullptr;  // [out][in], owned by the caller
  Buf bias;                  // [out], zero when the layer has none
  static constexpr int64_t kT = 1024;  // k per transposition item (more than four rows)

  bool build(const float* weights, const float* b) {
    w = weights;
    if (!bias.zeros(size_t(out_f))) return false;
    if (b) std::memcpy(bias.p, b, sizeof(float) * out_f);
    return true;
  }

  bool infer(const Act& in, Act* out, std::string* err) const override {
    if (!need_layout(in, kFlat, err)) return false;
    if (in.C != in_f) {
      *err = "expects " + num(in_f) + " input features, got an input of shape " + dims(in);
      return false;
    }
    *out = in;
    out->C = out_f;
    out->ld = out_f;
    return true;
  }

  int64_t work_items(const Act& in, int nt, int64_t) const override {
    const int64_t groups = cdiv(out_f, in.N <= 4 ? 3 : 8), pg = std::max<int64_t>(1, groups / (8 * nt));
    const int64_t items = cdiv(groups, pg);
    return in.N <= 4 ? items : std::min(items, cdiv(in.N, 8) * cdiv(in_f, kT));
  }

  void run(Ctx& ctx, const Act& in, float* y, const Act& o) override {
    if (in.N <= 4) run_rows(ctx, in, y, o);
    else run_lanes(ctx, in, y, o);
  }

  // Up to four activation rows: `dot` tiles of 4 rows × 3 weight rows.
  void run_rows(Ctx& ctx, const Act& in, float* y, const Act& o) const {
    const PlanKernels& k = *ctx.k;
    const int64_t M = in.N, K = in_f, lda = in.ld, ldo = o.ld;
    const int64_t groups = cdiv(out_f, 3), pg = std::max<int64_t>(1, groups / (8 * ctx.nt));
    for_items(cdiv(groups, pg), ctx.nt, [&](int64_t it, int) {
      const int64_t g1 = std::min(groups, it * pg + pg);
      for (int64_t g = it * pg; g < g1; ++g) {
        const int64_t j0 = g * 3;
        k.dot(K, in.data, lda, static_cast<int>(M), w + j0 * K, K, static_cast<int>(std::min<int64_t>(3, out_f - j0)),
              y + j0, ldo, bias.p + j0, relu ? kPlanRelu : 0);
      }
    });
  }

  // More rows: transposed into chunks of eight lanes, then `wt8` tiles of
  // 8 weight rows × one chunk.
  void run_lanes(Ctx& ctx, const Act& in, float* y, const Act& o) const {
    const PlanKernels& k = *ctx.k;
    const int64_t M = in.N, K = in_f, lda = in.ld, ldo = o.ld, nch = cdiv(M, 8);
    float* xt = ctx.sh(kShXt, size_t(nch * K * 8));
    if (!xt) return;
    const int64_t tk = cdiv(K, kT);
    for_items(nch * tk, ctx.nt, [&](int64_t it, int) {
      const int64_t ch = it / tk, k0 = (it % tk) * kT, k1 = std::min(K, k0 + kT);
      float* d = xt + (ch * K + k0) * 8;
      for (int64_t m = 0; m < 8; ++m) {
        const int64_t r = ch * 8 + m;
        for (int64_t kk = k0; kk < k1; ++kk) d[(kk - k0) * 8 + m] = r < M ? in.data[r * lda + kk] : 0.f;
      }
    });
    // K blocks of 128 KiB of XT (all chunks; at least 8 KiB a chunk), so the
    // block stays in L2 while the work item's weight rows pass over it.
    const int64_t nkb = cdiv(K, std::max<int64_t>(256, 4096 / nch)), KC = cdiv(K, nkb);
    const int64_t groups = cdiv(out_f, 8), pg = std::max<int64_t>(1, groups / (8 * ctx.nt));
    for_items(cdiv(groups, pg), ctx.nt, [&](int64_t it, int) {
      const int64_t g1 = std::min(groups, it * pg + pg);
      for (int64_t k0 = 0; k0 < K; k0 += KC) {
        const int64_t kc = std::min(KC, K - k0);
        const bool last = k0 + kc == K;
        const int flags = (k0 > 0 ? kPlanAcc : 0) | (last && relu ? kPlanRelu : 0);
        for (int64_t g = it * pg; g < g1; ++g) {
          const int64_t j0 = g * 8;
          const int rw = static_cast<int>(std::min<int64_t>(8, out_f - j0));
          const float* bs = last ? bias.p + j0 : nullptr;
          for (int64_t ch = 0; ch < nch; ++ch)
            k.wt8(kc, w + j0 * K + k0, K, rw, xt + (ch * K + k0) * 8, y + ch * 8 * ldo + j0, ldo,
                  static_cast<int>(std::min<int64_t>(8, M - ch * 8)), bs, flags);
        }
      }
    });
  }

  std::string describe() const override {
    return "Linear " + num(in_f) + "->" + num(out_f) + (relu ? " + ReLU" : "") + " [on the model's weights, in place]";
  }
  size_t weight_bytes() const override { return bias.n * sizeof(float); }
  size_t borrowed_bytes() const override { return w ? size_t(in_f) * out_f * sizeof(float) : 0; }
  void release() override {
    w = nullptr;
    bias.release();
  }
};


}  // namespace

std::unique_ptr<Op> make_linear_op(int64_t in, int64_t out, const float* w, const float* bias, bool relu) {
  auto op = std::make_unique<LinearOp>();
  op->in_f = in;
  op->out_f = out;
  op->relu = relu;
  if (!op->build(w, bias)) return nullptr;
  return op;
}

}  // namespace plan_internal
}  // namespace vgg
