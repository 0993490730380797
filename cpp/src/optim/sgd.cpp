#include "xgrad/optim/sgd.hpp"

#include <sstream>

#include "xgrad/ops/creation.hpp"

namespace xgrad::optim {
namespace {

template <class T>
void sgd_update(T* p, const T* g, T* buf, int64_t n, const SGDOptions& o, bool first) {
    const T lr = T(o.lr), wd = T(o.weight_decay), mu = T(o.momentum), damp = T(1 - o.dampening);
    if (!buf) {
        for (int64_t i = 0; i < n; ++i) p[i] -= lr * (g[i] + wd * p[i]);
        return;
    }
    for (int64_t i = 0; i < n; ++i) {
        T d = g[i] + wd * p[i];
        T b = first ? d : mu * buf[i] + damp * d;
        buf[i] = b;
        p[i] -= lr * (o.nesterov ? d + mu * b : b);
    }
}

}  // namespace

void sgd_step(const std::vector<Tensor>& params, std::vector<Tensor>& momentum_buffers,
              const SGDOptions& options) {
    if (momentum_buffers.size() != params.size()) momentum_buffers.resize(params.size());
    for (size_t k = 0; k < params.size(); ++k) {
        const Tensor& p = params[k];
        Tensor g = p.grad();
        if (!g.defined()) continue;
        if (!p.is_contiguous()) throw ValueError("SGD: parameters must be contiguous tensors");
        if (g.shape() != p.shape() || g.dtype() != p.dtype()) {
            std::ostringstream os;
            os << "SGD: parameter " << k << " has shape " << shape_str(p.shape()) << " but its gradient has shape "
               << shape_str(g.shape());
            throw ValueError(os.str());
        }
        if (!g.is_contiguous()) g = ops::contiguous_copy(g);
        bool first = false;
        if (options.momentum != 0.0 && !momentum_buffers[k].defined()) {
            momentum_buffers[k] = ops::empty(p.shape(), p.dtype());
            first = true;
        }
        Tensor& buf = momentum_buffers[k];
        XGRAD_DISPATCH(p.dtype(), [&] {
            sgd_update<scalar_t>(p.data<scalar_t>(), g.data<scalar_t>(),
                                 options.momentum != 0.0 ? buf.data<scalar_t>() : nullptr, p.numel(), options, first);
        });
        p.bump_version();
    }
}

}  // namespace xgrad::optim
