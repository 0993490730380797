// Augmentation: parameter draws and kernels, one line each (xgrad.data.augment documents them).
#include <pybind11/stl.h>

#include "bindings.hpp"
#include "xgrad/data/augment.hpp"

namespace xgrad::bindings {

void bind_data(py::module_& m) {
    auto heavy = py::call_guard<py::gil_scoped_release>();
    py::module_ d = m.def_submodule("augment", "augmentation kernels and their parameter draws");

    d.def("uniform", &data::uniform);
    d.def("bernoulli", &data::bernoulli);
    d.def("beta", &data::beta);
    d.def("jitter_orders", &data::jitter_orders);
    d.def("affine_inverse_matrices", &data::affine_inverse_matrices);

    d.def("hflip", &data::hflip, heavy);
    d.def("crop", &data::crop, heavy);
    d.def("translate", &data::translate, heavy);
    d.def("affine", &data::affine, heavy);
    d.def("color_jitter", &data::color_jitter, heavy);
    d.def("cutout", &data::cutout, heavy);
}

}  // namespace xgrad::bindings
