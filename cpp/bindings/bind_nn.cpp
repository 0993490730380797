// Layers' ops (convolution, pooling, normalisation, activations, dropout, losses): one line each.
// Python (xgrad.nn.functional) normalises arguments (ints to pairs, defaults) before calling.
#include <pybind11/stl.h>

#include "bindings.hpp"
#include "numpy_interop.hpp"
#include "xgrad/ops/conv.hpp"
#include "xgrad/ops/pooling.hpp"
#include "xgrad/ops/norm.hpp"
#include "xgrad/ops/activation.hpp"

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

    // activations, dropout masks
    m.def("leaky_relu", &ops::leaky_relu);
    m.def("elu", &ops::elu);
    m.def("gelu", &ops::gelu);
    m.def("silu", &ops::silu);
    m.def("softplus", &ops::softplus);
    m.def("prelu", &ops::prelu);
    m.def("maxout", &ops::maxout);
    m.def("bernoulli_mask", &ops::bernoulli_mask);
}

}  // namespace xgrad::bindings
