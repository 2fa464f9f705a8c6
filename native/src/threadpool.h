// Persistent thread pool with fork-join parallel regions and a parallel-for.
//
// One pool serves every kernel. Its size comes from VGG_NUM_THREADS (default:
// the number of online CPUs) and counts the calling thread, which always takes
// part in the work: a pool of size 1 starts no threads. Regions do not nest: a
// parallel_for issued from inside a region runs serially on that thread.
#pragma once

#include <atomic>
#include <cstdint>
#include <type_traits>

namespace vgg {

// Body of a parallel region, called once per participating thread with its
// id in [0, nthreads).
using RegionFn = void (*)(void* ctx, int tid, int nthreads);

// Number of threads kernels may use (>= 1).
int num_threads();
// Resizes the pool (n <= 0 restores the default). Not from inside a region.
void set_num_threads(int n);
// True while the current thread runs inside a parallel region.
bool in_parallel();

// Runs fn(ctx, tid, n) on n = min(max_threads, num_threads()) threads and
// returns when all have finished; runs inline when n == 1 or when nested.
void parallel_region(RegionFn fn, void* ctx, int max_threads = 1 << 30);

namespace detail {
template <class F>
void region_trampoline(void* ctx, int tid, int n) { (*static_cast<F*>(ctx))(tid, n); }
}  // namespace detail

// parallel_run(f): f(tid, nthreads) once on each participating thread.
template <class F>
void parallel_run(F&& f, int max_threads = 1 << 30) {
  using Fn = typename std::remove_reference<F>::type;
  parallel_region(&detail::region_trampoline<Fn>, static_cast<void*>(&f), max_threads);
}

// parallel_for(begin, end, grain, f): calls f(lo, hi) on disjoint chunks that
// cover [begin, end), each at least `grain` long except possibly the last.
// Chunks are handed out dynamically (about four per thread).
template <class F>
void parallel_for(int64_t begin, int64_t end, int64_t grain, F&& f) {
  const int64_t total = end - begin;
  if (total <= 0) return;
  if (grain < 1) grain = 1;
  const int64_t max_chunks = (total + grain - 1) / grain;
  const int nt = num_threads();
  if (nt == 1 || max_chunks == 1 || in_parallel()) {
    f(begin, end);
    return;
  }
  int64_t chunks = static_cast<int64_t>(nt) * 4;
  if (chunks > max_chunks) chunks = max_chunks;
  const int64_t chunk = (total + chunks - 1) / chunks;
  chunks = (total + chunk - 1) / chunk;
  std::atomic<int64_t> next{0};
  auto body = [&](int, int) {
    for (;;) {
      const int64_t c = next.fetch_add(1, std::memory_order_relaxed);
      if (c >= chunks) break;
      const int64_t lo = begin + c * chunk;
      const int64_t hi = lo + chunk < end ? lo + chunk : end;
      f(lo, hi);
    }
  };
  parallel_run(body, static_cast<int>(chunks < nt ? chunks : nt));
}

// Splits [0, total) into `parts` nearly equal contiguous ranges; returns part i.
inline void split_range(int64_t total, int parts, int i, int64_t* lo, int64_t* hi) {
  const int64_t base = total / parts, rem = total % parts;
  *lo = i * base + (i < rem ? i : rem);
  *hi = *lo + base + (i < rem ? 1 : 0);
}

}  // namespace vgg
