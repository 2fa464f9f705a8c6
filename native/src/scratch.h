// Grow-only, 64-byte aligned scratch buffers, one set per pool thread, so the
// kernels do not allocate (and page-fault) on every call.
#pragma once

#include <cstddef>
#include <cstdint>

namespace vgg {

enum ScratchSlot {
  kScratchGemmA = 0,   // packed A block (per thread)
  kScratchGemmB,       // packed B block (thread 0 only: shared)
  kScratchGemmTile,    // small-M path buffers
  kScratchCol,         // im2col / col2im columns (thread 0 only)
  kScratchWinoU,       // transformed weights (thread 0 only)
  kScratchWinoV,       // transformed input tiles
  kScratchWinoM,       // transform-domain products
  kScratchGy,          // output gradients gathered over images (conv weight gradient; thread 0 only)
  kScratchSlots
};

// Buffer of at least `floats` floats for pool thread `tid` (0 = caller).
// Contents are unspecified. Valid until the next call with the same tid/slot.
// Returns nullptr (and raises the flag below) when memory runs out.
float* scratch(int tid, ScratchSlot slot, size_t floats);
// Reads and clears the out-of-memory flag raised by scratch().
bool take_alloc_failure();
// Frees every scratch buffer (call only when no kernel runs).
void release_scratch();

}  // namespace vgg
