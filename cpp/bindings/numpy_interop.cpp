#include "numpy_interop.hpp"

#include <cmath>
#include <cstdint>
#include <cstring>

namespace xgrad::bindings {

namespace {

std::string dtype_text(const py::array& array) { return std::string(py::str(array.dtype())); }

// The xgrad dtype an array keeps when none is asked for (PyTorch's rules where xgrad has the type):
// float16/float32 -> float32, float64/long double -> float64 (exact only where the values are
// doubles: checked on conversion), int32/int64 and uint8 keep theirs, bool -> bool, the other
// integers -> the narrowest xgrad integer that holds all their values (int8/int16/uint16 -> int32,
// uint32/uint64 -> int64: uint64 values beyond int64 are refused on conversion).
std::optional<DType> own_dtype_of(const py::array& array) {
    const auto size = array.dtype().itemsize();
    switch (array.dtype().kind()) {
        case 'f': return size <= 4 ? DType::float32 : DType::float64;
        case 'b': return DType::bool_;
        case 'i': return size == 8 ? DType::int64 : DType::int32;
        case 'u': return size == 1 ? DType::uint8 : size == 2 ? DType::int32 : DType::int64;
    }
    return std::nullopt;
}

// The array's kind and size match the dtype's exactly: its bytes can be the tensor's.
bool same_layout(const py::array& array, DType dtype) {
    if (size_t(array.dtype().itemsize()) != itemsize(dtype)) return false;
    const char kind = array.dtype().kind();
    switch (dtype) {
        case DType::float32: case DType::float64: return kind == 'f';
        case DType::int64: case DType::int32: return kind == 'i';
        case DType::uint8: return kind == 'u';
        case DType::bool_: return kind == 'b';
    }
    return false;
}

// ValueError naming the first value of `array` that `target` (an integer dtype) cannot hold:
// NaN, an infinity, or a number outside its range. Fractions are cut toward zero, as PyTorch and
// NumPy convert floats to integers.
void check_fits(const py::array& array, DType target) {
    if (array.size() == 0 || !is_integral(target)) return;
    py::module_ np = py::module_::import("numpy");
    const char kind = array.dtype().kind();
    if (kind == 'b') return;
    py::object lo, hi;
    switch (target) {
        case DType::int64: lo = py::int_(INT64_MIN); hi = py::int_(INT64_MAX); break;
        case DType::int32: lo = py::int_(INT32_MIN); hi = py::int_(INT32_MAX); break;
        default: lo = py::int_(0); hi = py::int_(255); break;
    }
    py::object bad;
    if (kind == 'f') {
        py::object finite = np.attr("isfinite")(array);
        if (!finite.attr("all")().cast<bool>()) {
            bad = array.attr("__getitem__")(np.attr("logical_not")(finite)).attr("ravel")()[py::int_(0)];
        } else {
            // in float: v < hi + 1 (hi + 1 is a power of two, exact in float64; hi itself is not)
            py::object too_low = np.attr("less")(array, lo), too_high = np.attr("greater_equal")(array, hi + py::int_(1));
            py::object outside = np.attr("logical_or")(too_low, too_high);
            if (outside.attr("any")().cast<bool>()) bad = array.attr("__getitem__")(outside).attr("ravel")()[py::int_(0)];
        }
    } else {
        py::object mn = array.attr("min")().attr("item")(), mx = array.attr("max")().attr("item")();
        if (mn < lo) bad = mn;
        else if (mx > hi) bad = mx;
    }
    if (bad)
        throw ValueError("tensor: the " + dtype_text(array) + " array holds " + std::string(py::repr(py::hasattr(bad, "item") ? bad.attr("item")() : bad)) +
                         ", which " + dtype_name(target) + " cannot hold");
}

py::dtype numpy_dtype(DType dtype) {
    switch (dtype) {
        case DType::float32: return py::dtype::of<float>();
        case DType::float64: return py::dtype::of<double>();
        case DType::int64: return py::dtype::of<int64_t>();
        case DType::int32: return py::dtype::of<int32_t>();
        case DType::uint8: return py::dtype::of<uint8_t>();
        case DType::bool_: return py::dtype::of<bool>();
    }
    return py::dtype::of<float>();
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
    if (!same_layout(array, dtype)) return "its dtype is " + dtype_text(array) + ", not " + dtype_name(dtype);
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
    const DType target = dtype ? *dtype : *own_dtype_of(array);
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
    check_fits(array, target);
    py::array converted = py::module_::import("numpy").attr("ascontiguousarray")(array, numpy_dtype(target));
    if (kind == 'f' && array.dtype().itemsize() > 8 && is_floating(target)) {
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
    return py::array(numpy_dtype(t.dtype()), shape, strides, t.raw_data(), base);
}

std::string buffer_format(DType dtype) {
    return XGRAD_DISPATCH_ALL(dtype, [] { return std::string(py::format_descriptor<scalar_t>::format()); });
}

py::object tensor_item(const Tensor& t) {
    if (is_floating(t.dtype())) return py::float_(t.item());
    if (t.dtype() == DType::bool_) return py::bool_(t.item_integer() != 0);
    return py::int_(t.item_integer());
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
