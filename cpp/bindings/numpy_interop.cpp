#include "numpy_interop.hpp"

#include <cmath>
#include <cstdint>
#include <cstring>

namespace xgrad::bindings {

namespace {

std::string dtype_text(const py::array& array) { return std::string(py::str(array.dtype())); }

// The xgrad dtype a float array keeps: float32 for float16 and float32 (exact), float64 for
// float64 and long double (exact only where its values are doubles: checked on conversion).
std::optional<DType> float_dtype_of(const py::array& array) {
    if (array.dtype().kind() != 'f') return std::nullopt;
    return array.dtype().itemsize() <= 4 ? DType::float32 : DType::float64;
}

// The array's strides in elements of `item` bytes, or nothing when one is not a whole number of them.
std::optional<Strides> element_strides(const py::array& array, size_t item) {
    Strides out;
    for (py::ssize_t i = 0; i < array.ndim(); ++i) {
        const py::ssize_t bytes = array.strides(i);
        if (bytes % py::ssize_t(item) != 0) return std::nullopt;
        out.push_back(int64_t(bytes / py::ssize_t(item)));
    }
    return out;
}

// Shares the array's memory as a tensor of its own shape and strides (negative ones included).
Tensor share(const py::array& array, DType dtype, const Strides& strides) {
    const int64_t item = int64_t(itemsize(dtype));
    Shape shape(array.shape(), array.shape() + array.ndim());
    // The lowest and highest element the view reaches, relative to array.data().
    int64_t low = 0, high = 0;
    bool empty = false;
    for (size_t i = 0; i < shape.size(); ++i) {
        empty = empty || shape[i] == 0;
        const int64_t reach = (shape[i] - 1) * strides[i];
        (reach < 0 ? low : high) += reach;
    }
    if (empty) low = high = 0;
    auto* keep = new py::object(array);  // the storage keeps the array alive; releasing it needs the GIL
    std::shared_ptr<void> owner(keep, [](void* p) {
        if (!Py_IsInitialized()) return;  // interpreter gone: leak rather than crash
        py::gil_scoped_acquire gil;
        delete static_cast<py::object*>(p);
    });
    char* first = static_cast<char*>(const_cast<void*>(array.data())) + low * item;
    auto storage = Storage::adopt(first, empty ? 0 : size_t((high - low + 1) * item), std::move(owner));
    return Tensor::from_storage(storage, shape, strides, -low, dtype);
}

// Why the array's memory cannot back a tensor of `dtype`, or an empty string when it can.
std::string why_not_shareable(const py::array& array, DType dtype, bool strided) {
    if (array.dtype().kind() != 'f' || size_t(array.dtype().itemsize()) != itemsize(dtype))
        return "its dtype is " + dtype_text(array) + ", not " + dtype_name(dtype);
    if (!array.dtype().attr("isnative").cast<bool>()) return "its bytes are in the other byte order (" + dtype_text(array) + ")";
    if (!array.writeable()) return "it is read-only";
    if (!(array.flags() & 0x0100)) return "it is not aligned";  // NPY_ARRAY_ALIGNED
    if (!strided && !(array.flags() & py::array::c_style)) return "it is not C-contiguous";
    if (strided && !element_strides(array, itemsize(dtype))) return "its strides are not whole elements";
    return "";
}

}  // namespace

Tensor tensor_from_array(const py::array& array, std::optional<DType> dtype, const std::string& mode) {
    const char kind = array.dtype().kind();
    if (kind != 'f' && kind != 'i' && kind != 'u' && kind != 'b')
        throw TypeError("tensor: cannot make a tensor from an array of dtype " + dtype_text(array) +
                        "; expected a numeric (float, int or bool) array");
    const std::optional<DType> own = float_dtype_of(array);
    const DType target = dtype ? *dtype : (own ? *own : DType::float32);
    if (mode != "adopt" && mode != "share" && mode != "copy")
        throw ValueError("tensor: mode must be 'adopt', 'share' or 'copy', got '" + mode + "'");
    if (mode != "copy") {
        const std::string why = why_not_shareable(array, target, mode == "share");
        if (why.empty()) return share(array, target, *element_strides(array, itemsize(target)));
        if (mode == "share")
            throw TypeError("from_numpy: cannot share the memory of this array (" + why +
                            "); xgrad.tensor(array) converts it into a new tensor");
    }
    Shape shape(array.shape(), array.shape() + array.ndim());
    check_shape(shape, target, "tensor");
    Tensor t = Tensor::empty(shape, target);
    py::array converted = target == DType::float32
                              ? py::array(py::array_t<float, py::array::c_style | py::array::forcecast>::ensure(array))
                              : py::array(py::array_t<double, py::array::c_style | py::array::forcecast>::ensure(array));
    if (!converted) throw py::error_already_set();
    if (kind == 'f' && array.dtype().itemsize() > 8) {
        // long double: refuse values that float64 would round rather than convert them silently.
        py::array back = converted.attr("astype")(array.dtype());
        if (!py::module_::import("numpy").attr("array_equal")(back, array, py::arg("equal_nan") = true).cast<bool>())
            throw TypeError("tensor: the " + dtype_text(array) + " array holds values that float64 cannot represent "
                            "exactly; round it with array.astype(numpy.float64) first if that is what you want");
    }
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
            const double v = f.data()[i];
            if (!std::isfinite(v))
                throw ValueError(std::string(op) + ": target " + std::to_string(i) + " is " + python_repr(v) +
                                 ", not a class index");
            if (v != std::floor(v))
                throw TypeError(std::string(op) + ": targets must be class indices (integers), got " +
                                python_repr(v));
            if (!(v >= -9.2e18 && v <= 9.2e18))  // converting outside int64 is undefined
                throw ValueError(std::string(op) + ": target " + python_repr(v) + " does not fit in int64");
            out[size_t(i)] = int64_t(v);
        }
        return out;
    }
    if (kind == 'O')  // NumPy keeps Python ints beyond int64 as objects
        for (const py::handle item : arr.attr("ravel")())
            if (py::isinstance<py::int_>(item) && !py::isinstance<py::bool_>(item))
                try {
                    (void)item.cast<int64_t>();
                } catch (const py::cast_error&) {
                    throw ValueError(std::string(op) + ": target " + std::string(py::str(item)) +
                                     " does not fit in int64");
                }
    if (kind != 'i' && kind != 'u')
        throw TypeError(std::string(op) + ": targets must be an integer array of class indices, got dtype " +
                        std::string(py::str(arr.dtype())));
    if (arr.ndim() != 1)
        throw ValueError(std::string(op) + ": targets must be 1-D (one class index per sample), got " +
                         std::to_string(arr.ndim()) + " dimensions");
    if (kind == 'u' && arr.dtype().itemsize() == 8) {  // uint64 above int64's range would wrap to negatives
        auto u64 = py::array_t<uint64_t, py::array::c_style | py::array::forcecast>::ensure(arr);
        for (py::ssize_t i = 0; i < u64.size(); ++i)
            if (u64.data()[i] > uint64_t(INT64_MAX))
                throw ValueError(std::string(op) + ": target " + std::to_string(u64.data()[i]) +
                                 " does not fit in int64");
    }
    auto i64 = py::array_t<int64_t, py::array::c_style | py::array::forcecast>::ensure(arr);
    return std::vector<int64_t>(i64.data(), i64.data() + i64.size());
}

}  // namespace xgrad::bindings
