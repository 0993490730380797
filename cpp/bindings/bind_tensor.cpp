// Tensor class, dtypes, creation functions and the random generator.
#include <pybind11/numpy.h>
#include <pybind11/stl.h>

#include "bindings.hpp"
#include "numpy_interop.hpp"
#include "xgrad/autograd/node.hpp"
#include "xgrad/ops/creation.hpp"
#include "xgrad/tensor/random.hpp"

namespace xgrad::bindings {

namespace {

py::array_t<int64_t> int64_array(const std::vector<int64_t>& values) {
    return py::array_t<int64_t>(static_cast<py::ssize_t>(values.size()), values.data());
}

}  // namespace

void bind_tensor(py::module_& m) {
    py::enum_<DType>(m, "dtype",
                     "Element type of a tensor: float32 and float64 (which carry gradients), int64, int32, "
                     "uint8 and bool.")
        .value("float32", DType::float32)
        .value("float64", DType::float64)
        .value("int64", DType::int64)
        .value("int32", DType::int32)
        .value("uint8", DType::uint8)
        .value("bool", DType::bool_)
        .def_property_readonly("is_floating_point", [](DType d) { return is_floating(d); })
        .def_property_readonly("itemsize", [](DType d) { return itemsize(d); });
    m.def("promote_types", &promote_types, py::arg("a"), py::arg("b"));

    py::class_<Tensor>(m, "Tensor", py::buffer_protocol())
        .def(py::init<const Tensor&>(), py::arg("other"), "A new handle to the same tensor (shares data and grad).")
        .def_property_readonly("shape", [](const Tensor& t) { return py::tuple(py::cast(t.shape())); })
        .def_property_readonly("dtype", &Tensor::dtype)
        .def_property_readonly("ndim", &Tensor::dim)
        .def("dim", &Tensor::dim)
        .def("numel", &Tensor::numel)
        .def("_strides", [](const Tensor& t) { return py::tuple(py::cast(t.strides())); })
        .def("is_contiguous", &Tensor::is_contiguous)
        .def("is_floating_point", [](const Tensor& t) { return is_floating(t.dtype()); },
             "True for float32 and float64 (the dtypes that carry gradients).")
        .def_property_readonly("is_leaf", &Tensor::is_leaf)
        // The setters take any object so a wrong type is a TypeError naming the property (pybind11
        // would say "incompatible function arguments" or "Unable to cast Python instance").
        .def_property("requires_grad", &Tensor::requires_grad,
                      [](Tensor& t, const py::object& flag) {
                          if (!py::isinstance<py::bool_>(flag))
                              throw py::type_error("requires_grad must be True or False, got " +
                                                   py::repr(flag).cast<std::string>() + " (" +
                                                   py::type::of(flag).attr("__name__").cast<std::string>() + ")");
                          t.set_requires_grad(flag.cast<bool>());
                      })
        .def_property(
            "grad", [](const Tensor& t) -> py::object { return t.grad().defined() ? py::cast(t.grad()) : py::none(); },
            [](Tensor& t, const py::object& g) {
                if (!g.is_none() && !py::isinstance<Tensor>(g))
                    throw py::type_error("grad: assigned grad must be a Tensor or None, got " +
                                         py::type::of(g).attr("__name__").cast<std::string>());
                t.set_grad(g.is_none() ? Tensor() : g.cast<Tensor>());
            })
        .def_property_readonly("_grad_fn_name",
                               [](const Tensor& t) -> py::object {
                                   return t.grad_fn() ? py::cast(t.grad_fn()->name) : py::none();
                               })
        .def_property_readonly("_version", &Tensor::version)
        .def("_same", &Tensor::same)
        .def("_data_ptr", [](const Tensor& t) { return reinterpret_cast<uintptr_t>(t.raw_data()); })
        .def("item", &tensor_item, "The value of a one-element tensor as a Python float, int or bool (by dtype).")
        .def("numpy", &tensor_to_array, "A NumPy array sharing this tensor's memory (no copy).")
        .def_buffer([](const Tensor& t) {
            const int64_t item = int64_t(itemsize(t.dtype()));
            std::vector<py::ssize_t> strides;
            for (int64_t s : t.strides()) strides.push_back(s * item);
            return py::buffer_info(t.raw_data(), item, buffer_format(t.dtype()), t.dim(), std::vector<py::ssize_t>(t.shape().begin(), t.shape().end()), strides);
        });

    m.def("_from_numpy", &tensor_from_array, py::arg("array"), py::arg("dtype") = py::none(),
          py::arg("mode") = "adopt");
    m.def("empty", &ops::empty, py::arg("shape"), py::arg("dtype"));
    m.def("zeros", &ops::zeros, py::arg("shape"), py::arg("dtype"));
    m.def("ones", &ops::ones, py::arg("shape"), py::arg("dtype"));
    m.def("full", &ops::full, py::arg("shape"), py::arg("fill_value"), py::arg("dtype"));
    m.def("arange", &ops::arange, py::arg("start"), py::arg("end"), py::arg("step"), py::arg("dtype"));
    m.def("randn", &ops::randn, py::arg("shape"), py::arg("dtype"));
    m.def("rand", &ops::rand, py::arg("shape"), py::arg("dtype"));
    m.def("contiguous", &ops::contiguous);
    m.def("clone", &ops::clone);
    m.def("to_dtype", &ops::to_dtype);
    m.def("manual_seed", &manual_seed, py::arg("seed"));
    m.def("get_rng_state", [] { return py::bytes(get_rng_state()); });
    m.def("set_rng_state", [](const py::bytes& s) { set_rng_state(std::string(s)); });
    m.def("randperm", [](int64_t n) { return int64_array(randperm(n)); }, py::arg("n"));
    m.def("randint", [](int64_t low, int64_t high, int64_t count) { return int64_array(randint(low, high, count)); },
          py::arg("low"), py::arg("high"), py::arg("count"));
    m.def("allocator_stats", [] {
        AllocatorStats s = allocator_stats();
        py::dict d;
        d["cached_bytes"] = s.cached_bytes;
        d["hits"] = s.hits;
        d["misses"] = s.misses;
        d["live_bytes"] = s.live_bytes;
        return d;
    });
    m.def("empty_cache", &empty_cache);
}

}  // namespace xgrad::bindings
