#include "xgrad/optim/nadam.hpp"

#include "step_utils.hpp"

namespace xgrad::optim {

void nadam_step(const std::vector<Tensor>& params, const std::vector<Tensor>& exp_avgs,
                const std::vector<Tensor>& exp_avg_sqs, std::vector<double>& mu_products,
                const std::vector<int64_t>& steps, const NAdamOptions& options) {
    check_sizes("NAdam", params.size(), {exp_avgs.size(), exp_avg_sqs.size(), mu_products.size(), steps.size()});
    for (size_t k = 0; k < params.size(); ++k) {
        const Tensor& p = params[k];
        Tensor g = checked_grad("NAdam", p, k);
        if (!g.defined()) continue;
        check_state("NAdam", "exp_avg", exp_avgs[k], p, k);
        check_state("NAdam", "exp_avg_sq", exp_avg_sqs[k], p, k);
        XGRAD_DISPATCH(p.dtype(), [&] {
            using T = scalar_t;
            parallel_for_each_element(p.numel(), NAdamRule<T>(options, steps[k], mu_products[k]), p.data<T>(), g.data<T>(),
                             exp_avgs[k].data<T>(), exp_avg_sqs[k].data<T>());
        });
        p.bump_version();
    }
}

}  // namespace xgrad::optim
