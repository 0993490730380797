// Creating tensors, copies and casts.
#pragma once

#include "xgrad/tensor/tensor.hpp"

namespace xgrad::ops {

Tensor empty(const Shape& shape, DType dtype);
Tensor zeros(const Shape& shape, DType dtype);
Tensor ones(const Shape& shape, DType dtype);
Tensor full(const Shape& shape, double value, DType dtype);
Tensor zeros_like(const Tensor& t);
Tensor ones_like(const Tensor& t);
Tensor full_like(const Tensor& t, double value);
// start, start+step, ... < stop (NumPy's arange).
Tensor arange(double start, double stop, double step, DType dtype);
// Standard normal and uniform [0, 1) draws from the global generator.
Tensor randn(const Shape& shape, DType dtype);
Tensor rand(const Shape& shape, DType dtype);

// A contiguous copy with no autograd history.
Tensor contiguous_copy(const Tensor& t);
// Differentiable: x itself when already contiguous, else a contiguous copy.
Tensor contiguous(const Tensor& x);
// Differentiable copy (PyTorch's clone).
Tensor clone(const Tensor& x);
// Differentiable cast; x itself when it already has that dtype.
Tensor to_dtype(const Tensor& x, DType dtype);

// A mask of `shape` with entries `scale` (probability 1 - p) or 0 (probability p), from xgrad's
// generator: dropout, DropConnect and stochastic depth multiply by it.
Tensor bernoulli_mask(const Shape& shape, double p, double scale, DType dtype);

}  // namespace xgrad::ops
