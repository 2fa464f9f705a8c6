#include "scratch.h"

#include <atomic>
#include <cstdlib>
#include <mutex>

namespace vgg {
namespace {

constexpr int kMaxThreads = 1025;

struct Buffer {
  float* data = nullptr;
  size_t floats = 0;
};

Buffer g_buffers[kMaxThreads][kScratchSlots];
std::atomic<bool> g_failed{false};

}  // namespace

float* scratch(int tid, ScratchSlot slot, size_t floats) {
  if (tid < 0 || tid >= kMaxThreads) {
    g_failed.store(true);
    return nullptr;
  }
  Buffer& b = g_buffers[tid][slot];
  if (floats == 0) floats = 1;
  if (b.floats < floats) {
    std::free(b.data);
    // Round up so that small growth steps do not reallocate every time.
    const size_t want = floats + floats / 8 + 64;
    const size_t bytes = (want * sizeof(float) + 63) & ~static_cast<size_t>(63);
    b.data = static_cast<float*>(std::aligned_alloc(64, bytes));
    b.floats = b.data ? bytes / sizeof(float) : 0;
    if (!b.data) {
      g_failed.store(true);
      return nullptr;
    }
  }
  return b.data;
}

bool take_alloc_failure() { return g_failed.exchange(false); }

void release_scratch() {
  for (auto& row : g_buffers)
    for (auto& b : row) {
      std::free(b.data);
      b.data = nullptr;
      b.floats = 0;
    }
}

}  // namespace vgg
