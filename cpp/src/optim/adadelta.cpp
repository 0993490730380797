// AdaDelta (Zeiler 2012), PyTorch's form. With lr = 1 (the default) it is Zeiler's parameter-free
// method: the step size comes from the ratio of the two running averages alone.
#include "xgrad/optim/rule.hpp"

namespace xgrad::optim {
namespace {

// One element:
//   dx = g + weight_decay * x;  E[g^2] = rho * E[g^2] + (1 - rho) * dx^2
//   delta = sqrt(E[dx^2] + eps) / sqrt(E[g^2] + eps) * dx
//   E[dx^2] = rho * E[dx^2] + (1 - rho) * delta^2;  x -= lr * delta
template <class T>
struct AdadeltaStep {
    T lr, rho, one_minus_rho, eps, wd;
    explicit AdadeltaStep(const Hyper& h)
        : lr(T(h.number("lr"))), rho(T(h.number("rho"))), one_minus_rho(T(1 - h.number("rho"))),
          eps(T(h.number("eps"))), wd(T(h.number("weight_decay"))) {}
    void operator()(T& p, T g, T& square_avg, T& acc_delta) const {
        g = muladd(wd, p, g);
        square_avg = muladd(one_minus_rho * g, g, square_avg * rho);
        const T std_ = std::sqrt(square_avg + eps);
        const T delta = std::sqrt(acc_delta + eps) / std_ * g;
        acc_delta = muladd(one_minus_rho * delta, delta, acc_delta * rho);
        p = muladd(-lr, delta, p);
    }
};

struct Adadelta {
    template <class T, class Loop>
    static void step(const Hyper& h, Loop& loop) {
        loop(AdadeltaStep<T>(h), "square_avg", "acc_delta");
    }
};

}  // namespace

XGRAD_REGISTER_RULE(Adadelta, rule("adadelta", "Adadelta")
                                  .number("lr", 1.0, at_least(0), "learning rate")
                                  .number("rho", 0.9, closed_unit_interval())
                                  .number("eps", 1e-6, at_least(0), "epsilon")
                                  .number("weight_decay", 0.0, at_least(0))
                                  .state("square_avg")
                                  .state("acc_delta"));

}  // namespace xgrad::optim
