// Optimizer update rules, gradient clipping, Newton's method and the 2-D playground.
#include <pybind11/functional.h>
#include <pybind11/numpy.h>
#include <pybind11/stl.h>

#include "bindings.hpp"
#include "xgrad/optim/adadelta.hpp"
#include "xgrad/optim/adagrad.hpp"
#include "xgrad/optim/adam.hpp"
#include "xgrad/optim/clip.hpp"
#include "xgrad/optim/nadam.hpp"
#include "xgrad/optim/newton.hpp"
#include "xgrad/optim/playground.hpp"
#include "xgrad/optim/rmsprop.hpp"
#include "xgrad/optim/sgd.hpp"

namespace xgrad::bindings {

namespace {

py::array_t<double> to_array(const std::vector<double>& v, std::vector<py::ssize_t> shape) {
    py::array_t<double> out(shape);
    std::copy(v.begin(), v.end(), out.mutable_data());
    return out;
}

}  // namespace

void bind_optim(py::module_& m) {
    using Tensors = const std::vector<Tensor>&;
    using Steps = const std::vector<int64_t>&;
    auto heavy = py::call_guard<py::gil_scoped_release>();

    m.def(
        "sgd_step",
        [](Tensors params, const std::vector<std::optional<Tensor>>& buffers, double lr, double momentum,
           double dampening, double weight_decay, bool nesterov, const std::string& momentum_form) {
            std::vector<Tensor> bufs;
            for (const auto& b : buffers) bufs.push_back(b ? *b : Tensor());
            optim::sgd_step(params, bufs,
                            {lr, momentum, dampening, weight_decay, nesterov, optim::parse_momentum_form(momentum_form)});
            std::vector<std::optional<Tensor>> out;
            for (const auto& b : bufs) out.push_back(b.defined() ? std::optional<Tensor>(b) : std::nullopt);
            return out;
        },
        py::arg("params"), py::arg("momentum_buffers"), py::arg("lr"), py::arg("momentum"), py::arg("dampening"),
        py::arg("weight_decay"), py::arg("nesterov"), py::arg("momentum_form") = "pytorch", heavy);
    m.def(
        "adagrad_step",
        [](Tensors params, Tensors sums, Steps steps, double lr, double lr_decay, double weight_decay,
           double initial_accumulator_value, double eps) {
            optim::adagrad_step(params, sums, steps, {lr, lr_decay, weight_decay, initial_accumulator_value, eps});
        },
        py::arg("params"), py::arg("sums"), py::arg("steps"), py::arg("lr"), py::arg("lr_decay"),
        py::arg("weight_decay"), py::arg("initial_accumulator_value"), py::arg("eps"), heavy);
    m.def(
        "rmsprop_step",
        [](Tensors params, Tensors square_avgs, Tensors grad_avgs, Tensors momentum_buffers, double lr, double alpha,
           double eps, double weight_decay, double momentum, bool centered) {
            optim::rmsprop_step(params, square_avgs, grad_avgs, momentum_buffers,
                                {lr, alpha, eps, weight_decay, momentum, centered});
        },
        py::arg("params"), py::arg("square_avgs"), py::arg("grad_avgs"), py::arg("momentum_buffers"), py::arg("lr"),
        py::arg("alpha"), py::arg("eps"), py::arg("weight_decay"), py::arg("momentum"), py::arg("centered"), heavy);
    m.def(
        "adadelta_step",
        [](Tensors params, Tensors square_avgs, Tensors acc_deltas, double lr, double rho, double eps,
           double weight_decay) { optim::adadelta_step(params, square_avgs, acc_deltas, {lr, rho, eps, weight_decay}); },
        py::arg("params"), py::arg("square_avgs"), py::arg("acc_deltas"), py::arg("lr"), py::arg("rho"),
        py::arg("eps"), py::arg("weight_decay"), heavy);
    m.def(
        "adam_step",
        [](Tensors params, Tensors exp_avgs, Tensors exp_avg_sqs, Tensors max_exp_avg_sqs, Steps steps, double lr,
           double beta1, double beta2, double eps, double weight_decay, bool amsgrad, bool decoupled_weight_decay,
           bool bias_correction) {
            optim::adam_step(params, exp_avgs, exp_avg_sqs, max_exp_avg_sqs, steps,
                             {lr, beta1, beta2, eps, weight_decay, amsgrad, decoupled_weight_decay, bias_correction});
        },
        py::arg("params"), py::arg("exp_avgs"), py::arg("exp_avg_sqs"), py::arg("max_exp_avg_sqs"), py::arg("steps"),
        py::arg("lr"), py::arg("beta1"), py::arg("beta2"), py::arg("eps"), py::arg("weight_decay"), py::arg("amsgrad"),
        py::arg("decoupled_weight_decay"), py::arg("bias_correction"), heavy);
    m.def(
        "nadam_step",
        [](Tensors params, Tensors exp_avgs, Tensors exp_avg_sqs, std::vector<double> mu_products, Steps steps,
           double lr, double beta1, double beta2, double eps, double weight_decay, double momentum_decay,
           bool decoupled_weight_decay) {
            optim::nadam_step(params, exp_avgs, exp_avg_sqs, mu_products, steps,
                              {lr, beta1, beta2, eps, weight_decay, momentum_decay, decoupled_weight_decay});
            return mu_products;
        },
        py::arg("params"), py::arg("exp_avgs"), py::arg("exp_avg_sqs"), py::arg("mu_products"), py::arg("steps"),
        py::arg("lr"), py::arg("beta1"), py::arg("beta2"), py::arg("eps"), py::arg("weight_decay"),
        py::arg("momentum_decay"), py::arg("decoupled_weight_decay"), heavy);

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
           const optim::Hyper& hyper, double stop_below) {
            optim::Trace t;
            {
                py::gil_scoped_release release;
                t = optim::trace(optimizer, function, x0, y0, steps, hyper, stop_below);
            }
            const auto n = py::ssize_t(t.losses.size());
            return py::make_tuple(to_array(t.path, {n, 2}), to_array(t.losses, {n}));
        },
        py::arg("optimizer"), py::arg("function"), py::arg("x0"), py::arg("y0"), py::arg("steps"), py::arg("hyper"),
        py::arg("stop_below"));
}

}  // namespace xgrad::bindings
