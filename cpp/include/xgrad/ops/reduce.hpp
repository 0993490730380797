// Differentiable reductions over axes (all axes when `axes` is empty-optional), with keepdims.
#pragma once

#include <optional>
#include <vector>

#include "xgrad/tensor/tensor.hpp"

namespace xgrad::ops {

using Axes = std::optional<std::vector<int64_t>>;

Tensor sum(const Tensor& x, const Axes& axes, bool keepdims);
Tensor mean(const Tensor& x, const Axes& axes, bool keepdims);
// Gradient goes to the maximal elements, split evenly on ties (PyTorch's amax).
Tensor max(const Tensor& x, const Axes& axes, bool keepdims);
Tensor min(const Tensor& x, const Axes& axes, bool keepdims);
// sum((x - mean)^2) / (N - correction): correction 1 is PyTorch's default, 0 is NumPy's.
Tensor var(const Tensor& x, const Axes& axes, double correction, bool keepdims);

// Sums a broadcast gradient back to `shape`: the one place broadcasting's backward lives.
Tensor sum_to_shape(const Tensor& g, const Shape& shape);

}  // namespace xgrad::ops
