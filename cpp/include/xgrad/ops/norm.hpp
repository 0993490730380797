// Normalisation layers with fused forward and backward: batch norm, layer norm, group norm.
#pragma once

#include "xgrad/tensor/tensor.hpp"

namespace xgrad::ops {

// x (N, C, *). training: statistics of the batch per channel, mu and sigma^2 (biased), and, when
// running_mean/running_var are defined, in place: running = (1 - momentum) running + momentum stat
// with the unbiased variance (PyTorch's rule). Not training: the running statistics are used.
// y = (x - mu) / sqrt(sigma^2 + eps) * weight + bias (weight/bias (C) or undefined).
Tensor batch_norm(const Tensor& x, const Tensor& running_mean, const Tensor& running_var, const Tensor& weight,
                  const Tensor& bias, bool training, double momentum, double eps);
// Normalises over the last `normalized_shape.size()` dims, which must equal normalized_shape;
// weight and bias have normalized_shape (or are undefined).
Tensor layer_norm(const Tensor& x, const Shape& normalized_shape, const Tensor& weight, const Tensor& bias,
                  double eps);
// x (N, C, *): statistics per sample over each group of C/num_groups channels; weight, bias (C).
// num_groups = C is instance norm, num_groups = 1 normalises each sample as a whole.
Tensor group_norm(const Tensor& x, int64_t num_groups, const Tensor& weight, const Tensor& bias, double eps);

}  // namespace xgrad::ops
