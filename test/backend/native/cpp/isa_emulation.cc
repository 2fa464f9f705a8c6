// Checks every ISA path of the native kernels, AVX-512 included on machines
// without it: built with -DVGG_SIMDE_AVX512, the AVX-512 micro-kernel is
// compiled against SIMDe (portable emulation of the intrinsics) and the
// AVX-512 Winograd transforms as plain C++, so the 14×32 tiling, the 32-wide
// packing and the Winograd panel layout are exercised here too.
// Built with -DVGG_PORTABLE_ONLY instead, it checks the portable build (no
// x86 code at all), as on ARM.
// Run by isa-emulation.test.ts when VGG_TEST_ISA_EMULATION=1; by hand, from the
// repository root (needs the SIMDe headers, Debian package libsimde-dev):
//   g++ -O2 -std=c++17 -pthread -DVGG_SIMDE_AVX512 -Inative/src test/backend/native/cpp/isa_emulation.cc
//       $(ls native/src/*.cc | grep -v -e addon.cc -e plan_napi.cc) -o /tmp/isa && /tmp/isa
// Exit status 0 = all good.
#include <algorithm>
#include <cmath>
#include <cstdio>
#include <random>
#include <string>
#include <vector>
#include "conv.h"
#include "gemm.h"
#include "plan.h"
#include "threadpool.h"
using namespace vgg;
static std::mt19937 rng(1);
static float U() { return std::uniform_real_distribution<float>(-1, 1)(rng); }
static int bad = 0;
static void check(double err, double tol, const char* what, const char* isa) {
  if (!(err <= tol)) { printf("FAIL %s %s err %g\n", isa, what, err); bad++; }
}
static double rel(const std::vector<float>& a, const std::vector<double>& b) {
  double d = 0, s = 0; for (size_t i = 0; i < a.size(); i++) { double e = std::fabs(a[i] - b[i]); if (!(e <= d)) d = e; s = std::max(s, std::fabs(b[i])); } return s ? d / s : d;
}
// Plain NCHW conv in double: [N][C][H][W] -> [N][K][OH][OW] (+ bias, ReLU, 2×2 max-pool).
static std::vector<double> ref_conv(const std::vector<double>& x, int N, int C, int H, int W, const std::vector<float>& w,
                                    const std::vector<float>& b, int K, int k, int s, int p, bool relu, bool pool, int* oh, int* ow) {
  const int OH = (H + 2 * p - k) / s + 1, OW = (W + 2 * p - k) / s + 1;
  std::vector<double> y((size_t)N * K * OH * OW);
  for (int n = 0; n < N; n++) for (int o = 0; o < K; o++) for (int i = 0; i < OH; i++) for (int j = 0; j < OW; j++) {
    double a = b[o];
    for (int c = 0; c < C; c++) for (int u = 0; u < k; u++) for (int v = 0; v < k; v++) {
      const int iy = i * s - p + u, ix = j * s - p + v;
      if (iy >= 0 && iy < H && ix >= 0 && ix < W) a += x[((size_t)(n * C + c) * H + iy) * W + ix] * w[((size_t)(o * C + c) * k + u) * k + v];
    }
    y[((size_t)(n * K + o) * OH + i) * OW + j] = relu && a < 0 ? 0 : a;
  }
  *oh = OH, *ow = OW;
  if (!pool) return y;
  std::vector<double> q((size_t)N * K * (OH / 2) * (OW / 2));
  for (int nk = 0; nk < N * K; nk++) for (int i = 0; i < OH / 2; i++) for (int j = 0; j < OW / 2; j++) {
    const double* r = &y[((size_t)nk * OH + 2 * i) * OW + 2 * j];
    q[((size_t)nk * (OH / 2) + i) * (OW / 2) + j] = std::max(std::max(r[0], r[1]), std::max(r[OW], r[OW + 1]));
  }
  *oh = OH / 2, *ow = OW / 2;
  return q;
}

