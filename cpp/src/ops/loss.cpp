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
    if (logits.dim() != 2)
        throw ValueError("cross_entropy: logits must be 2-D (N, C), got shape " + shape_str(logits.shape()));
    const int64_t N = logits.shape()[0], C = logits.shape()[1];
    if (int64_t(targets.size()) != N) {
        std::ostringstream os;
        os << "cross_entropy: logits of shape " << shape_str(logits.shape()) << " need " << N
           << " targets, got " << targets.size();
        throw ValueError(os.str());
    }
    for (size_t i = 0; i < targets.size(); ++i)
        if (targets[i] < 0 || targets[i] >= C) {
            std::ostringstream os;
            os << "cross_entropy: target " << targets[i] << " at position " << i << " is out of range for "
               << C << " classes (expected 0 <= target < " << C << ")";
            throw ValueError(os.str());
        }
    Tensor log_p = kernels::softmax(logits, 1, true);
    Tensor per_sample = Tensor::empty({N}, logits.dtype());
    double total = 0;
    XGRAD_DISPATCH(logits.dtype(), [&] {
        const scalar_t* lp = log_p.data<scalar_t>();
        scalar_t* ps = per_sample.data<scalar_t>();
        for (int64_t i = 0; i < N; ++i) {
            ps[i] = -lp[i * C + targets[size_t(i)]];
            total += double(ps[i]);
        }
    });
    Tensor out;
    if (reduction == Reduction::none) {
        out = per_sample;
    } else {
        double value = reduction == Reduction::mean ? (N ? total / double(N) : 0.0) : total;
        out = full({}, value, logits.dtype());
    }
    if (needs_grad({logits}))
        autograd::attach(out, "cross_entropy", {logits}, [log_p = saved(log_p), targets, reduction, N, C](const Tensor& g_in) {
            Tensor g = g_in.is_contiguous() ? g_in : contiguous_copy(g_in);
            Tensor dx = Tensor::empty({N, C}, log_p.dtype());
            XGRAD_DISPATCH(log_p.dtype(), [&] {
                const scalar_t* lp = log_p.data<scalar_t>();
                const scalar_t* pg = g.data<scalar_t>();
                scalar_t* d = dx.data<scalar_t>();
                for (int64_t i = 0; i < N; ++i) {
                    scalar_t scale = reduction == Reduction::none ? pg[i]
                                     : reduction == Reduction::mean ? pg[0] / scalar_t(N) : pg[0];
                    for (int64_t c = 0; c < C; ++c) d[i * C + c] = std::exp(lp[i * C + c]) * scale;
                    d[i * C + targets[size_t(i)]] -= scale;
                }
            });
            return Grads{dx};
        });
    return out;
}

}  // namespace xgrad::ops
