// softmax and log_softmax along one axis, shifted by the max for numerical stability.
#pragma once

#include "xgrad/tensor/tensor.hpp"

namespace xgrad::ops {

Tensor softmax(const Tensor& x, int64_t axis);       // backward: y * (g - sum(g * y))
Tensor log_softmax(const Tensor& x, int64_t axis);   // backward: g - softmax * sum(g)

}  // namespace xgrad::ops
