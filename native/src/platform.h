// Platform switches. VGG_X86_64 enables the x86-64 code paths (AVX2/AVX-512
// kernels, cpuid, SSE packing); building with -DVGG_PORTABLE_ONLY turns them
// off to check the portable build on an x86 machine.
#pragma once

#if defined(__x86_64__) && !defined(VGG_PORTABLE_ONLY)
#define VGG_X86_64 1
#else
#define VGG_X86_64 0
#endif
