// Stochastic gradient descent: PyTorch's form and the lectures' momentum forms.
#include "xgrad/optim/rule.hpp"

namespace xgrad::optim {
namespace {

// How the momentum buffer v is kept (dx is the gradient plus weight_decay * x):
//   pytorch    v = dx (first step), then mu*v + (1 - dampening)*dx;  x -= lr*(nesterov ? dx + mu*v : v)
//   rho        v = rho*v + dx;  x -= lr*v                     (CS231n; v starts at 0)
//   velocity   v = mu*v - lr*dx;  x += v                       (CS231n, Goodfellow et al.)
//   ema        v = beta*v + (1 - beta)*dx;  x -= lr*v          (an exponential moving average)
//   lookahead  v_prev = v; v = mu*v - lr*dx; x += -mu*v_prev + (1 + mu)*v
//              (Nesterov, CS231n: x is kept as the look-ahead point x_ahead = x + mu*v)
enum class MomentumForm { pytorch, rho, velocity, ema, lookahead };

MomentumForm momentum_form(const std::string& name) {
    if (name == "rho") return MomentumForm::rho;
    if (name == "velocity") return MomentumForm::velocity;
    if (name == "ema") return MomentumForm::ema;
    if (name == "lookahead") return MomentumForm::lookahead;
    return MomentumForm::pytorch;
}

// One element of one step. `first` is true on the step that creates the momentum buffer.
template <class T, MomentumForm F>
struct SGDStep {
    T lr, wd, mu, damp;
    bool nesterov, first;
    SGDStep(const Hyper& h, bool first_step)
        : lr(T(h.number("lr"))), wd(T(h.number("weight_decay"))), mu(T(h.number("momentum"))),
          damp(T(1 - h.number("dampening"))), nesterov(h.flag("nesterov")), first(first_step) {}

    // Without momentum: x -= lr * dx.
    void operator()(T& p, T g) const { p = muladd(-lr, muladd(wd, p, g), p); }

    void operator()(T& p, T g, T& v) const {
        const T d = muladd(wd, p, g);
        if constexpr (F == MomentumForm::pytorch) {
            const T b = first ? d : muladd(damp, d, v * mu);
            v = b;
            p = muladd(-lr, nesterov ? muladd(mu, b, d) : b, p);
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

struct SGD {
    template <class T, MomentumForm F, class Loop>
    static void run(const Hyper& h, Loop& loop) {
        if (h.number("momentum") == 0.0) return loop(SGDStep<T, F>(h, false));
        loop(SGDStep<T, F>(h, !loop.has("momentum_buffer")), "momentum_buffer");
    }
    template <class T, class Loop>
    static void step(const Hyper& h, Loop& loop) {
        switch (momentum_form(h.text("momentum_form"))) {
            case MomentumForm::pytorch: return run<T, MomentumForm::pytorch>(h, loop);
            case MomentumForm::rho: return run<T, MomentumForm::rho>(h, loop);
            case MomentumForm::velocity: return run<T, MomentumForm::velocity>(h, loop);
            case MomentumForm::ema: return run<T, MomentumForm::ema>(h, loop);
            case MomentumForm::lookahead: return run<T, MomentumForm::lookahead>(h, loop);
        }
    }
};

void check_sgd(const RuleSpec& spec, const Hyper& h) {
    const double momentum = h.number("momentum"), dampening = h.number("dampening");
    const std::string& form = h.text("momentum_form");
    if (h.flag("nesterov") && !(momentum > 0 && dampening == 0))
        spec.fail("nesterov momentum requires momentum > 0 and dampening = 0, got momentum=" +
                  python_repr(momentum) + ", dampening=" + python_repr(dampening));
    if (form != "pytorch" && (h.flag("nesterov") || dampening != 0))
        spec.fail("momentum_form='" + form +
                  "' takes no nesterov/dampening (use momentum_form='lookahead' for the lectures' Nesterov)");
    if (form == "ema" && !(momentum < 1))
        spec.fail("momentum_form='ema' needs momentum (beta) < 1, got " + python_repr(momentum));
}

}  // namespace

XGRAD_REGISTER_RULE(SGD, rule("sgd", "SGD")
                             .number("lr", 1e-3, at_least(0), "learning rate")
                             .number("momentum", 0.0, at_least(0))
                             .number("dampening", 0.0, at_least(0))
                             .number("weight_decay", 0.0, at_least(0))
                             .flag("nesterov", false)
                             .choice("momentum_form", "pytorch", {"pytorch", "rho", "velocity", "ema", "lookahead"})
                             .state("momentum_buffer")
                             .without_step_count()
                             .checked_by(check_sgd));

}  // namespace xgrad::optim
