// Winograd F(4×4, 3×3) convolution driver.
//
// Shapes (NCHW): x[N,C,H,W], y[N,K,OH,OW], weights g[K,C,3,3] (accessed through
// WinoProblem strides so the same code serves the input gradient with flipped,
// transposed weights). Output tiles are 4×4; tile t = (n·tH + th)·tW + tw with
// tH = ⌈OH/4⌉, tW = ⌈OW/4⌉. ξ = 6i + j indexes the 36 transform positions.
//
//   U[K/MR][ξ][C][MR]   = G g Gᵀ       weights, packed as GEMM A panels
//   V[Tb/NR][ξ][C][NR]  = Bᵀ d B       one block of Tb tiles, packed as GEMM B panels
//   M[ξ][Kp][P·NR]      = U[ξ] · V[ξ]  36 GEMMs (K × Tb × C) straight on packed data
//   y                   = Aᵀ M A + bias
// U and V keep the 36 positions of one panel together, so the transforms write
// into a region that stays in L2 instead of 36 streams spread over megabytes.
//
// Blocks of tiles go to threads whole ("mode A": transforms and GEMMs of a block
// stay in one core's caches) when there are enough tiles; otherwise each block
// is processed by all threads together, phase by phase ("mode B").
#include "platform.h"

#include <algorithm>
#include <atomic>
#include <cstring>
#include <cstdlib>

#include "conv.h"
#include "gemm.h"
#include "scratch.h"
#include "threadpool.h"

