// AdaGrad (Duchi et al. 2011), PyTorch's form.
#pragma once

#include <cstdint>
#include <cmath>
#include <vector>

#include "xgrad/tensor/tensor.hpp"

namespace xgrad::optim {

struct AdagradOptions {
    double lr = 0.01;
    double lr_decay = 0.0;
    double weight_decay = 0.0;
    double initial_accumulator_value = 0.0;
    double eps = 1e-10;
};

// One element of step t (t counts from 1):
//   dx = g + weight_decay * x;  cache += dx^2;  x -= clr * dx / (sqrt(cache) + eps)
//   with clr = lr / (1 + (t - 1) * lr_decay)
template <class T>
struct AdagradRule {
    T clr, wd, eps;
    AdagradRule(const AdagradOptions& o, int64_t step)
        : clr(T(o.lr / (1 + double(step - 1) * o.lr_decay))), wd(T(o.weight_decay)), eps(T(o.eps)) {}
    void operator()(T& p, T g, T& sum) const {
        g = std::fma(wd, p, g);
        sum = std::fma(g, g, sum);
        p = p + (-clr) * g / (std::sqrt(sum) + eps);  // torch.addcdiv order: (value * t1) / t2
    }
};

// `sums` are the accumulators (created by the caller, filled with initial_accumulator_value);
// `steps` the step count of each parameter, already incremented for this step.
void adagrad_step(const std::vector<Tensor>& params, const std::vector<Tensor>& sums,
                  const std::vector<int64_t>& steps, const AdagradOptions& options);

}  // namespace xgrad::optim
