// Cross-entropy fused with log-softmax: one pass forward, and the classic (p - y) backward.
#include "xgrad/ops/loss.hpp"

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

}  // namespace xgrad::ops
