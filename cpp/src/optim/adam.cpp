#include "xgrad/optim/adam.hpp"

#include "step_utils.hpp"

namespace xgrad::optim {

void adam_step(const std::vector<Tensor>& params, const std::vector<Tensor>& exp_avgs,
               const std::vector<Tensor>& exp_avg_sqs, const std::vector<Tensor>& max_exp_avg_sqs,
               const std::vector<int64_t>& steps, const AdamOptions& options) {
    const char* name = options.decoupled_weight_decay ? "AdamW" : "Adam";
    std::vector<size_t> sizes{exp_avgs.size(), exp_avg_sqs.size(), steps.size()};
    if (options.amsgrad) sizes.push_back(max_exp_avg_sqs.size());
    check_sizes(name, params.size(), sizes);
    for (size_t k = 0; k < params.size(); ++k) {
        const Tensor& p = params[k];
        Tensor g = checked_grad(name, p, k);
        if (!g.defined()) continue;
        check_state(name, "exp_avg", exp_avgs[k], p, k);
        check_state(name, "exp_avg_sq", exp_avg_sqs[k], p, k);
        if (options.amsgrad) check_state(name, "max_exp_avg_sq", max_exp_avg_sqs[k], p, k);
        XGRAD_DISPATCH(p.dtype(), [&] {
            using T = scalar_t;
            if (options.amsgrad)
                parallel_for_each_element(p.numel(), AdamRule<T, true>(options, steps[k]), p.data<T>(), g.data<T>(),
                                 exp_avgs[k].data<T>(), exp_avg_sqs[k].data<T>(), max_exp_avg_sqs[k].data<T>());
            else
                parallel_for_each_element(p.numel(), AdamRule<T, false>(options, steps[k]), p.data<T>(), g.data<T>(),
                                 exp_avgs[k].data<T>(), exp_avg_sqs[k].data<T>());
        });
        p.bump_version();
    }
}

}  // namespace xgrad::optim
