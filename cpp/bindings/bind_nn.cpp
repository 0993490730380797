// Layers' ops outside the registry (convolution, pooling, normalisation, maxout, dropout masks,
// losses): one line each.
// Python (xgrad.nn.functional) normalises arguments (ints to pairs, defaults) before calling.
#include <pybind11/stl.h>

#include "bindings.hpp"
#include "numpy_interop.hpp"
#include "xgrad/ops/conv.hpp"
#include "xgrad/ops/pooling.hpp"
#include "xgrad/ops/norm.hpp"
#include "xgrad/ops/activation.hpp"
#include "xgrad/ops/creation.hpp"
#include "xgrad/ops/loss.hpp"

namespace xgrad::bindings {

namespace {
Tensor opt(const std::optional<Tensor>& t) { return t ? *t : Tensor(); }
}  // namespace

void bind_nn(py::module_& m) {
    using T = const Tensor&;
    using OptT = const std::optional<Tensor>&;
    using ops::Pair;
    auto heavy = py::call_guard<py::gil_scoped_release>();

    // convolution and pooling
    m.def("conv2d", [](T x, T w, OptT b, Pair stride, Pair padding, Pair dilation, int64_t groups) {
        return ops::conv2d(x, w, opt(b), stride, padding, dilation, groups);
    }, heavy);
    m.def("set_conv_algorithm", &ops::set_conv_algorithm, py::arg("name"));
    m.def("conv_algorithm", &ops::conv_algorithm);
    m.def("conv_algorithm_for", &ops::conv_algorithm_for);
    m.def("max_pool2d", &ops::max_pool2d, heavy);
    m.def("avg_pool2d", &ops::avg_pool2d, heavy);
    m.def("adaptive_avg_pool2d", &ops::adaptive_avg_pool2d, heavy);
    m.def("fractional_max_pool2d", [](T x, Pair k, Pair out, OptT samples) {
        return ops::fractional_max_pool2d(x, k, out, opt(samples));
    }, heavy);

    // normalisation
    m.def("batch_norm", [](T x, OptT rm, OptT rv, OptT w, OptT b, bool training, double momentum, double eps) {
        return ops::batch_norm(x, opt(rm), opt(rv), opt(w), opt(b), training, momentum, eps);
    }, heavy);
    m.def("layer_norm", [](T x, const Shape& shape, OptT w, OptT b, double eps) {
        return ops::layer_norm(x, shape, opt(w), opt(b), eps);
    }, heavy);
    m.def("group_norm", [](T x, int64_t groups, OptT w, OptT b, double eps) {
        return ops::group_norm(x, groups, opt(w), opt(b), eps);
    }, heavy);

    // maxout, dropout masks
    m.def("maxout", &ops::maxout);
    m.def("bernoulli_mask", &ops::bernoulli_mask);

    // losses (targets as class indices: an int array, list or tensor of whole numbers)
    using ops::parse_reduction;
    m.def("cross_entropy", [](T logits, const py::object& targets, const std::string& reduction) {
        return ops::cross_entropy(logits, class_indices(targets, "cross_entropy"),
                                  parse_reduction(reduction, "cross_entropy"));
    });
    m.def("cross_entropy_ext", [](T x, const py::object& t, const std::string& r, OptT w, double smoothing, int64_t ignore) {
        return ops::cross_entropy(x, class_indices(t, "cross_entropy"), parse_reduction(r, "cross_entropy"), opt(w),
                                  smoothing, ignore);
    });
    m.def("nll_loss", [](T x, const py::object& t, const std::string& r, OptT w, int64_t ignore) {
        return ops::nll_loss(x, class_indices(t, "nll_loss"), parse_reduction(r, "nll_loss"), opt(w), ignore);
    });
    m.def("multi_margin_loss", [](T x, const py::object& t, int64_t p, double margin, OptT w, const std::string& r) {
        return ops::multi_margin_loss(x, class_indices(t, "multi_margin_loss"), p, margin, opt(w),
                                      parse_reduction(r, "multi_margin_loss"));
    });
    m.def("focal_loss", [](T x, const py::object& t, const std::vector<double>& alpha, double gamma, const std::string& r) {
        return ops::focal_loss(x, class_indices(t, "focal_loss"), alpha, gamma, parse_reduction(r, "focal_loss"));
    });
    py::enum_<ops::PointwiseLoss>(m, "PointwiseLoss")
        .value("l1", ops::PointwiseLoss::l1)
        .value("mse", ops::PointwiseLoss::mse)
        .value("smooth_l1", ops::PointwiseLoss::smooth_l1)
        .value("bce", ops::PointwiseLoss::bce)
        .value("bce_with_logits", ops::PointwiseLoss::bce_with_logits);
    m.def("pointwise_loss", [](ops::PointwiseLoss kind, T x, T y, const std::string& r, double beta) {
        return ops::pointwise_loss(kind, x, y, parse_reduction(r, "loss"), beta);
    });
}

}  // namespace xgrad::bindings