namespace vgg {
namespace {

const WinoTransforms& transforms_for(Isa isa) {
#if VGG_X86_64
  if (isa == Isa::avx512) return kWinoAvx512;
  if (isa == Isa::avx2) return kWinoAvx2;
#endif
  (void)isa;
  return kWinoGeneric;
}

struct Plan {
  const WinoProblem* q;
  const GemmKernel* kr;
  const WinoTransforms* tf;
  int MR, NR, CW;
  int64_t Qn, Kp;     // output-channel panels, padded output channels
  int64_t tH, tW, T;  // tiles per column, per row, in all
  int64_t Tb, P;      // tiles per block, NR panels per block
  int64_t nkb, KCw;   // channel slices for the GEMM
  const float* U;
};

// U[qp][ξ][c][MR] for output-channel panels [qlo, qhi) (per-ISA code in wino_transforms.inc).
void transform_weights(const Plan& pl, float* U, int64_t qlo, int64_t qhi) {
  const WinoProblem& q = *pl.q;
  pl.tf->weights(q.w, q.w_sk, q.w_sc, q.flip, q.K, q.C, pl.MR, qlo, qhi, U);
}

// Calls f(tl, n, th, tw, L) for the chunks of block [t0, t0+Tb): runs of L tiles
// in one tile row that do not cross a multiple of CW in block-local index tl.
template <class F>
void for_each_chunk(const Plan& pl, int64_t t0, int64_t Tb, F&& f) {
  int64_t tl = 0;
  while (tl < Tb) {
    const int64_t t = t0 + tl;
    const int64_t tw = t % pl.tW, rowi = t / pl.tW, th = rowi % pl.tH, n = rowi / pl.tH;
    int64_t L = std::min<int64_t>(pl.tW - tw, Tb - tl);
    L = std::min<int64_t>(L, pl.CW - tl % pl.CW);
    f(tl, n, th, tw, static_cast<int>(L));
    tl += L;
  }
}

// Maps narrower than CW tiles fill each transform call's lanes from several tile
// rows and images (WinoLanes); wider ones transform runs within a tile row.
bool gathers_lanes(const Plan& pl) { return pl.tW < pl.CW; }

// The L tiles t .. t+L−1 of the batch, one per lane.
WinoLanes lanes_from(const Plan& pl, int64_t t, int64_t L) {
  WinoLanes lanes;
  lanes.L = static_cast<int>(L);
  for (int64_t l = 0; l < L; ++l) {
    const int64_t rowi = (t + l) / pl.tW;
    lanes.n[l] = rowi / pl.tH;
    lanes.th[l] = rowi % pl.tH;
    lanes.tw[l] = (t + l) % pl.tW;
  }
  return lanes;
}

// V[p][ξ][c][NR] for the tiles of block [t0, t0+Tb) and channels [clo, chi).
// Channels are the inner loop so that the 36 output streams advance one
// 64-byte row at a time within the panel's region.
void input_transform(const Plan& pl, int64_t t0, int64_t Tb, float* V, int64_t clo, int64_t chi) {
  const WinoProblem& q = *pl.q;
  const int NR = pl.NR;
  const int64_t C = q.C, ldv = C * NR, HW = q.H * q.W;
  if (gathers_lanes(pl)) {
    for (int64_t tl = 0; tl < Tb; tl += pl.CW) {
      const WinoLanes lanes = lanes_from(pl, t0 + tl, std::min<int64_t>(pl.CW, Tb - tl));
      float* out = V + ((tl / NR) * 36 * C + clo) * NR + tl % NR;
      for (int64_t c = clo; c < chi; ++c, out += NR)
        pl.tf->input_lanes(q.x + c * HW, C * HW, q.H, q.W, q.padH, q.padW, lanes, out, ldv);
    }
  } else {
    for_each_chunk(pl, t0, Tb, [&](int64_t tl, int64_t n, int64_t th, int64_t tw, int L) {
      const float* plane = q.x + (n * C + clo) * HW;
      float* out = V + ((tl / NR) * 36 * C + clo) * NR + tl % NR;
      const int64_t iy0 = th * 4 - q.padH, ix0 = tw * 4 - q.padW;
      for (int64_t c = clo; c < chi; ++c, plane += HW, out += NR)
        pl.tf->input(plane, q.H, q.W, iy0, ix0, L, out, ldv);
    });
  }
  // Zero the unused columns of the last panel.
  const int64_t pad0 = Tb, pad1 = pl.P * NR;
  if (pad1 > pad0) {
    for (int xi = 0; xi < 36; ++xi)
      for (int64_t c = clo; c < chi; ++c) {
        float* o = V + (((pl.P - 1) * 36 + xi) * C + c) * NR;
        for (int64_t tl = pad0; tl < pad1; ++tl) o[tl % NR] = 0.f;
      }
  }
}

// M[ξ][qp·MR .. +MR][P·NR] for the (ξ, qp) items in [ilo, ihi).
void transform_gemms(const Plan& pl, const float* V, float* M, int64_t ilo, int64_t ihi) {
  const int MR = pl.MR, NR = pl.NR;
  const int64_t C = pl.q->C, Qn = pl.Qn, P = pl.P, ldm = P * NR;
  for (int64_t it = ilo; it < ihi; ++it) {
    const int64_t xi = it / Qn, qp = it % Qn;
    float* Mrow = M + (xi * pl.Kp + qp * MR) * ldm;
    for (int64_t kb = 0; kb < pl.nkb; ++kb) {
      const int64_t k0 = kb * pl.KCw, kc = std::min<int64_t>(pl.KCw, C - k0);
      const float* a = pl.U + ((qp * 36 + xi) * C + k0) * MR;
      const float beta = kb == 0 ? 0.f : 1.f;
      for (int64_t pp = 0; pp < P; ++pp) {
        const float* b = V + ((pp * 36 + xi) * C + k0) * NR;
        pl.kr->ukernel(kc, a, b, Mrow + pp * NR, ldm, 1.f, beta);
      }
    }
  }
}

// M[ξ][k][P·NR] (block-local tile columns) -> y[n,k,4th..4th+3,4tw..4tw+3] + bias[k]
// for output channels [klo, khi) and the tiles of block [t0, t0+Tb).
void output_transform(const Plan& pl, int64_t t0, int64_t Tb, const float* M, int64_t klo, int64_t khi) {
  const WinoProblem& q = *pl.q;
  const int64_t ldrow = pl.P * pl.NR, ldm = pl.Kp * ldrow, outPlane = q.OH * q.OW;
  if (gathers_lanes(pl)) {
    for (int64_t tl = 0; tl < Tb; tl += pl.CW) {
      const WinoLanes lanes = lanes_from(pl, t0 + tl, std::min<int64_t>(pl.CW, Tb - tl));
      for (int64_t k = klo; k < khi; ++k)
        pl.tf->output_lanes(M + k * ldrow + tl, ldm, q.bias ? q.bias[k] : 0.f, q.y + k * outPlane, q.K * outPlane, q.OH,
                            q.OW, lanes);
    }
    return;
  }
  for (int64_t k = klo; k < khi; ++k) {
    const float bias = q.bias ? q.bias[k] : 0.f;
    for_each_chunk(pl, t0, Tb, [&](int64_t tl, int64_t n, int64_t th, int64_t tw, int L) {
      float* plane = q.y + (n * q.K + k) * q.OH * q.OW;
      pl.tf->output(M + k * ldrow + tl, ldm, bias, plane, q.OH, q.OW, th * 4, tw * 4, L);
    });
  }
}

}  // namespace

// x[N,C,H,W] * g[K,C,3,3] (+ bias[K]) -> y[N,K,OH,OW]; see the top of this file.
void winograd_conv3x3(const WinoProblem& q) {
  Plan pl;
  pl.q = &q;
  pl.kr = &gemm_kernel();
  pl.tf = &transforms_for(pl.kr->isa);
  pl.MR = pl.kr->mr;
  pl.NR = pl.kr->nr;
  pl.CW = pl.tf->cw;
  pl.Qn = (q.K + pl.MR - 1) / pl.MR;
  pl.Kp = pl.Qn * pl.MR;
  pl.tH = (q.OH + 3) / 4;
  pl.tW = (q.OW + 3) / 4;
  pl.T = q.N * pl.tH * pl.tW;
  pl.nkb = (q.C + 255) / 256;
  pl.KCw = (q.C + pl.nkb - 1) / pl.nkb;
  if (pl.T == 0 || q.K == 0) return;
  if (pl.MR > pl.tf->wlanes || pl.NR % pl.CW != 0) std::abort();  // inconsistent kernel tables

  // Weights.
  float* U = scratch(0, kScratchWinoU, static_cast<size_t>(36) * pl.Kp * q.C);
  if (!U) return;
  pl.U = U;
  parallel_for(0, pl.Qn, 1, [&](int64_t lo, int64_t hi) { transform_weights(pl, U, lo, hi); });

  const int nt = num_threads();
  const int NR = pl.NR;
  const bool modeA = nt == 1 || pl.T >= static_cast<int64_t>(nt) * 64;
  if (modeA) {
    // Tb: a multiple of NR in [2·NR, 256] minimising the per-thread tile count
    // (padding included) plus a per-block overhead of 24 tiles.
    int64_t best = -1, bestCost = 0;
    for (int64_t tb = 2 * NR; tb <= 256; tb += NR) {
      const int64_t blocks = (pl.T + tb - 1) / tb;
      const int64_t rounds = (blocks + nt - 1) / nt;
      const int64_t cost = rounds * (tb + 24);
      if (best < 0 || cost < bestCost) {
        best = tb;
        bestCost = cost;
      }
    }
    pl.Tb = std::min<int64_t>(best, (pl.T + NR - 1) / NR * NR);
  } else {
    pl.Tb = std::min<int64_t>((pl.T + NR - 1) / NR * NR, 256);
  }
  pl.P = (pl.Tb + NR - 1) / NR;
  const int64_t nblocks = (pl.T + pl.Tb - 1) / pl.Tb;
  const size_t vsize = static_cast<size_t>(36) * pl.P * NR * q.C;
  const size_t msize = static_cast<size_t>(36) * pl.Kp * pl.P * NR + 64;

  if (modeA) {
    std::atomic<int64_t> next{0};
    parallel_run([&](int tid, int) {
      float* V = scratch(tid, kScratchWinoV, vsize);
      float* M = scratch(tid, kScratchWinoM, msize);
      if (!V || !M) return;  // the others take its blocks; the addon reports the failure
      // Blocks are handed out dynamically, in order.
      for (;;) {
        const int64_t b = next.fetch_add(1, std::memory_order_relaxed);
        if (b >= nblocks) break;
        const int64_t t0 = b * pl.Tb, Tb = std::min<int64_t>(pl.Tb, pl.T - t0);
        input_transform(pl, t0, Tb, V, 0, q.C);
        transform_gemms(pl, V, M, 0, 36 * pl.Qn);
        output_transform(pl, t0, Tb, M, 0, q.K);
      }
    }, static_cast<int>(std::min<int64_t>(nt, nblocks)));
  } else {
    float* V = scratch(0, kScratchWinoV, vsize);
    float* M = scratch(0, kScratchWinoM, msize);
    if (!V || !M) return;
    for (int64_t b = 0; b < nblocks; ++b) {
      const int64_t t0 = b * pl.Tb, Tb = std::min<int64_t>(pl.Tb, pl.T - t0);
      parallel_for(0, q.C, 1, [&](int64_t lo, int64_t hi) { input_transform(pl, t0, Tb, V, lo, hi); });
      parallel_for(0, 36 * pl.Qn, 1, [&](int64_t lo, int64_t hi) { transform_gemms(pl, V, M, lo, hi); });
      parallel_for(0, q.K, 1, [&](int64_t lo, int64_t hi) { output_transform(pl, t0, Tb, M, lo, hi); });
    }
  }
}

}  // namespace vgg
