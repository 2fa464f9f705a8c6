// The plan's convolutions (see plan.h): Conv2d with the bias (BatchNorm
// folded in), ReLU and a 2×2 max-pool fused into the output stage.
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
// scratch, then the GEMM tile (PlanKernels::gemm) against weight panels packed at build time,
// bias and ReLU in its epilogue; a fused 2×2 pool pools pairs of rows.
#include <cstring>

#include "plan_op.h"

namespace vgg {
namespace plan_internal {
namespace {

// V of one shared Winograd tile block, in KiB: 6 MiB by default (what the
// last-level cache of a small VM slice holds in practice). VGG_PLAN_BLOCK_KIB
// overrides it; exposed for experiments.
const int64_t g_plan_block_kib = [] {
  const char* e = std::getenv("VGG_PLAN_BLOCK_KIB");
  const long kib = e ? std::strtol(e, nullptr, 10) : 0;
  return kib > 0 ? int64_t(kib) : int64_t(6144);
}();

constexpr int64_t kWinoSliceFloats = int64_t(1) << 16;   // one ξ slice of a K block of V (256 KiB, L2)
constexpr int64_t kPerThreadUFloats = int64_t(3) << 18;  // U of at most 3 MiB for per-thread blocks
constexpr int64_t kPerThreadFloats = int64_t(3) << 17;   // V + M of a per-thread block: 1.5 MiB
constexpr int64_t kKc = 256;                             // K block of the GEMMs (a 16 KiB B block)

int64_t wino_block_floats() { return g_plan_block_kib * 256; }

// Stride (floats) between the 36 transform planes of V or M: an odd number of
// 64-byte lines, so the 36 vectors a tile transform stores or loads fall into
// 36 different L1 sets (a multiple of 4 KiB would put them all in one).
int64_t xi_stride(int64_t floats) {
  int64_t s = round_up(floats, 16);
  if ((s / 16) % 2 == 0) s += 16;
  return s;
}


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
  //                      input transform over all threads (items: groups of
  //                      tiles × groups of channel blocks), then one region of
  //                      (tile chunk × panel group) items, each running the 36
  //                      GEMMs for its tiles and output channels and their
  //                      output transform. Tiles are chunked only when there
  //                      are fewer panel groups than twice the threads (a
  //                      small batch on many cores), since every chunk reads
  //                      the group's U again.
  // The product of an item, M[ξ][tile][group channels], lives in per-thread
  // scratch and is consumed right away by the same thread.
  struct Schedule {
    bool per_thread = false;
    int64_t T = 0, Tb = 0, PG = 0;  // tiles, tiles per block, panels per group
    int64_t tchunk = 0, cbg = 0;    // tiles per GEMM item, channel blocks per transform item
  };
  static constexpr int64_t kTilesPerTransform = 4;  // tiles per input-transform item

  Schedule schedule(const Act& in, int nt, int64_t mr) const {
    Schedule s;
    const int64_t Cp = Cb * 8, vt = 36 * Cp, u_floats = 36 * Cp * K16;
    const int64_t OH = in.H + 2 * g.ph - 2, OW = in.W + 2 * g.pw - 2;
    s.T = in.N * cdiv(OH, 4) * cdiv(OW, 4);
    s.PG = NP;
    // Per-thread blocks: V and M of all output channels (PG = NP) within
    // kPerThreadFloats per thread. Shared blocks: about two panel groups per
    // thread (each group reads V once; fewer groups mean less V traffic), V
    // and the threads' M within the block budget.
    if (nt > 1 && u_floats <= kPerThreadUFloats) {
      s.Tb = std::max<int64_t>(mr, std::min<int64_t>(kPerThreadFloats / (36 * (Cp + K16)), 128) / mr * mr);
      s.per_thread = s.T >= 4 * nt * s.Tb;
    }
    if (s.per_thread) return s;
    s.PG = std::max<int64_t>(1, NP / (2 * nt));
    const int64_t per_tile = vt + nt * 36 * s.PG * 16, budget = wino_block_floats();
    int64_t Tb = s.T * per_tile <= 2 * budget ? s.T : std::max<int64_t>(36, budget / per_tile);
    Tb = std::max<int64_t>(mr, std::min(Tb, kWinoSliceFloats / KC));
    s.Tb = cdiv(s.T, cdiv(s.T, Tb));
    const int64_t want = nt > 1 ? 2 * nt : 1, ngroups = cdiv(NP, s.PG);
    const int64_t chunks = ngroups >= want ? 1 : std::min(cdiv(want, ngroups), cdiv(s.Tb, mr));
    s.tchunk = round_up(cdiv(s.Tb, chunks), mr);
    const int64_t tile_items = cdiv(s.Tb, kTilesPerTransform);
    s.cbg = tile_items >= want ? Cb : cdiv(Cb, std::min(Cb, cdiv(want, tile_items)));
    return s;
  }

