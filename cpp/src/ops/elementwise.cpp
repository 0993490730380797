// Elementwise ops: forward through the kernels, backward written beside it as the calculus says.
#include "xgrad/ops/elementwise.hpp"

#include <cmath>

#include "../kernels/elementwise.hpp"
#include "op_utils.hpp"
#include "pointwise.hpp"
#include "xgrad/ops/registry.hpp"
#include "xgrad/ops/reduce.hpp"

namespace xgrad::ops {

using kernels::BinaryOp;
using Grads = std::vector<Tensor>;

void check_inplace_allowed(const Tensor& t, const char* op) {
    if (!autograd::is_grad_enabled() || !t.requires_grad()) return;
    if (t.is_leaf())
        throw std::runtime_error(std::string(op) +
                                 ": a leaf tensor that requires grad is being used in an in-place "
                                 "operation; wrap the update in `with xgrad.no_grad():`");
    // xgrad records no in-place ops in the graph: the write would be invisible to backward, whose
    // gradient would then be that of the values before it.
    throw std::runtime_error(std::string(op) + ": the tensor is the output of '" + t.grad_fn()->name +
                             "' in the autograd graph, and xgrad does not differentiate in-place writes; "
                             "build the new value out of place (xgrad.where, cat, arithmetic) or write into "
                             "a copy (clone())");
}

namespace {

// A write whose new value depends on the old one (add_, mul_) or on the position (copy_) into a
// tensor whose elements share memory (a stride 0 from expand/broadcast_to) would update each
// shared location several times, in an order nobody chose; PyTorch refuses it the same way.
// fill_ (one value everywhere) stays allowed, as in PyTorch.
void check_no_internal_overlap(const Tensor& t, const char* op) {
    for (size_t d = 0; d < t.shape().size(); ++d)
        if (t.strides()[d] == 0 && t.shape()[d] > 1)
            throw std::runtime_error(std::string(op) + ": unsupported operation: more than one element of the "
                                     "written-to tensor of shape " + shape_str(t.shape()) + " refers to a single "
                                     "memory location (a view made by expand or broadcast_to); clone() it first");
}

// Promotes, checks broadcasting with the op's name in the error, and runs the kernel.
std::pair<Tensor, Tensor> broadcast_operands(const Tensor& a_, const Tensor& b_, const char* op) {
    auto ab = promote(a_, b_);
    kernels::broadcast_shapes(ab.first.shape(), ab.second.shape(), op);
    return ab;
}

// True division: integers and bools divide as float32 (PyTorch: 7 / 2 is 3.5).
Tensor as_float(const Tensor& x) { return is_floating(x.dtype()) ? x : to_dtype(x, DType::float32); }

// Arithmetic on bools: PyTorch's + and * are `or` and `and`; - and unary - are refused.
void refuse_bool(const Tensor& a, const Tensor& b, const char* op) {
    if (a.dtype() == DType::bool_ || b.dtype() == DType::bool_)
        throw TypeError(std::string(op) + ": subtraction with a bool tensor is not supported (as in PyTorch); to "
                        "invert a mask use ~ or logical_not, else convert with .int() or .float()");
}

}  // namespace

Tensor add(const Tensor& a_, const Tensor& b_) {
    auto [a, b] = broadcast_operands(a_, b_, "add");
    Tensor out = kernels::binary(BinaryOp::add, a, b);
    if (needs_grad({a, b}))
        autograd::attach(out, "add", {a, b}, [sa = a.shape(), sb = b.shape()](const Tensor& g) {
            return Grads{sum_to_shape(g, sa), sum_to_shape(g, sb)};
        });
    return out;
}

Tensor add(const Tensor& a, double b) {
    Tensor out = kernels::binary_scalar(BinaryOp::add, a, b, false);
    if (needs_grad({a})) autograd::attach(out, "add", {a}, [](const Tensor& g) { return Grads{g}; });
    return out;
}

Tensor sub(const Tensor& a_, const Tensor& b_) {
    refuse_bool(a_, b_, "sub");
    auto [a, b] = broadcast_operands(a_, b_, "sub");
    Tensor out = kernels::binary(BinaryOp::sub, a, b);
    if (needs_grad({a, b}))
        autograd::attach(out, "sub", {a, b}, [sa = a.shape(), sb = b.shape()](const Tensor& g) {
            return Grads{sum_to_shape(g, sa), sum_to_shape(neg(g), sb)};
        });
    return out;
}

Tensor sub(const Tensor& a, double b) {
    refuse_bool(a, a, "sub");
    return add(a, -b);
}

Tensor rsub(const Tensor& a, double b) {
    refuse_bool(a, a, "rsub");
    Tensor out = kernels::binary_scalar(BinaryOp::sub, a, b, true);
    if (needs_grad({a})) autograd::attach(out, "rsub", {a}, [](const Tensor& g) { return Grads{neg(g)}; });
    return out;
}

Tensor mul(const Tensor& a_, const Tensor& b_) {
    auto [a, b] = broadcast_operands(a_, b_, "mul");
    Tensor out = kernels::binary(BinaryOp::mul, a, b);
    if (needs_grad({a, b})) {
        bool ga = a.requires_grad(), gb = b.requires_grad();
        autograd::attach(out, "mul", {a, b}, [a = saved(a), b = saved(b), ga, gb](const Tensor& g) {
            return Grads{ga ? sum_to_shape(mul(g, b), a.shape()) : Tensor(),
                         gb ? sum_to_shape(mul(g, a), b.shape()) : Tensor()};
        });
    }
    return out;
}

Tensor mul(const Tensor& a, double b) {
    Tensor out = kernels::binary_scalar(BinaryOp::mul, a, b, false);
    if (needs_grad({a})) autograd::attach(out, "mul", {a}, [b](const Tensor& g) { return Grads{mul(g, b)}; });
    return out;
}

Tensor div(const Tensor& a_, const Tensor& b_) {
    auto [a, b] = broadcast_operands(as_float(a_), as_float(b_), "div");
    Tensor out = kernels::binary(BinaryOp::div, a, b);
    if (needs_grad({a, b})) {
        bool gb = b.requires_grad();
        // d(a/b)/da = 1/b ; d(a/b)/db = -a/b^2 = -(a/b)/b
        autograd::attach(out, "div", {a, b}, [a = saved(a), b = saved(b), gb](const Tensor& g) {
            Tensor g_over_b = div(g, b);
            Tensor gb_full = gb ? neg(div(mul(g_over_b, a), b)) : Tensor();
            return Grads{sum_to_shape(g_over_b, a.shape()), gb ? sum_to_shape(gb_full, b.shape()) : Tensor()};
        });
    }
    return out;
}

Tensor div(const Tensor& a_, double b) {
    const Tensor a = as_float(a_);
    Tensor out = kernels::binary_scalar(BinaryOp::div, a, b, false);
    if (needs_grad({a})) autograd::attach(out, "div", {a}, [b](const Tensor& g) { return Grads{div(g, b)}; });
    return out;
}

Tensor rdiv(const Tensor& a_, double b) {
    const Tensor a = as_float(a_);
    Tensor out = kernels::binary_scalar(BinaryOp::div, a, b, true);
    if (needs_grad({a}))  // d(b/a)/da = -b/a^2 = -out/a
        autograd::attach(out, "rdiv", {a}, [a = saved(a), y = saved(out)](const Tensor& g) {
            return Grads{neg(div(mul(g, y), a))};
        });
    return out;
}

Tensor pow(const Tensor& x_, double p) {
    const Tensor x = x_.dtype() == DType::bool_ ? to_dtype(x_, DType::int64) : x_;
    if (is_integral(x.dtype()) && !(p >= 0 && p == std::floor(p)))
        throw ValueError("pow: an integer tensor to the power " + python_repr(p) +
                         ": integers take whole exponents >= 0 (PyTorch refuses negative ones); convert with .float()");
    Tensor out = kernels::binary_scalar(BinaryOp::pow, x, p, false);
    if (needs_grad({x}))
        autograd::attach(out, "pow", {x}, [x = saved(x), p](const Tensor& g) {
            if (p == 0.0) return Grads{zeros_like(x)};
            return Grads{mul(g, mul(pow(x, p - 1.0), p))};
        });
    return out;
}

Tensor rpow(const Tensor& x_, double base) {
    const Tensor x = as_float(x_);  // base ** n of integers n would need n >= 0: xgrad computes it in float32
    Tensor out = kernels::binary_scalar(BinaryOp::pow, x, base, true);
    if (needs_grad({x}))
        autograd::attach(out, "rpow", {x}, [y = saved(out), base](const Tensor& g) {
            return Grads{mul(mul(g, y), std::log(base))};
        });
    return out;
}

// ---------------------------------------------------------------- unary math (pointwise.hpp)

// -x;  d/dx = -1
struct Neg {
    static constexpr const char* name = "neg";
    static constexpr Saved saves = Saved::nothing;
    template <class B> B forward(B x) const { return -x; }
    template <class B> B backward(B g) const { return -g; }
};
Tensor neg(const Tensor& x) {
    if (x.dtype() == DType::bool_)
        throw TypeError("neg: negation of a bool tensor is not supported; use ~ or logical_not");
    if (is_integral(x.dtype())) return kernels::integer_unary(kernels::IntegerUnaryOp::neg, x);
    return pointwise(x, Neg{});
}
XGRAD_REGISTER_OP(op("neg", &neg).doc("-x elementwise.").torch("torch.neg"));

// e^x;  d/dx = e^x, read from the output
struct Exp {
    static constexpr const char* name = "exp";
    static constexpr Saved saves = Saved::output;
    template <class B> B forward(B x) const { return xsimd::exp(x); }
    template <class B> B backward(B g, B y) const { return g * y; }
};
Tensor exp(const Tensor& x) { return pointwise(x, Exp{}); }
XGRAD_REGISTER_OP(op("exp", &exp).doc("e^x elementwise; d/dx = e^x.").torch("torch.exp"));

// ln x;  d/dx = 1/x
struct Log {
    static constexpr const char* name = "log";
    static constexpr Saved saves = Saved::input;
    template <class B> B forward(B x) const { return xsimd::log(x); }
    template <class B> B backward(B g, B x) const { return g / x; }
};
Tensor log(const Tensor& x) { return pointwise(x, Log{}); }
XGRAD_REGISTER_OP(op("log", &log).doc("Natural logarithm elementwise; d/dx = 1/x.").domain(Domain::positive)
                      .torch("torch.log"));

// sqrt x;  d/dx = 1 / (2 sqrt x), read from the output
struct Sqrt {
    static constexpr const char* name = "sqrt";
    static constexpr Saved saves = Saved::output;
    template <class B> B forward(B x) const { return xsimd::sqrt(x); }
    template <class B> B backward(B g, B y) const { return g / (y * splat<B>(2)); }
};
Tensor sqrt(const Tensor& x) { return pointwise(x, Sqrt{}); }
XGRAD_REGISTER_OP(op("sqrt", &sqrt).doc("Square root elementwise; d/dx = 1 / (2 sqrt x).").domain(Domain::positive)
                      .torch("torch.sqrt"));

// |x|;  d/dx = sign(x), 0 at 0
struct Abs {
    static constexpr const char* name = "abs";
    static constexpr Saved saves = Saved::input;
    template <class B> B forward(B x) const { return xsimd::abs(x); }
    template <class B> B backward(B g, B x) const { return g * xsimd::sign(x); }
};
Tensor abs(const Tensor& x) {
    if (x.dtype() == DType::bool_) return x;
    if (is_integral(x.dtype())) return kernels::integer_unary(kernels::IntegerUnaryOp::abs, x);
    return pointwise(x, Abs{});
}
XGRAD_REGISTER_OP(op("abs", &abs).doc("|x| elementwise; d/dx = sign(x), 0 at 0.").domain(Domain::nonzero)
                      .torch("torch.abs"));

namespace {
// maximum/minimum: the gradient goes to the chosen operand, half to each on a tie.
Tensor extremum(const Tensor& a_, const Tensor& b_, bool is_max) {
    const char* name = is_max ? "maximum" : "minimum";
    auto [a, b] = broadcast_operands(a_, b_, name);
    Tensor out = kernels::binary(is_max ? BinaryOp::maximum : BinaryOp::minimum, a, b);
    if (needs_grad({a, b}))
        autograd::attach(out, name, {a, b}, [a = saved(a), b = saved(b), is_max](const Tensor& g) {
            Tensor wins = is_max ? kernels::binary(BinaryOp::greater, a, b) : kernels::binary(BinaryOp::greater, b, a);
            Tensor ties = kernels::binary(BinaryOp::equal, a, b);
            Tensor share_a = add(wins, mul(ties, 0.5));
            Tensor share_b = rsub(share_a, 1.0);
            return Grads{sum_to_shape(mul(g, share_a), a.shape()), sum_to_shape(mul(g, share_b), b.shape())};
        });
    return out;
}
}  // namespace

Tensor maximum(const Tensor& a, const Tensor& b) { return extremum(a, b, true); }
Tensor minimum(const Tensor& a, const Tensor& b) { return extremum(a, b, false); }

Tensor where(const Tensor& condition, const Tensor& a_, const Tensor& b_) {
    auto [a, b] = broadcast_operands(a_, b_, "where");
    kernels::broadcast_shapes(condition.shape(), kernels::broadcast_shapes(a.shape(), b.shape(), "where"), "where");
    // nonzero is true, for a condition of any dtype
    Tensor cond = condition.dtype() == DType::bool_ ? condition : kernels::compare_scalar(kernels::CompareOp::not_equal, condition, 0.0);
    Tensor out = kernels::where(cond, a, b);
    if (needs_grad({a, b}))
        autograd::attach(out, "where", {a, b}, [c = saved(cond), sa = a.shape(), sb = b.shape()](const Tensor& g) {
            Tensor zero = zeros({}, g.dtype());
            return Grads{sum_to_shape(kernels::where(c, g, zero), sa), sum_to_shape(kernels::where(c, zero, g), sb)};
        });
    return out;
}

Tensor clip(const Tensor& x, double lo, double hi) {
    if (lo > hi)
        throw ValueError("clip: min (" + std::to_string(lo) + ") must not exceed max (" + std::to_string(hi) + ")");
    Tensor out = kernels::clip(x, lo, hi);
    if (needs_grad({x}))
        autograd::attach(out, "clip", {x}, [x = saved(x), lo, hi](const Tensor& g) {
            return Grads{kernels::clip_backward(g, x, lo, hi)};
        });
    return out;
}

void add_(const Tensor& a, const Tensor& b) {
    check_inplace_allowed(a, "add_");
    check_no_internal_overlap(a, "add_");
    kernels::binary_inplace(BinaryOp::add, a, b.dtype() == a.dtype() ? b : contiguous_copy(to_dtype(b, a.dtype())));
}

void add_scaled_(const Tensor& a, const Tensor& b, double alpha) {
    check_inplace_allowed(a, "add_");
    add_(a, kernels::binary_scalar(BinaryOp::mul, b.dtype() == a.dtype() ? b : to_dtype(b, a.dtype()), alpha, false));
}

void mul_(const Tensor& a, double b) {
    check_inplace_allowed(a, "mul_");
    check_no_internal_overlap(a, "mul_");
    kernels::binary_scalar_inplace(BinaryOp::mul, a, b);
}

void copy_(const Tensor& dst, const Tensor& src) {
    check_inplace_allowed(dst, "copy_");
    check_no_internal_overlap(dst, "copy_");
    kernels::copy_into(dst, src);
}

void fill_(const Tensor& dst, double value) {
    check_inplace_allowed(dst, "fill_");
    kernels::fill(dst, value);
}

}  // namespace xgrad::ops
