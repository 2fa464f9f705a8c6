// Winograd tile transforms for the baseline ISA (8 tiles per call).
#include <algorithm>

#include "conv.h"

#define VGG_WINO_TARGET
#define VGG_WINO_CW 8
#define VGG_WINO_WLANES 4
#define VGG_WINO_NAME kWinoGeneric
namespace vgg {
#include "wino_transforms.inc"
}  // namespace vgg
