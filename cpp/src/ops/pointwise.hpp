// The form of every pointwise op: one struct holding its forward and its backward side by side,
// written in the op's family file on xsimd batches, e.g.
//
//     // tanh: y = tanh x;  dy/dx = 1 - y^2
//     struct Tanh {
//         static constexpr const char* name = "tanh";
//         static constexpr Saved saves = Saved::output;  // what backward reads besides the gradient
//         template <class B> B forward(B x) const { return xsimd::tanh(x); }
//         template <class B> B backward(B g, B y) const { return g * (splat<B>(1) - y * y); }
//     };
//     Tensor tanh(const Tensor& x) { return pointwise(x, Tanh{}); }
//
// A struct may hold hyper-parameters (leaky_relu's slope) as members. kernels::map runs the loop.
#pragma once

#include "../kernels/pointwise.hpp"
#include "op_utils.hpp"

namespace xgrad::ops {

using kernels::splat;

enum class Saved {
    input,    // backward(g, x)
    output,   // backward(g, y)
    nothing,  // backward(g)
};

template <class Op>
Tensor pointwise(const Tensor& x, const Op& op) {
    require_floating(x, Op::name);
    Tensor out = kernels::map(x, [&op](auto b) { return op.forward(b); });
    if (!needs_grad({x})) return out;
    if constexpr (Op::saves == Saved::nothing) {
        autograd::attach(out, Op::name, {x}, [op](const Tensor& g) {
            return std::vector<Tensor>{kernels::map(g, [&op](auto gb) { return op.backward(gb); })};
        });
    } else {
        Tensor kept = saved(Op::saves == Saved::input ? x : out);
        autograd::attach(out, Op::name, {x}, [op, kept](const Tensor& g) {
            return std::vector<Tensor>{
                kernels::map(g, kept, [&op](auto gb, auto kb) { return op.backward(gb, kb); })};
        });
    }
    return out;
}

}  // namespace xgrad::ops
