#include "xgrad/tensor/tensor.hpp"

#include <algorithm>
#include <sstream>

namespace xgrad {

int64_t numel_of(const Shape& shape) {
    int64_t n = 1;
    for (int64_t s : shape) n *= s;
    return n;
}

Strides contiguous_strides(const Shape& shape) {
    Strides strides(shape.size());
    int64_t stride = 1;
    for (size_t i = shape.size(); i-- > 0;) {
        strides[i] = stride;
        stride *= shape[i] > 0 ? shape[i] : 1;
    }
    return strides;
}

void check_shape(const Shape& shape, DType dtype, const char* op) {
    auto fail = [&](const std::string& why) {
        throw ValueError(std::string(op) + ": shape " + shape_str(shape) + " " + why);
    };
    int64_t elements = 1, bytes = 0, stride = 1;
    for (int64_t extent : shape)
        if (extent < 0) fail("has a negative dimension");
    for (int64_t extent : shape)
        if (__builtin_mul_overflow(elements, extent, &elements)) fail("has more elements than int64 can count");
    if (__builtin_mul_overflow(elements, int64_t(itemsize(dtype)), &bytes))
        fail("needs more bytes than int64 can count (" + std::to_string(elements) + " elements of " +
             std::to_string(itemsize(dtype)) + " bytes)");
    // The contiguous strides are products of the later extents, a 0-size one counting as 1: with a
    // 0 in the shape they can overflow although the tensor has no element.
    for (size_t i = shape.size(); i-- > 0;)
        if (__builtin_mul_overflow(stride, std::max<int64_t>(shape[i], 1), &stride))
            fail("has no element but strides too large for int64 (the extents beside the 0 do not fit)");
}

Tensor Tensor::empty(const Shape& shape, DType dtype) {
    check_shape(shape, dtype, "tensor");
    auto impl = std::make_shared<TensorImpl>();
    impl->storage = Storage::allocate(size_t(numel_of(shape)) * itemsize(dtype));
    impl->shape = shape;
    impl->strides = contiguous_strides(shape);
    impl->dtype = dtype;
    return Tensor(std::move(impl));
}

Tensor Tensor::from_storage(std::shared_ptr<Storage> storage, const Shape& shape,
                            const Strides& strides, int64_t offset, DType dtype) {
    // Every element the view can reach must lie in its storage: offset + sum (extent - 1) * stride
    // over the axes, both ends, computed without overflow.
    auto fail = [&](const std::string& why) {
        std::ostringstream os;
        os << "view of shape " << shape_str(shape) << " with strides " << shape_str(strides) << " at offset "
           << offset << ": " << why;
        throw ValueError(os.str());
    };
    if (strides.size() != shape.size()) fail("one stride per dimension is needed");
    int64_t elements = 1;
    for (int64_t extent : shape) {
        if (extent < 0) fail("a dimension is negative");
        if (__builtin_mul_overflow(elements, extent, &elements)) fail("more elements than int64 can count");
    }
    if (elements > 0) {
        int64_t low = offset, high = offset, step = 0;
        for (size_t i = 0; i < shape.size(); ++i) {
            if (__builtin_mul_overflow(shape[i] - 1, strides[i], &step)) fail("the strides overflow int64");
            if (__builtin_add_overflow(step > 0 ? high : low, step, step > 0 ? &high : &low))
                fail("the strides overflow int64");
        }
        const int64_t capacity = int64_t(storage->nbytes() / itemsize(dtype));
        if (low < 0 || high >= capacity)
            fail("it reaches elements " + std::to_string(low) + " to " + std::to_string(high) +
                 " of a storage of " + std::to_string(capacity));
    }
    auto impl = std::make_shared<TensorImpl>();
    impl->storage = std::move(storage);
    impl->shape = shape;
    impl->strides = strides;
    impl->offset = offset;
    impl->dtype = dtype;
    return Tensor(std::move(impl));
}

int64_t Tensor::size(int64_t axis) const {
    return impl_->shape[size_t(normalize_axis(axis, dim(), "size"))];
}

bool Tensor::is_contiguous() const {
    if (numel() == 0) return true;  // nothing to lay out (PyTorch: an empty tensor is contiguous)
    int64_t expected = 1;
    for (size_t i = impl_->shape.size(); i-- > 0;) {
        if (impl_->shape[i] == 1) continue;
        if (impl_->strides[i] != expected) return false;
        expected *= impl_->shape[i];
    }
    return true;
}

void Tensor::set_requires_grad(bool flag) {
    if (flag && !is_floating(dtype()))
        throw std::runtime_error(std::string("requires_grad: only tensors of floating point dtype can require "
                                             "gradients; this one is ") + dtype_name(dtype()));
    if (!is_leaf() && !flag)
        throw std::runtime_error(
            "requires_grad_: you can only change requires_grad flags of leaf tensors; use "
            "detach() to get a tensor that does not require grad");
    impl_->requires_grad = flag;
}

double Tensor::item() const {
    if (numel() != 1) {
        std::ostringstream os;
        os << "item: only a tensor with one element can be converted to a Python scalar, got shape "
           << shape_str(shape());
        throw ValueError(os.str());
    }
    return XGRAD_DISPATCH_ALL(dtype(), [&] { return double(*data<scalar_t>()); });
}

int64_t Tensor::item_integer() const {
    if (numel() != 1) item();  // the same error
    return XGRAD_DISPATCH_ALL(dtype(), [&] { return int64_t(*data<scalar_t>()); });
}

int64_t normalize_axis(int64_t axis, int64_t ndim, const char* op) {
    if (axis < -ndim || axis >= ndim) {
        std::ostringstream os;
        os << op << ": axis " << axis << " is out of bounds for a tensor of rank " << ndim;
        throw IndexError(os.str());
    }
    return axis < 0 ? axis + ndim : axis;
}

void Tensor::set_grad(const Tensor& g) {
    if (g.defined() && (g.shape() != shape() || g.dtype() != dtype())) {
        std::ostringstream os;
        os << "grad: assigned a " << dtype_name(g.dtype()) << " gradient of shape " << shape_str(g.shape())
           << " to a " << dtype_name(dtype()) << " tensor of shape " << shape_str(shape())
           << "; a gradient has the shape and dtype of its tensor";
        throw ValueError(os.str());
    }
    impl_->grad = g.impl_ptr();
}

}  // namespace xgrad
