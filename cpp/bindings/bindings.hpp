// One bind_<area> function per binding file, all called from module.cpp.
#pragma once

#include <pybind11/pybind11.h>

#include "xgrad/tensor/tensor.hpp"

namespace xgrad::bindings {

namespace py = pybind11;

// `fn` as a function that releases the GIL while it runs on an input of at least 64K elements, so
// other Python threads run meanwhile; below that, releasing would cost more than the op.
template <class R, class... A>
auto releasing_gil(R (*fn)(const Tensor&, A...)) {
    return [fn](const Tensor& x, A... args) -> R {
        if (x.numel() < (int64_t(1) << 16)) return fn(x, std::forward<A>(args)...);
        py::gil_scoped_release release;
        return fn(x, std::forward<A>(args)...);
    };
}

void bind_tensor(py::module_& m);
void bind_autograd(py::module_& m);
void bind_ops(py::module_& m);
void bind_registered_ops(py::module_& m);
void bind_optim(py::module_& m);
void bind_backend(py::module_& m);
void bind_nn(py::module_& m);
void bind_data(py::module_& m);

}  // namespace xgrad::bindings
