// Plan kernels compiled for AVX2 + FMA.
#include "platform.h"

#if VGG_X86_64
#include <immintrin.h>

#include <cstdint>

#include "plan_kernels.h"
#include "tile_avx2_6x16.h"

#define PLAN_TARGET __attribute__((target("avx2,fma")))
#define PLAN_NAME kPlanAvx2
#define PLAN_KERNELS_LABEL "avx2"
#define PLAN_FMA 1
#define PLAN_GEMM_AVX2 1
#define PLAN_MR 6
namespace vgg {
#include "plan_kernels.inc"
}  // namespace vgg
#endif
