// Differentiable elementwise ops. Tensor-tensor ops broadcast (NumPy's rule) and promote as PyTorch
// (bool < integers < float32 < float64); a number takes the tensor's dtype (the Python layer first
// turns an integer tensor with a float number into float32). Integers divide as float32.
// Comparisons and logic: compare.hpp.
#pragma once

#include "xgrad/tensor/tensor.hpp"

namespace xgrad::ops {

Tensor add(const Tensor& a, const Tensor& b);        // a + b
Tensor add(const Tensor& a, double b);
Tensor sub(const Tensor& a, const Tensor& b);        // a - b
Tensor sub(const Tensor& a, double b);
Tensor rsub(const Tensor& a, double b);              // b - a
Tensor mul(const Tensor& a, const Tensor& b);        // a * b
Tensor mul(const Tensor& a, double b);
Tensor div(const Tensor& a, const Tensor& b);        // a / b
Tensor div(const Tensor& a, double b);
Tensor rdiv(const Tensor& a, double b);              // b / a
Tensor neg(const Tensor& x);                         // -x
Tensor pow(const Tensor& x, double exponent);        // x^p, d/dx = p x^(p-1)
Tensor rpow(const Tensor& x, double base);           // base^x, d/dx = base^x ln(base)
Tensor exp(const Tensor& x);                         // e^x
Tensor log(const Tensor& x);                         // ln x, d/dx = 1/x
Tensor sqrt(const Tensor& x);                        // d/dx = 1 / (2 sqrt x)
Tensor abs(const Tensor& x);                         // d/dx = sign(x), 0 at 0
Tensor maximum(const Tensor& a, const Tensor& b);    // gradient split evenly on ties
Tensor minimum(const Tensor& a, const Tensor& b);
Tensor where(const Tensor& condition, const Tensor& a, const Tensor& b);  // condition != 0 ? a : b
Tensor clip(const Tensor& x, double min, double max);                    // d/dx = [min <= x <= max]

// RuntimeError naming `op` when `t` may not be written in place while grad mode is on: a leaf that
// requires grad (as PyTorch), or a tensor of the graph (xgrad does not differentiate in-place writes).
void check_inplace_allowed(const Tensor& t, const char* op);

// In-place updates for optimizers and initialisers; they call check_inplace_allowed.
void add_(const Tensor& a, const Tensor& b);                 // a += b
void add_scaled_(const Tensor& a, const Tensor& b, double alpha);  // a += alpha * b
void mul_(const Tensor& a, double b);                        // a *= b
void copy_(const Tensor& dst, const Tensor& src);            // dst[...] = src (broadcast)
void fill_(const Tensor& dst, double value);

}  // namespace xgrad::ops
