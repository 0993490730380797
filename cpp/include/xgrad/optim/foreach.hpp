// The one loop every update rule runs through. A rule is a small struct holding the step's
// coefficients, called once per element as rule(p, g, state...). The tensor optimizers call it over
// numel() elements; the 2-D playground calls the very same rule over 2 elements, so each update
// formula is written once.
#pragma once

#include <algorithm>
#include <cmath>
#include <cstdint>
#include <thread>
#include <vector>

#include "xgrad/tensor/threads.hpp"

namespace xgrad::optim {

template <class T, class Rule, class... S>
inline void for_each_element(int64_t n, const Rule& rule, T* __restrict p, const T* __restrict g,
                             S* __restrict... state) {
    // A local copy: the coefficients become registers. Read through the reference, they are loads
    // GCC does not hoist out of the loop, and Adam's loop stayed scalar (no vectype for the load).
    const Rule local = rule;
#pragma omp simd
    for (int64_t i = 0; i < n; ++i) local(p[i], g[i], state[i]...);
}

// Threads for the tensor optimizers' updates: xgrad::num_threads() (set_num_threads), at least 256K
// elements each (below that a thread costs more than it saves). Rules are stateless per element,
// so chunks are independent. The 2-D playground calls for_each_element directly.

template <class T, class Rule, class... S>
inline void parallel_for_each_element(int64_t n, const Rule& rule, T* p, const T* g, S*... state) {
    constexpr int64_t kMinPerThread = int64_t(1) << 18;
    if (n < 2 * kMinPerThread) return for_each_element(n, rule, p, g, state...);
    const int64_t threads = std::min<int64_t>(num_threads(), n / kMinPerThread);
    if (threads <= 1) return for_each_element(n, rule, p, g, state...);
    const int64_t chunk = ((n + threads - 1) / threads + 63) / 64 * 64;  // whole cache lines
    std::vector<std::thread> pool;
    for (int64_t begin = chunk; begin < n; begin += chunk) {
        const int64_t len = std::min(chunk, n - begin);
        pool.emplace_back([=, &rule] { for_each_element(len, rule, p + begin, g + begin, (state + begin)...); });
    }
    for_each_element(std::min(chunk, n), rule, p, g, state...);
    for (auto& t : pool) t.join();
}

// Rounding. The rules write a*b + c as a fused multiply-add exactly where PyTorch's CPU kernels fuse
// (add with alpha, addcmul, lerp; ATen is built with FMA contraction), and keep separate roundings
// where PyTorch runs separate kernels; float64 runs then match torch.optim bit for bit on most steps.
// They call muladd, which is std::fma where the CPU has FMA (the avx2 and avx512 variants: one
// instruction, vectorised) and a * b + c where it has not (the baseline variant): there std::fma is
// libm's exact software routine, 10x slower per step, and PyTorch's kernels for such a CPU do not
// fuse either.
template <class T>
inline T muladd(T a, T b, T c) {
#if defined(__FMA__)
    return std::fma(a, b, c);
#else
    return a * b + c;
#endif
}

// PyTorch's lerp a + w (b - a) for a fixed weight, exact at both ends (as torch.lerp is):
// a + w (b - a) for w < 0.5, else b + (w - 1)(b - a). The branch on w is taken once, outside the
// loop; inside, a select that vectorises.
template <class T>
struct Lerp {
    T coeff;
    bool from_a;
    explicit Lerp(T w) : coeff(w < T(0.5) ? w : w - T(1)), from_a(w < T(0.5)) {}
    T operator()(T a, T b) const {
        const T base = from_a ? a : b;
        return muladd(coeff, b - a, base);
    }
};

}  // namespace xgrad::optim
