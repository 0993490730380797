// Iteration over N-d strided operands, one innermost row at a time, so that every elementwise
// kernel handles broadcasting (stride 0), views (any stride) and contiguous data with one loop.
#pragma once

#include <array>
#include <cstdint>
#include <vector>

#include "xgrad/tensor/tensor.hpp"

namespace xgrad::kernels {

// Strides of a tensor of shape `from` broadcast to shape `to` (0 where an axis is broadcast).
// The caller has already checked that the shapes broadcast.
inline Strides broadcast_strides(const Shape& from, const Strides& strides, const Shape& to) {
    Strides out(to.size(), 0);
    size_t lead = to.size() - from.size();
    for (size_t i = 0; i < from.size(); ++i)
        out[lead + i] = from[i] == 1 ? 0 : strides[i];
    return out;
}

// Calls row(ptrs, inner_strides, n) for each innermost row of `shape`, after merging axes that are
// contiguous in every operand (so a contiguous tensor is one long row).
template <class T, size_t K, class RowFn>
void for_each_row(const Shape& shape_in, const std::array<Strides, K>& strides_in,
                  std::array<T*, K> ptrs, RowFn&& row) {
    // Drop extent-1 axes and merge neighbours that are contiguous in all K operands.
    Shape shape;
    std::array<Strides, K> strides;
    for (size_t i = 0; i < shape_in.size(); ++i) {
        if (shape_in[i] == 1) continue;
        if (!shape.empty()) {
            bool mergeable = true;
            for (size_t k = 0; k < K; ++k)
                if (strides[k].back() != strides_in[k][i] * shape_in[i]) mergeable = false;
            if (mergeable) {
                shape.back() *= shape_in[i];
                for (size_t k = 0; k < K; ++k) strides[k].back() = strides_in[k][i];
                continue;
            }
        }
        shape.push_back(shape_in[i]);
        for (size_t k = 0; k < K; ++k) strides[k].push_back(strides_in[k][i]);
    }
    for (int64_t s : shape_in)
        if (s == 0) return;
    std::array<int64_t, K> inner{};
    if (shape.empty()) {
        row(ptrs, inner, int64_t(1));
        return;
    }
    const size_t nd = shape.size();
    const int64_t n = shape[nd - 1];
    for (size_t k = 0; k < K; ++k) inner[k] = strides[k][nd - 1];
    std::vector<int64_t> counter(nd, 0);
    while (true) {
        row(ptrs, inner, n);
        // Advance the outer counter (all axes but the last), odometer style.
        size_t axis = nd - 1;
        while (true) {
            if (axis == 0) return;
            --axis;
            if (++counter[axis] < shape[axis]) {
                for (size_t k = 0; k < K; ++k) ptrs[k] += strides[k][axis];
                break;
            }
            for (size_t k = 0; k < K; ++k) ptrs[k] -= strides[k][axis] * (shape[axis] - 1);
            counter[axis] = 0;
        }
    }
}

}  // namespace xgrad::kernels
