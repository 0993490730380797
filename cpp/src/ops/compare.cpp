#include "xgrad/ops/compare.hpp"

#include "../kernels/elementwise.hpp"
#include "op_utils.hpp"

namespace xgrad::ops {

using kernels::CompareOp;

namespace {

CompareOp compare_op(const std::string& op) {
    if (op == "gt") return CompareOp::greater;
    if (op == "ge") return CompareOp::greater_equal;
    if (op == "lt") return CompareOp::less;
    if (op == "le") return CompareOp::less_equal;
    if (op == "eq") return CompareOp::equal;
    if (op == "ne") return CompareOp::not_equal;
    throw ValueError("compare: op must be one of gt, ge, lt, le, eq, ne; got '" + op + "'");
}

std::pair<Tensor, Tensor> promoted(const Tensor& a, const Tensor& b, const char* op) {
    auto ab = promote(autograd::detach(a), autograd::detach(b));
    kernels::broadcast_shapes(ab.first.shape(), ab.second.shape(), op);
    return ab;
}

Tensor bits(kernels::BinaryOp kind, const Tensor& a, const Tensor& b, const char* op) {
    auto [x, y] = promoted(a, b, op);
    if (is_floating(x.dtype()))
        throw TypeError(std::string(op) + ": needs integer or bool tensors, got " + dtype_name(a.dtype()) + " and " +
                        dtype_name(b.dtype()));
    return kernels::binary(kind, x, y);
}

}  // namespace

Tensor compare(const Tensor& a, const Tensor& b, const std::string& op) {
    auto [x, y] = promoted(a, b, "compare");
    return kernels::compare(compare_op(op), x, y);
}

Tensor compare(const Tensor& a, double b, const std::string& op) { return kernels::compare_scalar(compare_op(op), a, b); }

Tensor logical_and(const Tensor& a, const Tensor& b) { return kernels::logical(kernels::LogicalOp::and_, a, b); }
Tensor logical_or(const Tensor& a, const Tensor& b) { return kernels::logical(kernels::LogicalOp::or_, a, b); }
Tensor logical_xor(const Tensor& a, const Tensor& b) { return kernels::logical(kernels::LogicalOp::xor_, a, b); }
Tensor logical_not(const Tensor& x) { return kernels::logical_not(x); }

Tensor bitwise_and(const Tensor& a, const Tensor& b) { return bits(kernels::BinaryOp::bit_and, a, b, "bitwise_and"); }
Tensor bitwise_or(const Tensor& a, const Tensor& b) { return bits(kernels::BinaryOp::bit_or, a, b, "bitwise_or"); }
Tensor bitwise_xor(const Tensor& a, const Tensor& b) { return bits(kernels::BinaryOp::bit_xor, a, b, "bitwise_xor"); }
Tensor bitwise_not(const Tensor& x) {
    if (is_floating(x.dtype()))
        throw TypeError(std::string("bitwise_not: needs an integer or bool tensor, got ") + dtype_name(x.dtype()));
    return kernels::bitwise_not(x);
}

Tensor isnan(const Tensor& x) { return kernels::classify(kernels::FloatClass::nan, x); }
Tensor isinf(const Tensor& x) { return kernels::classify(kernels::FloatClass::inf, x); }
Tensor isfinite(const Tensor& x) { return kernels::classify(kernels::FloatClass::finite, x); }

}  // namespace xgrad::ops
