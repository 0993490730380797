// Gather and scatter-add at precomputed element offsets: advanced indexing's forward and backward.
#pragma once

#include <vector>

#include "xgrad/tensor/tensor.hpp"

namespace xgrad::kernels {

// out[m, ...] = x.storage[offsets[m] + (rest index) . rest_strides], out contiguous of shape
// (offsets.size(), rest_shape...).
void gather(const Tensor& x, const std::vector<int64_t>& offsets, const Shape& rest_shape,
            const Strides& rest_strides, const Tensor& out);
// The transpose: x.storage[offsets[m] + ...] (+)= src[m, ...]; with accumulate, repeated offsets
// add up (the gradient of a gather); without, the last write wins (assignment).
void scatter(const Tensor& x, const std::vector<int64_t>& offsets, const Shape& rest_shape,
             const Strides& rest_strides, const Tensor& src, bool accumulate);

}  // namespace xgrad::kernels
