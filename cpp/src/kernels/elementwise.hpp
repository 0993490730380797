// Elementwise arithmetic: no autograd here, only the numbers. Inputs of one dtype (ops promote
// first), any strides; outputs are new contiguous tensors unless written in place.
#pragma once

#include "xgrad/tensor/tensor.hpp"

namespace xgrad::kernels {

enum class BinaryOp {
    add, sub, mul, div, maximum, minimum, pow,
    // masks of backward functions, in the operands' dtype
    greater,          // a > b ? 1 : 0
    greater_equal,    // a >= b ? 1 : 0
    equal,            // a == b ? 1 : 0
    // integers and bools
    bit_and, bit_or, bit_xor,
};

enum class CompareOp { greater, greater_equal, less, less_equal, equal, not_equal };
enum class LogicalOp { and_, or_, xor_ };
enum class IntegerUnaryOp { neg, abs, sign };
enum class FloatClass { nan, inf, finite };

// The broadcast shape of a and b (NumPy's rule); ValueError naming `op` and both shapes otherwise.
Shape broadcast_shapes(const Shape& a, const Shape& b, const char* op);

// out = a (op) b, broadcasting; a and b have the same dtype (any: the ops promote first; div and
// pow of integers only with what the op checked: a whole exponent >= 0).
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

// Comparisons of a and b (one dtype, broadcasting) or of a with a number (compared in double):
// bool tensors.
Tensor compare(CompareOp op, const Tensor& a, const Tensor& b);
Tensor compare_scalar(CompareOp op, const Tensor& a, double scalar);
// Element-wise and/or/xor of the truth values (nonzero = true) of a and b: a bool tensor.
Tensor logical(LogicalOp op, const Tensor& a, const Tensor& b);
Tensor logical_not(const Tensor& x);
// ~x of an integer tensor (bits) or a bool tensor (truth).
Tensor bitwise_not(const Tensor& x);
// -x, |x|, sign(x) of an integer tensor.
Tensor integer_unary(IntegerUnaryOp op, const Tensor& x);
// isnan / isinf / isfinite: a bool tensor (integers: never NaN or infinite).
Tensor classify(FloatClass what, const Tensor& x);

}  // namespace xgrad::kernels
