// Unary elementwise kernels on xsimd's vectorised math (5-7x faster than scalar libm in float32).
//
// Every element, the tail included, goes through the same vector function: xtensor's assignment
// computes an unaligned head and the tail with scalar libm, whose exp/tanh differ from xsimd's in
// the last bit, so a result depended on the buffer's address (a resumed run, or an adopted NumPy
// array, then drifted from a fresh one).
#include <algorithm>

#include <xsimd/xsimd.hpp>

#include "elementwise.hpp"

namespace xgrad::kernels {
namespace {

template <class T, class F>
void map_batches(const T* in, T* out, size_t n, F f) {
    using Batch = xsimd::batch<T>;
    constexpr size_t width = Batch::size;
    size_t i = 0;
    for (; i + width <= n; i += width) f(Batch::load_unaligned(in + i)).store_unaligned(out + i);
    if (i < n) {
        alignas(64) T tail[width] = {};
        std::copy(in + i, in + n, tail);
        f(Batch::load_aligned(tail)).store_aligned(tail);
        std::copy(tail, tail + (n - i), out + i);
    }
}

template <class T>
void unary_typed(UnaryOp op, const T* in, T* out, size_t n) {
    using Batch = xsimd::batch<T>;
    const Batch zero(T(0)), one(T(1));
    switch (op) {
        case UnaryOp::neg: return map_batches(in, out, n, [](Batch x) { return -x; });
        case UnaryOp::exp: return map_batches(in, out, n, [](Batch x) { return xsimd::exp(x); });
        case UnaryOp::log: return map_batches(in, out, n, [](Batch x) { return xsimd::log(x); });
        case UnaryOp::sqrt: return map_batches(in, out, n, [](Batch x) { return xsimd::sqrt(x); });
        case UnaryOp::abs: return map_batches(in, out, n, [](Batch x) { return xsimd::abs(x); });
        case UnaryOp::tanh: return map_batches(in, out, n, [](Batch x) { return xsimd::tanh(x); });
        // sigma(x) = 1 / (1 + e^-x): saturates to 0 or 1 without overflow warnings in float math.
        case UnaryOp::sigmoid: return map_batches(in, out, n, [&](Batch x) { return one / (one + xsimd::exp(-x)); });
        case UnaryOp::relu: return map_batches(in, out, n, [&](Batch x) { return xsimd::max(x, zero); });
        case UnaryOp::sign: return map_batches(in, out, n, [](Batch x) { return xsimd::sign(x); });
        case UnaryOp::square: return map_batches(in, out, n, [](Batch x) { return x * x; });
        case UnaryOp::reciprocal: return map_batches(in, out, n, [&](Batch x) { return one / x; });
    }
}

}  // namespace

Tensor unary(UnaryOp op, const Tensor& x) {
    // Non-contiguous input: one copy into the output buffer, then the op in place.
    Tensor src = x.is_contiguous() ? x : copy(x, x.dtype());
    Tensor out = Tensor::empty(x.shape(), x.dtype());
    XGRAD_DISPATCH(x.dtype(), [&] {
        unary_typed<scalar_t>(op, src.data<scalar_t>(), out.data<scalar_t>(), size_t(x.numel()));
    });
    return out;
}

}  // namespace xgrad::kernels
