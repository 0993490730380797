// Newton's method for small parameter vectors: the Hessian by central finite differences of the
// gradient, a damped (Levenberg) solve. Used by xgrad.optim.Newton and the 2-D playground.
#pragma once

#include <cstdint>
#include <functional>
#include <vector>

namespace xgrad::optim {

// The gradient at x.
using GradientFn = std::function<std::vector<double>(const std::vector<double>& x)>;

// H[i][j] = (g_i(x + h e_j) - g_i(x - h e_j)) / 2h, then symmetrised (H + H^T) / 2. Row-major n x n.
// Costs 2n gradient evaluations; x is restored on return.
std::vector<double> finite_difference_hessian(const GradientFn& grad, std::vector<double> x, double h);

// The Newton direction d solving (H + damping * I) d = g (Gaussian elimination with partial
// pivoting; H may be indefinite, as at a saddle). The step is x -= lr * d. Throws ValueError when
// the damped Hessian is singular.
std::vector<double> newton_direction(const std::vector<double>& hessian, const std::vector<double>& g,
                                     double damping);

}  // namespace xgrad::optim
