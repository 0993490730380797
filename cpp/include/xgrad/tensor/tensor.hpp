// Tensor: a typed, strided view of a shared Storage, plus the autograd fields (requires_grad, grad,
// grad_fn). Copying a Tensor copies a handle; two handles to one TensorImpl are the same tensor.
#pragma once

#include <cstdint>
#include <memory>
#include <string>
#include <vector>

#include "xgrad/tensor/dtype.hpp"
#include "xgrad/tensor/errors.hpp"
#include "xgrad/tensor/storage.hpp"

namespace xgrad {

using Shape = std::vector<int64_t>;
using Strides = std::vector<int64_t>;  // in elements, may be 0 (broadcast) or negative

namespace autograd {
struct Node;
}

struct TensorImpl {
    std::shared_ptr<Storage> storage;
    int64_t offset = 0;  // in elements
    Shape shape;
    Strides strides;
    DType dtype = DType::float32;

    // Autograd. A leaf has no grad_fn; gradients of a leaf that requires grad accumulate in `grad`.
    bool requires_grad = false;
    std::shared_ptr<TensorImpl> grad;
    std::shared_ptr<autograd::Node> grad_fn;
};

int64_t numel_of(const Shape& shape);     // of a shape that passed check_shape
Strides contiguous_strides(const Shape& shape);
// ValueError naming `op` and the shape unless every dimension is >= 0 and the element count, the
// contiguous strides and the byte size of a `dtype` tensor of that shape fit in int64.
void check_shape(const Shape& shape, DType dtype, const char* op);

class Tensor {
public:
    Tensor() = default;
    explicit Tensor(std::shared_ptr<TensorImpl> impl) : impl_(std::move(impl)) {}

    // A new contiguous tensor with uninitialised contents (check_shape first).
    static Tensor empty(const Shape& shape, DType dtype);
    // A tensor over existing storage; ValueError unless every element it can reach lies inside it.
    static Tensor from_storage(std::shared_ptr<Storage> storage, const Shape& shape,
                               const Strides& strides, int64_t offset, DType dtype);

    bool defined() const { return bool(impl_); }
    TensorImpl* impl() const { return impl_.get(); }
    const std::shared_ptr<TensorImpl>& impl_ptr() const { return impl_; }
    bool same(const Tensor& other) const { return impl_ == other.impl_; }

    const Shape& shape() const { return impl_->shape; }
    const Strides& strides() const { return impl_->strides; }
    int64_t dim() const { return int64_t(impl_->shape.size()); }
    int64_t size(int64_t axis) const;
    int64_t numel() const { return numel_of(impl_->shape); }
    DType dtype() const { return impl_->dtype; }
    int64_t offset() const { return impl_->offset; }
    const std::shared_ptr<Storage>& storage() const { return impl_->storage; }
    bool is_contiguous() const;

    template <class T>
    T* data() const {
        return static_cast<T*>(impl_->storage->data()) + impl_->offset;
    }
    void* raw_data() const {
        return static_cast<char*>(impl_->storage->data()) + impl_->offset * int64_t(itemsize(dtype()));
    }

    // Autograd fields.
    bool requires_grad() const { return impl_->requires_grad; }
    // Marks a leaf as requiring grad; refuses non-leaf tensors and integer or bool ones, as PyTorch does.
    void set_requires_grad(bool flag);
    Tensor grad() const { return Tensor(impl_->grad); }
    // Assigns .grad (undefined clears it); ValueError unless g has this tensor's shape and dtype.
    void set_grad(const Tensor& g);
    const std::shared_ptr<autograd::Node>& grad_fn() const { return impl_->grad_fn; }
    bool is_leaf() const { return !impl_->grad_fn; }
    // The version of the data (shared by every view of the storage; Storage::version).
    uint64_t version() const { return impl_->storage->version(); }
    void bump_version() const { impl_->storage->bump_version(); }

    // The value of a one-element tensor as a double, and (for integer and bool tensors, exactly)
    // as an int64.
    double item() const;
    int64_t item_integer() const;

private:
    std::shared_ptr<TensorImpl> impl_;
};

// Normalises axis `axis` of a tensor of rank `ndim` (negative counts from the end); throws
// IndexError naming `op` when out of range.
int64_t normalize_axis(int64_t axis, int64_t ndim, const char* op);

}  // namespace xgrad
