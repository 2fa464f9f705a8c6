// Winograd tile transforms compiled for AVX-512 (16 tiles per call: one zmm per lane group).
#include "platform.h"

#if VGG_X86_64 || defined(VGG_SIMDE_AVX512)
#include <algorithm>

#include "conv.h"

#if defined(VGG_SIMDE_AVX512)  // emulation test build: plain C++ (see gemm_avx512.cc)
#define VGG_WINO_TARGET
#else
#define VGG_WINO_TARGET __attribute__((target("avx512f,avx512bw,avx512vl,avx2,fma")))
#endif
#define VGG_WINO_CW 16
#define VGG_WINO_WLANES 16
#define VGG_WINO_NAME kWinoAvx512
namespace vgg {
#include "wino_transforms.inc"
}  // namespace vgg
#endif
