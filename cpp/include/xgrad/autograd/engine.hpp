// Reverse-mode differentiation: a topological sort of the nodes reachable from a root, then one
// loop that calls each node's backward and accumulates what it returns.
#pragma once

#include <functional>

#include "xgrad/autograd/node.hpp"

namespace xgrad::autograd {

// Accumulates d(root)/d(leaf) into every reachable leaf's .grad. `grad` may be undefined only when
// `root` has one element (it is then taken as 1). Without `retain_graph`, each node's saved
// tensors are freed as soon as it has run, and a later backward through it raises RuntimeError.
void backward(const Tensor& root, const Tensor& grad, bool retain_graph);

// Keeps the gradient of a non-leaf tensor in its .grad after backward (PyTorch's retain_grad).
void retain_grad(const Tensor& t);

// Registers `hook` on `t`: called with t's gradient during backward; a defined return value
// replaces the gradient.
void register_hook(const Tensor& t, std::function<Tensor(const Tensor&)> hook);

// Raises RuntimeError naming `op` when `t` holds a NaN or an infinity.
void check_finite(const Tensor& t, const char* op, const char* what);

}  // namespace xgrad::autograd
