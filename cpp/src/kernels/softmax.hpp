// Row-wise softmax and log-softmax, max-shifted so exp never overflows.
#pragma once

#include "xgrad/tensor/tensor.hpp"

namespace xgrad::kernels {

// x contiguous, viewed as (outer, n, inner), normalised along n. log_space gives log_softmax.
Tensor softmax(const Tensor& x, int64_t axis, bool log_space);
// Backward: softmax: y * (g - sum(g*y)); log_softmax: g - exp(y) * sum(g). y is the output.
Tensor softmax_backward(const Tensor& g, const Tensor& y, int64_t axis, bool log_space);

}  // namespace xgrad::kernels
