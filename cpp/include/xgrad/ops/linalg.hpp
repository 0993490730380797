// Matrix products, all through BLAS gemm.
#pragma once

#include "xgrad/tensor/tensor.hpp"

namespace xgrad::ops {

// NumPy's matmul: 1-D operands are promoted and the added axis removed; batch axes broadcast.
Tensor matmul(const Tensor& a, const Tensor& b);
// x @ weight^T + bias for x (..., in), weight (out, in), bias (out) or undefined: the Linear layer
// fused into one gemm forward and two gemms backward.
Tensor linear(const Tensor& x, const Tensor& weight, const Tensor& bias);

}  // namespace xgrad::ops
