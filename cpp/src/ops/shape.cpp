// Shape ops. Views share storage with their input (new shape/strides/offset); their backward puts
// the gradient back into the input's shape.
#include "xgrad/ops/shape.hpp"

#include <algorithm>
#include <sstream>

#include "../kernels/elementwise.hpp"
#include "../kernels/index.hpp"
#include "op_utils.hpp"
#include "xgrad/ops/elementwise.hpp"
#include "xgrad/ops/reduce.hpp"

namespace xgrad::ops {

using Grads = std::vector<Tensor>;

namespace {

// A view shares x's storage, and with it the version counter: a write through it is a write to x.
Tensor make_view(const Tensor& x, const Shape& shape, const Strides& strides, int64_t offset) {
    return Tensor::from_storage(x.storage(), shape, strides, offset, x.dtype());
}

// Strides for viewing x with `shape` without copying, or empty if x's layout does not allow it.
// Handles the common cases: contiguous, and reshapes that only split or merge contiguous runs.
Strides view_strides(const Tensor& x, const Shape& shape) {
    // an empty tensor is contiguous: the matching below would run past a 0 in either shape
    if (x.is_contiguous()) return contiguous_strides(shape);
    // General rule (NumPy's _attempt_nocopy_reshape): match groups of old and new axes with equal
    // products; each old group must be contiguous within itself.
    const Shape& os = x.shape();
    const Strides& ost = x.strides();
    Shape old_shape;
    Strides old_strides;
    for (size_t i = 0; i < os.size(); ++i)
        if (os[i] != 1) { old_shape.push_back(os[i]); old_strides.push_back(ost[i]); }
    Strides ns(shape.size(), 0);
    size_t oi = 0, ni = 0;
    while (oi < old_shape.size() && ni < shape.size()) {
        if (shape[ni] == 1) { ns[ni] = 1; ++ni; continue; }
        size_t oj = oi + 1, nj = ni + 1;
        int64_t op = old_shape[oi], np = shape[ni];
        while (op != np) {
            if (np < op) np *= shape[nj++];
            else op *= old_shape[oj++];
        }
        for (size_t k = oi; k + 1 < oj; ++k)
            if (old_strides[k] != old_strides[k + 1] * old_shape[k + 1]) return {};
        ns[nj - 1] = old_strides[oj - 1];
        for (size_t k = nj - 1; k > ni; --k) ns[k - 1] = ns[k] * shape[k];
        oi = oj;
        ni = nj;
    }
    for (; ni < shape.size(); ++ni) ns[ni] = 1;
    return ns;
}

}  // namespace

Tensor reshape(const Tensor& x, const Shape& shape_in) {
    Shape shape = shape_in;
    int64_t known = 1, infer = -1;
    for (size_t i = 0; i < shape.size(); ++i) {
        if (shape[i] == -1) {
            if (infer >= 0) throw ValueError("reshape: only one dimension can be -1, got " + shape_str(shape_in));
            infer = int64_t(i);
        } else if (shape[i] < 0) {
            throw ValueError("reshape: invalid dimension in " + shape_str(shape_in));
        } else if (__builtin_mul_overflow(known, shape[i], &known)) {
            throw ValueError("reshape: shape " + shape_str(shape_in) + " has more elements than int64 can count");
        }
    }
    if (infer >= 0) {
        if (known == 0 || x.numel() % known != 0)
            throw ValueError("reshape: cannot reshape a tensor of shape " + shape_str(x.shape()) + " into " +
                             shape_str(shape_in));
        shape[size_t(infer)] = x.numel() / known;
    }
    if (numel_of(shape) != x.numel())
        throw ValueError("reshape: cannot reshape a tensor of shape " + shape_str(x.shape()) + " (" +
                         std::to_string(x.numel()) + " elements) into " + shape_str(shape_in));
    if (shape == x.shape()) return x;
    Strides strides = view_strides(x, shape);
    Tensor out = strides.empty() && !shape.empty() ? [&] {
        Tensor c = contiguous_copy(x);
        return make_view(c, shape, contiguous_strides(shape), c.offset());
    }() : make_view(x, shape, strides.empty() ? Strides{} : strides, x.offset());
    if (needs_grad({x}))
        autograd::attach(out, "reshape", {x}, [xs = x.shape()](const Tensor& g) { return Grads{reshape(g, xs)}; });
    return out;
}

Tensor permute(const Tensor& x, const std::vector<int64_t>& dims_in) {
    const int64_t nd = x.dim();
    if (int64_t(dims_in.size()) != nd) {
        std::ostringstream os;
        os << "permute: got " << dims_in.size() << " dims for a tensor of rank " << nd;
        throw ValueError(os.str());
    }
    std::vector<int64_t> dims(dims_in.size());
    std::vector<bool> seen(size_t(nd), false);
    Shape shape(static_cast<size_t>(nd));
    Strides strides(static_cast<size_t>(nd));
    for (int64_t i = 0; i < nd; ++i) {
        int64_t d = normalize_axis(dims_in[size_t(i)], nd, "permute");
        if (seen[size_t(d)]) throw ValueError("permute: repeated axis in dims");
        seen[size_t(d)] = true;
        dims[size_t(i)] = d;
        shape[size_t(i)] = x.shape()[size_t(d)];
        strides[size_t(i)] = x.strides()[size_t(d)];
    }
    Tensor out = make_view(x, shape, strides, x.offset());
    if (needs_grad({x})) {
        std::vector<int64_t> inverse(static_cast<size_t>(nd));
        for (int64_t i = 0; i < nd; ++i) inverse[size_t(dims[size_t(i)])] = i;
        autograd::attach(out, "permute", {x}, [inverse](const Tensor& g) { return Grads{permute(g, inverse)}; });
    }
    return out;
}

Tensor transpose(const Tensor& x, int64_t dim0, int64_t dim1) {
    std::vector<int64_t> dims(size_t(x.dim()));
    for (int64_t i = 0; i < x.dim(); ++i) dims[size_t(i)] = i;
    std::swap(dims[size_t(normalize_axis(dim0, x.dim(), "transpose"))],
              dims[size_t(normalize_axis(dim1, x.dim(), "transpose"))]);
    return permute(x, dims);
}

Tensor expand(const Tensor& x, const Shape& shape) {
    if (shape == x.shape()) return x;
    int64_t elements = 1;
    for (int64_t extent : shape) {
        if (extent < 0)
            throw ValueError("expand: the target shape " + shape_str(shape) + " has a negative dimension (-1 keeps "
                             "an existing one)");
        if (__builtin_mul_overflow(elements, extent, &elements))
            throw ValueError("expand: the target shape " + shape_str(shape) + " has more elements than int64 can count");
    }
    bool ok = shape.size() >= x.shape().size();
    if (ok) {
        size_t lead = shape.size() - x.shape().size();
        for (size_t i = 0; i < x.shape().size(); ++i)
            if (x.shape()[i] != 1 && x.shape()[i] != shape[lead + i]) ok = false;
    }
    if (!ok)
        throw ValueError("expand: cannot broadcast a tensor of shape " + shape_str(x.shape()) + " to " +
                         shape_str(shape));
    Strides strides(shape.size(), 0);
    size_t lead = shape.size() - x.shape().size();
    for (size_t i = 0; i < x.shape().size(); ++i) strides[lead + i] = x.shape()[i] == 1 ? 0 : x.strides()[i];
    Tensor out = make_view(x, shape, strides, x.offset());
    if (needs_grad({x}))
        autograd::attach(out, "expand", {x}, [xs = x.shape()](const Tensor& g) { return Grads{sum_to_shape(g, xs)}; });
    return out;
}

Tensor unsqueeze(const Tensor& x, int64_t axis) {
    axis = normalize_axis(axis, x.dim() + 1, "unsqueeze");
    Shape shape = x.shape();
    shape.insert(shape.begin() + axis, 1);
    return reshape(x, shape);
}

Tensor squeeze(const Tensor& x, int64_t axis) {
    axis = normalize_axis(axis, x.dim(), "squeeze");
    if (x.shape()[size_t(axis)] != 1) return x;  // PyTorch leaves non-unit axes alone
    Shape shape = x.shape();
    shape.erase(shape.begin() + axis);
    return reshape(x, shape);
}

Tensor flatten(const Tensor& x, int64_t start_dim, int64_t end_dim) {
    if (x.dim() == 0) return reshape(x, {1});
    int64_t s = normalize_axis(start_dim, x.dim(), "flatten"), e = normalize_axis(end_dim, x.dim(), "flatten");
    if (s > e) throw ValueError("flatten: start_dim cannot come after end_dim");
    Shape shape(x.shape().begin(), x.shape().begin() + s);
    int64_t merged = 1;
    for (int64_t i = s; i <= e; ++i) merged *= x.shape()[size_t(i)];
    shape.push_back(merged);
    shape.insert(shape.end(), x.shape().begin() + e + 1, x.shape().end());
    return reshape(x, shape);
}

Tensor slice(const Tensor& x, int64_t axis, int64_t start, int64_t stop, int64_t step) {
    axis = normalize_axis(axis, x.dim(), "slice");
    if (step <= 0) throw ValueError("slice: step must be positive, got " + std::to_string(step));
    const int64_t n = x.shape()[size_t(axis)];
    start = std::clamp<int64_t>(start, 0, n);
    stop = std::clamp<int64_t>(stop, start, n);
    Shape shape = x.shape();
    Strides strides = x.strides();
    shape[size_t(axis)] = (stop - start + step - 1) / step;
    strides[size_t(axis)] *= step;
    Tensor out = make_view(x, shape, strides, x.offset() + start * x.strides()[size_t(axis)]);
    if (needs_grad({x}))
        autograd::attach(out, "slice", {x}, [xs = x.shape(), axis, start, stop, step](const Tensor& g) {
            Tensor gx = zeros(xs, g.dtype());
            kernels::copy_into(slice(gx, axis, start, stop, step), g);
            return Grads{gx};
        });
    return out;
}

Tensor select(const Tensor& x, int64_t axis, int64_t index) {
    axis = normalize_axis(axis, x.dim(), "select");
    const int64_t n = x.shape()[size_t(axis)];
    if (index < -n || index >= n) {
        std::ostringstream os;
        os << "index " << index << " is out of bounds for axis " << axis << " with size " << n;
        throw IndexError(os.str());
    }
    if (index < 0) index += n;
    Shape shape = x.shape();
    Strides strides = x.strides();
    shape.erase(shape.begin() + axis);
    strides.erase(strides.begin() + axis);
    Tensor out = make_view(x, shape, strides, x.offset() + index * x.strides()[size_t(axis)]);
    if (needs_grad({x}))
        autograd::attach(out, "select", {x}, [xs = x.shape(), axis, index](const Tensor& g) {
            Tensor gx = zeros(xs, g.dtype());
            kernels::copy_into(select(gx, axis, index), g);
            return Grads{gx};
        });
    return out;
}

namespace {

struct GatherPlan {
    std::vector<int64_t> offsets;  // element offset of each index tuple, relative to x.offset()
    Shape rest_shape;
    Strides rest_strides;
};

GatherPlan plan_gather(const Tensor& x, const std::vector<int64_t>& axes_in,
                       const std::vector<std::vector<int64_t>>& indices, const Shape& index_shape) {
    const int64_t m = numel_of(index_shape);
    if (axes_in.size() != indices.size() || axes_in.empty())
        throw ValueError("index: one index array per indexed axis is required");
    std::vector<int64_t> axes;
    for (int64_t a : axes_in) axes.push_back(normalize_axis(a, x.dim(), "index"));
    GatherPlan plan;
    plan.offsets.assign(size_t(m), x.offset());
    for (size_t k = 0; k < axes.size(); ++k) {
        if (int64_t(indices[k].size()) != m) throw ValueError("index: index arrays do not match index_shape");
        const int64_t n = x.shape()[size_t(axes[k])], stride = x.strides()[size_t(axes[k])];
        for (int64_t j = 0; j < m; ++j) {
            int64_t i = indices[k][size_t(j)];
            if (i < -n || i >= n) {
                std::ostringstream os;
                os << "index " << i << " is out of bounds for axis " << axes[k] << " with size " << n;
                throw IndexError(os.str());
            }
            plan.offsets[size_t(j)] += (i < 0 ? i + n : i) * stride;
        }
    }
    for (int64_t d = 0; d < x.dim(); ++d)
        if (std::find(axes.begin(), axes.end(), d) == axes.end()) {
            plan.rest_shape.push_back(x.shape()[size_t(d)]);
            plan.rest_strides.push_back(x.strides()[size_t(d)]);
        }
    return plan;
}

}  // namespace

Tensor gather_index(const Tensor& x, const std::vector<int64_t>& axes,
                    const std::vector<std::vector<int64_t>>& indices, const Shape& index_shape) {
    GatherPlan plan = plan_gather(x, axes, indices, index_shape);
    Shape out_shape = index_shape;
    out_shape.insert(out_shape.end(), plan.rest_shape.begin(), plan.rest_shape.end());
    Tensor out = Tensor::empty(out_shape, x.dtype());
    kernels::gather(x, plan.offsets, plan.rest_shape, plan.rest_strides, out);
    if (needs_grad({x}))
        autograd::attach(out, "index", {x}, [xs = x.shape(), axes, indices, index_shape](const Tensor& g) {
            Tensor gx = zeros(xs, g.dtype());
            GatherPlan p = plan_gather(gx, axes, indices, index_shape);
            kernels::scatter(gx, p.offsets, p.rest_shape, p.rest_strides, contiguous_copy(g), true);
            return Grads{gx};
        });
    return out;
}

void scatter_index_(const Tensor& x, const std::vector<int64_t>& axes,
                    const std::vector<std::vector<int64_t>>& indices, const Shape& index_shape,
                    const Tensor& values) {
    check_inplace_allowed(x, "index assignment");
    GatherPlan plan = plan_gather(x, axes, indices, index_shape);
    Shape target = index_shape;
    target.insert(target.end(), plan.rest_shape.begin(), plan.rest_shape.end());
    Tensor src = Tensor::empty(target, x.dtype());
    kernels::copy_into(src, values);
    kernels::scatter(x, plan.offsets, plan.rest_shape, plan.rest_strides, src, false);
}

Tensor concatenate(const std::vector<Tensor>& xs_in, int64_t axis) {
    if (xs_in.empty()) throw ValueError("concatenate: need at least one tensor");
    DType dt = xs_in[0].dtype();
    for (const Tensor& t : xs_in) dt = promote_types(dt, t.dtype());
    std::vector<Tensor> xs;
    for (const Tensor& t : xs_in) xs.push_back(to_dtype(t, dt));
    const Shape& first = xs[0].shape();
    if (first.empty()) throw ValueError("concatenate: zero-dimensional tensors cannot be concatenated");
    axis = normalize_axis(axis, int64_t(first.size()), "concatenate");
    Shape shape = first;
    shape[size_t(axis)] = 0;
    for (size_t k = 0; k < xs.size(); ++k) {
        const Shape& s = xs[k].shape();
        bool ok = s.size() == first.size();
        for (size_t i = 0; ok && i < s.size(); ++i)
            if (int64_t(i) != axis && s[i] != first[i]) ok = false;
        if (!ok) {
            std::ostringstream os;
            os << "concatenate: tensor " << k << " has shape " << shape_str(s) << ", expected "
               << shape_str(first) << " except along axis " << axis;
            throw ValueError(os.str());
        }
        shape[size_t(axis)] += s[size_t(axis)];
    }
    Tensor out = Tensor::empty(shape, dt);
    std::vector<int64_t> bounds{0};
    for (const Tensor& t : xs) {
        int64_t start = bounds.back(), stop = start + t.shape()[size_t(axis)];
        kernels::copy_into(slice(autograd::detach(out), axis, start, stop, 1), t);
        bounds.push_back(stop);
    }
    if (needs_grad(xs))
        autograd::attach(out, "concatenate", xs, [axis, bounds](const Tensor& g) {
            Grads grads;
            for (size_t k = 0; k + 1 < bounds.size(); ++k) grads.push_back(slice(g, axis, bounds[k], bounds[k + 1], 1));
            return grads;
        });
    return out;
}

Tensor stack(const std::vector<Tensor>& xs, int64_t axis) {
    if (xs.empty()) throw ValueError("stack: need at least one tensor");
    axis = normalize_axis(axis, xs[0].dim() + 1, "stack");
    for (size_t k = 1; k < xs.size(); ++k)
        if (xs[k].shape() != xs[0].shape()) {
            std::ostringstream os;
            os << "stack: all tensors must have the same shape, got " << shape_str(xs[0].shape()) << " and "
               << shape_str(xs[k].shape()) << " (tensor " << k << ")";
            throw ValueError(os.str());
        }
    std::vector<Tensor> expanded;
    for (const Tensor& t : xs) expanded.push_back(unsqueeze(t, axis));
    return concatenate(expanded, axis);
}

}  // namespace xgrad::ops
