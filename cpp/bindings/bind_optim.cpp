// Optimizer update rules.
#include <pybind11/stl.h>

#include "bindings.hpp"
#include "xgrad/optim/sgd.hpp"

namespace xgrad::bindings {

void bind_optim(py::module_& m) {
    m.def(
        "sgd_step",
        [](const std::vector<Tensor>& params, const std::vector<std::optional<Tensor>>& buffers, double lr,
           double momentum, double dampening, double weight_decay, bool nesterov) {
            std::vector<Tensor> bufs;
            for (const auto& b : buffers) bufs.push_back(b ? *b : Tensor());
            optim::sgd_step(params, bufs, {lr, momentum, dampening, weight_decay, nesterov});
            std::vector<std::optional<Tensor>> out;
            for (const auto& b : bufs) out.push_back(b.defined() ? std::optional<Tensor>(b) : std::nullopt);
            return out;
        },
        py::arg("params"), py::arg("momentum_buffers"), py::arg("lr"), py::arg("momentum"), py::arg("dampening"),
        py::arg("weight_decay"), py::arg("nesterov"), py::call_guard<py::gil_scoped_release>());
}

}  // namespace xgrad::bindings
