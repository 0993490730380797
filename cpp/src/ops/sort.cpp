#include "xgrad/ops/sort.hpp"

#include <sstream>

#include "../kernels/sort.hpp"
#include "op_utils.hpp"
#include "xgrad/ops/shape.hpp"

namespace xgrad::ops {

using Grads = std::vector<Tensor>;

namespace {

void require_lanes(const Tensor& x, int64_t axis, const char* op) {
    if (x.shape()[size_t(axis)] == 0) {
        std::ostringstream os;
        os << op << ": dim " << axis << " of shape " << shape_str(x.shape()) << " is empty: there is no element to pick";
        throw IndexError(os.str());
    }
}

// A 0-d tensor is one element along dim 0 (PyTorch): the ops see it as shape (1,).
Tensor as_lanes(const Tensor& x) { return x.dim() == 0 ? reshape(x, {1}) : x; }

Tensor arg_extremum(const Tensor& x_in, std::optional<int64_t> dim, bool keepdim, bool is_max) {
    const char* name = is_max ? "argmax" : "argmin";
    if (!dim) {
        Tensor flat = reshape(x_in.is_contiguous() ? x_in : contiguous(x_in), {x_in.numel()});
        if (x_in.numel() == 0) throw IndexError(std::string(name) + ": the tensor is empty (shape " + shape_str(x_in.shape()) +
                                                  "): there is no element to pick");
        Tensor i = reshape(kernels::arg_extremum(flat, 0, is_max), {});
        return keepdim ? reshape(i, Shape(size_t(x_in.dim()), 1)) : i;
    }
    Tensor x = as_lanes(x_in);
    const int64_t axis = normalize_axis(*dim, x.dim(), name);
    require_lanes(x, axis, name);
    Tensor i = kernels::arg_extremum(x, axis, is_max);
    if (x_in.dim() == 0) return reshape(i, {});
    return keepdim ? i : squeeze(i, axis);
}

std::pair<Tensor, Tensor> extremum_along(const Tensor& x_in, int64_t dim, bool keepdim, bool is_max) {
    const char* name = is_max ? "max" : "min";
    Tensor x = as_lanes(x_in);
    const int64_t axis = normalize_axis(dim, x.dim(), name);
    require_lanes(x, axis, name);
    Tensor index = kernels::arg_extremum(x, axis, is_max);
    Tensor values = gather(x, axis, index);
    if (x_in.dim() == 0) return {reshape(values, {}), reshape(index, {})};
    if (!keepdim) return {squeeze(values, axis), squeeze(index, axis)};
    return {values, index};
}

}  // namespace

Tensor argmax(const Tensor& x, std::optional<int64_t> dim, bool keepdim) { return arg_extremum(x, dim, keepdim, true); }
Tensor argmin(const Tensor& x, std::optional<int64_t> dim, bool keepdim) { return arg_extremum(x, dim, keepdim, false); }
std::pair<Tensor, Tensor> max_along(const Tensor& x, int64_t dim, bool keepdim) { return extremum_along(x, dim, keepdim, true); }
std::pair<Tensor, Tensor> min_along(const Tensor& x, int64_t dim, bool keepdim) { return extremum_along(x, dim, keepdim, false); }

Tensor argsort(const Tensor& x_in, int64_t dim, bool descending) {
    Tensor x = as_lanes(x_in);
    Tensor order = kernels::sort_indices(x, normalize_axis(dim, x.dim(), "sort"), descending);
    return x_in.dim() == 0 ? reshape(order, {}) : order;
}

std::pair<Tensor, Tensor> sort(const Tensor& x_in, int64_t dim, bool descending) {
    Tensor x = as_lanes(x_in);
    const int64_t axis = normalize_axis(dim, x.dim(), "sort");
    Tensor order = kernels::sort_indices(x, axis, descending);
    Tensor values = gather(x, axis, order);
    if (x_in.dim() == 0) return {reshape(values, {}), reshape(order, {})};
    return {values, order};
}

std::pair<Tensor, Tensor> topk(const Tensor& x_in, int64_t k, int64_t dim, bool largest) {
    Tensor x = as_lanes(x_in);
    const int64_t axis = normalize_axis(dim, x.dim(), "topk");
    const int64_t n = x.shape()[size_t(axis)];
    if (k < 0 || k > n) {
        std::ostringstream os;
        os << "topk: k (" << k << ") must be in [0, " << n << "], the size of dim " << dim << " of shape "
           << shape_str(x_in.shape());
        throw IndexError(os.str());
    }
    Tensor order = contiguous(slice(kernels::sort_indices(x, axis, largest), axis, 0, k, 1));
    Tensor values = gather(x, axis, order);
    if (x_in.dim() == 0) return {reshape(values, {}), reshape(order, {})};
    return {values, order};
}

Tensor gather(const Tensor& x, int64_t dim, const Tensor& index_in) {
    if (index_in.dtype() != DType::int64)
        throw TypeError(std::string("gather: index must be an int64 tensor, got ") + dtype_name(index_in.dtype()));
    Tensor xs = as_lanes(x);
    Tensor index = index_in.dim() == 0 ? reshape(index_in, {1}) : index_in;
    const int64_t axis = normalize_axis(dim, xs.dim(), "gather");
    if (index.dim() != xs.dim()) {
        std::ostringstream os;
        os << "gather: index (shape " << shape_str(index_in.shape()) << ") must have as many dimensions as the input "
           << "(shape " << shape_str(x.shape()) << ")";
        throw ValueError(os.str());
    }
    for (int64_t d = 0; d < xs.dim(); ++d)
        if (d != axis && index.shape()[size_t(d)] > xs.shape()[size_t(d)]) {
            std::ostringstream os;
            os << "gather: index of shape " << shape_str(index_in.shape()) << " is larger than the input of shape "
               << shape_str(x.shape()) << " at dim " << d;
            throw ValueError(os.str());
        }
    const int64_t n = xs.shape()[size_t(axis)];
    const Tensor ic = contiguous(index);
    const int64_t* p = ic.data<int64_t>();
    for (int64_t k = 0; k < ic.numel(); ++k)
        if (p[k] < 0 || p[k] >= n) {
            std::ostringstream os;
            os << "gather: index " << p[k] << " is out of bounds for dim " << dim << " with size " << n;
            throw IndexError(os.str());
        }
    Tensor out = kernels::gather_along(xs, axis, ic);
    if (x.dim() == 0) out = reshape(out, index_in.shape());
    if (needs_grad({x}))
        autograd::attach(out, "gather", {x}, [shape = xs.shape(), xshape = x.shape(), axis, ic = saved(ic)](const Tensor& g) {
            Tensor gc = contiguous(reshape(g, ic.shape()));
            return Grads{reshape(kernels::scatter_add_along(shape, axis, ic, gc), xshape)};
        });
    return out;
}

}  // namespace xgrad::ops
