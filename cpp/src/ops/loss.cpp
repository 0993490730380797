// The losses of the lectures, each a fused forward with its gradient beside it (loss.hpp).
// Over class scores and class-index targets: softmax cross-entropy (fused with log-softmax, the
// classic (p - y) backward), NLL, the multiclass SVM hinge and focal loss; then the elementwise
// losses between an input and a target (L1, MSE, smooth L1, BCE, BCE with logits).
#include "xgrad/ops/loss.hpp"

#include <algorithm>
#include <cmath>
#include <sstream>

#include "../kernels/softmax.hpp"
#include "op_utils.hpp"

namespace xgrad::ops {

using Grads = std::vector<Tensor>;

Reduction parse_reduction(const std::string& name, const char* op) {
    if (name == "mean") return Reduction::mean;
    if (name == "sum") return Reduction::sum;
    if (name == "none") return Reduction::none;
    throw ValueError(std::string(op) + ": reduction must be 'mean', 'sum' or 'none', got '" + name + "'");
}

Tensor cross_entropy(const Tensor& logits, const std::vector<int64_t>& targets, Reduction reduction) {
    return cross_entropy(logits, targets, reduction, Tensor(), 0.0, -100);
}

// Class targets checked against C (ignore_index allowed); weights as doubles (1 when undefined).
std::vector<double> class_weights(const char* op, const Tensor& logits, const std::vector<int64_t>& targets,
                                  const Tensor& weight, int64_t ignore_index) {
    const std::string what = std::string(op) == "cross_entropy" || std::string(op) == "focal_loss" ? "logits" : "input";
    if (logits.dim() != 2)
        throw ValueError(std::string(op) + ": " + what + " must be 2-D (N, C), got shape " + shape_str(logits.shape()));
    const int64_t N = logits.shape()[0], C = logits.shape()[1];
    if (int64_t(targets.size()) != N) {
        std::ostringstream os;
        os << op << ": " << what << " of shape " << shape_str(logits.shape()) << " need " << N << " targets, got "
           << targets.size();
        throw ValueError(os.str());
    }
    for (size_t i = 0; i < targets.size(); ++i)
        if ((targets[i] < 0 || targets[i] >= C) && targets[i] != ignore_index) {
            std::ostringstream os;
            os << op << ": target " << targets[i] << " at position " << i << " is out of range for " << C
               << " classes (expected 0 <= target < " << C << ")";
            throw ValueError(os.str());
        }
    std::vector<double> w(static_cast<size_t>(C), 1.0);
    if (weight.defined()) {
        if (weight.dim() != 1 || weight.shape()[0] != C)
            throw ValueError(std::string(op) + ": weight of shape " + shape_str(weight.shape()) + " must have one entry per class (" +
                             std::to_string(C) + ")");
        for (int64_t c = 0; c < C; ++c) {
            Tensor e = Tensor::from_storage(weight.storage(), {}, {}, weight.offset() + c * weight.strides()[0],
                                            weight.dtype());
            w[size_t(c)] = e.item();
        }
    }
    return w;
}

Tensor cross_entropy(const Tensor& logits, const std::vector<int64_t>& targets, Reduction reduction,
                     const Tensor& weight, double eps, int64_t ignore_index) {
    const std::vector<double> w = class_weights("cross_entropy", logits, targets, weight, ignore_index);
    if (!(eps >= 0.0 && eps <= 1.0))
        throw ValueError("cross_entropy: label_smoothing must be in [0, 1], got " + std::to_string(eps));
    const int64_t N = logits.shape()[0], C = logits.shape()[1];
    double wsum = 0;
    for (double v : w) wsum += v;
    Tensor log_p = kernels::softmax(logits, 1, true);
    Tensor per_sample = Tensor::empty({N}, logits.dtype());
    double total = 0, denom = 0;
    XGRAD_DISPATCH(logits.dtype(), [&] {
        const scalar_t* lp = log_p.data<scalar_t>();
        scalar_t* ps = per_sample.data<scalar_t>();
        for (int64_t i = 0; i < N; ++i) {
            const int64_t y = targets[size_t(i)];
            if (y == ignore_index) {
                ps[i] = 0;
                continue;
            }
            double l = -(1.0 - eps) * w[size_t(y)] * lp[i * C + y];
            if (eps > 0)
                for (int64_t c = 0; c < C; ++c) l -= eps / double(C) * w[size_t(c)] * lp[i * C + c];
            ps[i] = scalar_t(l);
            total += l;
            denom += w[size_t(y)];
        }
    });
    Tensor out;
    if (reduction == Reduction::none) {
        out = per_sample;
    } else {
        double value = reduction == Reduction::mean ? (denom != 0 ? total / denom : std::nan("")) : total;
        out = full({}, value, logits.dtype());
    }
    if (needs_grad({logits}))
        autograd::attach(out, "cross_entropy", {logits},
                         [log_p = saved(log_p), targets, reduction, N, C, w, wsum, eps, denom, ignore_index](const Tensor& g_in) {
            Tensor g = g_in.is_contiguous() ? g_in : contiguous_copy(g_in);
            Tensor dx = Tensor::empty({N, C}, log_p.dtype());
            XGRAD_DISPATCH(log_p.dtype(), [&] {
                const scalar_t* lp = log_p.data<scalar_t>();
                const scalar_t* pg = g.data<scalar_t>();
                scalar_t* d = dx.data<scalar_t>();
                for (int64_t i = 0; i < N; ++i) {
                    const int64_t y = targets[size_t(i)];
                    if (y == ignore_index) {
                        std::fill(d + i * C, d + (i + 1) * C, scalar_t(0));
                        continue;
                    }
                    const double scale = reduction == Reduction::none ? double(pg[i])
                                         : reduction == Reduction::mean ? double(pg[0]) / denom : double(pg[0]);
                    // a_c = (1 - eps) w_y [c = y] + eps/C w_c;  grad_c = scale (p_c sum(a) - a_c)
                    const double A = (1.0 - eps) * w[size_t(y)] + eps / double(C) * wsum;
                    for (int64_t c = 0; c < C; ++c)
                        d[i * C + c] = scalar_t(scale * (std::exp(double(lp[i * C + c])) * A -
                                                         eps / double(C) * w[size_t(c)]));
                    d[i * C + y] -= scalar_t(scale * (1.0 - eps) * w[size_t(y)]);
                }
            });
            return Grads{dx};
        });
    return out;
}

// ---------------------------------------------------------------- NLL, SVM hinge, focal

namespace {

Tensor contiguous_of(const Tensor& x) { return x.is_contiguous() ? x : contiguous_copy(x); }

// Per-sample losses -> the reduced output.
Tensor reduce_loss(const Tensor& per_sample, Reduction reduction, double denom) {
    if (reduction == Reduction::none) return per_sample;
    double total = 0;
    XGRAD_DISPATCH(per_sample.dtype(), [&] {
        const scalar_t* p = per_sample.data<scalar_t>();
        for (int64_t i = 0, n = per_sample.numel(); i < n; ++i) total += double(p[i]);
    });
    return full({}, reduction == Reduction::mean ? (denom != 0 ? total / denom : std::nan("")) : total,
                per_sample.dtype());
}

// The upstream gradient for element i: g[i] for 'none', g / denom for 'mean', g for 'sum'.
template <class T>
inline double upstream(const T* g, int64_t i, Reduction r, double denom) {
    return r == Reduction::none ? double(g[i]) : r == Reduction::mean ? double(g[0]) / denom : double(g[0]);
}

}  // namespace

Tensor nll_loss(const Tensor& x_in, const std::vector<int64_t>& targets, Reduction reduction, const Tensor& weight,
                int64_t ignore_index) {
    const std::vector<double> w = class_weights("nll_loss", x_in, targets, weight, ignore_index);
    Tensor x = contiguous_of(x_in);
    const int64_t N = x.shape()[0], C = x.shape()[1];
    Tensor per = Tensor::empty({N}, x.dtype());
    double denom = 0;
    XGRAD_DISPATCH(x.dtype(), [&] {
        const scalar_t* px = x.data<scalar_t>();
        for (int64_t i = 0; i < N; ++i) {
            const int64_t y = targets[size_t(i)];
            if (y == ignore_index) { per.data<scalar_t>()[i] = 0; continue; }
            per.data<scalar_t>()[i] = scalar_t(-w[size_t(y)] * px[i * C + y]);
            denom += w[size_t(y)];
        }
    });
    Tensor out = reduce_loss(per, reduction, denom);
    if (needs_grad({x_in}))
        autograd::attach(out, "nll_loss", {x_in}, [targets, w, reduction, denom, N, C, ignore_index, dt = x.dtype()](const Tensor& g_in) {
            Tensor g = contiguous_of(g_in);
            Tensor dx = zeros({N, C}, dt);
            XGRAD_DISPATCH(dt, [&] {
                const scalar_t* pg = g.data<scalar_t>();
                for (int64_t i = 0; i < N; ++i) {
                    const int64_t y = targets[size_t(i)];
                    if (y != ignore_index)
                        dx.data<scalar_t>()[i * C + y] = scalar_t(-w[size_t(y)] * upstream(pg, i, reduction, denom));
                }
            });
            return Grads{dx};
        });
    return out;
}

Tensor multi_margin_loss(const Tensor& x_in, const std::vector<int64_t>& targets, int64_t p, double margin,
                         const Tensor& weight, Reduction reduction) {
    if (p != 1 && p != 2) throw ValueError("multi_margin_loss: p must be 1 or 2, got " + std::to_string(p));
    const std::vector<double> w = class_weights("multi_margin_loss", x_in, targets, weight, INT64_MIN);
    Tensor x = contiguous_of(x_in);
    const int64_t N = x.shape()[0], C = x.shape()[1];
    Tensor per = Tensor::empty({N}, x.dtype());
    XGRAD_DISPATCH(x.dtype(), [&] {
        const scalar_t* px = x.data<scalar_t>();
        for (int64_t i = 0; i < N; ++i) {
            const int64_t y = targets[size_t(i)];
            double l = 0;
            for (int64_t j = 0; j < C; ++j) {
                if (j == y) continue;
                const double h = margin - px[i * C + y] + px[i * C + j];
                if (h > 0) l += p == 1 ? h : h * h;
            }
            per.data<scalar_t>()[i] = scalar_t(w[size_t(y)] * l / double(C));
        }
    });
    Tensor out = reduce_loss(per, reduction, double(N));
    if (needs_grad({x_in}))
        autograd::attach(out, "multi_margin_loss", {x_in}, [x = saved(x), targets, w, p, margin, reduction, N, C](const Tensor& g_in) {
            Tensor g = contiguous_of(g_in);
            Tensor dx = zeros({N, C}, x.dtype());
            XGRAD_DISPATCH(x.dtype(), [&] {
                const scalar_t* px = x.data<scalar_t>();
                const scalar_t* pg = g.data<scalar_t>();
                scalar_t* d = dx.data<scalar_t>();
                for (int64_t i = 0; i < N; ++i) {
                    const int64_t y = targets[size_t(i)];
                    const double s = upstream(pg, i, reduction, double(N)) * w[size_t(y)] / double(C);
                    for (int64_t j = 0; j < C; ++j) {
                        if (j == y) continue;
                        const double h = margin - px[i * C + y] + px[i * C + j];
                        if (!(h > 0)) continue;  // the forward's test exactly: a NaN margin is no violation
                        const double dj = s * (p == 1 ? 1.0 : 2.0 * h);  // each violated margin: +1 to j, -1 to y
                        d[i * C + j] += scalar_t(dj);
                        d[i * C + y] -= scalar_t(dj);
                    }
                }
            });
            return Grads{dx};
        });
    return out;
}

Tensor focal_loss(const Tensor& logits, const std::vector<int64_t>& targets, const std::vector<double>& alpha,
                  double gamma, Reduction reduction) {
    class_weights("focal_loss", logits, targets, Tensor(), INT64_MIN);
    const int64_t N = logits.shape()[0], C = logits.shape()[1];
    if (!(gamma >= 0)) throw ValueError("focal_loss: gamma must be >= 0, got " + std::to_string(gamma));
    if (alpha.size() > 1 && int64_t(alpha.size()) != C)
        throw ValueError("focal_loss: alpha must be one number or one per class (" + std::to_string(C) + "), got " +
                         std::to_string(alpha.size()) + " values");
    auto alpha_of = [alpha](int64_t y) { return alpha.empty() ? 1.0 : alpha.size() == 1 ? alpha[0] : alpha[size_t(y)]; };
    Tensor log_p = kernels::softmax(logits, 1, true);
    Tensor per = Tensor::empty({N}, logits.dtype());
    XGRAD_DISPATCH(logits.dtype(), [&] {
        const scalar_t* lp = log_p.data<scalar_t>();
        for (int64_t i = 0; i < N; ++i) {
            const int64_t y = targets[size_t(i)];
            const double lpt = lp[i * C + y], pt = std::exp(lpt);
            per.data<scalar_t>()[i] = scalar_t(-alpha_of(y) * std::pow(1.0 - pt, gamma) * lpt);
        }
    });
    Tensor out = reduce_loss(per, reduction, double(N));
    if (needs_grad({logits}))
        autograd::attach(out, "focal_loss", {logits}, [log_p = saved(log_p), targets, alpha_of, gamma, reduction, N, C](const Tensor& g_in) {
            Tensor g = contiguous_of(g_in);
            Tensor dx = Tensor::empty({N, C}, log_p.dtype());
            XGRAD_DISPATCH(log_p.dtype(), [&] {
                const scalar_t* lp = log_p.data<scalar_t>();
                const scalar_t* pg = g.data<scalar_t>();
                scalar_t* d = dx.data<scalar_t>();
                for (int64_t i = 0; i < N; ++i) {
                    const int64_t y = targets[size_t(i)];
                    const double lpt = lp[i * C + y], pt = std::exp(lpt), q = 1.0 - pt;
                    // dL/dz_j = K (delta_jy - p_j), K = alpha (gamma q^(gamma-1) p_t log p_t - q^gamma)
                    const double dq = gamma == 0 ? 0.0 : gamma * std::pow(q, gamma - 1) * pt * lpt;
                    const double K = upstream(pg, i, reduction, double(N)) * alpha_of(y) * (dq - std::pow(q, gamma));
                    for (int64_t c = 0; c < C; ++c) d[i * C + c] = scalar_t(-K * std::exp(double(lp[i * C + c])));
                    d[i * C + y] += scalar_t(K);
                }
            });
            return Grads{dx};
        });
    return out;
}

// ---------------------------------------------------------------- elementwise losses (input vs target)

namespace {

// loss(x, y) and its partial derivatives, per element.
struct PointwiseFns {
    double (*loss)(double x, double y, double beta);
    double (*dx)(double x, double y, double beta);
    double (*dy)(double x, double y, double beta);
};

inline double sgn(double v) { return double((v > 0) - (v < 0)); }
inline double clamped_log(double v) { return std::max(std::log(v), -100.0); }  // PyTorch's BCE clamp

PointwiseFns pointwise_fns(PointwiseLoss kind) {
    switch (kind) {
        case PointwiseLoss::l1:
            return {[](double x, double y, double) { return std::abs(x - y); },
                    [](double x, double y, double) { return sgn(x - y); },
                    [](double x, double y, double) { return -sgn(x - y); }};
        case PointwiseLoss::mse:
            return {[](double x, double y, double) { return (x - y) * (x - y); },
                    [](double x, double y, double) { return 2 * (x - y); },
                    [](double x, double y, double) { return -2 * (x - y); }};
        case PointwiseLoss::smooth_l1:  // |d| < beta ? d^2 / (2 beta) : |d| - beta / 2
            // The derivative tests d against +-beta as PyTorch does, so that a NaN d gives NaN, not 0.
            return {[](double x, double y, double b) { double d = x - y; return std::abs(d) < b ? 0.5 * d * d / b : std::abs(d) - 0.5 * b; },
                    [](double x, double y, double b) { double d = x - y; return d < -b ? -1.0 : d > b ? 1.0 : d / b; },
                    [](double x, double y, double b) { double d = x - y; return d < -b ? 1.0 : d > b ? -1.0 : -d / b; }};
        case PointwiseLoss::bce:  // -(y log x + (1 - y) log(1 - x))
            return {[](double x, double y, double) { return -(y * clamped_log(x) + (1 - y) * clamped_log(1 - x)); },
                    [](double x, double y, double) { return (x - y) / std::max(x * (1 - x), 1e-12); },
                    [](double x, double y, double) { return clamped_log(1 - x) - clamped_log(x); }};
        case PointwiseLoss::bce_with_logits:  // (1 - y) z - log sigmoid(z), log sigmoid(z) = min(z, 0) - log(1 + e^-|z|)
            // PyTorch's arrangement: an infinite logit with y = 0 or 1 gives inf or 0, not 0 * inf = NaN.
            return {[](double z, double y, double) {
                        return (1 - y) * z - (std::min(z, 0.0) - std::log1p(std::exp(-std::abs(z))));
                    },
                    [](double z, double y, double) { return (z >= 0 ? 1.0 / (1.0 + std::exp(-z)) : std::exp(z) / (1.0 + std::exp(z))) - y; },
                    [](double z, double, double) { return -z; }};
    }
    throw ValueError("pointwise_loss: unknown loss");
}

const char* pointwise_name(PointwiseLoss kind) {
    switch (kind) {
        case PointwiseLoss::l1: return "l1_loss";
        case PointwiseLoss::mse: return "mse_loss";
        case PointwiseLoss::smooth_l1: return "smooth_l1_loss";
        case PointwiseLoss::bce: return "binary_cross_entropy";
        case PointwiseLoss::bce_with_logits: return "binary_cross_entropy_with_logits";
    }
    return "loss";
}

}  // namespace

Tensor pointwise_loss(PointwiseLoss kind, const Tensor& input, const Tensor& target_in, Reduction reduction,
                      double beta) {
    const char* name = pointwise_name(kind);
    if (input.shape() != target_in.shape())
        throw ValueError(std::string(name) + ": target of shape " + shape_str(target_in.shape()) +
                         " must have the shape of the input " + shape_str(input.shape()));
    if (kind == PointwiseLoss::smooth_l1 && beta < 0)
        throw ValueError("smooth_l1_loss: beta must be >= 0, got " + std::to_string(beta));
    if (kind == PointwiseLoss::smooth_l1 && beta == 0) kind = PointwiseLoss::l1;
    auto [x_p, y_p] = promote(input, target_in);
    Tensor x = contiguous_of(x_p), y = contiguous_of(y_p);
    const PointwiseFns fns = pointwise_fns(kind);
    const int64_t n = x.numel();
    Tensor per = Tensor::empty(x.shape(), x.dtype());
    XGRAD_DISPATCH(x.dtype(), [&] {
        const scalar_t* px = x.data<scalar_t>();
        const scalar_t* py = y.data<scalar_t>();
        scalar_t* pl = per.data<scalar_t>();
        for (int64_t i = 0; i < n; ++i) {
            if (kind == PointwiseLoss::bce && !(px[i] >= 0 && px[i] <= 1)) {
                std::ostringstream os;
                os << name << ": input must be probabilities in [0, 1] (apply a sigmoid, or use "
                   << "binary_cross_entropy_with_logits), got " << double(px[i]) << " at flat index " << i;
                throw ValueError(os.str());
            }
            pl[i] = scalar_t(fns.loss(double(px[i]), double(py[i]), beta));
        }
    });
    Tensor out = reduce_loss(per, reduction, double(n));
    if (needs_grad({x_p, y_p})) {
        const bool gx = x_p.requires_grad(), gy = y_p.requires_grad();
        autograd::attach(out, name, {x_p, y_p}, [x = saved(x), y = saved(y), fns, beta, reduction, n, gx, gy](const Tensor& g_in) {
            Tensor g = contiguous_of(g_in);
            Tensor dx = gx ? Tensor::empty(x.shape(), x.dtype()) : Tensor();
            Tensor dy = gy ? Tensor::empty(x.shape(), x.dtype()) : Tensor();
            XGRAD_DISPATCH(x.dtype(), [&] {
                const scalar_t* px = x.data<scalar_t>();
                const scalar_t* py = y.data<scalar_t>();
                const scalar_t* pg = g.data<scalar_t>();
                for (int64_t i = 0; i < n; ++i) {
                    const double u = upstream(pg, i, reduction, double(n));
                    if (gx) dx.data<scalar_t>()[i] = scalar_t(u * fns.dx(double(px[i]), double(py[i]), beta));
                    if (gy) dy.data<scalar_t>()[i] = scalar_t(u * fns.dy(double(px[i]), double(py[i]), beta));
                }
            });
            return Grads{dx, dy};
        });
    }
    return out;
}

}  // namespace xgrad::ops
