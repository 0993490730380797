#include "xgrad/optim/rmsprop.hpp"

#include "step_utils.hpp"

namespace xgrad::optim {
namespace {

template <class T>
void update(const Tensor& p, const Tensor& g, const Tensor& sq, const Tensor& ga, const Tensor& buf,
            const RMSpropOptions& o) {
    const int64_t n = p.numel();
    T* x = p.data<T>();
    const T* dx = g.data<T>();
    if (o.centered && o.momentum > 0)
        parallel_for_each_element(n, RMSpropRule<T, true, true>(o), x, dx, sq.data<T>(), ga.data<T>(), buf.data<T>());
    else if (o.centered)
        parallel_for_each_element(n, RMSpropRule<T, true, false>(o), x, dx, sq.data<T>(), ga.data<T>());
    else if (o.momentum > 0)
        parallel_for_each_element(n, RMSpropRule<T, false, true>(o), x, dx, sq.data<T>(), buf.data<T>());
    else
        parallel_for_each_element(n, RMSpropRule<T, false, false>(o), x, dx, sq.data<T>());
}

}  // namespace

void rmsprop_step(const std::vector<Tensor>& params, const std::vector<Tensor>& square_avgs,
                  const std::vector<Tensor>& grad_avgs, const std::vector<Tensor>& momentum_buffers,
                  const RMSpropOptions& options) {
    std::vector<size_t> sizes{square_avgs.size()};
    if (options.centered) sizes.push_back(grad_avgs.size());
    if (options.momentum > 0) sizes.push_back(momentum_buffers.size());
    check_sizes("RMSprop", params.size(), sizes);
    for (size_t k = 0; k < params.size(); ++k) {
        const Tensor& p = params[k];
        Tensor g = checked_grad("RMSprop", p, k);
        if (!g.defined()) continue;
        check_state("RMSprop", "square_avg", square_avgs[k], p, k);
        Tensor ga = options.centered ? grad_avgs[k] : Tensor();
        Tensor buf = options.momentum > 0 ? momentum_buffers[k] : Tensor();
        if (options.centered) check_state("RMSprop", "grad_avg", ga, p, k);
        if (options.momentum > 0) check_state("RMSprop", "momentum_buffer", buf, p, k);
        XGRAD_DISPATCH(p.dtype(), [&] { update<scalar_t>(p, g, square_avgs[k], ga, buf, options); });
        p.bump_version();
    }
}

}  // namespace xgrad::optim
