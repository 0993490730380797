#include "numpy_interop.hpp"

#include <cmath>
#include <cstring>

namespace xgrad::bindings {

namespace {

std::optional<DType> float_dtype_of(const py::dtype& dt) {
    if (dt.is(py::dtype::of<float>())) return DType::float32;
    if (dt.is(py::dtype::of<double>())) return DType::float64;
    if (dt.kind() == 'f' && dt.itemsize() == 4) return DType::float32;
    if (dt.kind() == 'f' && dt.itemsize() == 8) return DType::float64;
    return std::nullopt;
}

}  // namespace

Tensor tensor_from_array(const py::array& array, std::optional<DType> dtype, bool allow_adopt) {
    const char kind = array.dtype().kind();
    if (kind != 'f' && kind != 'i' && kind != 'u' && kind != 'b')
        throw TypeError("tensor: cannot make a tensor from an array of dtype " +
                        std::string(py::str(array.dtype())) + "; expected a numeric (float, int or bool) array");
    std::optional<DType> own = float_dtype_of(array.dtype());
    DType target = dtype ? *dtype : (own ? *own : DType::float32);
    Shape shape(array.shape(), array.shape() + array.ndim());
    const bool contiguous = array.flags() & py::array::c_style;
    const bool writeable = array.writeable();
    const bool aligned = array.flags() & 0x0100;  // NPY_ARRAY_ALIGNED
    if (allow_adopt && own && *own == target && contiguous && writeable && aligned) {
        // The storage holds a reference to the array; releasing it needs the GIL.
        auto* keep = new py::object(array);
        std::shared_ptr<void> owner(keep, [](void* p) {
            if (!Py_IsInitialized()) return;  // interpreter gone: leak rather than crash
            py::gil_scoped_acquire gil;
            delete static_cast<py::object*>(p);
        });
        auto storage = Storage::adopt(const_cast<void*>(array.data()), size_t(array.nbytes()), std::move(owner));
        return Tensor::from_storage(storage, shape, contiguous_strides(shape), 0, target);
    }
    Tensor t = Tensor::empty(shape, target);
    py::array converted = target == DType::float32
                              ? py::array(py::array_t<float, py::array::c_style | py::array::forcecast>::ensure(array))
                              : py::array(py::array_t<double, py::array::c_style | py::array::forcecast>::ensure(array));
    if (!converted) throw py::error_already_set();
    std::memcpy(t.raw_data(), converted.data(), size_t(t.numel()) * itemsize(target));
    return t;
}

py::array tensor_to_array(const Tensor& t) {
    const int64_t item = int64_t(itemsize(t.dtype()));
    std::vector<py::ssize_t> shape(t.shape().begin(), t.shape().end());
    std::vector<py::ssize_t> strides;
    for (int64_t s : t.strides()) strides.push_back(s * item);
    auto* keep = new std::shared_ptr<Storage>(t.storage());
    py::capsule base(keep, [](void* p) { delete static_cast<std::shared_ptr<Storage>*>(p); });
    if (t.dtype() == DType::float32)
        return py::array_t<float>(shape, strides, t.data<float>(), base);
    return py::array_t<double>(shape, strides, t.data<double>(), base);
}

std::vector<int64_t> class_indices(const py::object& targets, const char* op) {
    py::array arr;
    if (py::isinstance<Tensor>(targets))
        arr = tensor_to_array(targets.cast<Tensor>());
    else
        arr = py::array::ensure(targets);
    if (!arr) throw TypeError(std::string(op) + ": targets must be an integer array of class indices");
    const char kind = arr.dtype().kind();
    if (kind == 'f') {
        // Float labels are accepted only when they hold whole numbers (e.g. a tensor of labels).
        auto f = py::array_t<double, py::array::c_style | py::array::forcecast>::ensure(arr);
        std::vector<int64_t> out(size_t(f.size()));
        for (py::ssize_t i = 0; i < f.size(); ++i) {
            double v = f.data()[i];
            if (v != std::floor(v))
                throw TypeError(std::string(op) + ": targets must be class indices (integers), got " +
                                std::to_string(v));
            out[size_t(i)] = int64_t(v);
        }
        return out;
    }
    if (kind != 'i' && kind != 'u')
        throw TypeError(std::string(op) + ": targets must be an integer array of class indices, got dtype " +
                        std::string(py::str(arr.dtype())));
    if (arr.ndim() != 1)
        throw ValueError(std::string(op) + ": targets must be 1-D (one class index per sample), got " +
                         std::to_string(arr.ndim()) + " dimensions");
    auto i64 = py::array_t<int64_t, py::array::c_style | py::array::forcecast>::ensure(arr);
    return std::vector<int64_t>(i64.data(), i64.data() + i64.size());
}

}  // namespace xgrad::bindings
