#include "xgrad/optim/newton.hpp"

#include "xgrad/optim/rule.hpp"

#include <cmath>
#include <sstream>
#include <utility>

#include "xgrad/tensor/errors.hpp"

namespace xgrad::optim {

std::vector<double> finite_difference_hessian(const GradientFn& grad, std::vector<double> x, double h) {
    if (!(h > 0)) {
        std::ostringstream os;
        os << "Newton: the finite-difference step h must be > 0, got " << h;
        throw ValueError(os.str());
    }
    const size_t n = x.size();
    std::vector<double> H(n * n);
    for (size_t j = 0; j < n; ++j) {
        const double xj = x[j];
        x[j] = xj + h;
        const std::vector<double> gp = grad(x);
        x[j] = xj - h;
        const std::vector<double> gm = grad(x);
        x[j] = xj;
        if (gp.size() != n || gm.size() != n) {
            std::ostringstream os;
            os << "Newton: the gradient has " << gp.size() << " entries for " << n << " parameters";
            throw ValueError(os.str());
        }
        for (size_t i = 0; i < n; ++i) H[i * n + j] = (gp[i] - gm[i]) / (2 * h);
    }
    for (size_t i = 0; i < n; ++i)
        for (size_t j = i + 1; j < n; ++j) H[i * n + j] = H[j * n + i] = 0.5 * (H[i * n + j] + H[j * n + i]);
    return H;
}

std::vector<double> newton_direction(const std::vector<double>& hessian, const std::vector<double>& g,
                                     double damping) {
    const size_t n = g.size();
    if (hessian.size() != n * n) {
        std::ostringstream os;
        os << "Newton: the Hessian has " << hessian.size() << " entries, expected " << n << " x " << n;
        throw ValueError(os.str());
    }
    std::vector<double> A(hessian), d(g);
    for (size_t i = 0; i < n; ++i) A[i * n + i] += damping;
    for (size_t c = 0; c < n; ++c) {
        size_t piv = c;
        for (size_t r = c + 1; r < n; ++r)
            if (std::abs(A[r * n + c]) > std::abs(A[piv * n + c])) piv = r;
        if (!(std::abs(A[piv * n + c]) > 1e-300)) {
            std::ostringstream os;
            os << "Newton: the damped Hessian (damping=" << damping << ") is singular; increase damping";
            throw ValueError(os.str());
        }
        if (piv != c) {
            for (size_t k = 0; k < n; ++k) std::swap(A[c * n + k], A[piv * n + k]);
            std::swap(d[c], d[piv]);
        }
        for (size_t r = c + 1; r < n; ++r) {
            const double f = A[r * n + c] / A[c * n + c];
            for (size_t k = c; k < n; ++k) A[r * n + k] -= f * A[c * n + k];
            d[r] -= f * d[c];
        }
    }
    for (size_t c = n; c-- > 0;) {
        double s = d[c];
        for (size_t k = c + 1; k < n; ++k) s -= A[c * n + k] * d[k];
        d[c] = s / A[c * n + c];
    }
    return d;
}

namespace {

// One step of the playground: x -= lr * (H + damping I)^-1 g, H by differences of the test
// function's gradient. (xgrad.optim.Newton runs the same two functions on tensors, from Python.)
void newton_trace_step(const RuleSpec&, const Hyper& h, TraceLoop& loop) {
    double* x = loop.point();
    const GradientFn grad = [&loop](const std::vector<double>& at) {
        const auto g = loop.gradient_at(at[0], at[1]);
        return std::vector<double>{g[0], g[1]};
    };
    const auto H = finite_difference_hessian(grad, {x[0], x[1]}, h.number("h"));
    const auto d = newton_direction(H, {loop.gradient()[0], loop.gradient()[1]}, h.number("damping"));
    x[0] -= h.number("lr") * d[0];
    x[1] -= h.number("lr") * d[1];
}

RuleSpec newton_rule() {
    RuleSpec spec = rule("newton", "Newton")
                        .number("lr", 1.0, at_least(0), "learning rate")
                        .number("damping", 0.0, at_least(0))
                        .number("h", 1e-5, greater_than(0), "finite-difference step");
    spec.trace_step = &newton_trace_step;
    return spec;
}

const RegisterRule newton_registration(newton_rule());

}  // namespace

}  // namespace xgrad::optim
