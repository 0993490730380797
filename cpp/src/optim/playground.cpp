#include "xgrad/optim/playground.hpp"

#include <cmath>
#include <sstream>

#include "xgrad/optim/adadelta.hpp"
#include "xgrad/optim/adagrad.hpp"
#include "xgrad/optim/adam.hpp"
#include "xgrad/optim/foreach.hpp"
#include "xgrad/optim/nadam.hpp"
#include "xgrad/optim/newton.hpp"
#include "xgrad/optim/rmsprop.hpp"
#include "xgrad/optim/sgd.hpp"
#include "xgrad/tensor/errors.hpp"

namespace xgrad::optim {
namespace {

double bowl(double x, double y, double* gx, double* gy) {
    *gx = 0.2 * x;
    *gy = 4 * y;
    return 0.1 * x * x + 2 * y * y;
}

double aiedu(double x, double y, double* gx, double* gy) {
    *gx = x / 5.0;
    *gy = 2.0 * y;
    return x * x / 10.0 + y * y;
}

double rosenbrock(double x, double y, double* gx, double* gy) {
    const double a = 1 - x, b = y - x * x;
    *gx = -2 * a - 400 * x * b;
    *gy = 200 * b;
    return a * a + 100 * b * b;
}

double beale(double x, double y, double* gx, double* gy) {
    const double y2 = y * y, y3 = y2 * y;
    const double t1 = 1.5 - x + x * y, t2 = 2.25 - x + x * y2, t3 = 2.625 - x + x * y3;
    *gx = 2 * t1 * (y - 1) + 2 * t2 * (y2 - 1) + 2 * t3 * (y3 - 1);
    *gy = 2 * t1 * x + 2 * t2 * 2 * x * y + 2 * t3 * 3 * x * y2;
    return t1 * t1 + t2 * t2 + t3 * t3;
}

double himmelblau(double x, double y, double* gx, double* gy) {
    const double a = x * x + y - 11, b = x + y * y - 7;
    *gx = 4 * x * a + 2 * b;
    *gy = 2 * a + 4 * y * b;
    return a * a + b * b;
}

double saddle(double x, double y, double* gx, double* gy) {
    *gx = 2 * x;
    *gy = -2 * y;
    return x * x - y * y;
}

const TestFunction kFunctions[] = {
    {"bowl", "0.1 x^2 + 2 y^2", bowl, 0, 0},
    {"aiedu", "x^2 / 10 + y^2", aiedu, 0, 0},
    {"rosenbrock", "(1 - x)^2 + 100 (y - x^2)^2", rosenbrock, 1, 1},
    {"beale", "(1.5 - x + xy)^2 + (2.25 - x + xy^2)^2 + (2.625 - x + xy^3)^2", beale, 3, 0.5},
    {"himmelblau", "(x^2 + y - 11)^2 + (x + y^2 - 7)^2", himmelblau, 3, 2},
    {"saddle", "x^2 - y^2", saddle, std::nan(""), std::nan("")},
};

// Reads the hyper-parameters of one optimizer, refusing missing and unknown names.
class HyperReader {
public:
    HyperReader(const std::string& optimizer, const Hyper& hyper) : optimizer_(optimizer), rest_(hyper) {}
    double num(const std::string& key) {
        auto v = take(key);
        if (auto* d = std::get_if<double>(&v)) return *d;
        throw ValueError("trace: hyper-parameter '" + key + "' of " + optimizer_ + " must be a number");
    }
    bool flag(const std::string& key) { return num(key) != 0.0; }
    std::string str(const std::string& key) {
        auto v = take(key);
        if (auto* s = std::get_if<std::string>(&v)) return *s;
        throw ValueError("trace: hyper-parameter '" + key + "' of " + optimizer_ + " must be a string");
    }
    void done() const {
        if (!rest_.empty())
            throw ValueError("trace: unknown hyper-parameter '" + rest_.begin()->first + "' for optimizer '" +
                             optimizer_ + "'");
    }

private:
    std::variant<double, std::string> take(const std::string& key) {
        auto it = rest_.find(key);
        if (it == rest_.end())
            throw ValueError("trace: missing hyper-parameter '" + key + "' for optimizer '" + optimizer_ + "'");
        auto v = it->second;
        rest_.erase(it);
        return v;
    }
    std::string optimizer_;
    Hyper rest_;
};

// The trace loop: `step(t, x, g)` updates the point x (length 2) given its gradient g at step t.
template <class Step>
Trace run(const TestFunction& f, double x0, double y0, int64_t steps, double stop_below, Step&& step) {
    Trace out;
    out.path.reserve(size_t(2 * (steps + 1)));
    out.losses.reserve(size_t(steps + 1));
    double x[2] = {x0, y0}, g[2];
    double loss = f.value_and_grad(x[0], x[1], &g[0], &g[1]);
    out.path.insert(out.path.end(), {x[0], x[1]});
    out.losses.push_back(loss);
    for (int64_t t = 1; t <= steps && !(loss < stop_below); ++t) {
        step(t, x, g);
        loss = f.value_and_grad(x[0], x[1], &g[0], &g[1]);
        out.path.insert(out.path.end(), {x[0], x[1]});
        out.losses.push_back(loss);
    }
    return out;
}

template <MomentumForm F>
Trace run_sgd(const TestFunction& f, double x0, double y0, int64_t steps, double stop, const SGDOptions& o) {
    double v[2] = {0, 0};
    return run(f, x0, y0, steps, stop, [&](int64_t t, double* x, const double* g) {
        const SGDRule<double, F> rule(o, t == 1);
        if (o.momentum != 0.0)
            for_each_element(2, rule, x, g, v);
        else
            for_each_element(2, rule, x, g);
    });
}

Trace trace_sgd(const TestFunction& f, double x0, double y0, int64_t steps, double stop, HyperReader& h) {
    SGDOptions o;
    o.lr = h.num("lr");
    o.momentum = h.num("momentum");
    o.dampening = h.num("dampening");
    o.weight_decay = h.num("weight_decay");
    o.nesterov = h.flag("nesterov");
    o.form = parse_momentum_form(h.str("momentum_form"));
    h.done();
    switch (o.form) {
        case MomentumForm::pytorch: return run_sgd<MomentumForm::pytorch>(f, x0, y0, steps, stop, o);
        case MomentumForm::rho: return run_sgd<MomentumForm::rho>(f, x0, y0, steps, stop, o);
        case MomentumForm::velocity: return run_sgd<MomentumForm::velocity>(f, x0, y0, steps, stop, o);
        case MomentumForm::ema: return run_sgd<MomentumForm::ema>(f, x0, y0, steps, stop, o);
        default: return run_sgd<MomentumForm::lookahead>(f, x0, y0, steps, stop, o);
    }
}

Trace trace_adagrad(const TestFunction& f, double x0, double y0, int64_t steps, double stop, HyperReader& h) {
    AdagradOptions o;
    o.lr = h.num("lr");
    o.lr_decay = h.num("lr_decay");
    o.weight_decay = h.num("weight_decay");
    o.initial_accumulator_value = h.num("initial_accumulator_value");
    o.eps = h.num("eps");
    h.done();
    double sum[2] = {o.initial_accumulator_value, o.initial_accumulator_value};
    return run(f, x0, y0, steps, stop, [&](int64_t t, double* x, const double* g) {
        for_each_element(2, AdagradRule<double>(o, t), x, g, sum);
    });
}

Trace trace_rmsprop(const TestFunction& f, double x0, double y0, int64_t steps, double stop, HyperReader& h) {
    RMSpropOptions o;
    o.lr = h.num("lr");
    o.alpha = h.num("alpha");
    o.eps = h.num("eps");
    o.weight_decay = h.num("weight_decay");
    o.momentum = h.num("momentum");
    o.centered = h.flag("centered");
    h.done();
    double sq[2] = {0, 0}, ga[2] = {0, 0}, buf[2] = {0, 0};
    return run(f, x0, y0, steps, stop, [&](int64_t, double* x, const double* g) {
        if (o.centered && o.momentum > 0)
            for_each_element(2, RMSpropRule<double, true, true>(o), x, g, sq, ga, buf);
        else if (o.centered)
            for_each_element(2, RMSpropRule<double, true, false>(o), x, g, sq, ga);
        else if (o.momentum > 0)
            for_each_element(2, RMSpropRule<double, false, true>(o), x, g, sq, buf);
        else
            for_each_element(2, RMSpropRule<double, false, false>(o), x, g, sq);
    });
}

Trace trace_adadelta(const TestFunction& f, double x0, double y0, int64_t steps, double stop, HyperReader& h) {
    AdadeltaOptions o;
    o.lr = h.num("lr");
    o.rho = h.num("rho");
    o.eps = h.num("eps");
    o.weight_decay = h.num("weight_decay");
    h.done();
    double sq[2] = {0, 0}, acc[2] = {0, 0};
    return run(f, x0, y0, steps, stop, [&](int64_t, double* x, const double* g) {
        for_each_element(2, AdadeltaRule<double>(o), x, g, sq, acc);
    });
}

Trace trace_adam(const TestFunction& f, double x0, double y0, int64_t steps, double stop, HyperReader& h) {
    AdamOptions o;
    o.lr = h.num("lr");
    o.beta1 = h.num("beta1");
    o.beta2 = h.num("beta2");
    o.eps = h.num("eps");
    o.weight_decay = h.num("weight_decay");
    o.amsgrad = h.flag("amsgrad");
    o.bias_correction = h.flag("bias_correction");
    o.decoupled_weight_decay = h.flag("decoupled_weight_decay");
    h.done();
    double m[2] = {0, 0}, v[2] = {0, 0}, vmax[2] = {0, 0};
    return run(f, x0, y0, steps, stop, [&](int64_t t, double* x, const double* g) {
        if (o.amsgrad)
            for_each_element(2, AdamRule<double, true>(o, t), x, g, m, v, vmax);
        else
            for_each_element(2, AdamRule<double, false>(o, t), x, g, m, v);
    });
}

Trace trace_nadam(const TestFunction& f, double x0, double y0, int64_t steps, double stop, HyperReader& h) {
    NAdamOptions o;
    o.lr = h.num("lr");
    o.beta1 = h.num("beta1");
    o.beta2 = h.num("beta2");
    o.eps = h.num("eps");
    o.weight_decay = h.num("weight_decay");
    o.momentum_decay = h.num("momentum_decay");
    o.decoupled_weight_decay = h.flag("decoupled_weight_decay");
    h.done();
    double m[2] = {0, 0}, v[2] = {0, 0}, mu_product = 1.0;
    return run(f, x0, y0, steps, stop, [&](int64_t t, double* x, const double* g) {
        for_each_element(2, NAdamRule<double>(o, t, mu_product), x, g, m, v);
    });
}

Trace trace_newton(const TestFunction& f, double x0, double y0, int64_t steps, double stop, HyperReader& h) {
    const double lr = h.num("lr"), damping = h.num("damping"), fd_step = h.num("h");
    h.done();
    const GradientFn grad = [&f](const std::vector<double>& x) {
        std::vector<double> g(2);
        f.value_and_grad(x[0], x[1], &g[0], &g[1]);
        return g;
    };
    return run(f, x0, y0, steps, stop, [&](int64_t, double* x, const double* g) {
        const auto H = finite_difference_hessian(grad, {x[0], x[1]}, fd_step);
        const auto d = newton_direction(H, {g[0], g[1]}, damping);
        x[0] -= lr * d[0];
        x[1] -= lr * d[1];
    });
}

}  // namespace

const TestFunction& test_function(const std::string& name) {
    for (const auto& f : kFunctions)
        if (name == f.name) return f;
    std::ostringstream os;
    os << "unknown test function '" << name << "' (expected one of:";
    for (const auto& f : kFunctions) os << ' ' << f.name;
    os << ')';
    throw ValueError(os.str());
}

std::vector<std::string> test_function_names() {
    std::vector<std::string> out;
    for (const auto& f : kFunctions) out.emplace_back(f.name);
    return out;
}

std::vector<double> evaluate(const std::string& function, const std::vector<double>& xs,
                             const std::vector<double>& ys) {
    const TestFunction& f = test_function(function);
    if (xs.size() != ys.size()) {
        std::ostringstream os;
        os << "evaluate: got " << xs.size() << " x values and " << ys.size() << " y values";
        throw ValueError(os.str());
    }
    std::vector<double> out(xs.size());
    double gx, gy;
    for (size_t i = 0; i < xs.size(); ++i) out[i] = f.value_and_grad(xs[i], ys[i], &gx, &gy);
    return out;
}

Trace trace(const std::string& optimizer, const std::string& function, double x0, double y0, int64_t steps,
            const Hyper& hyper, double stop_below) {
    const TestFunction& f = test_function(function);
    if (steps < 0) throw ValueError("trace: steps must be >= 0, got " + std::to_string(steps));
    HyperReader h(optimizer, hyper);
    if (optimizer == "sgd") return trace_sgd(f, x0, y0, steps, stop_below, h);
    if (optimizer == "adagrad") return trace_adagrad(f, x0, y0, steps, stop_below, h);
    if (optimizer == "rmsprop") return trace_rmsprop(f, x0, y0, steps, stop_below, h);
    if (optimizer == "adadelta") return trace_adadelta(f, x0, y0, steps, stop_below, h);
    if (optimizer == "adam") return trace_adam(f, x0, y0, steps, stop_below, h);
    if (optimizer == "nadam") return trace_nadam(f, x0, y0, steps, stop_below, h);
    if (optimizer == "newton") return trace_newton(f, x0, y0, steps, stop_below, h);
    throw ValueError("trace: unknown optimizer '" + optimizer +
                     "' (expected sgd, adagrad, rmsprop, adadelta, adam, nadam or newton)");
}

}  // namespace xgrad::optim
