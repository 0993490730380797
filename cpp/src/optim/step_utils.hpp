// Checks shared by the optimizer step functions.
#pragma once

#include <cstddef>
#include <vector>

#include "xgrad/tensor/tensor.hpp"

namespace xgrad::optim {

// The gradient of parameter k, contiguous and checked against it (shape, dtype); an undefined
// tensor when the parameter has no gradient. Throws ValueError naming `optimizer`.
Tensor checked_grad(const char* optimizer, const Tensor& p, size_t k);

// A state tensor of parameter k must be defined, contiguous and shaped and typed like it.
void check_state(const char* optimizer, const char* name, const Tensor& state, const Tensor& p, size_t k);

// Every state list must have one entry per parameter.
void check_sizes(const char* optimizer, size_t n_params, const std::vector<size_t>& sizes);

}  // namespace xgrad::optim
