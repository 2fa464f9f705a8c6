// CPU feature detection with cpuid + xgetbv, so kernels compiled with
// __attribute__((target(...))) only run where the CPU and OS support them.
#include "platform.h"

#include "cpu.h"

#include <cstdint>
#include <cstdlib>
#include <cstring>

#if VGG_X86_64
#include <cpuid.h>
#endif

namespace vgg {
namespace {

#if VGG_X86_64
uint64_t read_xcr0() {
  uint32_t eax, edx;
  __asm__ volatile("xgetbv" : "=a"(eax), "=d"(edx) : "c"(0));
  return (static_cast<uint64_t>(edx) << 32) | eax;
}

struct Features {
  bool avx2_fma = false;
  bool avx512 = false;
};

Features detect() {
  Features f;
  unsigned a, b, c, d;
  if (!__get_cpuid(1, &a, &b, &c, &d)) return f;
  const bool osxsave = (c >> 27) & 1, avx = (c >> 28) & 1, fma = (c >> 12) & 1;
  if (!osxsave || !avx) return f;
  const uint64_t xcr0 = read_xcr0();
  const bool ymm_state = (xcr0 & 0x6) == 0x6;            // SSE + AVX state
  const bool zmm_state = (xcr0 & 0xE6) == 0xE6;           // + opmask, ZMM_Hi256, Hi16_ZMM
  if (__get_cpuid_max(0, nullptr) < 7) return f;
  __cpuid_count(7, 0, a, b, c, d);
  const bool avx2 = (b >> 5) & 1;
  const bool avx512f = (b >> 16) & 1, avx512bw = (b >> 30) & 1, avx512vl = (b >> 31) & 1;
  f.avx2_fma = ymm_state && avx2 && fma;
  f.avx512 = f.avx2_fma && zmm_state && avx512f && avx512bw && avx512vl;
  return f;
}
#endif

bool g_detected = false;
bool g_has_avx2 = false, g_has_avx512 = false;
Isa g_current = Isa::generic;
bool g_overridden = false;

void ensure_detected() {
  if (g_detected) return;
#if VGG_X86_64
  const Features f = detect();
  g_has_avx2 = f.avx2_fma;
  g_has_avx512 = f.avx512;
#endif
#if defined(VGG_SIMDE_AVX512)
  // Emulation test build: the AVX-512 kernels are compiled against SIMDe.
  g_has_avx512 = true;
#endif
  g_detected = true;
  // VGG_ISA=generic|avx2|avx512 caps the ISA at start-up (unsupported values are ignored).
  if (const char* env = std::getenv("VGG_ISA")) {
    Isa want;
    if (parse_isa(env, &want) && cpu_supports(want)) {
      g_current = want;
      g_overridden = true;
    }
  }
}

}  // namespace

bool cpu_supports(Isa isa) {
  ensure_detected();
  switch (isa) {
    case Isa::generic: return true;
    case Isa::avx2: return g_has_avx2;
    case Isa::avx512: return g_has_avx512;
  }
  return false;
}

Isa best_isa() {
  ensure_detected();
  return g_has_avx512 ? Isa::avx512 : g_has_avx2 ? Isa::avx2 : Isa::generic;
}

Isa current_isa() {
  ensure_detected();
  return g_overridden ? g_current : best_isa();
}

bool set_isa(Isa isa) {
  if (!cpu_supports(isa)) return false;
  g_current = isa;
  g_overridden = true;
  return true;
}

const char* isa_name(Isa isa) {
  switch (isa) {
    case Isa::generic: return "generic";
    case Isa::avx2: return "avx2";
    case Isa::avx512: return "avx512";
  }
  return "generic";
}

bool parse_isa(const char* name, Isa* out) {
  if (std::strcmp(name, "generic") == 0) { *out = Isa::generic; return true; }
  if (std::strcmp(name, "avx2") == 0) { *out = Isa::avx2; return true; }
  if (std::strcmp(name, "avx512") == 0) { *out = Isa::avx512; return true; }
  return false;
}

}  // namespace vgg
