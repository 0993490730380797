// Pointwise maps on xsimd batches: the loop that every elementwise op's forward and backward run
// through. The math itself (a functor on batches) lives with the op, in cpp/src/ops/.
//
// Every element, the tail included, goes through the same vector code: xtensor's assignment
// computes an unaligned head and the tail with scalar libm, whose exp/tanh differ from xsimd's in
// the last bit, so a result would depend on the buffer's address (a resumed run, or an adopted
// NumPy array, would drift from a fresh one).
#pragma once

#include <algorithm>
#include <cstddef>

#include <xsimd/xsimd.hpp>

#include "elementwise.hpp"
#include "xgrad/tensor/tensor.hpp"

namespace xgrad::kernels {

template <class T>
using Batch = xsimd::batch<T>;

// A batch with every lane equal to `value` (in the batch's element type).
template <class B>
B splat(double value) {
    return B(typename B::value_type(value));
}

// out[i] = f(a[i]) over n elements.
template <class T, class F>
void map_buffer(const T* a, T* out, size_t n, F&& f) {
    constexpr size_t width = Batch<T>::size;
    size_t i = 0;
    for (; i + width <= n; i += width) f(Batch<T>::load_unaligned(a + i)).store_unaligned(out + i);
    if (i < n) {
        alignas(64) T tail[width] = {};
        std::copy(a + i, a + n, tail);
        f(Batch<T>::load_aligned(tail)).store_aligned(tail);
        std::copy(tail, tail + (n - i), out + i);
    }
}

// out[i] = f(a[i], b[i]) over n elements.
template <class T, class F>
void map_buffer(const T* a, const T* b, T* out, size_t n, F&& f) {
    constexpr size_t width = Batch<T>::size;
    size_t i = 0;
    for (; i + width <= n; i += width)
        f(Batch<T>::load_unaligned(a + i), Batch<T>::load_unaligned(b + i)).store_unaligned(out + i);
    if (i < n) {
        alignas(64) T tail_a[width] = {}, tail_b[width] = {};
        std::copy(a + i, a + n, tail_a);
        std::copy(b + i, b + n, tail_b);
        f(Batch<T>::load_aligned(tail_a), Batch<T>::load_aligned(tail_b)).store_aligned(tail_a);
        std::copy(tail_a, tail_a + (n - i), out + i);
    }
}

inline Tensor contiguous_or_copy(const Tensor& x) { return x.is_contiguous() ? x : copy(x, x.dtype()); }

// A new contiguous tensor f(x); `f` is a generic callable on Batch<float> and Batch<double>.
template <class F>
Tensor map(const Tensor& x_in, F&& f) {
    Tensor x = contiguous_or_copy(x_in);
    Tensor out = Tensor::empty(x.shape(), x.dtype());
    XGRAD_DISPATCH(x.dtype(), [&] {
        map_buffer(x.data<scalar_t>(), out.data<scalar_t>(), size_t(x.numel()), f);
    });
    return out;
}

// A new contiguous tensor f(a, b) for a and b of one shape and dtype (a backward's gradient and
// the tensor it saved).
template <class F>
Tensor map(const Tensor& a_in, const Tensor& b_in, F&& f) {
    if (a_in.shape() != b_in.shape())
        throw ValueError("pointwise map: operands of shapes " + shape_str(a_in.shape()) + " and " +
                         shape_str(b_in.shape()) + " differ");
    Tensor a = contiguous_or_copy(a_in);
    Tensor b = b_in.dtype() == a.dtype() ? contiguous_or_copy(b_in) : copy(b_in, a.dtype());
    Tensor out = Tensor::empty(a.shape(), a.dtype());
    XGRAD_DISPATCH(a.dtype(), [&] {
        map_buffer(a.data<scalar_t>(), b.data<scalar_t>(), out.data<scalar_t>(), size_t(a.numel()), f);
    });
    return out;
}

}  // namespace xgrad::kernels