  // Work items of the region with the fewest (the last, smallest block's).
  int64_t work_items(const Act& in, int nt, int64_t mr) const override {
    const Schedule s = schedule(in, nt, mr);
    if (s.per_thread) return cdiv(s.T, s.Tb);
    const int64_t nb = s.T - (cdiv(s.T, s.Tb) - 1) * s.Tb;
    return std::min(cdiv(nb, kTilesPerTransform) * cdiv(Cb, s.cbg), cdiv(nb, s.tchunk) * cdiv(NP, s.PG));
  }

  void run(Ctx& ctx, const Act& in, float* y, const Act&) override {
    const PlanKernels& k = *ctx.k;
    const int nt = ctx.nt;
    const int64_t mr = k.mr;
    const Schedule s = schedule(in, nt, mr);
    const bool per_thread = s.per_thread;
    const int64_t T = s.T, Tb = s.Tb, PG = s.PG;
    const int64_t H = in.H, W = in.W, Cp = Cb * 8;
    const int64_t OH = H + 2 * g.ph - 2, OW = W + 2 * g.pw - 2;
    const int64_t tH = cdiv(OH, 4), tW = cdiv(OW, 4);
    const int64_t POH = pool ? OH / 2 : OH, POW = pool ? OW / 2 : OW;
    const int64_t nblocks = cdiv(T, Tb);
    const int64_t Tbr = round_up(Tb, mr), ldv = Cp, xiV = xi_stride(Tbr * ldv);
    const int64_t ngroups = cdiv(NP, PG);
    const int64_t mt = 36 * xi_stride(Tbr * PG * 16);
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
    // Input transform of block-local tiles [a, b), channel blocks [cb0, cb1), of the block at t0 into V.
    auto transform_in = [&](float* V, int64_t t0, int64_t a, int64_t b, int64_t cb0, int64_t cb1) {
      runs(t0, a, b, [&](int64_t tl, int64_t n, int64_t th, int64_t tw, int64_t L) {
        for (int64_t cb = cb0; cb < cb1;) {
          const float* src = x + (n * Cb + cb) * inPlane;
          float* v = V + tl * ldv + cb * 8;
          if (k.wino_in2 && cb + 1 < cb1) {
            k.wino_in2(src, inPlane, H, W, th * 4 - g.ph, tw * 4 - g.pw, static_cast<int>(L), v, ldv, xiV);
            cb += 2;
          } else {
            k.wino_in(src, H, W, th * 4 - g.ph, tw * 4 - g.pw, static_cast<int>(L), v, ldv, xiV);
            cb += 1;
          }
        }
      });
    };
    // The 36 GEMMs for panels [p0, p1) of the block-local tiles [a, b) (a a
    // multiple of mr), then their output transform; M holds rows a.. at 0.
    auto gemm_out = [&](const float* V, int64_t t0, int64_t a, int64_t b, int64_t p0, int64_t p1, float* Mt) {
      const int64_t ldm = (p1 - p0) * 16, xiM = xi_stride(Tbr * ldm);
      for (int64_t xi = 0; xi < 36; ++xi) {
        const float* Vx = V + xi * xiV;
        float* Mx = Mt + xi * xiM;
        for (int64_t kb = 0; kb < nkb; ++kb) {
          const int64_t c0 = kb * KC, kc = std::min(KC, Cp - c0);
          const int flags = c0 > 0 ? kPlanAcc : 0;
          for (int64_t p = p0; p < p1; ++p) {
            const float* B = U.p + (((xi * nkb + kb) * NP + p) * KC) * 16;
            for (int64_t r = a; r < b; r += mr) {
              float* c = Mx + (r - a) * ldm + (p - p0) * 16;
              k.gemm(kc, Vx + r * ldv + c0, ldv, B, c, c + 8, ldm, static_cast<int>(std::min<int64_t>(mr, b - r)),
                     nullptr, flags);
            }
          }
        }
      }
      const int64_t kb0 = 2 * p0, kb1 = std::min(Kb, 2 * p1);
      runs(t0, a, b, [&](int64_t tl, int64_t n, int64_t th, int64_t tw, int64_t L) {
        for (int64_t kb = kb0; kb < kb1;) {
          const float* m = Mt + (tl - a) * ldm + (kb - kb0) * 8;
          float* dst = y + (n * Kb + kb) * outPlane;
          if (k.wino_out2 && kb + 1 < kb1) {
            k.wino_out2(m, ldm, xiM, static_cast<int>(L), bias.p + kb * 8, oflags, dst, outPlane, OH, OW, th * 4, tw * 4);
            kb += 2;
          } else {
            k.wino_out(m, ldm, xiM, static_cast<int>(L), bias.p + kb * 8, oflags, dst, OH, OW, th * 4, tw * 4);
            kb += 1;
          }
        }
      });
    };

    if (per_thread) {
      for_items(nblocks, nt, [&](int64_t blk, int tid) {
        const int64_t t0 = blk * Tb, nb = std::min(Tb, T - t0);
        float* V = ctx.loc(tid, kLoV);
        transform_in(V, t0, 0, nb, 0, Cb);
        for (int64_t gi = 0; gi < ngroups; ++gi)
          gemm_out(V, t0, 0, nb, gi * PG, std::min(NP, gi * PG + PG), ctx.loc(tid, kLoM));
      });
      return;
    }
    constexpr int64_t G = kTilesPerTransform;
    const int64_t ncg = cdiv(Cb, s.cbg);
    for (int64_t blk = 0; blk < nblocks; ++blk) {
      const int64_t t0 = blk * Tb, nb = std::min(Tb, T - t0), nchunks = cdiv(nb, s.tchunk);
      for_items(cdiv(nb, G) * ncg, nt, [&](int64_t it, int) {
        const int64_t tg = it / ncg, cg = it % ncg;
        transform_in(Vshared, t0, tg * G, std::min(nb, tg * G + G), cg * s.cbg, std::min(Cb, cg * s.cbg + s.cbg));
      });
      for_items(ngroups * nchunks, nt, [&](int64_t it, int tid) {
        const int64_t gi = it / nchunks, ch = it % nchunks;
        gemm_out(Vshared, t0, ch * s.tchunk, std::min(nb, ch * s.tchunk + s.tchunk), gi * PG,
                 std::min(NP, gi * PG + PG), ctx.loc(tid, kLoM));
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

  // Output rows per work item: a band of at least 48 pixels when the map allows.
  int64_t rows_per_item(int64_t units, int64_t OW) const {
    return std::max<int64_t>(1, std::min(units, cdiv(48, (pool ? 2 : 1) * OW)));
  }

  int64_t work_items(const Act& in, int, int64_t) const override {
    int64_t OH, OW;
    std::string err;
    if (!conv_out(in, &OH, &OW, &err)) return 0;
    const int64_t units = pool ? OH / 2 : OH;
    return in.N * cdiv(units, rows_per_item(units, OW));
  }

  void run(Ctx& ctx, const Act& in, float* y, const Act& o) override {
    int64_t OH, OW;
    std::string err;
    if (!conv_out(in, &OH, &OW, &err)) return;
    const int64_t H = in.H, W = in.W, rpu = pool ? 2 : 1, units = o.H;
    const int64_t upi = rows_per_item(units, OW);
    const int64_t R = upi * rpu, per_img = cdiv(units, upi);
    const int64_t mr = ctx.k->mr;
    if (!ctx.reserve_local(kLoBand, size_t(round_up(R * OW, mr) + mr) * lda)) return;
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
          for (int64_t x0 = 0; x0 < npx; x0 += mr)
            k.gemm(kc, A + x0 * lda + k0, lda, B, d0 + x0 * 8, d1 ? d1 + x0 * 8 : nullptr, 8,
                   static_cast<int>(std::min<int64_t>(mr, npx - x0)), bs, flags);
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


}  // namespace

std::unique_ptr<Op> make_wino_conv_op(const PlanConvSpec& s) {
  auto op = std::make_unique<WinoConvOp>();
  op->C = s.C, op->K = s.K, op->g = s.g, op->relu = s.relu, op->pool = s.pool;
  op->Kb = (s.K + 7) / 8, op->K16 = round_up(s.K, 16), op->NP = op->K16 / 16;
  if (!op->build(s.w, s.bias)) return nullptr;
  return op;
}

std::unique_ptr<Op> make_direct_conv_op(const PlanConvSpec& s, bool plain_in) {
  auto op = std::make_unique<DirectConvOp>();
  op->plain_in = plain_in;
  op->C = s.C, op->K = s.K, op->g = s.g, op->relu = s.relu, op->pool = s.pool;
  op->Kb = (s.K + 7) / 8, op->K16 = round_up(s.K, 16), op->NP = op->K16 / 16;
  if (!op->build(s.w, s.bias)) return nullptr;
  return op;
}

}  // namespace plan_internal
}  // namespace vgg
