// Plan kernels for the baseline ISA (portable C++ with vector extensions).
#include <cstdint>

#include "plan_kernels.h"

#define PLAN_TARGET
#define PLAN_NAME kPlanGeneric
#define PLAN_KERNELS_LABEL "generic"
#define PLAN_MR 6
namespace vgg {
#include "plan_kernels.inc"
}  // namespace vgg
