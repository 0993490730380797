// Gradient clipping (by norm, by value) and the max-norm weight constraint.
#pragma once

#include <vector>

#include "xgrad/tensor/tensor.hpp"

namespace xgrad::optim {

// The p-norm of all gradients as if concatenated (PyTorch's: the norm of the per-tensor norms);
// norm_type = inf gives max |g|. Parameters without a gradient are skipped.
double total_grad_norm(const std::vector<Tensor>& params, double norm_type);

// g *= factor for every gradient.
void scale_grads(const std::vector<Tensor>& params, double factor);

// g = clamp(g, -clip_value, clip_value) for every gradient.
void clamp_grads(const std::vector<Tensor>& params, double clip_value);

// torch.renorm_ along dim 0: every slice w[j] (a unit's incoming weights: a row of a Linear weight,
// a filter of a Conv weight) whose p-norm exceeds max_norm is scaled by max_norm / (norm + 1e-7).
void renorm_(const Tensor& weight, double p, double max_norm);

}  // namespace xgrad::optim
