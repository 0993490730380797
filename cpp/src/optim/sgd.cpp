#include "xgrad/optim/sgd.hpp"

#include "step_utils.hpp"
#include "xgrad/ops/creation.hpp"
#include "xgrad/optim/foreach.hpp"

namespace xgrad::optim {

MomentumForm parse_momentum_form(const std::string& name) {
    if (name == "pytorch") return MomentumForm::pytorch;
    if (name == "rho") return MomentumForm::rho;
    if (name == "velocity") return MomentumForm::velocity;
    if (name == "ema") return MomentumForm::ema;
    if (name == "lookahead") return MomentumForm::lookahead;
    throw ValueError("SGD: unknown momentum_form '" + name +
                     "' (expected 'pytorch', 'rho', 'velocity', 'ema' or 'lookahead')");
}

namespace {

template <class T, MomentumForm F>
void update(const Tensor& p, const Tensor& g, const Tensor& buf, const SGDOptions& o, bool first) {
    const SGDRule<T, F> rule(o, first);
    if (buf.defined())
        parallel_for_each_element(p.numel(), rule, p.data<T>(), g.data<T>(), buf.data<T>());
    else
        parallel_for_each_element(p.numel(), rule, p.data<T>(), g.data<T>());
}

template <class T>
void update(const Tensor& p, const Tensor& g, const Tensor& buf, const SGDOptions& o, bool first) {
    switch (o.form) {
        case MomentumForm::pytorch: return update<T, MomentumForm::pytorch>(p, g, buf, o, first);
        case MomentumForm::rho: return update<T, MomentumForm::rho>(p, g, buf, o, first);
        case MomentumForm::velocity: return update<T, MomentumForm::velocity>(p, g, buf, o, first);
        case MomentumForm::ema: return update<T, MomentumForm::ema>(p, g, buf, o, first);
        case MomentumForm::lookahead: return update<T, MomentumForm::lookahead>(p, g, buf, o, first);
    }
}

}  // namespace

void sgd_step(const std::vector<Tensor>& params, std::vector<Tensor>& momentum_buffers,
              const SGDOptions& options) {
    if (momentum_buffers.size() != params.size()) momentum_buffers.resize(params.size());
    for (size_t k = 0; k < params.size(); ++k) {
        const Tensor& p = params[k];
        Tensor g = checked_grad("SGD", p, k);
        if (!g.defined()) continue;
        bool first = false;
        Tensor& buf = momentum_buffers[k];
        if (options.momentum != 0.0 && !buf.defined()) {
            buf = options.form == MomentumForm::pytorch ? ops::empty(p.shape(), p.dtype())
                                                        : ops::zeros(p.shape(), p.dtype());
            first = true;
        }
        if (options.momentum != 0.0) check_state("SGD", "momentum_buffer", buf, p, k);
        XGRAD_DISPATCH(p.dtype(), [&] {
            update<scalar_t>(p, g, options.momentum != 0.0 ? buf : Tensor(), options, first);
        });
        p.bump_version();
    }
}

}  // namespace xgrad::optim
