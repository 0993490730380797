#include "xgrad/optim/playground.hpp"

#include <cmath>
#include <sstream>

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

std::array<double, 2> gradient_of(const void* function, double x, double y) {
    std::array<double, 2> g;
    static_cast<const TestFunction*>(function)->value_and_grad(x, y, &g[0], &g[1]);
    return g;
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
            Hyper hyper, double stop_below) {
    const TestFunction& f = test_function(function);
    if (steps < 0) throw ValueError("trace: steps must be >= 0, got " + std::to_string(steps));
    const RuleSpec& spec = find_rule(optimizer);
    if (!spec.trace_step) spec.fail("has no step for the 2-D playground");
    check_hyper(spec, hyper);
    TraceLoop loop(spec, hyper, &gradient_of, &f);
    return run(f, x0, y0, steps, stop_below, [&](int64_t, double* x, const double* g) {
        loop.next_step(x, g);
        spec.trace_step(spec, hyper, loop);
    });
}

}  // namespace xgrad::optim
