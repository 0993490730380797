// Compiled into each SIMD variant of the core, so it reports that variant's flags.
#include "xgrad/build_info.hpp"

#ifdef XTENSOR_USE_XSIMD
#include <xsimd/xsimd.hpp>
#endif

namespace xgrad {

const BuildInfo& build_info() {
    static const BuildInfo info{
        XGRAD_SIMD_VARIANT,
        XGRAD_MARCH,
#ifdef XTENSOR_USE_XSIMD
        xsimd::default_arch::name(),
#else
        "none",
#endif
        XGRAD_BUILD_TYPE,
        XGRAD_COMMIT,
        XGRAD_COMPILER,
        bool(XGRAD_SANITIZED),
    };
    return info;
}

}  // namespace xgrad
