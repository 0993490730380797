#include "softmax.hpp"

#include <cmath>
#include <vector>

#include "elementwise.hpp"

namespace xgrad::kernels {
namespace {

struct Split {
    int64_t outer = 1, n = 1, inner = 1;
};

Split split_at(const Shape& shape, int64_t axis) {
    Split s;
    for (int64_t i = 0; i < int64_t(shape.size()); ++i) {
        if (i < axis) s.outer *= shape[size_t(i)];
        else if (i == axis) s.n = shape[size_t(i)];
        else s.inner *= shape[size_t(i)];
    }
    return s;
}

template <class T>
void softmax_rows(const T* x, T* y, Split s, bool log_space) {
    std::vector<T> col(size_t(s.n));
    for (int64_t o = 0; o < s.outer; ++o)
        for (int64_t i = 0; i < s.inner; ++i) {
            const T* src = x + o * s.n * s.inner + i;
            T* dst = y + o * s.n * s.inner + i;
            T m = src[0];
            for (int64_t k = 1; k < s.n; ++k) m = src[k * s.inner] > m ? src[k * s.inner] : m;
            double total = 0;
            for (int64_t k = 0; k < s.n; ++k) {
                col[size_t(k)] = src[k * s.inner] - m;
                total += std::exp(double(col[size_t(k)]));
            }
            if (log_space) {
                T log_total = T(std::log(total));
                for (int64_t k = 0; k < s.n; ++k) dst[k * s.inner] = col[size_t(k)] - log_total;
            } else {
                T inv = T(1.0 / total);
                for (int64_t k = 0; k < s.n; ++k) dst[k * s.inner] = T(std::exp(col[size_t(k)])) * inv;
            }
        }
}

template <class T>
void softmax_backward_rows(const T* g, const T* y, T* dx, Split s, bool log_space) {
    for (int64_t o = 0; o < s.outer; ++o)
        for (int64_t i = 0; i < s.inner; ++i) {
            const int64_t base = o * s.n * s.inner + i;
            double acc = 0;
            if (log_space) {
                for (int64_t k = 0; k < s.n; ++k) acc += g[base + k * s.inner];
                for (int64_t k = 0; k < s.n; ++k)
                    dx[base + k * s.inner] = g[base + k * s.inner] - T(std::exp(y[base + k * s.inner]) * acc);
            } else {
                for (int64_t k = 0; k < s.n; ++k) acc += double(g[base + k * s.inner]) * y[base + k * s.inner];
                for (int64_t k = 0; k < s.n; ++k)
                    dx[base + k * s.inner] = y[base + k * s.inner] * (g[base + k * s.inner] - T(acc));
            }
        }
}

}  // namespace

Tensor softmax(const Tensor& x_in, int64_t axis, bool log_space) {
    Tensor x = x_in.is_contiguous() ? x_in : copy(x_in, x_in.dtype());
    Tensor y = Tensor::empty(x.shape(), x.dtype());
    if (x.numel() == 0) return y;
    XGRAD_DISPATCH(x.dtype(), [&] {
        softmax_rows<scalar_t>(x.data<scalar_t>(), y.data<scalar_t>(), split_at(x.shape(), axis), log_space);
    });
    return y;
}

Tensor softmax_backward(const Tensor& g_in, const Tensor& y, int64_t axis, bool log_space) {
    Tensor g = g_in.is_contiguous() ? g_in : copy(g_in, g_in.dtype());
    Tensor dx = Tensor::empty(y.shape(), y.dtype());
    if (y.numel() == 0) return dx;
    XGRAD_DISPATCH(y.dtype(), [&] {
        softmax_backward_rows<scalar_t>(g.data<scalar_t>(), y.data<scalar_t>(), dx.data<scalar_t>(),
                                        split_at(y.shape(), axis), log_space);
    });
    return dx;
}

}  // namespace xgrad::kernels
