// xgrad._cpu: which SIMD variants of the core this CPU (and its OS) can run. Compiled at the
// baseline target, so importing it is safe on any x86-64; python/xgrad/_simd.py asks it before
// loading a variant.
#include <pybind11/pybind11.h>

#include <string>

namespace {

// The x86-64 micro-architecture levels the variants are compiled for (-march=x86-64-v3/v4). GCC's
// __builtin_cpu_supports checks the CPUID bits and that the OS saves the AVX / AVX-512 registers.
bool supports(const std::string& level) {
#if defined(__x86_64__) && defined(__GNUC__) && !defined(__clang__)
    if (level == "x86-64-v3") return __builtin_cpu_supports("x86-64-v3");
    if (level == "x86-64-v4") return __builtin_cpu_supports("x86-64-v4");
#elif defined(__x86_64__) && defined(__clang__)
    if (level == "x86-64-v3")
        return __builtin_cpu_supports("avx2") && __builtin_cpu_supports("fma") && __builtin_cpu_supports("bmi2");
    if (level == "x86-64-v4")
        return __builtin_cpu_supports("avx512f") && __builtin_cpu_supports("avx512bw") &&
               __builtin_cpu_supports("avx512dq") && __builtin_cpu_supports("avx512vl");
#endif
    if (level == "x86-64" || level == "") return true;
    return false;
}

}  // namespace

PYBIND11_MODULE(_cpu, m) {
    m.doc() = "Which SIMD variants of xgrad's core this CPU runs (used by xgrad._simd at import).";
    m.def("supports", &supports, pybind11::arg("level"),
          "True if this CPU and OS run code compiled with -march=<level> (x86-64, x86-64-v3, x86-64-v4).");
#if defined(__x86_64__)
    m.attr("machine") = "x86_64";
#else
    m.attr("machine") = "other";
#endif
}
