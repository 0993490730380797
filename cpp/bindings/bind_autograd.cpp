// backward, grad mode, anomaly detection, hooks, and the entry for Python-defined Functions.
#include <pybind11/functional.h>
#include <pybind11/stl.h>

#include "bindings.hpp"
#include "xgrad/autograd/engine.hpp"
#include "xgrad/autograd/grad_mode.hpp"

namespace xgrad::bindings {

void bind_autograd(py::module_& m) {
    m.def(
        "backward",
        [](const Tensor& root, const std::optional<Tensor>& grad, bool retain_graph) {
            autograd::backward(root, grad ? *grad : Tensor(), retain_graph);
        },
        py::arg("tensor"), py::arg("gradient") = py::none(), py::arg("retain_graph") = false,
        py::call_guard<py::gil_scoped_release>());
    m.def("is_grad_enabled", &autograd::is_grad_enabled);
    m.def("set_grad_enabled", &autograd::set_grad_enabled, py::arg("mode"));
    m.def("is_anomaly_enabled", &autograd::is_anomaly_enabled);
    m.def("set_detect_anomaly", &autograd::set_detect_anomaly, py::arg("mode"));
    m.def("detach", &autograd::detach);
    m.def("retain_grad", &autograd::retain_grad);
    m.def("register_hook", &autograd::register_hook, py::arg("tensor"), py::arg("hook"));
    // A Python Function's backward becomes the node's backward (pybind11 takes the GIL to call it).
    m.def(
        "attach_function",
        [](Tensor& out, const std::string& name, const std::vector<Tensor>& inputs,
           const std::function<std::vector<std::optional<Tensor>>(const Tensor&)>& backward) {
            auto fn = [backward](const Tensor& g) {
                std::vector<Tensor> grads;
                for (auto& maybe : backward(g)) grads.push_back(maybe ? *maybe : Tensor());
                return grads;
            };
            autograd::attach(out, name.c_str(), inputs, fn);
        },
        py::arg("output"), py::arg("name"), py::arg("inputs"), py::arg("backward"));
}

}  // namespace xgrad::bindings