// A plan whose convs take every GEMM path: plain-input im2col (3->20), Winograd
// with a fused pool (20->300), Winograd over two K blocks (300->24), blocked
// im2col over three K blocks with a ragged last panel (24->20, 5×5 stride 2),
// then Linear (1280->10, ReLU) at batch 2 (dot tiles) and 6 (8-lane tiles).
static void check_plan(const char* isa) {
  struct L { int C, K, k, s, p; bool relu, pool; };
  const L ls[] = {{3, 20, 3, 1, 1, true, false}, {20, 300, 3, 1, 1, true, true}, {300, 24, 3, 1, 1, true, false}, {24, 20, 5, 2, 2, false, false}};
  std::vector<std::vector<float>> ws, bs;
  Plan* plan = plan_new();
  std::string err;
  for (const L& l : ls) {
    ws.emplace_back((size_t)l.K * l.C * l.k * l.k); bs.emplace_back(l.K);
    for (auto& v : ws.back()) v = U() / std::sqrt(l.C * l.k * l.k); for (auto& v : bs.back()) v = U();
    PlanConvSpec sp{"conv", l.C, l.K, {l.k, l.k, l.s, l.s, l.p, l.p, 1, 1}, ws.back().data(), bs.back().data(), l.relu, l.pool, PlanConvAlgo::automatic};
    if (!plan_add_conv(plan, sp, &err)) { printf("FAIL %s plan build: %s\n", isa, err.c_str()); bad++; return; }
  }
  std::vector<float> lw(10 * 1280), lb(10);
  for (auto& v : lw) v = U() / 36; for (auto& v : lb) v = U();
  if (!plan_add_flatten(plan, "flatten", &err) || !plan_add_linear(plan, "fc", 1280, 10, lw.data(), lb.data(), true, &err) || !plan_finish(plan, &err)) {
    printf("FAIL %s plan build: %s\n", isa, err.c_str()); bad++; return;
  }
  for (int N : {2, 6}) {
    std::vector<float> x((size_t)N * 3 * 30 * 30); for (auto& v : x) v = U();
    std::vector<double> a(x.begin(), x.end());
    int H = 30, W = 30;
    for (size_t i = 0; i < 4; i++) { int oh, ow; a = ref_conv(a, N, ls[i].C, H, W, ws[i], bs[i], ls[i].K, ls[i].k, ls[i].s, ls[i].p, ls[i].relu, ls[i].pool, &oh, &ow); H = oh, W = ow; }
    std::vector<double> r((size_t)N * 10);
    for (int n = 0; n < N; n++) for (int j = 0; j < 10; j++) { double t = lb[j]; for (int i = 0; i < 1280; i++) t += a[(size_t)n * 1280 + i] * lw[(size_t)j * 1280 + i]; r[(size_t)n * 10 + j] = t < 0 ? 0 : t; }
    std::vector<float> out((size_t)N * 10, NAN);
    if (!plan_run(plan, x.data(), N, 3, 30, 30, out.data(), out.size(), &err)) { printf("FAIL %s plan run: %s\n", isa, err.c_str()); bad++; continue; }
    check(rel(out, r), 1e-4, "plan", isa);
  }
  plan_free(plan);
}

