// Differentiable shape ops. reshape, transpose, permute, expand, slicing and select return views
// (sharing data) where the strides allow it; gather by integer arrays copies.
#pragma once

#include <vector>

#include "xgrad/tensor/tensor.hpp"

namespace xgrad::ops {

Tensor reshape(const Tensor& x, const Shape& shape);     // one -1 allowed
Tensor permute(const Tensor& x, const std::vector<int64_t>& dims);
Tensor transpose(const Tensor& x, int64_t dim0, int64_t dim1);
Tensor expand(const Tensor& x, const Shape& shape);     // broadcast_to
Tensor unsqueeze(const Tensor& x, int64_t axis);
Tensor squeeze(const Tensor& x, int64_t axis);
Tensor flatten(const Tensor& x, int64_t start_dim, int64_t end_dim);
// x[..., start:stop:step, ...] on one axis; start/stop already clamped by the caller (Python's
// slice.indices), step > 0.
Tensor slice(const Tensor& x, int64_t axis, int64_t start, int64_t stop, int64_t step);
// x[..., index, ...]: drops the axis.
Tensor select(const Tensor& x, int64_t axis, int64_t index);
// NumPy advanced indexing on `axes` of x with integer index arrays already broadcast to
// `index_shape` (each holds numel(index_shape) entries). Result shape: index_shape followed by
// the remaining axes of x in order. Negative indices count from the end; out of range raises.
Tensor gather_index(const Tensor& x, const std::vector<int64_t>& axes,
                    const std::vector<std::vector<int64_t>>& indices, const Shape& index_shape);
// The same positions written in place: x[indices] = values (values broadcast to the gathered
// shape). Not differentiable.
void scatter_index_(const Tensor& x, const std::vector<int64_t>& axes,
                    const std::vector<std::vector<int64_t>>& indices, const Shape& index_shape,
                    const Tensor& values);
Tensor concatenate(const std::vector<Tensor>& xs, int64_t axis);
Tensor stack(const std::vector<Tensor>& xs, int64_t axis);

}  // namespace xgrad::ops
