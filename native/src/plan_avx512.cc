// Plan kernels compiled for AVX-512 (F, BW, VL): the 12×16 GEMM tile on zmm
// registers and the Winograd transforms on two channel blocks per zmm; the
// other 8-channel vector code as in the AVX2 table.
#include "platform.h"

#if VGG_X86_64 || defined(VGG_SIMDE_AVX512)
#include <cstdint>

#if defined(VGG_SIMDE_AVX512)  // emulation test build: plain C++ (see gemm_avx512.cc)
#define SIMDE_ENABLE_NATIVE_ALIASES
#include <simde/x86/avx512.h>
#define PLAN_TARGET
#else
#include <immintrin.h>
#define PLAN_TARGET __attribute__((target("avx512f,avx512bw,avx512vl,avx2,fma")))
#define PLAN_FMA 1
#endif

#include "plan_kernels.h"

#define PLAN_NAME kPlanAvx512
#define PLAN_KERNELS_LABEL "avx512"
#define PLAN_GEMM_AVX512 1
#define PLAN_MR 12
namespace vgg {
#include "plan_kernels.inc"
}  // namespace vgg
#endif
