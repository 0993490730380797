// AdaDelta (Zeiler 2012), PyTorch's form. With lr = 1 (the default) it is Zeiler's parameter-free
// method: the step size comes from the ratio of the two running averages alone.
#pragma once

#include <cmath>
#include <vector>

#include "xgrad/tensor/tensor.hpp"

namespace xgrad::optim {

struct AdadeltaOptions {
    double lr = 1.0;
    double rho = 0.9;
    double eps = 1e-6;
    double weight_decay = 0.0;
};

// One element:
//   dx = g + weight_decay * x;  E[g^2] = rho * E[g^2] + (1 - rho) * dx^2
//   delta = sqrt(E[dx^2] + eps) / sqrt(E[g^2] + eps) * dx
//   E[dx^2] = rho * E[dx^2] + (1 - rho) * delta^2;  x -= lr * delta
template <class T>
struct AdadeltaRule {
    T lr, rho, one_minus_rho, eps, wd;
    explicit AdadeltaRule(const AdadeltaOptions& o)
        : lr(T(o.lr)), rho(T(o.rho)), one_minus_rho(T(1 - o.rho)), eps(T(o.eps)), wd(T(o.weight_decay)) {}
    void operator()(T& p, T g, T& square_avg, T& acc_delta) const {
        g = std::fma(wd, p, g);
        square_avg = std::fma(one_minus_rho * g, g, square_avg * rho);
        const T std_ = std::sqrt(square_avg + eps);
        const T delta = std::sqrt(acc_delta + eps) / std_ * g;
        acc_delta = std::fma(one_minus_rho * delta, delta, acc_delta * rho);
        p = std::fma(-lr, delta, p);
    }
};

void adadelta_step(const std::vector<Tensor>& params, const std::vector<Tensor>& square_avgs,
                   const std::vector<Tensor>& acc_deltas, const AdadeltaOptions& options);

}  // namespace xgrad::optim
