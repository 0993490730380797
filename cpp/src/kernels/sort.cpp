#include "sort.hpp"

#include <algorithm>
#include <cmath>
#include <numeric>
#include <vector>

#include "elementwise.hpp"

namespace xgrad::kernels {

namespace {

// x with `axis` moved last, as a contiguous copy: each lane is one row of `lane` elements.
Tensor lanes_last(const Tensor& x, int64_t axis) {
    Shape shape;
    Strides strides;
    for (int64_t d = 0; d < x.dim(); ++d)
        if (d != axis) {
            shape.push_back(x.shape()[size_t(d)]);
            strides.push_back(x.strides()[size_t(d)]);
        }
    shape.push_back(x.shape()[size_t(axis)]);
    strides.push_back(x.strides()[size_t(axis)]);
    return copy(Tensor::from_storage(x.storage(), shape, strides, x.offset(), x.dtype()), x.dtype());
}

// A lanes-last contiguous tensor put back into the layout with `axis` in place (a contiguous copy).
Tensor axis_back(const Tensor& moved, int64_t axis) {
    const int64_t nd = moved.dim();
    Shape shape(static_cast<size_t>(nd));
    Strides strides(static_cast<size_t>(nd));
    for (int64_t d = 0, k = 0; d < nd; ++d) {
        const int64_t from = d == axis ? nd - 1 : k++;
        shape[size_t(d)] = moved.shape()[size_t(from)];
        strides[size_t(d)] = moved.strides()[size_t(from)];
    }
    return copy(Tensor::from_storage(moved.storage(), shape, strides, moved.offset(), moved.dtype()), moved.dtype());
}

template <class T>
bool is_nan(T v) {
    if constexpr (std::is_floating_point_v<T>) return std::isnan(v);
    else return false;
}

// a before b in the sorted order: numbers by value, NaN last ascending and first descending.
template <class T>
bool before(T a, T b, bool descending) {
    const bool na = is_nan(a), nb = is_nan(b);
    if (na || nb) return descending ? (na && !nb) : (!na && nb);
    return descending ? b < a : a < b;
}

}  // namespace

Tensor arg_extremum(const Tensor& x, int64_t axis, bool is_max) {
    Tensor moved = lanes_last(x, axis);
    const int64_t lane = x.shape()[size_t(axis)];
    const int64_t count = lane ? moved.numel() / lane : 0;
    Shape kept = x.shape();
    kept[size_t(axis)] = 1;
    Tensor out = Tensor::empty(kept, DType::int64);
    int64_t* o = out.data<int64_t>();
    XGRAD_DISPATCH_ALL(x.dtype(), [&] {
        const scalar_t* p = moved.data<scalar_t>();
        for (int64_t r = 0; r < count; ++r, p += lane) {
            int64_t best = 0;
            for (int64_t i = 1; i < lane && !is_nan(p[best]); ++i)
                if (is_nan(p[i]) || (is_max ? p[best] < p[i] : p[i] < p[best])) best = i;
            o[r] = best;
        }
    });
    return out;  // the kept axis has extent 1: the lanes-last order is the same layout
}

Tensor sort_indices(const Tensor& x, int64_t axis, bool descending) {
    Tensor moved = lanes_last(x, axis);
    const int64_t lane = x.shape()[size_t(axis)];
    const int64_t count = lane ? moved.numel() / lane : 0;
    Tensor order = Tensor::empty(moved.shape(), DType::int64);
    int64_t* o = order.data<int64_t>();
    XGRAD_DISPATCH_ALL(x.dtype(), [&] {
        const scalar_t* p = moved.data<scalar_t>();
        for (int64_t r = 0; r < count; ++r, p += lane, o += lane) {
            std::iota(o, o + lane, int64_t(0));
            std::stable_sort(o, o + lane, [p, descending](int64_t a, int64_t b) { return before(p[a], p[b], descending); });
        }
    });
    return axis_back(order, axis);
}

namespace {

// Calls f(offset in x, offset in index, offset in a contiguous tensor of index's shape) for every
// element of index, the x offset along `axis` taken from the index's value.
template <class F>
void for_each_indexed(const Strides& x_strides, int64_t axis, const Tensor& index, F f) {
    const Shape& shape = index.shape();
    const int64_t nd = int64_t(shape.size());
    const int64_t n = index.numel();
    if (n == 0) return;
    const int64_t* idx = index.data<int64_t>();
    std::vector<int64_t> at(size_t(nd), 0);
    for (int64_t k = 0; k < n; ++k) {
        int64_t xo = 0, io = 0;
        for (int64_t d = 0; d < nd; ++d) {
            io += at[size_t(d)] * index.strides()[size_t(d)];
            if (d != axis) xo += at[size_t(d)] * x_strides[size_t(d)];
        }
        const int64_t i = idx[io];
        f(xo + i * x_strides[size_t(axis)], k);
        for (int64_t d = nd - 1; d >= 0; --d) {
            if (++at[size_t(d)] < shape[size_t(d)]) break;
            at[size_t(d)] = 0;
        }
    }
}

}  // namespace

Tensor gather_along(const Tensor& x, int64_t axis, const Tensor& index) {
    Tensor out = Tensor::empty(index.shape(), x.dtype());
    XGRAD_DISPATCH_ALL(x.dtype(), [&] {
        const scalar_t* px = x.data<scalar_t>();
        scalar_t* po = out.data<scalar_t>();
        for_each_indexed(x.strides(), axis, index, [&](int64_t xo, int64_t k) { po[k] = px[xo]; });
    });
    return out;
}

Tensor scatter_add_along(const Shape& shape, int64_t axis, const Tensor& index, const Tensor& src_in) {
    Tensor out = Tensor::empty(shape, src_in.dtype());
    fill(out, 0.0);
    const Tensor src = src_in.is_contiguous() ? src_in : copy(src_in, src_in.dtype());
    XGRAD_DISPATCH_ALL(src.dtype(), [&] {
        const scalar_t* ps = src.data<scalar_t>();
        scalar_t* po = out.data<scalar_t>();
        for_each_indexed(out.strides(), axis, index, [&](int64_t xo, int64_t k) { po[xo] += ps[k]; });
    });
    return out;
}

}  // namespace xgrad::kernels
