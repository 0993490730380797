// RMSProp (Tieleman & Hinton 2012), PyTorch's form with optional momentum and centring.
#pragma once

#include <tuple>
#include <vector>

#include "xgrad/optim/foreach.hpp"
#include "xgrad/tensor/tensor.hpp"

namespace xgrad::optim {

struct RMSpropOptions {
    double lr = 0.01;
    double alpha = 0.99;  // the decay rate of the lectures
    double eps = 1e-8;
    double weight_decay = 0.0;
    double momentum = 0.0;
    bool centered = false;
};

// One element:
//   dx = g + weight_decay * x;  cache = alpha * cache + (1 - alpha) * dx^2
//   centered: grad_avg = alpha * grad_avg + (1 - alpha) * dx;  avg = sqrt(cache - grad_avg^2) + eps
//   else:     avg = sqrt(cache) + eps
//   momentum > 0: buf = momentum * buf + dx / avg;  x -= lr * buf
//   else:         x -= lr * dx / avg
// State arguments: cache, then grad_avg if Centered, then buf if Momentum.
template <class T, bool Centered, bool Momentum>
struct RMSpropRule {
    T lr, alpha, one_minus_alpha, eps, wd, mu;
    explicit RMSpropRule(const RMSpropOptions& o)
        : lr(T(o.lr)), alpha(T(o.alpha)), one_minus_alpha(T(1 - o.alpha)), eps(T(o.eps)), wd(T(o.weight_decay)),
          mu(T(o.momentum)) {}
    template <class... S>
    void operator()(T& p, T g, T& sq, S&... rest) const {
        static_assert(sizeof...(S) == int(Centered) + int(Momentum), "RMSpropRule: wrong number of states");
        auto state = std::tie(rest...);
        g = std::fma(wd, p, g);
        sq = std::fma(one_minus_alpha * g, g, sq * alpha);
        T avg;
        if constexpr (Centered) {
            T& ga = std::get<0>(state);
            ga = Lerp<T>(one_minus_alpha)(ga, g);
            avg = std::sqrt(std::fma(-ga, ga, sq)) + eps;
        } else {
            avg = std::sqrt(sq) + eps;
        }
        if constexpr (Momentum) {
            T& buf = std::get<Centered ? 1 : 0>(state);
            buf = buf * mu + g / avg;
            p = std::fma(-lr, buf, p);
        } else {
            p = p + (-lr) * g / avg;  // torch.addcdiv order: (value * t1) / t2
        }
    }
};

// `square_avgs` always; `grad_avgs` when centered and `momentum_buffers` when momentum > 0 (else
// empty lists). All state tensors are created by the caller (zeros).
void rmsprop_step(const std::vector<Tensor>& params, const std::vector<Tensor>& square_avgs,
                  const std::vector<Tensor>& grad_avgs, const std::vector<Tensor>& momentum_buffers,
                  const RMSpropOptions& options);

}  // namespace xgrad::optim
