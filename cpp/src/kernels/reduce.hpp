// Axis reductions written as plain loops: xtensor's lazy axis reductions measured ~30x slower.
#pragma once

#include <vector>

#include "xgrad/tensor/tensor.hpp"

namespace xgrad::kernels {

enum class ReduceOp { sum, max, min };

// Reduces x over `axes` (normalised, sorted, unique). The result keeps the reduced axes with
// extent 1 (keepdims); the op drops them when asked.
Tensor reduce(ReduceOp op, const Tensor& x, const std::vector<int64_t>& axes);

}  // namespace xgrad::kernels
