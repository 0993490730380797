// Activations of the lectures, each with its formula and derivative (the code: activation.cpp).
#pragma once

#include <string>

#include "xgrad/tensor/tensor.hpp"

namespace xgrad::ops {

Tensor relu(const Tensor& x);                               // max(x, 0);                  d = x > 0 ? 1 : 0
Tensor sigmoid(const Tensor& x);                            // s = 1 / (1 + e^-x);         d = s (1 - s)
Tensor tanh(const Tensor& x);                               // tanh x;                     d = 1 - tanh^2 x
Tensor leaky_relu(const Tensor& x, double negative_slope);  // x > 0 ? x : a x;            d = x > 0 ? 1 : a
Tensor elu(const Tensor& x, double alpha);                  // x > 0 ? x : a (e^x - 1);    d = x > 0 ? 1 : a e^x
// exact: x Phi(x) = x/2 (1 + erf(x / sqrt 2)), d = Phi(x) + x phi(x); "tanh": the tanh approximation.
Tensor gelu(const Tensor& x, const std::string& approximate);
Tensor silu(const Tensor& x);                               // x sigma(x);  d = sigma (1 + x (1 - sigma))
// log(1 + e^(beta x)) / beta, and x itself where beta x > threshold;  d = sigma(beta x)
Tensor softplus(const Tensor& x, double beta, double threshold);
Tensor mish(const Tensor& x);                               // x tanh(sp(x)); d = t + x sigma(x) (1 - t^2), t = tanh(sp(x))
// x > 0 ? x : w x with w of one element (shared) or one per channel (dim 1 of x).
Tensor prelu(const Tensor& x, const Tensor& weight);
// max over groups of k consecutive entries along `axis` (size divisible by k): Maxout's max.
Tensor maxout(const Tensor& x, int64_t k, int64_t axis);

}  // namespace xgrad::ops
