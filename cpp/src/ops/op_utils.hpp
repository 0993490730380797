// Helpers shared by the op files: dtype promotion, the "record a node?" test, saving tensors.
#pragma once

#include <string>
#include <utility>
#include <vector>

#include "xgrad/autograd/grad_mode.hpp"
#include "xgrad/autograd/node.hpp"
#include "xgrad/ops/creation.hpp"

namespace xgrad::ops {

// Both operands in NumPy's promoted dtype (float32 with float64 gives float64), differentiably.
inline std::pair<Tensor, Tensor> promote(const Tensor& a, const Tensor& b) {
    if (a.dtype() == b.dtype()) return {a, b};
    DType dt = promote_types(a.dtype(), b.dtype());
    return {to_dtype(a, dt), to_dtype(b, dt)};
}

// TypeError naming `op` unless t is float32 or float64: the ops of calculus (exp, matmul, conv,
// losses, means) run on floats only, as in PyTorch.
inline void require_floating(const Tensor& t, const char* op) {
    if (!is_floating(t.dtype()))
        throw TypeError(std::string(op) + ": expected a floating-point tensor (float32 or float64), got " +
                        dtype_name(t.dtype()) + "; convert it first, e.g. x.float()");
}

inline bool needs_grad(const std::vector<Tensor>& inputs) { return autograd::any_requires_grad(inputs); }

// What a backward function keeps of a tensor: its data, without its history (no cycles), with the
// version of the data recorded so that backward refuses it once changed in place.
inline Tensor saved(const Tensor& t) { return autograd::save(t); }


}  // namespace xgrad::ops
