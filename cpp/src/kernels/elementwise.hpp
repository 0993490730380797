// Elementwise arithmetic: no autograd here, only the numbers. Inputs of one dtype (ops promote
// first), any strides; outputs are new contiguous tensors unless written in place.
#pragma once

#include "xgrad/tensor/tensor.hpp"

namespace xgrad::kernels {

enum class BinaryOp {
    add, sub, mul, div, maximum, minimum, pow,
    // comparisons, also the masks of backward functions
    greater,          // a > b ? 1 : 0
    greater_equal,    // a >= b ? 1 : 0
    equal,            // a == b ? 1 : 0
};

// The broadcast shape of a and b (NumPy's rule); ValueError naming `op` and both shapes otherwise.
Shape broadcast_shapes(const Shape& a, const Shape& b, const char* op);

// out = a (op) b, broadcasting; a and b have the same dtype.
Tensor binary(BinaryOp op, const Tensor& a, const Tensor& b);
// out = a (op) scalar, or scalar (op) a when `scalar_first`.
Tensor binary_scalar(BinaryOp op, const Tensor& a, double scalar, bool scalar_first);
// a (op)= b in place, b broadcast to a's shape.
void binary_inplace(BinaryOp op, const Tensor& a, const Tensor& b);
void binary_scalar_inplace(BinaryOp op, const Tensor& a, double scalar);

// Pointwise maps on SIMD batches (unary math, activations): pointwise.hpp.

// out = cond ? a : b with broadcasting over all three (cond is nonzero-means-true, same dtype).
Tensor where(const Tensor& cond, const Tensor& a, const Tensor& b);
// out = min(max(x, lo), hi).
Tensor clip(const Tensor& x, double lo, double hi);
// grad * (lo <= x <= hi): clip's backward.
Tensor clip_backward(const Tensor& grad, const Tensor& x, double lo, double hi);

// A contiguous copy of x (any strides), in dtype `dtype`.
Tensor copy(const Tensor& x, DType dtype);
// dst[...] = src, src broadcast to dst's shape; dst may be any view.
void copy_into(const Tensor& dst, const Tensor& src);
void fill(const Tensor& dst, double value);

}  // namespace xgrad::kernels
