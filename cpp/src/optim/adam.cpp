// Adam (Kingma & Ba 2015) and AdamW (Loshchilov & Hutter 2019), PyTorch's forms, plus the
// lectures' Adam without bias correction.
#include <algorithm>
#include <tuple>

#include "xgrad/optim/rule.hpp"

namespace xgrad::optim {
namespace {

// One element of step t (from 1):
//   decoupled: x *= 1 - lr * weight_decay        else: dx = g + weight_decay * x
//   m = beta1 * m + (1 - beta1) * dx;  v = beta2 * v + (1 - beta2) * dx^2
//   amsgrad: v_max = max(v_max, v) and v_max replaces v below
//   x -= lr / (1 - beta1^t) * m / (sqrt(v) / sqrt(1 - beta2^t) + eps)
// Without bias correction both (1 - beta^t) factors are 1: x -= lr * m / (sqrt(v) + eps).
template <class T, bool Amsgrad>
struct AdamStep {
    Lerp<T> lerp_m{T(0)};
    T decay, wd, beta2, one_minus_beta2, neg_step_size, bc2_sqrt, eps;
    AdamStep(const Hyper& h, int64_t t) {
        const auto [b1, b2] = h.pair("betas");
        const double lr = h.number("lr"), weight_decay = h.number("weight_decay");
        const bool decoupled = h.flag("decoupled_weight_decay"), corrected = h.flag("bias_correction");
        const double bc1 = corrected ? 1 - std::pow(b1, double(t)) : 1.0;
        const double bc2 = corrected ? 1 - std::pow(b2, double(t)) : 1.0;
        decay = T(decoupled ? 1 - lr * weight_decay : 1.0);
        wd = T(decoupled ? 0.0 : weight_decay);
        beta2 = T(b2);
        lerp_m = Lerp<T>(T(1 - b1));
        one_minus_beta2 = T(1 - b2);
        neg_step_size = T(-(lr / bc1));
        bc2_sqrt = T(std::pow(bc2, 0.5));
        eps = T(h.number("eps"));
    }
    // State arguments: m, v, then v_max if Amsgrad.
    template <class... S>
    void operator()(T& p, T g, T& m, T& v, S&... vmax) const {
        static_assert(sizeof...(S) == int(Amsgrad), "AdamStep: v_max is passed exactly when amsgrad is on");
        p = p * decay;
        g = muladd(wd, p, g);
        m = lerp_m(m, g);
        v = muladd(one_minus_beta2 * g, g, v * beta2);
        T denom_v = v;
        if constexpr (Amsgrad) {
            T& vm = std::get<0>(std::tie(vmax...));
            vm = std::max(vm, v);
            denom_v = vm;
        }
        p = p + neg_step_size * m / (std::sqrt(denom_v) / bc2_sqrt + eps);  // torch.addcdiv order
    }
};

struct Adam {
    template <class T, class Loop>
    static void step(const Hyper& h, Loop& loop) {
        const int64_t t = loop.step();
        if (h.flag("amsgrad"))
            loop(AdamStep<T, true>(h, t), "exp_avg", "exp_avg_sq", "max_exp_avg_sq");
        else
            loop(AdamStep<T, false>(h, t), "exp_avg", "exp_avg_sq");
    }
};

RuleSpec adam_family(const char* name, const char* display_name, double weight_decay, bool decoupled) {
    return rule(name, display_name)
        .number("lr", 1e-3, at_least(0), "learning rate")
        .pair("betas", {0.9, 0.999}, unit_interval())
        .number("eps", 1e-8, at_least(0), "epsilon")
        .number("weight_decay", weight_decay, at_least(0))
        .flag("amsgrad", false)
        .flag("decoupled_weight_decay", decoupled)
        .flag("bias_correction", true)
        .state("exp_avg")
        .state("exp_avg_sq")
        .state("max_exp_avg_sq");
}

void check_adamw(const RuleSpec& spec, const Hyper& h) {
    if (!h.flag("decoupled_weight_decay"))
        spec.fail("decoupled_weight_decay=False is Adam; use xgrad.optim.Adam");
}

}  // namespace

XGRAD_REGISTER_RULE(Adam, adam_family("adam", "Adam", 0.0, false));
XGRAD_REGISTER_RULE(Adam, adam_family("adamw", "AdamW", 1e-2, true).checked_by(check_adamw));

}  // namespace xgrad::optim
