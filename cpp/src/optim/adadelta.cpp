#include "xgrad/optim/adadelta.hpp"

#include "step_utils.hpp"
#include "xgrad/optim/foreach.hpp"

namespace xgrad::optim {

void adadelta_step(const std::vector<Tensor>& params, const std::vector<Tensor>& square_avgs,
                   const std::vector<Tensor>& acc_deltas, const AdadeltaOptions& options) {
    check_sizes("Adadelta", params.size(), {square_avgs.size(), acc_deltas.size()});
    for (size_t k = 0; k < params.size(); ++k) {
        const Tensor& p = params[k];
        Tensor g = checked_grad("Adadelta", p, k);
        if (!g.defined()) continue;
        check_state("Adadelta", "square_avg", square_avgs[k], p, k);
        check_state("Adadelta", "acc_delta", acc_deltas[k], p, k);
        XGRAD_DISPATCH(p.dtype(), [&] {
            parallel_for_each_element(p.numel(), AdadeltaRule<scalar_t>(options), p.data<scalar_t>(), g.data<scalar_t>(),
                             square_avgs[k].data<scalar_t>(), acc_deltas[k].data<scalar_t>());
        });
        p.bump_version();
    }
}

}  // namespace xgrad::optim
