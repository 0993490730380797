#include "xgrad/optim/adagrad.hpp"

#include "step_utils.hpp"
#include "xgrad/optim/foreach.hpp"

namespace xgrad::optim {

void adagrad_step(const std::vector<Tensor>& params, const std::vector<Tensor>& sums,
                  const std::vector<int64_t>& steps, const AdagradOptions& options) {
    check_sizes("Adagrad", params.size(), {sums.size(), steps.size()});
    for (size_t k = 0; k < params.size(); ++k) {
        const Tensor& p = params[k];
        Tensor g = checked_grad("Adagrad", p, k);
        if (!g.defined()) continue;
        check_state("Adagrad", "sum", sums[k], p, k);
        XGRAD_DISPATCH(p.dtype(), [&] {
            parallel_for_each_element(p.numel(), AdagradRule<scalar_t>(options, steps[k]), p.data<scalar_t>(),
                             g.data<scalar_t>(), sums[k].data<scalar_t>());
        });
        p.bump_version();
    }
}

}  // namespace xgrad::optim
