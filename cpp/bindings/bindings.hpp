// One bind_<area> function per binding file, all called from module.cpp.
#pragma once

#include <pybind11/pybind11.h>

namespace xgrad::bindings {

namespace py = pybind11;

void bind_tensor(py::module_& m);
void bind_autograd(py::module_& m);
void bind_ops(py::module_& m);
void bind_registered_ops(py::module_& m);
void bind_optim(py::module_& m);
void bind_backend(py::module_& m);
void bind_nn(py::module_& m);
void bind_data(py::module_& m);

}  // namespace xgrad::bindings
