// Stochastic gradient descent, PyTorch's form and the lectures' momentum forms.
#pragma once

#include <cmath>
#include <string>
#include <vector>

#include "xgrad/tensor/tensor.hpp"

namespace xgrad::optim {

// How the momentum buffer v is kept (dx is the gradient plus weight_decay * x):
//   pytorch    v = dx (first step), then mu*v + (1 - dampening)*dx;  x -= lr*(nesterov ? dx + mu*v : v)
//   rho        v = rho*v + dx;  x -= lr*v                     (CS231n; v starts at 0)
//   velocity   v = mu*v - lr*dx;  x += v                       (CS231n, Goodfellow et al.)
//   ema        v = beta*v + (1 - beta)*dx;  x -= lr*v          (moving average, Ng / ai-edu)
//   lookahead  v_prev = v; v = mu*v - lr*dx; x += -mu*v_prev + (1 + mu)*v
//              (Nesterov, CS231n: x is kept as the look-ahead point x_ahead = x + mu*v)
enum class MomentumForm { pytorch, rho, velocity, ema, lookahead };
MomentumForm parse_momentum_form(const std::string& name);

struct SGDOptions {
    double lr = 0.01;
    double momentum = 0.0;
    double dampening = 0.0;
    double weight_decay = 0.0;
    bool nesterov = false;
    MomentumForm form = MomentumForm::pytorch;
};

// One element of one step. `first` is true on the step that creates the momentum buffer.
template <class T, MomentumForm F>
struct SGDRule {
    T lr, wd, mu, damp;
    bool nesterov, first;
    SGDRule(const SGDOptions& o, bool first_step)
        : lr(T(o.lr)), wd(T(o.weight_decay)), mu(T(o.momentum)), damp(T(1 - o.dampening)),
          nesterov(o.nesterov), first(first_step) {}

    // Without momentum: x -= lr * dx.
    void operator()(T& p, T g) const { p = std::fma(-lr, std::fma(wd, p, g), p); }

    void operator()(T& p, T g, T& v) const {
        const T d = std::fma(wd, p, g);
        if constexpr (F == MomentumForm::pytorch) {
            const T b = first ? d : std::fma(damp, d, v * mu);
            v = b;
            p = std::fma(-lr, nesterov ? std::fma(mu, b, d) : b, p);
        } else if constexpr (F == MomentumForm::rho) {
            v = mu * v + d;
            p -= lr * v;
        } else if constexpr (F == MomentumForm::velocity) {
            v = mu * v - lr * d;
            p += v;
        } else if constexpr (F == MomentumForm::ema) {
            v = mu * v + (T(1) - mu) * d;
            p -= lr * v;
        } else {
            const T prev = v;
            v = mu * v - lr * d;
            p += -mu * prev + (T(1) + mu) * v;
        }
    }
};

// Updates every parameter that has a gradient. `momentum_buffers` holds one tensor per parameter;
// an undefined one is created on first use (uninitialised for the pytorch form, which copies dx into
// it, zeros for the lecture forms).
void sgd_step(const std::vector<Tensor>& params, std::vector<Tensor>& momentum_buffers,
              const SGDOptions& options);

}  // namespace xgrad::optim