int main() {
  struct CS { int n, ci, co, h, w, kh, kw, sh, sw, ph, pw, dh, dw; };
  std::vector<CS> convs = {{2, 35, 67, 30, 30, 3, 3, 1, 1, 1, 1, 1, 1}, {3, 13, 35, 5, 7, 3, 3, 1, 1, 1, 1, 1, 1}, {2, 67, 35, 23, 19, 3, 3, 1, 1, 0, 0, 1, 1},
    {1, 16, 24, 9, 11, 3, 3, 1, 1, 2, 2, 1, 1}, {4, 24, 40, 36, 37, 3, 3, 1, 1, 1, 1, 1, 1}, {2, 3, 29, 33, 31, 3, 3, 1, 1, 1, 1, 1, 1},
    {2, 5, 7, 17, 19, 5, 5, 2, 2, 2, 2, 1, 1}, {3, 35, 13, 11, 9, 1, 1, 1, 1, 0, 0, 1, 1}, {1, 300, 40, 6, 6, 3, 3, 1, 1, 1, 1, 1, 1}};
  for (Isa isa : {Isa::generic, Isa::avx2, Isa::avx512}) {
    if (!set_isa(isa)) { printf("skip %s\n", isa_name(isa)); continue; }
    for (int th : {1, 2, 3}) {
      set_num_threads(th);
      for (int t = 0; t < 40; ++t) {
        int M = 1 + rng() % 200, N = 1 + rng() % 200, K = 1 + rng() % 600; bool ta = rng() & 1, tb = rng() & 1;
        float alpha = t % 3 ? U() : 1.f, beta = t % 4 == 0 ? 0.f : t % 4 == 1 ? 1.f : U();
        std::vector<float> A(M * K), B(K * N), C(M * N); for (auto& x : A) x = U(); for (auto& x : B) x = U(); for (auto& x : C) x = beta == 0 ? NAN : U();
        std::vector<double> R(M * N);
        for (int i = 0; i < M; i++) for (int j = 0; j < N; j++) { double s = 0; for (int k = 0; k < K; k++) s += (double)(ta ? A[k * M + i] : A[i * K + k]) * (tb ? B[j * K + k] : B[k * N + j]); R[i * N + j] = alpha * s + (beta == 0 ? 0 : beta * (double)C[i * N + j]); }
        sgemm(ta, tb, M, N, K, alpha, A.data(), ta ? M : K, B.data(), tb ? K : N, beta, C.data(), N);
        check(rel(C, R), 1e-5, "gemm", isa_name(isa));
      }
      for (auto c : convs) {
        ConvParams p{c.n, c.ci, c.co, c.h, c.w, (c.h + 2 * c.ph - c.dh * (c.kh - 1) - 1) / c.sh + 1, (c.w + 2 * c.pw - c.dw * (c.kw - 1) - 1) / c.sw + 1, c.kh, c.kw, c.sh, c.sw, c.ph, c.pw, c.dh, c.dw};
        size_t xs = (size_t)p.batch * p.inC * p.inH * p.inW, ys = (size_t)p.batch * p.outC * p.outH * p.outW, ws = (size_t)p.outC * p.inC * p.kH * p.kW;
        std::vector<float> x(xs), w(ws), b(p.outC), gy(ys); for (auto& v : x) v = U(); for (auto& v : w) v = U(); for (auto& v : b) v = U(); for (auto& v : gy) v = U();
        std::vector<double> ry(ys), rgx(xs), rgw(ws);
        for (int n = 0; n < p.batch; n++) for (int co = 0; co < p.outC; co++) for (int oy = 0; oy < p.outH; oy++) for (int ox = 0; ox < p.outW; ox++) {
          size_t yi = ((size_t)(n * p.outC + co) * p.outH + oy) * p.outW + ox; ry[yi] += b[co];
          for (int ci = 0; ci < p.inC; ci++) for (int u = 0; u < p.kH; u++) { int iy = oy * p.strideH - p.padH + u * p.dilH; if (iy < 0 || iy >= p.inH) continue;
            for (int v = 0; v < p.kW; v++) { int ix = ox * p.strideW - p.padW + v * p.dilW; if (ix < 0 || ix >= p.inW) continue;
              size_t xi = ((size_t)(n * p.inC + ci) * p.inH + iy) * p.inW + ix, wi = ((size_t)(co * p.inC + ci) * p.kH + u) * p.kW + v;
              ry[yi] += (double)x[xi] * w[wi]; rgx[xi] += (double)gy[yi] * w[wi]; rgw[wi] += (double)gy[yi] * x[xi]; } } }
        for (ConvAlgo algo : {ConvAlgo::automatic, ConvAlgo::winograd, ConvAlgo::im2col}) {
          set_conv_algo(algo);
          std::vector<float> y(ys, NAN), gx(xs, NAN), gw(ws, NAN);
          conv2d_forward(x.data(), w.data(), b.data(), y.data(), p); check(rel(y, ry), 1e-4, "conv fwd", isa_name(isa));
          conv2d_backward_input(gy.data(), w.data(), gx.data(), p); check(rel(gx, rgx), 1e-3, "conv bwd in", isa_name(isa));
          conv2d_backward_weight(gy.data(), x.data(), gw.data(), p); check(rel(gw, rgw), 1e-3, "conv bwd w", isa_name(isa));
        }
        set_conv_algo(ConvAlgo::automatic);
      }
      check_plan(isa_name(isa));
      printf("%s threads %d done\n", isa_name(isa), th);
    }
  }
  printf(bad ? "FAILURES: %d\n" : "all ok\n", bad);
  return bad != 0;
}
