// RMSProp (Tieleman & Hinton 2012, Coursera lecture 6e), PyTorch's form with optional momentum and
// centring, and the form with eps inside the square root (TensorFlow 1's RMSPropOptimizer, ai-edu
// chapter 15.3's code).
#include <tuple>

#include "xgrad/optim/rule.hpp"

namespace xgrad::optim {
namespace {

// One element:
//   dx = g + weight_decay * x;  cache = alpha * cache + (1 - alpha) * dx^2
//   centered: grad_avg = alpha * grad_avg + (1 - alpha) * dx;  avg = sqrt(cache - grad_avg^2) + eps
//   else:     avg = sqrt(cache) + eps
//   eps_inside_sqrt: avg = sqrt(cache - grad_avg^2 + eps), avg = sqrt(cache + eps)
//   momentum > 0: buf = momentum * buf + dx / avg;  x -= lr * buf
//   else:         x -= lr * dx / avg
// State arguments: cache, then grad_avg if Centered, then buf if Momentum.
template <class T, bool Centered, bool Momentum>
struct RMSpropStep {
    T lr, alpha, one_minus_alpha, eps, wd, mu;
    bool eps_inside;
    explicit RMSpropStep(const Hyper& h)
        : lr(T(h.number("lr"))), alpha(T(h.number("alpha"))), one_minus_alpha(T(1 - h.number("alpha"))),
          eps(T(h.number("eps"))), wd(T(h.number("weight_decay"))), mu(T(h.number("momentum"))),
          eps_inside(h.flag("eps_inside_sqrt")) {}
    template <class... S>
    void operator()(T& p, T g, T& sq, S&... rest) const {
        static_assert(sizeof...(S) == int(Centered) + int(Momentum), "RMSpropStep: wrong number of states");
        auto state = std::tie(rest...);
        g = muladd(wd, p, g);
        sq = muladd(one_minus_alpha * g, g, sq * alpha);
        T avg;
        if constexpr (Centered) {
            T& ga = std::get<0>(state);
            ga = Lerp<T>(one_minus_alpha)(ga, g);
            avg = eps_inside ? std::sqrt(muladd(-ga, ga, sq) + eps) : std::sqrt(muladd(-ga, ga, sq)) + eps;
        } else {
            avg = eps_inside ? std::sqrt(sq + eps) : std::sqrt(sq) + eps;
        }
        if constexpr (Momentum) {
            T& buf = std::get<Centered ? 1 : 0>(state);
            buf = buf * mu + g / avg;
            p = muladd(-lr, buf, p);
        } else {
            p = p + (-lr) * g / avg;  // torch.addcdiv order: (value * t1) / t2
        }
    }
};

struct RMSprop {
    template <class T, class Loop>
    static void step(const Hyper& h, Loop& loop) {
        const bool centered = h.flag("centered"), momentum = h.number("momentum") > 0;
        if (centered && momentum)
            loop(RMSpropStep<T, true, true>(h), "square_avg", "grad_avg", "momentum_buffer");
        else if (centered)
            loop(RMSpropStep<T, true, false>(h), "square_avg", "grad_avg");
        else if (momentum)
            loop(RMSpropStep<T, false, true>(h), "square_avg", "momentum_buffer");
        else
            loop(RMSpropStep<T, false, false>(h), "square_avg");
    }
};

}  // namespace

XGRAD_REGISTER_RULE(RMSprop, rule("rmsprop", "RMSprop")
                                 .number("lr", 1e-2, at_least(0), "learning rate")
                                 .number("alpha", 0.99, closed_unit_interval())
                                 .number("eps", 1e-8, at_least(0), "epsilon")
                                 .number("weight_decay", 0.0, at_least(0))
                                 .number("momentum", 0.0, at_least(0))
                                 .flag("centered", false)
                                 .flag("eps_inside_sqrt", false)
                                 .state("square_avg")
                                 .state("grad_avg")
                                 .state("momentum_buffer"));

}  // namespace xgrad::optim
