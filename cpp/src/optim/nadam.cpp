// NAdam (Dozat 2016), PyTorch's form: Adam with Nesterov momentum and a momentum schedule.
#include "xgrad/optim/rule.hpp"

namespace xgrad::optim {
namespace {

// Step t (from 1): mu_t = beta1 * (1 - 0.5 * 0.96^(t * momentum_decay)); the product of all mu up
// to t is kept per parameter (the scalar `mu_product`, updated by the constructor). One element:
//   dx = g + weight_decay * x (or x *= 1 - lr * weight_decay when decoupled)
//   m = beta1 * m + (1 - beta1) * dx;  v = beta2 * v + (1 - beta2) * dx^2
//   denom = sqrt(v / (1 - beta2^t)) + eps
//   x -= lr * (1 - mu_t) / (1 - prod mu_1..t) * dx / denom
//   x -= lr * mu_{t+1} / (1 - prod mu_1..t+1) * m / denom
template <class T>
struct NAdamStep {
    Lerp<T> lerp_m{T(0)};
    T decay, wd, beta2, one_minus_beta2, bc2, eps, c_grad, c_avg;
    NAdamStep(const Hyper& h, int64_t step, double& mu_product) {
        const auto [b1, b2] = h.pair("betas");
        const double lr = h.number("lr"), weight_decay = h.number("weight_decay");
        const double momentum_decay = h.number("momentum_decay");
        const bool decoupled = h.flag("decoupled_weight_decay");
        const double t = double(step);
        const double mu = b1 * (1.0 - 0.5 * std::pow(0.96, t * momentum_decay));
        const double mu_next = b1 * (1.0 - 0.5 * std::pow(0.96, (t + 1) * momentum_decay));
        mu_product *= mu;
        const double mu_product_next = mu_product * mu_next;
        decay = T(decoupled ? 1 - lr * weight_decay : 1.0);
        wd = T(decoupled ? 0.0 : weight_decay);
        beta2 = T(b2);
        lerp_m = Lerp<T>(T(1 - b1));
        one_minus_beta2 = T(1 - b2);
        bc2 = T(1 - std::pow(b2, t));
        eps = T(h.number("eps"));
        c_grad = T(-lr * (1.0 - mu) / (1.0 - mu_product));
        c_avg = T((-lr * mu_next) / (1.0 - mu_product_next));
    }
    void operator()(T& p, T g, T& m, T& v) const {
        p = p * decay;
        g = muladd(wd, p, g);
        m = lerp_m(m, g);
        v = muladd(one_minus_beta2 * g, g, v * beta2);
        const T denom = std::sqrt(v / bc2) + eps;
        p = p + c_grad * g / denom;  // torch.addcdiv order: (value * t1) / t2
        p = p + c_avg * m / denom;
    }
};

struct NAdam {
    template <class T, class Loop>
    static void step(const Hyper& h, Loop& loop) {
        loop(NAdamStep<T>(h, loop.step(), loop.scalar("mu_product")), "exp_avg", "exp_avg_sq");
    }
};

}  // namespace

XGRAD_REGISTER_RULE(NAdam, rule("nadam", "NAdam")
                               .number("lr", 2e-3, at_least(0), "learning rate")
                               .pair("betas", {0.9, 0.999}, unit_interval())
                               .number("eps", 1e-8, at_least(0), "epsilon")
                               .number("weight_decay", 0.0, at_least(0))
                               .number("momentum_decay", 4e-3, at_least(0))
                               .flag("decoupled_weight_decay", false)
                               .scalar("mu_product", 1.0)
                               .state("exp_avg")
                               .state("exp_avg_sq"));

}  // namespace xgrad::optim
