// The 2-D optimisation playground: test functions with value and gradient, and a tracer that runs
// a registered update rule (rule.hpp) from a start point entirely in C++: the same per-element step
// as the tensor optimizers, over the 2 coordinates.
#pragma once

#include <cstdint>
#include <limits>
#include <string>
#include <vector>

#include "xgrad/optim/rule.hpp"

namespace xgrad::optim {

// A test function of (x, y). Names:
//   bowl        0.1 x^2 + 2 y^2                      ill-conditioned quadratic (condition 20), min (0, 0)
//   aiedu       x^2 / 10 + y^2                       ai-edu ch. 15.4 contour demo, min (0, 0)
//   rosenbrock  (1 - x)^2 + 100 (y - x^2)^2          min (1, 1)
//   beale       (1.5 - x + xy)^2 + (2.25 - x + xy^2)^2 + (2.625 - x + xy^3)^2     min (3, 0.5)
//   himmelblau  (x^2 + y - 11)^2 + (x + y^2 - 7)^2   four minima, one at (3, 2)
//   saddle      x^2 - y^2                            saddle point at (0, 0), unbounded below
struct TestFunction {
    const char* name;
    const char* formula;
    double (*value_and_grad)(double x, double y, double* gx, double* gy);
    double min_x, min_y;  // a global minimiser (NaN for saddle)
};

const TestFunction& test_function(const std::string& name);
std::vector<std::string> test_function_names();
// Values at the points (xs[i], ys[i]), for contour plots.
std::vector<double> evaluate(const std::string& function, const std::vector<double>& xs,
                             const std::vector<double>& ys);

struct Trace {
    std::vector<double> path;    // (steps + 1) x 2, row-major: the start, then the point after each step
    std::vector<double> losses;  // steps + 1
};

// Runs the registered rule `optimizer` (registered_rules(): sgd, adam, ..., newton) on `function`
// from (x0, y0) for `steps` steps. `hyper` holds every hyper-parameter of the rule (the Python side
// fills in the defaults); check_hyper() refuses unknown, missing and out-of-range ones. The run
// stops early, after the step that brings the loss below `stop_below`.
Trace trace(const std::string& optimizer, const std::string& function, double x0, double y0, int64_t steps,
            Hyper hyper, double stop_below = -std::numeric_limits<double>::infinity());

}  // namespace xgrad::optim
