// Comparisons, logic and bit operations: not differentiable, their results are bool tensors (the
// bitwise ops keep an integer dtype). Tensor operands are promoted first (PyTorch's rule).
#pragma once

#include <string>

#include "xgrad/tensor/tensor.hpp"

namespace xgrad::ops {

// `op` is one of "gt", "ge", "lt", "le", "eq", "ne".
Tensor compare(const Tensor& a, const Tensor& b, const std::string& op);
Tensor compare(const Tensor& a, double b, const std::string& op);

// Truth values: nonzero is true, for every dtype.
Tensor logical_and(const Tensor& a, const Tensor& b);
Tensor logical_or(const Tensor& a, const Tensor& b);
Tensor logical_xor(const Tensor& a, const Tensor& b);
Tensor logical_not(const Tensor& x);

// Bits of integer tensors, truth of bool tensors (& | ^ ~); TypeError for floats.
Tensor bitwise_and(const Tensor& a, const Tensor& b);
Tensor bitwise_or(const Tensor& a, const Tensor& b);
Tensor bitwise_xor(const Tensor& a, const Tensor& b);
Tensor bitwise_not(const Tensor& x);

Tensor isnan(const Tensor& x);
Tensor isinf(const Tensor& x);
Tensor isfinite(const Tensor& x);

}  // namespace xgrad::ops
