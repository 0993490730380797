// Stochastic gradient descent over all parameters of a group in one call.
#pragma once

#include <vector>

#include "xgrad/tensor/tensor.hpp"

namespace xgrad::optim {

struct SGDOptions {
    double lr = 0.01;
    double momentum = 0.0;
    double dampening = 0.0;
    double weight_decay = 0.0;
    bool nesterov = false;
};

// PyTorch's SGD, per parameter p with gradient g:
//   g += weight_decay * p
//   buf = g (first step) or momentum * buf + (1 - dampening) * g
//   g = g + momentum * buf (nesterov) or buf
//   p -= lr * g
// `momentum_buffers` holds one tensor per parameter; an undefined one is created on first use.
// Parameters without a gradient are skipped.
void sgd_step(const std::vector<Tensor>& params, std::vector<Tensor>& momentum_buffers,
              const SGDOptions& options);

}  // namespace xgrad::optim
