// Pointwise activations: forward and derivative side by side; backward is g * f'(x) from the saved
// input. PReLU also returns the gradient of its slope; Maxout routes the gradient to the argmax.
#include "xgrad/ops/activation.hpp"

#include <cmath>
#include <memory>
#include <random>
#include <sstream>

#include "op_utils.hpp"
#include "xgrad/tensor/random.hpp"

namespace xgrad::ops {

using Grads = std::vector<Tensor>;

namespace {

Tensor contiguous_of(const Tensor& x) { return x.is_contiguous() ? x : contiguous_copy(x); }

// f and df are generic lambdas of one scalar (computed in double for accuracy, cast on store).
template <class F, class DF>
Tensor pointwise(const char* name, const Tensor& x_in, F f, DF df) {
    Tensor x = contiguous_of(x_in);
    Tensor out = Tensor::empty(x.shape(), x.dtype());
    const int64_t n = x.numel();
    XGRAD_DISPATCH(x.dtype(), [&] {
        const scalar_t* px = x.data<scalar_t>();
        scalar_t* po = out.data<scalar_t>();
        for (int64_t i = 0; i < n; ++i) po[i] = scalar_t(f(double(px[i])));
    });
    if (needs_grad({x_in}))
        autograd::attach(out, name, {x_in}, [x = saved(x), df, n](const Tensor& g_in) {
            Tensor g = contiguous_of(g_in);
            Tensor dx = Tensor::empty(x.shape(), x.dtype());
            XGRAD_DISPATCH(x.dtype(), [&] {
                const scalar_t* px = x.data<scalar_t>();
                const scalar_t* pg = g.data<scalar_t>();
                scalar_t* pd = dx.data<scalar_t>();
                for (int64_t i = 0; i < n; ++i) pd[i] = scalar_t(double(pg[i]) * df(double(px[i])));
            });
            return Grads{dx};
        });
    return out;
}

inline double sigmoid(double v) { return v >= 0 ? 1.0 / (1.0 + std::exp(-v)) : std::exp(v) / (1.0 + std::exp(v)); }

}  // namespace

Tensor leaky_relu(const Tensor& x, double a) {
    return pointwise("leaky_relu", x, [a](double v) { return v > 0 ? v : a * v; },
                     [a](double v) { return v > 0 ? 1.0 : a; });
}

Tensor elu(const Tensor& x, double a) {
    return pointwise("elu", x, [a](double v) { return v > 0 ? v : a * std::expm1(v); },
                     [a](double v) { return v > 0 ? 1.0 : a * std::exp(v); });
}

Tensor gelu(const Tensor& x, const std::string& approximate) {
    if (approximate == "none") {
        constexpr double inv_sqrt2 = 0.70710678118654752440, inv_sqrt_2pi = 0.39894228040143267794;
        return pointwise("gelu", x, [](double v) { return 0.5 * v * (1.0 + std::erf(v * inv_sqrt2)); },
                         [](double v) {
                             return 0.5 * (1.0 + std::erf(v * inv_sqrt2)) + v * inv_sqrt_2pi * std::exp(-0.5 * v * v);
                         });
    }
    if (approximate == "tanh") {
        constexpr double k = 0.79788456080286535588, c = 0.044715;  // sqrt(2 / pi)
        return pointwise("gelu", x, [](double v) { return 0.5 * v * (1.0 + std::tanh(k * (v + c * v * v * v))); },
                         [](double v) {
                             const double t = std::tanh(k * (v + c * v * v * v));
                             return 0.5 * (1.0 + t) + 0.5 * v * (1.0 - t * t) * k * (1.0 + 3.0 * c * v * v);
                         });
    }
    throw ValueError("gelu: approximate must be 'none' or 'tanh', got '" + approximate + "'");
}

Tensor silu(const Tensor& x) {
    return pointwise("silu", x, [](double v) { return v * sigmoid(v); },
                     [](double v) { const double s = sigmoid(v); return s * (1.0 + v * (1.0 - s)); });
}

Tensor softplus(const Tensor& x, double beta, double threshold) {
    if (beta == 0) throw ValueError("softplus: beta must be nonzero");
    return pointwise("softplus", x,
                     [beta, threshold](double v) {
                         const double z = beta * v;
                         return z > threshold ? v : (std::max(z, 0.0) + std::log1p(std::exp(-std::abs(z)))) / beta;
                     },
                     [beta, threshold](double v) { return beta * v > threshold ? 1.0 : sigmoid(beta * v); });
}

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
    const int64_t S = (x.dim() >= 2 && N * C) ? x.numel() / (N * C) : 1;
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

Tensor bernoulli_mask(const Shape& shape, double p, double scale, DType dtype) {
    if (!(p >= 0.0 && p < 1.0)) {
        std::ostringstream os;
        os << "dropout: p (the probability of dropping) must be in [0, 1), got " << p;
        throw ValueError(os.str());
    }
    Tensor mask = Tensor::empty(shape, dtype);
    std::uniform_real_distribution<double> uniform(0.0, 1.0);
    auto& gen = generator();
    XGRAD_DISPATCH(dtype, [&] {
        scalar_t* pm = mask.data<scalar_t>();
        const scalar_t keep = scalar_t(scale);
        for (int64_t i = 0, n = mask.numel(); i < n; ++i) pm[i] = uniform(gen) < p ? scalar_t(0) : keep;
    });
    return mask;
}

}  // namespace xgrad::ops
