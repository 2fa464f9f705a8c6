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
// Winograd convolution (3×3, stride 1, dilation 1), F(4×4, 3×3):
//   U[ξ][kb][p][c][16] = G g Gᵀ, 16-channel output panels p, K blocks kb of
//                        the input channels, in the order the GEMMs read it
//                        (computed in double at build time)
//   V[ξ][t][c]         = Bᵀ d B for the tiles t of a block, 8 channels a vector
//   M[ξ][t][k]         = V[ξ] · U[ξ] for one group of panels (per-thread scratch)
//   y                  = Aᵀ M A + bias, ReLU, 2×2 max-pool, written blocked
// See WinoConvOp::run for the two schedules (blocks per thread or shared).
//
// Direct convolution (any other geometry, and the first layer on the plain
// input): per band of output rows, im2col rows [pixels][kdim] in per-thread
// scratch, then the 6×16 kernel against weight panels packed at build time,
// bias and ReLU in its epilogue; a fused 2×2 pool pools pairs of rows.
//
// Linear: the rows of the model's own [out][in] weights, read in place, against
// the activation rows (a second, packed copy would double the 472 MiB of
// VGG16's classifier; at batch 1–8 the layer streams the weights once and is
// as fast either way); bias and ReLU fused. See LinearOp.
#include "plan.h"

#include <algorithm>
#include <atomic>
#include <chrono>
#include <cmath>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <ctime>
#include <memory>

#include "cpu.h"
#include "threadpool.h"

#if defined(__linux__)
#include <sys/mman.h>
#endif

