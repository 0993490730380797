// AdaGrad (Duchi et al. 2011), PyTorch's form.
#include "xgrad/optim/rule.hpp"

namespace xgrad::optim {
namespace {

// One element of step t (from 1):
//   dx = g + weight_decay * x;  cache += dx^2;  x -= clr * dx / (sqrt(cache) + eps)
//   with clr = lr / (1 + (t - 1) * lr_decay)
template <class T>
struct AdagradStep {
    T clr, wd, eps;
    AdagradStep(const Hyper& h, int64_t t)
        : clr(T(h.number("lr") / (1 + double(t - 1) * h.number("lr_decay")))), wd(T(h.number("weight_decay"))),
          eps(T(h.number("eps"))) {}
    void operator()(T& p, T g, T& sum) const {
        g = muladd(wd, p, g);
        sum = muladd(g, g, sum);
        p = p + (-clr) * g / (std::sqrt(sum) + eps);  // torch.addcdiv order: (value * t1) / t2
    }
};

struct Adagrad {
    template <class T, class Loop>
    static void step(const Hyper& h, Loop& loop) {
        loop(AdagradStep<T>(h, loop.step()), "sum");
    }
};

}  // namespace

XGRAD_REGISTER_RULE(Adagrad, rule("adagrad", "Adagrad")
                                 .number("lr", 1e-2, at_least(0), "learning rate")
                                 .number("lr_decay", 0.0, at_least(0))
                                 .number("weight_decay", 0.0, at_least(0))
                                 .number("initial_accumulator_value", 0.0, at_least(0))
                                 .number("eps", 1e-10, at_least(0), "epsilon")
                                 .state("sum", "initial_accumulator_value"));

}  // namespace xgrad::optim
