// Activations: each pointwise one is a struct with its forward and backward side by side on xsimd
// batches (see pointwise.hpp), then its registration. PReLU also returns the gradient of its slope;
// Maxout routes the gradient to the argmax of each group.
#include "xgrad/ops/activation.hpp"

#include <sstream>

#include "op_utils.hpp"
#include "pointwise.hpp"
#include "xgrad/ops/registry.hpp"

namespace xgrad::ops {

using Grads = std::vector<Tensor>;

namespace {

Tensor contiguous_of(const Tensor& x) { return x.is_contiguous() ? x : contiguous_copy(x); }

// 1 / (1 + e^-x): e^-x overflows to inf for very negative x, and 1 / inf is the exact limit 0.
template <class B>
B sigmoid_of(B x) {
    return splat<B>(1) / (splat<B>(1) + xsimd::exp(-x));
}

// log(1 + e^x) without overflow: max(x, 0) + log1p(e^-|x|).
template <class B>
B softplus_of(B x) {
    return xsimd::max(x, splat<B>(0)) + xsimd::log1p(xsimd::exp(-xsimd::abs(x)));
}

}  // namespace

// max(x, 0);  d/dx = [x > 0], read from the output (y > 0 exactly where x > 0)
struct Relu {
    static constexpr const char* name = "relu";
    static constexpr Saved saves = Saved::output;
    template <class B> B forward(B x) const { return xsimd::max(x, splat<B>(0)); }
    template <class B> B backward(B g, B y) const { return xsimd::select(y > splat<B>(0), g, splat<B>(0)); }
};
Tensor relu(const Tensor& x) { return pointwise(x, Relu{}); }
XGRAD_REGISTER_OP(op("relu", &relu).doc("max(x, 0); the gradient at 0 is 0.").exposed_as(function | method | functional)
                      .domain(Domain::nonzero).torch("torch.relu"));

// s = 1 / (1 + e^-x);  d/dx = s (1 - s)
struct Sigmoid {
    static constexpr const char* name = "sigmoid";
    static constexpr Saved saves = Saved::output;
    template <class B> B forward(B x) const { return sigmoid_of(x); }
    template <class B> B backward(B g, B s) const { return g * s * (splat<B>(1) - s); }
};
Tensor sigmoid(const Tensor& x) { return pointwise(x, Sigmoid{}); }
XGRAD_REGISTER_OP(op("sigmoid", &sigmoid).doc("1 / (1 + e^-x); d/dx = s (1 - s).")
                      .exposed_as(function | method | functional).torch("torch.sigmoid"));

// y = tanh x;  dy/dx = 1 - y^2
struct Tanh {
    static constexpr const char* name = "tanh";
    static constexpr Saved saves = Saved::output;
    template <class B> B forward(B x) const { return xsimd::tanh(x); }
    template <class B> B backward(B g, B y) const { return g * (splat<B>(1) - y * y); }
};
Tensor tanh(const Tensor& x) { return pointwise(x, Tanh{}); }
XGRAD_REGISTER_OP(op("tanh", &tanh).doc("Hyperbolic tangent; d/dx = 1 - tanh(x)^2.")
                      .exposed_as(function | method | functional).torch("torch.tanh"));

// x > 0 ? x : a x (Maas et al. 2013);  d/dx = x > 0 ? 1 : a
struct LeakyRelu {
    static constexpr const char* name = "leaky_relu";
    static constexpr Saved saves = Saved::input;
    double slope;
    template <class B> B forward(B x) const { return xsimd::select(x > splat<B>(0), x, x * splat<B>(slope)); }
    template <class B> B backward(B g, B x) const { return xsimd::select(x > splat<B>(0), g, g * splat<B>(slope)); }
};
Tensor leaky_relu(const Tensor& x, double negative_slope) { return pointwise(x, LeakyRelu{negative_slope}); }
XGRAD_REGISTER_OP(op("leaky_relu", &leaky_relu, Param("negative_slope", 0.01))
                      .doc("x if x > 0 else negative_slope * x (Maas et al. 2013): a small gradient for negative inputs, "
                           "so no unit dies.").exposed_as(functional)
                      .domain(Domain::nonzero).torch("torch.nn.functional.leaky_relu"));

// x > 0 ? x : a (e^x - 1) (Clevert et al. 2016);  d/dx = x > 0 ? 1 : a e^x
struct Elu {
    static constexpr const char* name = "elu";
    static constexpr Saved saves = Saved::input;
    double alpha;
    template <class B> B forward(B x) const {
        return xsimd::select(x > splat<B>(0), x, splat<B>(alpha) * xsimd::expm1(x));
    }
    template <class B> B backward(B g, B x) const {
        return xsimd::select(x > splat<B>(0), g, g * (splat<B>(alpha) * xsimd::exp(x)));
    }
};
Tensor elu(const Tensor& x, double alpha) { return pointwise(x, Elu{alpha}); }
XGRAD_REGISTER_OP(op("elu", &elu, Param("alpha", 1.0)).doc("x if x > 0 else alpha * (e^x - 1) (Clevert et al. 2015): negative outputs push the mean "
                           "activation towards zero.")
                      .exposed_as(functional).domain(Domain::nonzero).torch("torch.nn.functional.elu"));

// x Phi(x) = x/2 (1 + erf(x / sqrt 2)) (Hendrycks & Gimpel 2016);  d/dx = Phi(x) + x phi(x)
struct GeluErf {
    static constexpr const char* name = "gelu";
    static constexpr Saved saves = Saved::input;
    static constexpr double inv_sqrt2 = 0.70710678118654752440, inv_sqrt_2pi = 0.39894228040143267794;
    template <class B> B forward(B x) const {
        return splat<B>(0.5) * x * (splat<B>(1) + xsimd::erf(x * splat<B>(inv_sqrt2)));
    }
    template <class B> B backward(B g, B x) const {
        const B cdf = splat<B>(0.5) * (splat<B>(1) + xsimd::erf(x * splat<B>(inv_sqrt2)));
        const B pdf = splat<B>(inv_sqrt_2pi) * xsimd::exp(splat<B>(-0.5) * x * x);
        return g * (cdf + x * pdf);
    }
};

// GELU's tanh approximation: x/2 (1 + tanh(k (x + c x^3))), k = sqrt(2 / pi), c = 0.044715
struct GeluTanh {
    static constexpr const char* name = "gelu";
    static constexpr Saved saves = Saved::input;
    static constexpr double k = 0.79788456080286535588, c = 0.044715;
    template <class B> B forward(B x) const {
        return splat<B>(0.5) * x * (splat<B>(1) + xsimd::tanh(splat<B>(k) * (x + splat<B>(c) * x * x * x)));
    }
    template <class B> B backward(B g, B x) const {
        const B t = xsimd::tanh(splat<B>(k) * (x + splat<B>(c) * x * x * x));
        const B inner = splat<B>(k) * (splat<B>(1) + splat<B>(3 * c) * x * x);
        return g * (splat<B>(0.5) * (splat<B>(1) + t) + splat<B>(0.5) * x * (splat<B>(1) - t * t) * inner);
    }
};

Tensor gelu(const Tensor& x, const std::string& approximate) {
    if (approximate == "none") return pointwise(x, GeluErf{});
    if (approximate == "tanh") return pointwise(x, GeluTanh{});
    throw ValueError("gelu: approximate must be 'none' or 'tanh', got '" + approximate + "'");
}
XGRAD_REGISTER_OP(op("gelu", &gelu, Param("approximate", "none", {"none", "tanh"}))
                      .doc("x * Phi(x) = x/2 (1 + erf(x / sqrt 2)), Phi the standard normal CDF (Hendrycks & Gimpel "
                           "2016); approximate='tanh': x/2 (1 + tanh(sqrt(2/pi) (x + 0.044715 x^3))).")
                      .exposed_as(functional).torch("torch.nn.functional.gelu"));

// x sigma(x) (SiLU / Swish);  d/dx = s (1 + x (1 - s))
struct Silu {
    static constexpr const char* name = "silu";
    static constexpr Saved saves = Saved::input;
    template <class B> B forward(B x) const { return x * sigmoid_of(x); }
    template <class B> B backward(B g, B x) const {
        const B s = sigmoid_of(x);
        return g * (s * (splat<B>(1) + x * (splat<B>(1) - s)));
    }
};
Tensor silu(const Tensor& x) { return pointwise(x, Silu{}); }
XGRAD_REGISTER_OP(op("silu", &silu).doc("x * sigmoid(x) (SiLU / Swish); d/dx = s (1 + x (1 - s)).")
                      .exposed_as(functional).torch("torch.nn.functional.silu"));

// log(1 + e^(beta x)) / beta, and x itself where beta x > threshold;  d/dx = sigma(beta x)
struct Softplus {
    static constexpr const char* name = "softplus";
    static constexpr Saved saves = Saved::input;
    double beta, threshold;
    template <class B> B forward(B x) const {
        const B z = x * splat<B>(beta);
        return xsimd::select(z > splat<B>(threshold), x, softplus_of(z) / splat<B>(beta));
    }
    template <class B> B backward(B g, B x) const {
        const B z = x * splat<B>(beta);
        return xsimd::select(z > splat<B>(threshold), g, g * sigmoid_of(z));
    }
};
Tensor softplus(const Tensor& x, double beta, double threshold) {
    if (beta == 0) throw ValueError("softplus: beta must be nonzero");
    return pointwise(x, Softplus{beta, threshold});
}
XGRAD_REGISTER_OP(op("softplus", &softplus, Param("beta", 1.0), Param("threshold", 20.0))
                      .doc("log(1 + e^(beta x)) / beta, a smooth ReLU, linear where beta x > threshold; "
                           "d/dx = sigmoid(beta x).")
                      .exposed_as(functional).torch("torch.nn.functional.softplus"));

// x tanh(softplus(x)) (Misra 2019);  d/dx = t + x sigma(x) (1 - t^2) with t = tanh(softplus(x))
struct Mish {
    static constexpr const char* name = "mish";
    static constexpr Saved saves = Saved::input;
    template <class B> B forward(B x) const { return x * xsimd::tanh(softplus_of(x)); }
    template <class B> B backward(B g, B x) const {
        const B t = xsimd::tanh(softplus_of(x));
        return g * (t + x * sigmoid_of(x) * (splat<B>(1) - t * t));
    }
};
Tensor mish(const Tensor& x) { return pointwise(x, Mish{}); }
XGRAD_REGISTER_OP(op("mish", &mish)
                      .doc("x * tanh(softplus(x)) (Misra 2019): smooth and non-monotonic, like SiLU; "
                           "d/dx = t + x sigmoid(x) (1 - t^2), t = tanh(softplus(x)).")
                      .exposed_as(function | method | functional).torch("torch.nn.functional.mish"));

Tensor prelu(const Tensor& x_in, const Tensor& w_in) {
    const int64_t C = x_in.dim() >= 2 ? x_in.shape()[1] : 1;
    if (w_in.numel() != 1 && (w_in.dim() != 1 || w_in.shape()[0] != C)) {
        std::ostringstream os;
        os << "prelu: weight of shape " << shape_str(w_in.shape()) << " must have 1 element (shared) or " << C
           << " (one per channel of input " << shape_str(x_in.shape()) << ")";
        throw ValueError(os.str());
    }
    auto [x, w] = promote(x_in, w_in);
    Tensor xc = contiguous_of(x), wc = contiguous_of(w);
    const bool shared = w.numel() == 1;
    const int64_t N = x.dim() >= 1 ? x.shape()[0] : 1;
    const int64_t S = (x.dim() >= 2 && N * C != 0) ? x.numel() / (N * C) : 1;
    const int64_t outer = x.dim() >= 2 ? N : 1, chans = x.dim() >= 2 ? C : 1, inner = x.dim() >= 2 ? S : x.numel();
    Tensor out = Tensor::empty(x.shape(), x.dtype());
    XGRAD_DISPATCH(x.dtype(), [&] {
        const scalar_t* px = xc.data<scalar_t>();
        const scalar_t* pw = wc.data<scalar_t>();
        scalar_t* po = out.data<scalar_t>();
        for (int64_t n = 0; n < outer; ++n)
            for (int64_t c = 0; c < chans; ++c) {
                const scalar_t a = pw[shared ? 0 : c];
                const int64_t base = (n * chans + c) * inner;
                for (int64_t s = 0; s < inner; ++s) po[base + s] = px[base + s] > 0 ? px[base + s] : a * px[base + s];
            }
    });
    if (needs_grad({x, w}))
        autograd::attach(out, "prelu", {x, w}, [xc = saved(xc), wc = saved(wc), shared, outer, chans, inner,
                                                gx = x.requires_grad(), gw = w.requires_grad()](const Tensor& g_in) {
            Tensor g = contiguous_of(g_in);
            Tensor dx = gx ? Tensor::empty(xc.shape(), xc.dtype()) : Tensor();
            Tensor dw = gw ? Tensor::empty(wc.shape(), wc.dtype()) : Tensor();
            XGRAD_DISPATCH(xc.dtype(), [&] {
                const scalar_t* px = xc.data<scalar_t>();
                const scalar_t* pw = wc.data<scalar_t>();
                const scalar_t* pg = g.data<scalar_t>();
                std::vector<double> acc(static_cast<size_t>(shared ? 1 : chans), 0.0);
                for (int64_t n = 0; n < outer; ++n)
                    for (int64_t c = 0; c < chans; ++c) {
                        const scalar_t a = pw[shared ? 0 : c];
                        const int64_t base = (n * chans + c) * inner;
                        double sum = 0;
                        for (int64_t s = 0; s < inner; ++s) {
                            const scalar_t v = px[base + s], gv = pg[base + s];
                            if (gx) dx.data<scalar_t>()[base + s] = v > 0 ? gv : a * gv;
                            if (v <= 0) sum += double(gv) * v;
                        }
                        acc[shared ? 0 : size_t(c)] += sum;
                    }
                if (gw)
                    for (size_t i = 0; i < acc.size(); ++i) dw.data<scalar_t>()[i] = scalar_t(acc[i]);
            });
            return Grads{dx, dw};
        });
    return out;
}

Tensor maxout(const Tensor& x_in, int64_t k, int64_t axis_in) {
    if (x_in.dim() == 0) throw ValueError("maxout: input must have at least one dimension");
    const int64_t axis = normalize_axis(axis_in, x_in.dim(), "maxout");
    const int64_t D = x_in.shape()[size_t(axis)];
    if (k < 1 || D % k != 0) {
        std::ostringstream os;
        os << "maxout: dimension " << axis << " of input " << shape_str(x_in.shape()) << " has size " << D
           << ", which is not divisible into pieces of k=" << k;
        throw ValueError(os.str());
    }
    Tensor x = contiguous_of(x_in);
    int64_t outer = 1, inner = 1;
    for (int64_t i = 0; i < axis; ++i) outer *= x.shape()[size_t(i)];
    for (int64_t i = axis + 1; i < x.dim(); ++i) inner *= x.shape()[size_t(i)];
    Shape oshape = x.shape();
    oshape[size_t(axis)] = D / k;
    Tensor out = Tensor::empty(oshape, x.dtype());
    auto idx = std::make_shared<std::vector<int64_t>>(static_cast<size_t>(out.numel()));
    XGRAD_DISPATCH(x.dtype(), [&] {
        const scalar_t* px = x.data<scalar_t>();
        scalar_t* po = out.data<scalar_t>();
        for (int64_t o = 0; o < outer; ++o)
            for (int64_t j = 0; j < D / k; ++j)
                for (int64_t i = 0; i < inner; ++i) {
                    int64_t best = (o * D + j * k) * inner + i;
                    for (int64_t piece = 1; piece < k; ++piece) {
                        const int64_t at = (o * D + j * k + piece) * inner + i;
                        if (px[at] > px[best]) best = at;
                    }
                    const int64_t oi = (o * (D / k) + j) * inner + i;
                    po[oi] = px[best];
                    (*idx)[size_t(oi)] = best;
                }
    });
    if (needs_grad({x_in}))
        autograd::attach(out, "maxout", {x_in}, [idx, xs = x.shape()](const Tensor& g_in) {
            Tensor g = contiguous_of(g_in);
            Tensor dx = zeros(xs, g.dtype());
            XGRAD_DISPATCH(g.dtype(), [&] {
                const scalar_t* pg = g.data<scalar_t>();
                scalar_t* pd = dx.data<scalar_t>();
                for (size_t i = 0; i < idx->size(); ++i) pd[(*idx)[i]] += pg[i];
            });
            return Grads{dx};
        });
    return out;
}

XGRAD_REGISTER_OP(op("prelu", &prelu, Param("weight"))
                      .doc("x if x > 0 else a * x with a learnable slope a (He et al. 2015): one shared (weight of 1 "
                           "element) or one per channel (weight (C,), channels on dim 1).")
                      .exposed_as(functional).domain(Domain::nonzero).torch("torch.nn.functional.prelu"));

}  // namespace xgrad::ops