namespace vgg {

// V of one shared Winograd tile block, in KiB: 6 MiB by default (what the
// last-level cache of a small VM slice holds in practice). VGG_PLAN_BLOCK_KIB
// overrides it; exposed for experiments.
int64_t g_plan_block_kib = [] {
  const char* e = std::getenv("VGG_PLAN_BLOCK_KIB");
  const long kib = e ? std::strtol(e, nullptr, 10) : 0;
  return kib > 0 ? int64_t(kib) : int64_t(6144);
}();

#ifdef VGG_PLAN_PHASE_TIMING  // development aid: CPU time of the Winograd phases (input transform, rest)
double g_phase_ms[3];
#endif

namespace {

constexpr int64_t kWinoSliceFloats = int64_t(1) << 16;   // one ξ slice of a K block of V (256 KiB, L2)
constexpr int64_t kPerThreadUFloats = int64_t(3) << 18;  // U of at most 3 MiB for per-thread blocks
constexpr int64_t kPerThreadFloats = int64_t(3) << 17;   // V + M of a per-thread block: 1.5 MiB
constexpr int64_t kKc = 256;                             // K block of the GEMMs (a 16 KiB B block)

int64_t wino_block_floats() { return g_plan_block_kib * 256; }
int64_t cdiv(int64_t a, int64_t b) { return (a + b - 1) / b; }
int64_t round_up(int64_t a, int64_t b) { return cdiv(a, b) * b; }

#ifdef VGG_PLAN_PHASE_TIMING
double thread_ms() {  // CPU time of the calling thread: exact for VGG_NUM_THREADS=1 on a busy machine
  timespec ts;
  clock_gettime(CLOCK_THREAD_CPUTIME_ID, &ts);
  return ts.tv_sec * 1e3 + ts.tv_nsec * 1e-6;
}
struct PhaseTimer {
  int i;
  double t0 = thread_ms();
  explicit PhaseTimer(int i_) : i(i_) {}
  ~PhaseTimer() { g_phase_ms[i] += thread_ms() - t0; }
};
#define VGG_PHASE(i) PhaseTimer phase_timer_##i(i)
#else
#define VGG_PHASE(i)
#endif

// Stride (floats) between the 36 transform planes of V or M: an odd number of
// 64-byte lines, so the 36 vectors a tile transform stores or loads fall into
// 36 different L1 sets (a multiple of 4 KiB would put them all in one).
int64_t xi_stride(int64_t floats) {
  int64_t s = round_up(floats, 16);
  if ((s / 16) % 2 == 0) s += 16;
  return s;
}

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
  bool reserve(size_t floats) {
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

std::string dims(const Act& a) {
  char b[96];
  if (a.layout == kFlat) std::snprintf(b, sizeof b, "[%lld, %lld]", (long long)a.N, (long long)a.C);
  else std::snprintf(b, sizeof b, "[%lld, %lld, %lld, %lld]", (long long)a.N, (long long)a.C, (long long)a.H, (long long)a.W);
  return b;
}

std::string num(int64_t v) { return std::to_string(static_cast<long long>(v)); }

// ------------------------------------------------------------------ ops --

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
  virtual std::string describe() const = 0;
  // Bytes of weights prepared and owned by the op.
  virtual size_t weight_bytes() const { return 0; }
  // Bytes of the caller's weights the op reads in place at every run.
  virtual size_t borrowed_bytes() const { return 0; }
  virtual void release() {}
};

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
  void run(Ctx& ctx, const Act& in, float* out, const Act&) override {
    const int64_t n = static_cast<int64_t>(in.floats());
    constexpr int64_t chunk = 1 << 16;
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

std::string conv_text(int64_t C, int64_t K, const PlanConvGeom& g, bool relu, bool pool) {
  std::string s = "Conv2d " + num(C) + "->" + num(K) + " " + num(g.kh) + "x" + num(g.kw);
  if (g.sh != 1 || g.sw != 1) s += " stride (" + num(g.sh) + ", " + num(g.sw) + ")";
  if (g.ph || g.pw) s += " pad (" + num(g.ph) + ", " + num(g.pw) + ")";
  if (g.dh != 1 || g.dw != 1) s += " dilation (" + num(g.dh) + ", " + num(g.dw) + ")";
  if (relu) s += " + ReLU";
  if (pool) s += " + MaxPool 2x2";
  return s;
}

struct ConvBase : Op {
  int64_t C = 0, K = 0, Kb = 0, K16 = 0, NP = 0;
  PlanConvGeom g{};
  bool relu = false, pool = false;
  Buf bias;  // [K16], zero past K

  bool set_bias(const float* b) {
    if (!bias.zeros(size_t(K16))) return false;
    if (b) std::memcpy(bias.p, b, sizeof(float) * K);
    return true;
  }
  // Output size before the pool; false when the input is too small.
  bool conv_out(const Act& in, int64_t* OH, int64_t* OW, std::string* err) const {
    const int64_t sh = in.H + 2 * g.ph - g.dh * (g.kh - 1) - 1, sw = in.W + 2 * g.pw - g.dw * (g.kw - 1) - 1;
    *OH = sh < 0 ? 0 : sh / g.sh + 1;
    *OW = sw < 0 ? 0 : sw / g.sw + 1;
    if (*OH < 1 || *OW < 1 || (pool && (*OH < 2 || *OW < 2))) {
      *err = "input " + dims(in) + " is too small for " + conv_text(C, K, g, relu, pool);
      return false;
    }
    return true;
  }
  bool infer_conv(const Act& in, Act* out, Layout want, std::string* err) const {
    if (!need_layout(in, want, err) || !need_channels(in, C, err)) return false;
    int64_t OH, OW;
    if (!conv_out(in, &OH, &OW, err)) return false;
    *out = in;
    out->layout = kBlocked;
    out->C = K;
    out->H = pool ? OH / 2 : OH;
    out->W = pool ? OW / 2 : OW;
    return true;
  }
};

// Winograd F(4×4, 3×3) convolution on blocked input.
struct WinoConvOp : ConvBase {
  int64_t Cb = 0, nkb = 0, KC = 0;
  // U[ξ][kb][p][KC][16]: for each ξ and K block, the panels one after the
  // other, in the order the GEMM phase reads them.
  Buf U;

  bool build(const float* w, const float* b) {
    Cb = (C + 7) / 8;
    const int64_t Cp = Cb * 8;
    nkb = cdiv(Cp, kKc);
    KC = round_up(cdiv(Cp, nkb), 8);
    if (!set_bias(b) || !U.zeros(size_t(36) * nkb * NP * KC * 16)) return false;
    static const double G[6][3] = {{1, 0, 0},
                                   {1.0 / 3, 1.0 / 3, 1.0 / 3},
                                   {-1.0 / 3, 1.0 / 3, -1.0 / 3},
                                   {-16.0 / 15, -8.0 / 15, -4.0 / 15},
                                   {1.0 / 15, -2.0 / 15, 4.0 / 15},
                                   {0, 0, 1}};
    float* u = U.p;
    const int64_t np = NP, cc = C, nk = nkb, kcb = KC;
    parallel_for(0, K, 1, [&](int64_t lo, int64_t hi) {
      for (int64_t k = lo; k < hi; ++k) {
        const int64_t p = k / 16, j = k % 16;
        for (int64_t c = 0; c < cc; ++c) {
          const float* gk = w + (k * cc + c) * 9;
          double t[6][3];
          for (int i = 0; i < 6; ++i)
            for (int v = 0; v < 3; ++v) t[i][v] = G[i][0] * gk[v] + G[i][1] * gk[3 + v] + G[i][2] * gk[6 + v];
          for (int i = 0; i < 6; ++i)
            for (int jj = 0; jj < 6; ++jj) {
              const double val = t[i][0] * G[jj][0] + t[i][1] * G[jj][1] + t[i][2] * G[jj][2];
              u[(((int64_t(6 * i + jj) * nk + c / kcb) * np + p) * kcb + c % kcb) * 16 + j] = static_cast<float>(val);
            }
        }
      }
    });
    return true;
  }

  bool infer(const Act& in, Act* out, std::string* err) const override { return infer_conv(in, out, kBlocked, err); }

  // Two schedules, both with as few parallel regions (barriers) as possible,
  // since a barrier stalls for a whole time slice whenever another process
  // has preempted one of the pool's threads:
  //   per-thread blocks  every thread transforms, multiplies and writes out
  //                      blocks of tiles of its own: one region per layer.
  //                      For layers with many tiles and a U small enough to
  //                      stay in the cache for all threads.
  //   shared blocks      one block (all tiles, when they fit) at a time: the
  //                      input transform over all threads, then one region of
  //                      (panel group) items, each running the 36 GEMMs for its
  //                      output channels and their output transform.
  // The product of a panel group, M[ξ][tile][group channels], lives in
  // per-thread scratch and is consumed right away by the same thread.
  void run(Ctx& ctx, const Act& in, float* y, const Act&) override {
    const PlanKernels& k = *ctx.k;
    const int nt = ctx.nt;
    const int64_t N = in.N, H = in.H, W = in.W, Cp = Cb * 8;
    const int64_t OH = H + 2 * g.ph - 2, OW = W + 2 * g.pw - 2;
    const int64_t tH = cdiv(OH, 4), tW = cdiv(OW, 4), T = N * tH * tW;
    const int64_t POH = pool ? OH / 2 : OH, POW = pool ? OW / 2 : OW;
    const int64_t vt = 36 * Cp;  // V floats per tile
    const int64_t u_floats = 36 * Cp * K16;

    // Per-thread blocks: V and M of all output channels (PG = NP) within
    // kPerThreadFloats per thread. Shared blocks: about two panel groups per
    // thread (each group reads V once; fewer groups mean less V traffic), V
    // and the threads' M within the block budget.
    bool per_thread = false;
    int64_t Tb = 0, PG = NP;
    if (nt > 1 && u_floats <= kPerThreadUFloats) {
      Tb = std::max<int64_t>(6, std::min<int64_t>(kPerThreadFloats / (36 * (Cp + K16)), 128) / 6 * 6);
      per_thread = T >= 4 * nt * Tb;
    }
    if (!per_thread) {
      PG = std::max<int64_t>(1, NP / (2 * nt));
      const int64_t per_tile = vt + nt * 36 * PG * 16, budget = wino_block_floats();
      Tb = T * per_tile <= 2 * budget ? T : std::max<int64_t>(36, budget / per_tile);
      Tb = std::max<int64_t>(6, std::min(Tb, kWinoSliceFloats / KC));
      Tb = cdiv(T, cdiv(T, Tb));
    }
    const int64_t nblocks = cdiv(T, Tb);
    const int64_t Tb6 = round_up(Tb, 6), ldv = Cp, xiV = xi_stride(Tb6 * ldv);
    const int64_t ngroups = cdiv(NP, PG);
    const int64_t mt = 36 * xi_stride(Tb6 * PG * 16);
    float* Vshared = nullptr;
    if (per_thread) {
      if (!ctx.reserve_local(kLoV, size_t(36) * xiV)) return;
    } else if (!(Vshared = ctx.sh(kShV, size_t(36) * xiV))) {
      return;
    }
    if (!ctx.reserve_local(kLoM, size_t(mt))) return;

    const float* x = in.data;
    const int64_t inPlane = H * W * 8, outPlane = POH * POW * 8;
    const int oflags = (relu ? kPlanRelu : 0) | (pool ? kPlanPool : 0);

    // f(tl, n, th, tw, L) for the runs of block-local tiles [a, b) within one tile row.
    auto runs = [&](int64_t t0, int64_t a, int64_t b, auto&& f) {
      int64_t tl = a;
      while (tl < b) {
        const int64_t t = t0 + tl, tw = t % tW, row = t / tW, th = row % tH, n = row / tH;
        const int64_t L = std::min(tW - tw, b - tl);
        f(tl, n, th, tw, L);
        tl += L;
      }
    };
    // Input transform of block-local tiles [a, b) of the block at t0 into V.
    auto transform_in = [&](float* V, int64_t t0, int64_t a, int64_t b) {
      runs(t0, a, b, [&](int64_t tl, int64_t n, int64_t th, int64_t tw, int64_t L) {
        for (int64_t cb = 0; cb < Cb; ++cb)
          k.wino_in(x + (n * Cb + cb) * inPlane, H, W, th * 4 - g.ph, tw * 4 - g.pw, static_cast<int>(L),
                    V + tl * ldv + cb * 8, ldv, xiV);
      });
    };
    // The 36 GEMMs for panels [p0, p1) of the block's nb tiles, then their output transform.
    auto gemm_out = [&](const float* V, int64_t t0, int64_t nb, int64_t p0, int64_t p1, float* Mt) {
      const int64_t ldm = (p1 - p0) * 16, xiM = xi_stride(Tb6 * ldm);
      for (int64_t xi = 0; xi < 36; ++xi) {
        const float* Vx = V + xi * xiV;
        float* Mx = Mt + xi * xiM;
        for (int64_t kb = 0; kb < nkb; ++kb) {
          const int64_t c0 = kb * KC, kc = std::min(KC, Cp - c0);
          const int flags = c0 > 0 ? kPlanAcc : 0;
          for (int64_t p = p0; p < p1; ++p) {
            const float* B = U.p + (((xi * nkb + kb) * NP + p) * KC) * 16;
            for (int64_t r = 0; r < nb; r += 6) {
              float* c = Mx + r * ldm + (p - p0) * 16;
              k.gemm(kc, Vx + r * ldv + c0, ldv, B, c, c + 8, ldm, static_cast<int>(std::min<int64_t>(6, nb - r)),
                     nullptr, flags);
            }
          }
        }
      }
      const int64_t kb0 = 2 * p0, kb1 = std::min(Kb, 2 * p1);
      runs(t0, 0, nb, [&](int64_t tl, int64_t n, int64_t th, int64_t tw, int64_t L) {
        for (int64_t kb = kb0; kb < kb1; ++kb)
          k.wino_out(Mt + tl * ldm + (kb - kb0) * 8, ldm, xiM, static_cast<int>(L), bias.p + kb * 8, oflags,
                     y + (n * Kb + kb) * outPlane, OH, OW, th * 4, tw * 4);
      });
    };

    if (per_thread) {
      VGG_PHASE(1);
      for_items(nblocks, nt, [&](int64_t blk, int tid) {
        const int64_t t0 = blk * Tb, nb = std::min(Tb, T - t0);
        float* V = ctx.loc(tid, kLoV);
        transform_in(V, t0, 0, nb);
        for (int64_t gi = 0; gi < ngroups; ++gi)
          gemm_out(V, t0, nb, gi * PG, std::min(NP, gi * PG + PG), ctx.loc(tid, kLoM));
      });
      return;
    }
    constexpr int64_t G = 4;  // tiles per input-transform work item
    for (int64_t blk = 0; blk < nblocks; ++blk) {
      const int64_t t0 = blk * Tb, nb = std::min(Tb, T - t0);
      {
        VGG_PHASE(0);
        for_items(cdiv(nb, G), nt, [&](int64_t it, int) { transform_in(Vshared, t0, it * G, std::min(nb, it * G + G)); });
      }
      VGG_PHASE(1);
      for_items(ngroups, nt, [&](int64_t gi, int tid) {
        gemm_out(Vshared, t0, nb, gi * PG, std::min(NP, gi * PG + PG), ctx.loc(tid, kLoM));
      });
    }
  }

  std::string describe() const override { return conv_text(C, K, g, relu, pool) + " [winograd F(4x4,3x3)]"; }
  size_t weight_bytes() const override { return (U.n + bias.n) * sizeof(float); }
  void release() override {
    U.release();
    bias.release();
  }
};

// im2col rows + GEMM on packed weights; plain input (first layer) or blocked.
// A work item is a band of output rows (at least 48 pixels when the map
// allows) so that each pass over the weights serves several GEMM row groups.
struct DirectConvOp : ConvBase {
  bool plain_in = false;
  int64_t Cb = 0, kdim = 0, lda = 0, nkb = 0, KC = 0;
  Buf Wp;  // [kb][p][KC][16]: per K block the panels one after the other

  bool build(const float* w, const float* b) {
    Cb = (C + 7) / 8;
    const int64_t taps = g.kh * g.kw;
    kdim = plain_in ? C * taps : taps * Cb * 8;
    lda = round_up(kdim, 8);
    if (lda % 128 == 0) lda += 8;  // rows not a multiple of 512 bytes apart
    nkb = cdiv(kdim, kKc);
    KC = round_up(cdiv(kdim, nkb), 8);
    if (!set_bias(b) || !Wp.zeros(size_t(nkb) * NP * KC * 16)) return false;
    float* wp = Wp.p;
    const int64_t cc = C, cb8 = Cb * 8, kk = K, np = NP, kcb = KC;
    const bool plain = plain_in;
    parallel_for(0, NP, 1, [&](int64_t lo, int64_t hi) {
      for (int64_t p = lo; p < hi; ++p)
        for (int64_t j = 0; j < 16 && p * 16 + j < kk; ++j) {
          const int64_t k = p * 16 + j;
          for (int64_t c = 0; c < cc; ++c)
            for (int64_t t = 0; t < taps; ++t) {
              const int64_t idx = plain ? c * taps + t : t * cb8 + c;
              wp[((idx / kcb * np + p) * kcb + idx % kcb) * 16 + j] = w[(k * cc + c) * taps + t];
            }
        }
    });
    return true;
  }

  bool infer(const Act& in, Act* out, std::string* err) const override {
    return infer_conv(in, out, plain_in ? kPlain : kBlocked, err);
  }

  void run(Ctx& ctx, const Act& in, float* y, const Act& o) override {
    int64_t OH, OW;
    std::string err;
    if (!conv_out(in, &OH, &OW, &err)) return;
    const int64_t H = in.H, W = in.W, rpu = pool ? 2 : 1, units = o.H;
    const int64_t upi = std::max<int64_t>(1, std::min(units, cdiv(48, rpu * OW)));  // output rows per item
    const int64_t R = upi * rpu, per_img = cdiv(units, upi);
    if (!ctx.reserve_local(kLoBand, size_t(round_up(R * OW, 6) + 6) * lda)) return;
    if (pool && !ctx.reserve_local(kLoPool, size_t(Kb) * R * OW * 8)) return;
    const int64_t inImg = plain_in ? C * H * W : Cb * H * W * 8;
    const int64_t outPlane = o.H * o.W * 8;
    const PlanKernels& k = *ctx.k;
    for_items(in.N * per_img, ctx.nt, [&](int64_t it, int tid) {
      const int64_t n = it / per_img, u0 = (it % per_img) * upi, u1 = std::min(units, u0 + upi);
      const int64_t oy0 = u0 * rpu, nr = (u1 - u0) * rpu, npx = nr * OW;
      float* A = ctx.loc(tid, kLoBand);
      float* tmp = pool ? ctx.loc(tid, kLoPool) : nullptr;
      const float* img = in.data + n * inImg;
      for (int64_t ri = 0; ri < nr; ++ri) {
        if (plain_in) k.im2col_plain(img, C, H, W, g, oy0 + ri, OW, A + ri * OW * lda, lda);
        else k.im2col_blocked(img, Cb, H, W, g, oy0 + ri, OW, A + ri * OW * lda, lda);
      }
      // Output channel block cb of the band's pixels, pixel stride 8.
      auto dst = [&](int64_t cb) -> float* {
        return pool ? tmp + cb * R * OW * 8 : y + (n * Kb + cb) * outPlane + oy0 * OW * 8;
      };
      for (int64_t kb = 0; kb < nkb; ++kb) {
        const int64_t k0 = kb * KC, kc = std::min(KC, kdim - k0);
        const bool last = kb + 1 == nkb;
        const int flags = (kb > 0 ? kPlanAcc : 0) | (last && relu ? kPlanRelu : 0);
        for (int64_t p = 0; p < NP; ++p) {
          const float* B = Wp.p + ((kb * NP + p) * KC) * 16;
          float* d0 = dst(2 * p);
          float* d1 = 2 * p + 1 < Kb ? dst(2 * p + 1) : nullptr;
          const float* bs = last ? bias.p + p * 16 : nullptr;
          for (int64_t x0 = 0; x0 < npx; x0 += 6)
            k.gemm(kc, A + x0 * lda + k0, lda, B, d0 + x0 * 8, d1 ? d1 + x0 * 8 : nullptr, 8,
                   static_cast<int>(std::min<int64_t>(6, npx - x0)), bs, flags);
        }
      }
      if (pool)
        for (int64_t cb = 0; cb < Kb; ++cb)
          for (int64_t u = u0; u < u1; ++u) {
            const float* r0 = tmp + (cb * R + 2 * (u - u0)) * OW * 8;
            k.pool2_row(r0, r0 + OW * 8, OW, y + (n * Kb + cb) * outPlane + u * o.W * 8);
          }
    });
  }

  std::string describe() const override {
    return conv_text(C, K, g, relu, pool) + (plain_in ? " [im2col+GEMM, reads the NCHW input]" : " [im2col+GEMM]");
  }
  size_t weight_bytes() const override { return (Wp.n + bias.n) * sizeof(float); }
  void release() override {
    Wp.release();
    bias.release();
  }
};

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
    constexpr int64_t kT = 1024;  // k per transposition item
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

const PlanKernels& kernels_now() {
#if VGG_X86_64
  if (current_isa() != Isa::generic) return kPlanAvx2;
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
    auto op = std::make_unique<BlockOp>();
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
  std::unique_ptr<ConvBase> op;
  bool ok;
  if (p->layout == kPlain && s.C <= 4 && s.algo != PlanConvAlgo::winograd) {
    auto d = std::make_unique<DirectConvOp>();
    d->plain_in = true;
    d->C = s.C, d->K = s.K, d->g = g, d->relu = s.relu, d->pool = s.pool;
    d->Kb = (s.K + 7) / 8, d->K16 = round_up(s.K, 16), d->NP = d->K16 / 16;
    ok = d->build(s.w, s.bias);
    op = std::move(d);
  } else {
    if (!ensure_blocked(p, s.label, "Conv2d", err)) return false;
    if (wino_shape && s.algo != PlanConvAlgo::direct) {
      auto w = std::make_unique<WinoConvOp>();
      w->C = s.C, w->K = s.K, w->g = g, w->relu = s.relu, w->pool = s.pool;
      w->Kb = (s.K + 7) / 8, w->K16 = round_up(s.K, 16), w->NP = w->K16 / 16;
      ok = w->build(s.w, s.bias);
      op = std::move(w);
    } else {
      auto d = std::make_unique<DirectConvOp>();
      d->C = s.C, d->K = s.K, d->g = g, d->relu = s.relu, d->pool = s.pool;
      d->Kb = (s.K + 7) / 8, d->K16 = round_up(s.K, 16), d->NP = d->K16 / 16;
      ok = d->build(s.w, s.bias);
      op = std::move(d);
    }
  }
  if (!ok) return oom(err);
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
  auto op = std::make_unique<MaxPoolOp>();
  op->label = label;
  op->g = g;
  op->ceil_mode = ceil_mode;
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
  auto op = std::make_unique<AvgPoolOp>();
  op->label = label;
  op->oh = oh;
  op->ow = ow;
  p->ops.push_back(std::move(op));
  return true;
}

bool plan_add_affine(Plan* p, const std::string& label, int64_t C, const float* scale, const float* shift, bool relu,
                     std::string* err) {
  if (!check_open(p, err)) return false;
  if (!ensure_blocked(p, label, "BatchNorm2d", err)) return false;
  auto op = std::make_unique<AffineOp>();
  op->label = label;
  op->C = C;
  op->relu = relu;
  const size_t cp = size_t((C + 7) / 8 * 8);
  if (!op->scale.zeros(cp) || !op->shift.zeros(cp)) return oom(err);
  std::memcpy(op->scale.p, scale, sizeof(float) * C);
  std::memcpy(op->shift.p, shift, sizeof(float) * C);
  p->ops.push_back(std::move(op));
  return true;
}

bool plan_add_relu(Plan* p, const std::string& label, std::string* err) {
  if (!check_open(p, err)) return false;
  auto op = std::make_unique<ReluOp>();
  op->label = label;
  p->ops.push_back(std::move(op));
  return true;
}

bool plan_add_flatten(Plan* p, const std::string& label, std::string* err) {
  if (!check_open(p, err)) return false;
  if (p->layout == kFlat) return true;
  std::unique_ptr<Op> op;
  if (p->layout == kBlocked) op = std::make_unique<UnblockOp>(true);
  else op = std::make_unique<FlattenViewOp>();
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
  auto op = std::make_unique<LinearOp>();
  op->label = label;
  op->in_f = in;
  op->out_f = out;
  op->relu = relu;
  if (!op->build(w, bias)) return oom(err);
  p->ops.push_back(std::move(op));
  return true;
}

bool plan_finish(Plan* p, std::string* err) {
  if (!check_open(p, err)) return false;
  if (p->layout == kBlocked) {
    auto op = std::make_unique<UnblockOp>(false);
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
#ifdef VGG_PLAN_PHASE_TIMING
    const double c0 = thread_ms();
#endif
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
#ifdef VGG_PLAN_PHASE_TIMING
      const double ms = thread_ms() - c0;
#else
      const double ms = std::chrono::duration<double, std::milli>(std::chrono::steady_clock::now() - t0).count();
#endif
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
