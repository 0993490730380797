#include "xgrad/ops/softmax.hpp"

#include "../kernels/softmax.hpp"
#include "op_utils.hpp"
#include "xgrad/ops/shape.hpp"
#include "xgrad/ops/registry.hpp"

namespace xgrad::ops {

using Grads = std::vector<Tensor>;

namespace {
Tensor softmax_impl(const Tensor& x, int64_t axis_in, bool log_space) {
    const char* name = log_space ? "log_softmax" : "softmax";
    require_floating(x, name);
    if (x.dim() == 0) {  // PyTorch: a 0-d tensor is one element along axis 0 or -1
        normalize_axis(axis_in, 1, name);
        return reshape(softmax_impl(reshape(x, {1}), 0, log_space), {});
    }
    int64_t axis = normalize_axis(axis_in, x.dim(), name);
    Tensor out = kernels::softmax(x, axis, log_space);
    if (needs_grad({x}))
        autograd::attach(out, name, {x}, [y = saved(out), axis, log_space](const Tensor& g) {
            return Grads{kernels::softmax_backward(g, y, axis, log_space)};
        });
    return out;
}
}  // namespace

Tensor softmax(const Tensor& x, int64_t axis) { return softmax_impl(x, axis, false); }
Tensor log_softmax(const Tensor& x, int64_t axis) { return softmax_impl(x, axis, true); }

XGRAD_REGISTER_OP(op("softmax", &softmax, Param("dim", -1))
                      .doc("exp(x - max) / sum(exp(x - max)) along dim (numerically stable).")
                      .exposed_as(function | method | functional).torch("torch.softmax"));
XGRAD_REGISTER_OP(op("log_softmax", &log_softmax, Param("dim", -1))
                      .doc("x - max - log(sum(exp(x - max))) along dim (numerically stable).")
                      .exposed_as(function | method | functional).torch("torch.log_softmax"));

}  // namespace xgrad::ops
