// NAdam (Dozat 2016), PyTorch's form: Adam with Nesterov momentum and a momentum schedule.
#pragma once

#include <cmath>
#include <cstdint>
#include <vector>

#include "xgrad/optim/foreach.hpp"
#include "xgrad/tensor/tensor.hpp"

namespace xgrad::optim {

struct NAdamOptions {
    double lr = 2e-3;
    double beta1 = 0.9;
    double beta2 = 0.999;
    double eps = 1e-8;
    double weight_decay = 0.0;
    double momentum_decay = 4e-3;
    bool decoupled_weight_decay = false;
};

// Step t (from 1): mu_t = beta1 * (1 - 0.5 * 0.96^(t * momentum_decay)); the product of all mu up
// to t is kept per parameter (`mu_product`, updated by the constructor). One element:
//   dx = g + weight_decay * x (or x *= 1 - lr * weight_decay when decoupled)
//   m = beta1 * m + (1 - beta1) * dx;  v = beta2 * v + (1 - beta2) * dx^2
//   denom = sqrt(v / (1 - beta2^t)) + eps
//   x -= lr * (1 - mu_t) / (1 - prod mu_1..t) * dx / denom
//   x -= lr * mu_{t+1} / (1 - prod mu_1..t+1) * m / denom
template <class T>
struct NAdamRule {
    Lerp<T> lerp_m{T(0)};
    T decay, wd, beta2, one_minus_beta2, bc2, eps, c_grad, c_avg;
    NAdamRule(const NAdamOptions& o, int64_t step, double& mu_product) {
        const double t = double(step);
        const double mu = o.beta1 * (1.0 - 0.5 * std::pow(0.96, t * o.momentum_decay));
        const double mu_next = o.beta1 * (1.0 - 0.5 * std::pow(0.96, (t + 1) * o.momentum_decay));
        mu_product *= mu;
        const double mu_product_next = mu_product * mu_next;
        decay = T(o.decoupled_weight_decay ? 1 - o.lr * o.weight_decay : 1.0);
        wd = T(o.decoupled_weight_decay ? 0.0 : o.weight_decay);
        beta2 = T(o.beta2);
        lerp_m = Lerp<T>(T(1 - o.beta1));
        one_minus_beta2 = T(1 - o.beta2);
        bc2 = T(1 - std::pow(o.beta2, t));
        eps = T(o.eps);
        c_grad = T(-o.lr * (1.0 - mu) / (1.0 - mu_product));
        c_avg = T((-o.lr * mu_next) / (1.0 - mu_product_next));
    }
    void operator()(T& p, T g, T& m, T& v) const {
        p = p * decay;
        g = std::fma(wd, p, g);
        m = lerp_m(m, g);
        v = std::fma(one_minus_beta2 * g, g, v * beta2);
        const T denom = std::sqrt(v / bc2) + eps;
        p = p + c_grad * g / denom;  // torch.addcdiv order: (value * t1) / t2
        p = p + c_avg * m / denom;
    }
};

// `mu_products` (one per parameter, 1.0 initially) are updated in place.
void nadam_step(const std::vector<Tensor>& params, const std::vector<Tensor>& exp_avgs,
                const std::vector<Tensor>& exp_avg_sqs, std::vector<double>& mu_products,
                const std::vector<int64_t>& steps, const NAdamOptions& options);

}  // namespace xgrad::optim
