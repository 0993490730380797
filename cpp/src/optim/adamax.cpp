// Adamax (Kingma & Ba 2015, section 7.1): Adam with the infinity norm in place of the RMS of past
// gradients, PyTorch's form.
#include <algorithm>

#include "xgrad/optim/rule.hpp"

namespace xgrad::optim {
namespace {

// One element of step t (from 1):
//   dx = g + weight_decay * x
//   m = beta1 * m + (1 - beta1) * dx;   u = max(beta2 * u, |dx| + eps)
//   x -= lr / (1 - beta1^t) * m / u
template <class T>
struct AdamaxStep {
    Lerp<T> lerp_m{T(0)};
    T beta2, eps, wd, neg_step_size;
    AdamaxStep(const Hyper& h, int64_t t) {
        const auto [b1, b2] = h.pair("betas");
        lerp_m = Lerp<T>(T(1 - b1));
        beta2 = T(b2);
        eps = T(h.number("eps"));
        wd = T(h.number("weight_decay"));
        neg_step_size = T(-(h.number("lr") / (1 - std::pow(b1, double(t)))));
    }
    void operator()(T& p, T g, T& m, T& u) const {
        g = muladd(wd, p, g);
        m = lerp_m(m, g);
        u = std::max(u * beta2, std::abs(g) + eps);
        p = p + neg_step_size * m / u;  // torch.addcdiv order: (value * t1) / t2
    }
};

struct Adamax {
    template <class T, class Loop>
    static void step(const Hyper& h, Loop& loop) {
        loop(AdamaxStep<T>(h, loop.step()), "exp_avg", "exp_inf");
    }
};

}  // namespace

XGRAD_REGISTER_RULE(Adamax, rule("adamax", "Adamax")
                                .number("lr", 2e-3, at_least(0), "learning rate")
                                .pair("betas", {0.9, 0.999}, unit_interval())
                                .number("eps", 1e-8, at_least(0), "epsilon")
                                .number("weight_decay", 0.0, at_least(0))
                                .state("exp_avg")
                                .state("exp_inf"));

}  // namespace xgrad::optim
