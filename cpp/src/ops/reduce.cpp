// Reductions: the kernel computes with the reduced axes kept (extent 1); the op reshapes for
// keepdims=False. Backward broadcasts the gradient back over the reduced axes.
#include "xgrad/ops/reduce.hpp"

#include <algorithm>
#include <sstream>

#include "../kernels/elementwise.hpp"
#include "../kernels/reduce.hpp"
#include "op_utils.hpp"
#include "xgrad/ops/elementwise.hpp"
#include "xgrad/ops/shape.hpp"

namespace xgrad::ops {

using Grads = std::vector<Tensor>;

namespace {

std::vector<int64_t> normalize_axes(const Axes& axes, int64_t ndim, const char* op) {
    std::vector<int64_t> out;
    if (!axes) {
        for (int64_t i = 0; i < ndim; ++i) out.push_back(i);
        return out;
    }
    // PyTorch: a 0-d tensor has one axis to name (0 or -1), and reducing over it changes nothing
    if (ndim == 0) {
        for (int64_t a : *axes) normalize_axis(a, 1, op);
        return out;
    }
    for (int64_t a : *axes) out.push_back(normalize_axis(a, ndim, op));
    std::sort(out.begin(), out.end());
    if (std::adjacent_find(out.begin(), out.end()) != out.end())
        throw ValueError(std::string(op) + ": duplicate value in axes");
    return out;
}

Shape drop_axes(const Shape& shape, const std::vector<int64_t>& axes) {
    Shape out;
    for (int64_t i = 0; i < int64_t(shape.size()); ++i)
        if (!std::binary_search(axes.begin(), axes.end(), i)) out.push_back(shape[size_t(i)]);
    return out;
}

Tensor view_as_shape(const Tensor& t, const Shape& shape) {
    return Tensor::from_storage(t.storage(), shape, contiguous_strides(shape), t.offset(), t.dtype());
}

int64_t reduced_count(const Tensor& x, const std::vector<int64_t>& axes) {
    int64_t n = 1;
    for (int64_t a : axes) n *= x.shape()[size_t(a)];
    return n;
}

}  // namespace

Tensor sum(const Tensor& x_in, const Axes& axes_in, bool keepdims) {
    // integers and bools sum in int64 (PyTorch): a count of True, labels added without overflow
    const Tensor x = is_floating(x_in.dtype()) ? x_in : to_dtype(x_in, DType::int64);
    auto axes = normalize_axes(axes_in, x.dim(), "sum");
    Tensor kept = kernels::reduce(kernels::ReduceOp::sum, x, axes);
    Tensor out = keepdims ? kept : view_as_shape(kept, drop_axes(x.shape(), axes));
    if (needs_grad({x}))
        autograd::attach(out, "sum", {x}, [xs = x.shape(), ks = kept.shape()](const Tensor& g) {
            return Grads{expand(reshape(g, ks), xs)};
        });
    return out;
}

Tensor mean(const Tensor& x, const Axes& axes_in, bool keepdims) {
    require_floating(x, "mean");
    auto axes = normalize_axes(axes_in, x.dim(), "mean");
    int64_t n = reduced_count(x, axes);
    // over no elements: 0 / 0 = NaN, as NumPy and PyTorch
    return div(sum(x, axes, keepdims), double(n));
}

namespace {
Tensor extremum(const Tensor& x, const Axes& axes_in, bool keepdims, bool is_max) {
    const char* name = is_max ? "max" : "min";
    auto axes = normalize_axes(axes_in, x.dim(), name);
    if (reduced_count(x, axes) == 0) {
        std::ostringstream os;
        os << name << ": zero-size reduction over shape " << shape_str(x.shape()) << ", which has no identity";
        throw ValueError(os.str());
    }
    Tensor kept = kernels::reduce(is_max ? kernels::ReduceOp::max : kernels::ReduceOp::min, x, axes);
    Tensor out = keepdims ? kept : view_as_shape(kept, drop_axes(x.shape(), axes));
    if (needs_grad({x}))
        autograd::attach(out, name, {x}, [x = saved(x), kept = saved(kept), axes](const Tensor& g) {
            // Ties share the gradient evenly: g * [x == extremum] / count.
            Tensor mask = kernels::binary(kernels::BinaryOp::equal, x, kept);
            Tensor count = kernels::reduce(kernels::ReduceOp::sum, mask, axes);
            Tensor share = kernels::binary(kernels::BinaryOp::div, reshape(g, kept.shape()), count);
            return Grads{kernels::binary(kernels::BinaryOp::mul, mask, share)};
        });
    return out;
}
}  // namespace

Tensor max(const Tensor& x, const Axes& axes, bool keepdims) { return extremum(x, axes, keepdims, true); }
Tensor min(const Tensor& x, const Axes& axes, bool keepdims) { return extremum(x, axes, keepdims, false); }

Tensor var(const Tensor& x, const Axes& axes_in, double correction, bool keepdims) {
    require_floating(x, "var");
    auto axes = normalize_axes(axes_in, x.dim(), "var");
    double n = double(reduced_count(x, axes));
    if (n - correction <= 0) {
        std::ostringstream os;
        os << "var: " << n << " element(s) per reduction with correction " << correction
           << " leaves no degrees of freedom (shape " << shape_str(x.shape()) << ")";
        throw ValueError(os.str());
    }
    Tensor centred = sub(x, mean(x, axes, true));
    return div(sum(mul(centred, centred), axes, keepdims), n - correction);
}

Tensor sum_to_shape(const Tensor& g, const Shape& shape) {
    if (g.shape() == shape) return g;
    const size_t lead = g.shape().size() - shape.size();
    std::vector<int64_t> axes;
    for (size_t i = 0; i < g.shape().size(); ++i)
        if (i < lead || (shape[i - lead] == 1 && g.shape()[i] != 1)) axes.push_back(int64_t(i));
    Tensor reduced = kernels::reduce(kernels::ReduceOp::sum, g, axes);
    return view_as_shape(reduced, shape);
}

}  // namespace xgrad::ops
