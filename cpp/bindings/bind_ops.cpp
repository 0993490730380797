// The core's ops outside the registry (arithmetic with scalars, comparisons, in-place updates,
// reductions, shape and indexing, matrix products): one line each. Argument normalisation
// (dim/axis aliases, index parsing) lives in the Python package (xgrad/_tensor/ops.py).
#include <pybind11/stl.h>

#include "bindings.hpp"
#include "xgrad/ops/creation.hpp"
#include "xgrad/ops/elementwise.hpp"
#include "xgrad/ops/linalg.hpp"
#include "xgrad/ops/reduce.hpp"
#include "xgrad/ops/shape.hpp"

namespace xgrad::bindings {

void bind_ops(py::module_& m) {
    using T = const Tensor&;
    using namespace ops;
    auto heavy = py::call_guard<py::gil_scoped_release>();

    // elementwise
    m.def("add", py::overload_cast<T, T>(&add));
    m.def("add", py::overload_cast<T, double>(&add));
    m.def("sub", py::overload_cast<T, T>(&sub));
    m.def("sub", py::overload_cast<T, double>(&sub));
    m.def("rsub", &rsub);
    m.def("mul", py::overload_cast<T, T>(&mul));
    m.def("mul", py::overload_cast<T, double>(&mul));
    m.def("div", py::overload_cast<T, T>(&div));
    m.def("div", py::overload_cast<T, double>(&div));
    m.def("rdiv", &rdiv);
    // Scalar forms under their own names: one overload set per name would first try (Tensor,
    // Tensor) and fail, which costs more than the op on a small tensor.
    m.def("add_scalar", py::overload_cast<T, double>(&add));
    m.def("sub_scalar", py::overload_cast<T, double>(&sub));
    m.def("mul_scalar", py::overload_cast<T, double>(&mul));
    m.def("div_scalar", py::overload_cast<T, double>(&div));
    m.def("pow", &ops::pow);
    m.def("rpow", &rpow);
    m.def("maximum", &maximum);
    m.def("minimum", &minimum);
    m.def("where", &ops::where);
    m.def("clip", &clip);
    m.def("greater", &greater);
    m.def("equal", &equal);
    m.def("add_", &add_);
    m.def("add_scaled_", &add_scaled_);
    m.def("mul_", &mul_);
    m.def("copy_", &copy_);
    m.def("check_inplace_allowed", &check_inplace_allowed, py::arg("tensor"), py::arg("op"));
    m.def("fill_", &fill_);

    // reductions
    m.def("sum", &ops::sum, py::arg("x"), py::arg("axes"), py::arg("keepdims"));
    m.def("mean", &ops::mean, py::arg("x"), py::arg("axes"), py::arg("keepdims"));
    m.def("max", &ops::max, py::arg("x"), py::arg("axes"), py::arg("keepdims"));
    m.def("min", &ops::min, py::arg("x"), py::arg("axes"), py::arg("keepdims"));
    m.def("var", &ops::var, py::arg("x"), py::arg("axes"), py::arg("correction"), py::arg("keepdims"));
    m.def("sum_to_shape", &sum_to_shape);

    // shape
    m.def("reshape", &reshape);
    m.def("permute", &permute);
    m.def("transpose", &transpose);
    m.def("expand", &expand);
    m.def("unsqueeze", &unsqueeze);
    m.def("squeeze", &squeeze);
    m.def("flatten", &flatten);
    m.def("slice", &ops::slice);
    m.def("select", &select);
    m.def("gather_index", &gather_index);
    m.def("scatter_index_", &scatter_index_);
    m.def("concatenate", &concatenate);
    m.def("stack", &stack);

    // linear algebra
    m.def("matmul", &matmul, heavy);
    m.def("linear", [](T x, T w, const std::optional<Tensor>& b) { return linear(x, w, b ? *b : Tensor()); }, heavy);

}

}  // namespace xgrad::bindings
