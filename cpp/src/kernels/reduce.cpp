#include "reduce.hpp"

#include <algorithm>
#include <limits>
#include <type_traits>

#include "elementwise.hpp"

namespace xgrad::kernels {
namespace {

// x viewed as (outer, R, inner), contiguous; out is (outer, inner).
template <class T>
void reduce_block(ReduceOp op, const T* x, T* out, int64_t outer, int64_t R, int64_t inner) {
    if (inner == 1) {
        for (int64_t o = 0; o < outer; ++o) {
            const T* row = x + o * R;
            if (op == ReduceOp::sum) {
                // double for float32 too (a float accumulator loses digits over long rows); an
                // integer sum is exact in its own type (the op sums integers as int64)
                using Acc = std::conditional_t<std::is_floating_point_v<T>, double, T>;
                Acc acc = 0;
#pragma omp simd reduction(+ : acc)
                for (int64_t r = 0; r < R; ++r) acc += row[r];
                out[o] = T(acc);
            } else if (op == ReduceOp::max) {
                T acc = row[0];
                for (int64_t r = 1; r < R; ++r) acc = (row[r] > acc || row[r] != row[r]) ? row[r] : acc;
                out[o] = acc;
            } else {
                T acc = row[0];
                for (int64_t r = 1; r < R; ++r) acc = (row[r] < acc || row[r] != row[r]) ? row[r] : acc;
                out[o] = acc;
            }
        }
        return;
    }
    // Stream rows: out[o, :] (op)= x[o, r, :], a vectorised loop over the contiguous inner axis.
    for (int64_t o = 0; o < outer; ++o) {
        T* dst = out + o * inner;
        const T* src = x + o * R * inner;
        std::copy(src, src + inner, dst);
        for (int64_t r = 1; r < R; ++r) {
            const T* row = src + r * inner;
            if (op == ReduceOp::sum) {
                for (int64_t i = 0; i < inner; ++i) dst[i] += row[i];
            } else if (op == ReduceOp::max) {
                for (int64_t i = 0; i < inner; ++i) dst[i] = (row[i] > dst[i] || row[i] != row[i]) ? row[i] : dst[i];
            } else {
                for (int64_t i = 0; i < inner; ++i) dst[i] = (row[i] < dst[i] || row[i] != row[i]) ? row[i] : dst[i];
            }
        }
    }
}

}  // namespace

Tensor reduce(ReduceOp op, const Tensor& x, const std::vector<int64_t>& axes) {
    const int64_t nd = x.dim();
    Shape out_shape = x.shape();
    for (int64_t a : axes) out_shape[size_t(a)] = 1;
    Tensor out = Tensor::empty(out_shape, x.dtype());
    if (out.numel() == 0) return out;

    bool block = true;  // reduced axes are one consecutive run
    for (size_t i = 1; i < axes.size(); ++i)
        if (axes[i] != axes[i - 1] + 1) block = false;

    Tensor src = x;
    int64_t outer = 1, R = 1, inner = 1;
    if (block && !axes.empty()) {
        if (!x.is_contiguous()) src = copy(x, x.dtype());
        for (int64_t i = 0; i < axes.front(); ++i) outer *= x.shape()[size_t(i)];
        for (int64_t a : axes) R *= x.shape()[size_t(a)];
        for (int64_t i = axes.back() + 1; i < nd; ++i) inner *= x.shape()[size_t(i)];
    } else {
        // Move the reduced axes last (kept axes keep their order), then reduce rows.
        Shape perm_shape;
        Strides perm_strides;
        for (int64_t i = 0; i < nd; ++i)
            if (!std::binary_search(axes.begin(), axes.end(), i)) {
                perm_shape.push_back(x.shape()[size_t(i)]);
                perm_strides.push_back(x.strides()[size_t(i)]);
                outer *= x.shape()[size_t(i)];
            }
        for (int64_t a : axes) {
            perm_shape.push_back(x.shape()[size_t(a)]);
            perm_strides.push_back(x.strides()[size_t(a)]);
            R *= x.shape()[size_t(a)];
        }
        src = copy(Tensor::from_storage(x.storage(), perm_shape, perm_strides, x.offset(), x.dtype()),
                   x.dtype());
    }
    if (R == 0) {
        fill(out, 0.0);  // an empty sum; the ops reject empty max/min before calling
        return out;
    }
    XGRAD_DISPATCH_ALL(x.dtype(), [&] {
        reduce_block<scalar_t>(op, src.data<scalar_t>(), out.data<scalar_t>(), outer, R, inner);
    });
    return out;
}

}  // namespace xgrad::kernels
