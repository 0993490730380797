#include "xgrad/tensor/tensor.hpp"

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

Tensor Tensor::empty(const Shape& shape, DType dtype) {
    for (int64_t s : shape)
        if (s < 0) throw ValueError("negative dimension in shape " + shape_str(shape));
    auto impl = std::make_shared<TensorImpl>();
    impl->storage = Storage::allocate(size_t(numel_of(shape)) * itemsize(dtype));
    impl->shape = shape;
    impl->strides = contiguous_strides(shape);
    impl->dtype = dtype;
    return Tensor(std::move(impl));
}

Tensor Tensor::from_storage(std::shared_ptr<Storage> storage, const Shape& shape,
                            const Strides& strides, int64_t offset, DType dtype) {
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
    int64_t expected = 1;
    for (size_t i = impl_->shape.size(); i-- > 0;) {
        if (impl_->shape[i] == 1) continue;
        if (impl_->strides[i] != expected) return false;
        expected *= impl_->shape[i];
    }
    return true;
}

void Tensor::set_requires_grad(bool flag) {
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
    return XGRAD_DISPATCH(dtype(), [&] { return double(*data<scalar_t>()); });
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
