// Optimizer update rules (one entry for all), gradient clipping, Newton's method and the 2-D playground.
#include <pybind11/functional.h>
#include <pybind11/numpy.h>
#include <pybind11/stl.h>

#include "bindings.hpp"
#include "xgrad/optim/clip.hpp"
#include "xgrad/optim/newton.hpp"
#include "xgrad/optim/playground.hpp"
#include "xgrad/optim/rule.hpp"

namespace xgrad::bindings {

namespace {

using namespace pybind11::literals;

py::array_t<double> to_array(const std::vector<double>& v, std::vector<py::ssize_t> shape) {
    py::array_t<double> out(shape);
    std::copy(v.begin(), v.end(), out.mutable_data());
    return out;
}

}  // namespace

void bind_optim(py::module_& m) {
    auto heavy = py::call_guard<py::gil_scoped_release>();

    // Every update rule (optim/rule.hpp) through one entry: the rule's name, the parameters with
    // their gradients, one state dict per parameter, and the group's hyper-parameters, checked once
    // when the OptimizerHyper is made (the Python optimizer keeps one per group).
    py::class_<optim::Hyper>(m, "OptimizerHyper",
                             "A parameter group's hyper-parameters, checked against an update rule.")
        .def(py::init([](const std::string& rule, const std::map<std::string, optim::HyperValue>& values) {
                 optim::Hyper hyper(values);
                 optim::check_hyper(optim::find_rule(rule), hyper);
                 return hyper;
             }),
             py::arg("rule"), py::arg("values"));
    m.def(
        "optimizer_step",
        [](const std::string& rule, const std::vector<Tensor>& params, std::vector<optim::ParamState> states,
           optim::Hyper& hyper) { return optim::step(rule, params, std::move(states), hyper); },
        py::arg("rule"), py::arg("params"), py::arg("states"), py::arg("hyper"), heavy);
    m.def("optimizer_rules", [] {
        py::dict out;
        for (const optim::RuleSpec& r : optim::registered_rules()) {
            py::list hyper;
            for (const optim::HyperSpec& h : r.hyper) {
                static const char* kinds[] = {"flag", "number", "choice", "pair"};  // HyperValue's order
                const bool numeric = std::holds_alternative<double>(h.default_value) ||
                                     std::holds_alternative<std::pair<double, double>>(h.default_value);
                hyper.append(py::dict("name"_a = h.name, "kind"_a = kinds[h.default_value.index()],
                                      "default"_a = h.default_value, "choices"_a = h.choices,
                                      "range"_a = numeric ? py::object(py::str(h.range.text())) : py::none(),
                                      "description"_a = h.description));
            }
            py::list states, scalars;
            for (const auto& s : r.states) states.append(s.name);
            for (const auto& s : r.scalars) scalars.append(s.name);
            out[py::str(r.name)] = py::dict("name"_a = r.name, "display_name"_a = r.display_name, "hyper"_a = hyper,
                                            "states"_a = states, "scalars"_a = scalars,
                                            "counts_steps"_a = r.counts_steps, "tensor"_a = bool(r.tensor_step),
                                            "trace"_a = bool(r.trace_step));
        }
        return out;
    }, "The registered update rules: hyper-parameters (kind, default, accepted values), state names.");

    // Newton: the gradient callback calls back into Python, so the GIL stays held.
    m.def("finite_difference_hessian", &optim::finite_difference_hessian, py::arg("grad"), py::arg("x"), py::arg("h"));
    m.def("newton_direction", &optim::newton_direction, py::arg("hessian"), py::arg("g"), py::arg("damping"));

    m.def("total_grad_norm", &optim::total_grad_norm, py::arg("params"), py::arg("norm_type"), heavy);
    m.def("scale_grads", &optim::scale_grads, py::arg("params"), py::arg("factor"), heavy);
    m.def("clamp_grads", &optim::clamp_grads, py::arg("params"), py::arg("clip_value"), heavy);
    m.def("renorm_", &optim::renorm_, py::arg("weight"), py::arg("p"), py::arg("max_norm"), heavy);

    m.def("playground_functions", &optim::test_function_names);
    m.def("playground_formula", [](const std::string& name) { return std::string(optim::test_function(name).formula); });
    m.def("playground_minimum", [](const std::string& name) {
        const auto& f = optim::test_function(name);
        return std::make_pair(f.min_x, f.min_y);
    });
    m.def("playground_evaluate", &optim::evaluate, py::arg("function"), py::arg("xs"), py::arg("ys"));
    m.def(
        "trace",
        [](const std::string& optimizer, const std::string& function, double x0, double y0, int64_t steps,
           const std::map<std::string, optim::HyperValue>& hyper, double stop_below) {
            optim::Trace t;
            {
                py::gil_scoped_release release;
                t = optim::trace(optimizer, function, x0, y0, steps, optim::Hyper(hyper), stop_below);
            }
            const auto n = py::ssize_t(t.losses.size());
            return py::make_tuple(to_array(t.path, {n, 2}), to_array(t.losses, {n}));
        },
        py::arg("optimizer"), py::arg("function"), py::arg("x0"), py::arg("y0"), py::arg("steps"), py::arg("hyper"),
        py::arg("stop_below"));
}

}  // namespace xgrad::bindings
