// What this build of the core is: the SIMD variant and flags it was compiled with, for bug reports
// (`python -m xgrad`) and for checking that the package loaded the variant it meant to.
#pragma once

#include <string>

namespace xgrad {

struct BuildInfo {
    std::string variant;     // baseline, avx2, avx512 or native (CMakeLists.txt: XGRAD_VARIANTS)
    std::string march;       // the -march the core was compiled with ("" for the compiler's default)
    std::string simd_arch;   // the instruction set xsimd's kernels use in this variant
    std::string build_type;  // CMAKE_BUILD_TYPE
    std::string commit;      // git commit of the source tree at configure time ("" if unknown)
    std::string compiler;
    bool sanitized;          // built with -fsanitize=address,undefined
};

const BuildInfo& build_info();

}  // namespace xgrad
