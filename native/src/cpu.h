// Instruction-set detection and selection.
#pragma once

namespace vgg {

enum class Isa { generic = 0, avx2 = 1, avx512 = 2 };

// True when both the CPU and the OS support the ISA (AVX state enabled in XCR0).
bool cpu_supports(Isa isa);
// Best ISA the machine supports.
Isa best_isa();
// ISA the kernels dispatch to now (best_isa() unless overridden).
Isa current_isa();
// Forces an ISA; returns false (and changes nothing) when unsupported.
bool set_isa(Isa isa);
const char* isa_name(Isa isa);
bool parse_isa(const char* name, Isa* out);

}  // namespace vgg
