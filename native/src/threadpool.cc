// Persistent thread pool: one mailbox per worker, so a region wakes only the
// workers it uses. Workers spin briefly after each job (cheap back-to-back
// kernels) and then sleep on a condition variable.
//
// A posted job is claimed with a compare-and-swap, by its worker or, once the
// caller has finished its own share, by the caller itself: a worker that the
// OS has not scheduled yet (another process busy on its core) never holds a
// region up; the caller simply runs that share too.
#include "platform.h"

#include "threadpool.h"

#include <condition_variable>
#include <cstdlib>
#include <mutex>
#include <thread>
#include <vector>

#if VGG_X86_64
#include <immintrin.h>
#define VGG_PAUSE() _mm_pause()
#else
#define VGG_PAUSE() std::this_thread::yield()
#endif

#if defined(__linux__)
#include <unistd.h>
#endif

namespace vgg {
namespace {

constexpr int kSpinIterations = 20000;
enum : int { kIdle = 0, kPosted = 1, kClaimed = 2, kStolen = 3 };

thread_local bool t_in_region = false;

struct Worker {
  std::thread thread;
  std::mutex mu;
  std::condition_variable cv;
  std::atomic<uint64_t> seq{0};   // bumped by the caller to post a job
  std::atomic<int> state{0};      // kIdle, kPosted, kClaimed (by the worker), kStolen (by the caller)
  std::atomic<bool> stop{false};
  RegionFn fn = nullptr;          // written by the caller while the worker is idle
  void* ctx = nullptr;
  int tid = 0;
  int n = 0;
};

struct Pool {
  std::vector<Worker*> workers;  // workers[i] has tid i + 1
  int size = 1;
  std::atomic<int> pending{0};
  std::mutex done_mu;
  std::condition_variable done_cv;
};

Pool g_pool;
bool g_started = false;
std::mutex g_config_mu;

int default_threads() {
  if (const char* env = std::getenv("VGG_NUM_THREADS")) {
    char* end = nullptr;
    const long v = std::strtol(env, &end, 10);
    if (end != env && v > 0) return v > 1024 ? 1024 : static_cast<int>(v);
  }
#if defined(__linux__)
  const long n = sysconf(_SC_NPROCESSORS_ONLN);
  if (n > 0) return static_cast<int>(n);
#endif
  const unsigned hc = std::thread::hardware_concurrency();
  return hc > 0 ? static_cast<int>(hc) : 1;
}

void finish_one() {
  if (g_pool.pending.fetch_sub(1, std::memory_order_acq_rel) == 1) {
    std::lock_guard<std::mutex> lk(g_pool.done_mu);
    g_pool.done_cv.notify_one();
  }
}

void worker_main(Worker* w) {
  uint64_t seen = 0;
  for (;;) {
    uint64_t s = w->seq.load(std::memory_order_acquire);
    for (int i = 0; s == seen && i < kSpinIterations && !w->stop.load(std::memory_order_relaxed); ++i) {
      VGG_PAUSE();
      s = w->seq.load(std::memory_order_acquire);
    }
    if (s == seen) {
      std::unique_lock<std::mutex> lk(w->mu);
      w->cv.wait(lk, [&] { return w->seq.load(std::memory_order_acquire) != seen || w->stop.load(); });
      s = w->seq.load(std::memory_order_acquire);
    }
    if (w->stop.load()) return;
    seen = s;
    int expected = kPosted;
    if (!w->state.compare_exchange_strong(expected, kClaimed, std::memory_order_acq_rel)) continue;
    t_in_region = true;
    w->fn(w->ctx, w->tid, w->n);
    t_in_region = false;
    w->state.store(kIdle, std::memory_order_release);
    finish_one();
  }
}

void stop_workers() {
  for (Worker* w : g_pool.workers) {
    {
      std::lock_guard<std::mutex> lk(w->mu);
      w->stop.store(true);
    }
    w->cv.notify_one();
  }
  for (Worker* w : g_pool.workers) {
    w->thread.join();
    delete w;
  }
  g_pool.workers.clear();
  g_pool.size = 1;
}

void start_workers(int n) {
  g_pool.size = n < 1 ? 1 : n;
  for (int i = 1; i < g_pool.size; ++i) {
    Worker* w = new Worker();
    w->tid = i;
    w->thread = std::thread(worker_main, w);
    g_pool.workers.push_back(w);
  }
}

void ensure_started() {
  if (g_started) return;
  std::lock_guard<std::mutex> lk(g_config_mu);
  if (g_started) return;
  start_workers(default_threads());
  g_started = true;
}

}  // namespace

int num_threads() {
  ensure_started();
  return g_pool.size;
}

bool in_parallel() { return t_in_region; }

void set_num_threads(int n) {
  ensure_started();
  std::lock_guard<std::mutex> lk(g_config_mu);
  if (n <= 0) n = default_threads();
  if (n == g_pool.size) return;
  stop_workers();
  start_workers(n);
}

void parallel_region(RegionFn fn, void* ctx, int max_threads) {
  ensure_started();
  int n = g_pool.size < max_threads ? g_pool.size : max_threads;
  if (n <= 1 || t_in_region) {
    // Single-threaded or nested: run the whole region here as one thread.
    const bool was = t_in_region;
    t_in_region = true;
    fn(ctx, 0, 1);
    t_in_region = was;
    return;
  }
  g_pool.pending.store(n - 1, std::memory_order_relaxed);
  for (int i = 0; i < n - 1; ++i) {
    Worker* w = g_pool.workers[i];
    w->fn = fn;
    w->ctx = ctx;
    w->n = n;
    w->state.store(kPosted, std::memory_order_release);
    {
      std::lock_guard<std::mutex> lk(w->mu);
      w->seq.fetch_add(1, std::memory_order_release);
    }
    w->cv.notify_one();
  }
  t_in_region = true;
  fn(ctx, 0, n);
  // Run the shares of workers that have not started yet.
  for (int i = 0; i < n - 1; ++i) {
    Worker* w = g_pool.workers[i];
    int expected = kPosted;
    if (w->state.compare_exchange_strong(expected, kStolen, std::memory_order_acq_rel)) {
      fn(ctx, w->tid, n);
      w->state.store(kIdle, std::memory_order_release);
      g_pool.pending.fetch_sub(1, std::memory_order_acq_rel);
    }
  }
  t_in_region = false;
  for (int i = 0; i < kSpinIterations && g_pool.pending.load(std::memory_order_acquire) != 0; ++i) VGG_PAUSE();
  if (g_pool.pending.load(std::memory_order_acquire) != 0) {
    std::unique_lock<std::mutex> lk(g_pool.done_mu);
    g_pool.done_cv.wait(lk, [] { return g_pool.pending.load(std::memory_order_acquire) == 0; });
  }
}

}  // namespace vgg
