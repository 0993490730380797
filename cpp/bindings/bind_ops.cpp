// The core's ops outside the registry (arithmetic with scalars, comparisons, in-place updates,
// reductions, shape and indexing, matrix products): one line each. Argument normalisation
// (dim/axis aliases, index parsing) lives in the Python package (xgrad/_tensor/ops.py).
#include <pybind11/stl.h>

#include "bindings.hpp"
#include "xgrad/ops/compare.hpp"
#include "xgrad/ops/creation.hpp"
#include "xgrad/ops/elementwise.hpp"
#include "xgrad/ops/linalg.hpp"
#include "xgrad/ops/reduce.hpp"
#include "xgrad/ops/shape.hpp"
#include "xgrad/ops/sort.hpp"

namespace xgrad::bindings {

void bind_ops(py::module_& m) {
    using T = const Tensor&;
    using namespace ops;
    auto heavy = py::call_guard<py::gil_scoped_release>();  // matrix products: always long enough

    // elementwise
    m.def("add", releasing_gil(py::overload_cast<T, T>(&add)));
    m.def("add", releasing_gil(py::overload_cast<T, double>(&add)));
    m.def("sub", releasing_gil(py::overload_cast<T, T>(&sub)));
    m.def("sub", releasing_gil(py::overload_cast<T, double>(&sub)));
    m.def("rsub", releasing_gil(&rsub));
    m.def("mul", releasing_gil(py::overload_cast<T, T>(&mul)));
    m.def("mul", releasing_gil(py::overload_cast<T, double>(&mul)));
    m.def("div", releasing_gil(py::overload_cast<T, T>(&div)));
    m.def("div", releasing_gil(py::overload_cast<T, double>(&div)));
    m.def("rdiv", releasing_gil(&rdiv));
    // Scalar forms under their own names: one overload set per name would first try (Tensor,
    // Tensor) and fail, which costs more than the op on a small tensor.
    m.def("add_scalar", releasing_gil(py::overload_cast<T, double>(&add)));
    m.def("sub_scalar", releasing_gil(py::overload_cast<T, double>(&sub)));
    m.def("mul_scalar", releasing_gil(py::overload_cast<T, double>(&mul)));
    m.def("div_scalar", releasing_gil(py::overload_cast<T, double>(&div)));
    m.def("pow", releasing_gil(&ops::pow));
    m.def("rpow", releasing_gil(&rpow));
    m.def("maximum", releasing_gil(&maximum));
    m.def("minimum", releasing_gil(&minimum));
    m.def("where", releasing_gil(&ops::where));
    m.def("clip", releasing_gil(&clip));

    // comparisons, logic and bits (compare.hpp): bool results
    m.def("compare", releasing_gil(py::overload_cast<T, T, const std::string&>(&compare)));
    m.def("compare_scalar", releasing_gil(py::overload_cast<T, double, const std::string&>(&compare)));
    m.def("logical_and", releasing_gil(&logical_and));
    m.def("logical_or", releasing_gil(&logical_or));
    m.def("logical_xor", releasing_gil(&logical_xor));
    m.def("logical_not", releasing_gil(&logical_not));
    m.def("bitwise_and", releasing_gil(&bitwise_and));
    m.def("bitwise_or", releasing_gil(&bitwise_or));
    m.def("bitwise_xor", releasing_gil(&bitwise_xor));
    m.def("bitwise_not", releasing_gil(&bitwise_not));
    m.def("isnan", releasing_gil(&ops::isnan));
    m.def("isinf", releasing_gil(&ops::isinf));
    m.def("isfinite", releasing_gil(&ops::isfinite));

    // positions (sort.hpp)
    m.def("argmax", releasing_gil(&argmax), py::arg("x"), py::arg("dim"), py::arg("keepdim"));
    m.def("argmin", releasing_gil(&argmin), py::arg("x"), py::arg("dim"), py::arg("keepdim"));
    m.def("max_along", releasing_gil(&max_along), py::arg("x"), py::arg("dim"), py::arg("keepdim"));
    m.def("min_along", releasing_gil(&min_along), py::arg("x"), py::arg("dim"), py::arg("keepdim"));
    m.def("sort", releasing_gil(&ops::sort), py::arg("x"), py::arg("dim"), py::arg("descending"));
    m.def("argsort", releasing_gil(&argsort), py::arg("x"), py::arg("dim"), py::arg("descending"));
    m.def("topk", releasing_gil(&topk), py::arg("x"), py::arg("k"), py::arg("dim"), py::arg("largest"));
    m.def("gather", releasing_gil(&ops::gather), py::arg("x"), py::arg("dim"), py::arg("index"));
    m.def("add_", releasing_gil(&add_));
    m.def("add_scaled_", releasing_gil(&add_scaled_));
    m.def("mul_", releasing_gil(&mul_));
    m.def("copy_", releasing_gil(&copy_));
    m.def("check_inplace_allowed", &check_inplace_allowed, py::arg("tensor"), py::arg("op"));
    m.def("fill_", releasing_gil(&fill_));

    // reductions
    m.def("sum", releasing_gil(&ops::sum), py::arg("x"), py::arg("axes"), py::arg("keepdims"));
    m.def("mean", releasing_gil(&ops::mean), py::arg("x"), py::arg("axes"), py::arg("keepdims"));
    m.def("max", releasing_gil(&ops::max), py::arg("x"), py::arg("axes"), py::arg("keepdims"));
    m.def("min", releasing_gil(&ops::min), py::arg("x"), py::arg("axes"), py::arg("keepdims"));
    m.def("var", releasing_gil(&ops::var), py::arg("x"), py::arg("axes"), py::arg("correction"), py::arg("keepdims"));
    m.def("sum_to_shape", releasing_gil(&sum_to_shape));

    // shape
    m.def("reshape", releasing_gil(&reshape));  // copies when the layout does not allow a view
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
