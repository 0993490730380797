// Adam (Kingma & Ba 2015) and AdamW (Loshchilov & Hutter 2019), PyTorch's forms, plus the
// lectures' Adam without bias correction.
#pragma once

#include <algorithm>
#include <cmath>
#include <cstdint>
#include <tuple>
#include <vector>

#include "xgrad/optim/foreach.hpp"
#include "xgrad/tensor/tensor.hpp"

namespace xgrad::optim {

struct AdamOptions {
    double lr = 1e-3;
    double beta1 = 0.9;
    double beta2 = 0.999;
    double eps = 1e-8;
    double weight_decay = 0.0;
    bool amsgrad = false;
    bool decoupled_weight_decay = false;  // AdamW
    bool bias_correction = true;          // false: the lectures' "Adam without bias correction"
};

// One element of step t (t counts from 1):
//   decoupled: x *= 1 - lr * weight_decay        else: dx = g + weight_decay * x
//   m = beta1 * m + (1 - beta1) * dx;  v = beta2 * v + (1 - beta2) * dx^2
//   amsgrad: v_max = max(v_max, v) and v_max replaces v below
//   x -= lr / (1 - beta1^t) * m / (sqrt(v) / sqrt(1 - beta2^t) + eps)
// Without bias correction both (1 - beta^t) factors are 1: x -= lr * m / (sqrt(v) + eps).
template <class T, bool Amsgrad>
struct AdamRule {
    Lerp<T> lerp_m{T(0)};
    T decay, wd, beta2, one_minus_beta2, neg_step_size, bc2_sqrt, eps;
    AdamRule(const AdamOptions& o, int64_t step) {
        const double bc1 = o.bias_correction ? 1 - std::pow(o.beta1, double(step)) : 1.0;
        const double bc2 = o.bias_correction ? 1 - std::pow(o.beta2, double(step)) : 1.0;
        decay = T(o.decoupled_weight_decay ? 1 - o.lr * o.weight_decay : 1.0);
        wd = T(o.decoupled_weight_decay ? 0.0 : o.weight_decay);
        beta2 = T(o.beta2);
        lerp_m = Lerp<T>(T(1 - o.beta1));
        one_minus_beta2 = T(1 - o.beta2);
        neg_step_size = T(-(o.lr / bc1));
        bc2_sqrt = T(std::pow(bc2, 0.5));
        eps = T(o.eps);
    }
    // State arguments: m, v, then v_max if Amsgrad.
    template <class... S>
    void operator()(T& p, T g, T& m, T& v, S&... vmax) const {
        static_assert(sizeof...(S) == int(Amsgrad), "AdamRule: v_max is passed exactly when amsgrad is on");
        p = p * decay;
        g = std::fma(wd, p, g);
        m = lerp_m(m, g);
        v = std::fma(one_minus_beta2 * g, g, v * beta2);
        T denom_v = v;
        if constexpr (Amsgrad) {
            T& vm = std::get<0>(std::tie(vmax...));
            vm = std::max(vm, v);
            denom_v = vm;
        }
        p = p + neg_step_size * m / (std::sqrt(denom_v) / bc2_sqrt + eps);  // torch.addcdiv order
    }
};

// `exp_avgs`, `exp_avg_sqs` (and `max_exp_avg_sqs` when amsgrad, else an empty list) are created
// by the caller (zeros); `steps` are the step counts, already incremented for this step.
void adam_step(const std::vector<Tensor>& params, const std::vector<Tensor>& exp_avgs,
               const std::vector<Tensor>& exp_avg_sqs, const std::vector<Tensor>& max_exp_avg_sqs,
               const std::vector<int64_t>& steps, const AdamOptions& options);

}  // namespace xgrad::optim
