// Winograd tile transforms compiled for AVX2 + FMA (16 tiles per call).
#include "platform.h"

#if VGG_X86_64
#include <algorithm>

#include "conv.h"

#define VGG_WINO_TARGET __attribute__((target("avx2,fma")))
#define VGG_WINO_CW 16
#define VGG_WINO_WLANES 8
#define VGG_WINO_NAME kWinoAvx2
namespace vgg {
#include "wino_transforms.inc"
}  // namespace vgg
#endif
