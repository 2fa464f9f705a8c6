// What the Node-API files (addon.cc, plan_napi.cc) share.
#pragma once

#include <mutex>

#include "napi_util.h"

namespace vgg {

// Serialises every call into the kernels: the thread pool and the scratch
// buffers are global.
extern std::mutex g_kernel_mu;

}  // namespace vgg

// Fetches exactly n arguments into `args`; returns null from the caller after throwing.
#define VGG_ARGS(n, name)        \
  napi::Args args(env, info, n, name); \
  if (!args.ok) return nullptr
