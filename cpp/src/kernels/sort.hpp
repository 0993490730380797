// Kernels along one axis: the position of the extreme, the sorting permutation, and gathering or
// scatter-adding at given positions. Integer results are int64, as PyTorch's indices.
#pragma once

#include "xgrad/tensor/tensor.hpp"

namespace xgrad::kernels {

// The index of the first maximum (or minimum) of each lane along `axis` (normalised), the axis
// kept with extent 1; NaN is the extreme, as in NumPy and PyTorch. The lanes are not empty.
Tensor arg_extremum(const Tensor& x, int64_t axis, bool is_max);

// The stable permutation that sorts each lane along `axis`: an int64 tensor of x's shape. NaN
// sorts after every number in ascending order (first in descending order), as in PyTorch.
Tensor sort_indices(const Tensor& x, int64_t axis, bool descending);

// out[i] = x[i with its `axis` coordinate replaced by index[i]] (PyTorch's gather): index is int64
// of x's rank, no larger than x off the axis, its entries already checked in [0, x.shape[axis]).
Tensor gather_along(const Tensor& x, int64_t axis, const Tensor& index);

// gather_along's transpose: zeros of `shape` with src[i] added at index[i] along `axis`.
Tensor scatter_add_along(const Shape& shape, int64_t axis, const Tensor& index, const Tensor& src);

}  // namespace xgrad::kernels
