#include "xgrad/optim/clip.hpp"

#include <algorithm>
#include <cmath>
#include <limits>
#include <sstream>

#include "xgrad/ops/creation.hpp"

namespace xgrad::optim {
namespace {

// The p-norm of n contiguous values, accumulated in double.
template <class T>
double vector_norm(const T* x, int64_t n, double p) {
    if (std::isinf(p)) {
        double m = 0;
        for (int64_t i = 0; i < n; ++i) m = std::max(m, double(std::abs(x[i])));
        return m;
    }
    double s = 0;
    if (p == 2) {
        for (int64_t i = 0; i < n; ++i) s += double(x[i]) * double(x[i]);
        return std::sqrt(s);
    }
    if (p == 1) {
        for (int64_t i = 0; i < n; ++i) s += std::abs(double(x[i]));
        return s;
    }
    for (int64_t i = 0; i < n; ++i) s += std::pow(std::abs(double(x[i])), p);
    return std::pow(s, 1.0 / p);
}

template <class T>
void scale(T* x, int64_t n, T f) {
#pragma omp simd
    for (int64_t i = 0; i < n; ++i) x[i] *= f;
}

template <class T>
void clamp(T* x, int64_t n, T hi) {
    const T lo = -hi;
#pragma omp simd
    for (int64_t i = 0; i < n; ++i) x[i] = std::min(std::max(x[i], lo), hi);
}

Tensor grad_of(const Tensor& p, const char* op) {
    Tensor g = p.grad();
    if (g.defined() && !g.is_contiguous()) {
        std::ostringstream os;
        os << op << ": gradients must be contiguous, got one of shape " << shape_str(g.shape());
        throw ValueError(os.str());
    }
    return g;
}

}  // namespace

double total_grad_norm(const std::vector<Tensor>& params, double norm_type) {
    if (!(norm_type > 0)) {
        std::ostringstream os;
        os << "clip_grad_norm_: norm_type must be > 0, got " << norm_type;
        throw ValueError(os.str());
    }
    std::vector<double> norms;
    for (const Tensor& p : params) {
        Tensor g = grad_of(p, "clip_grad_norm_");
        if (!g.defined()) continue;
        XGRAD_DISPATCH(g.dtype(), [&] { norms.push_back(vector_norm(g.data<scalar_t>(), g.numel(), norm_type)); });
    }
    return vector_norm(norms.data(), int64_t(norms.size()), norm_type);
}

void scale_grads(const std::vector<Tensor>& params, double factor) {
    for (const Tensor& p : params) {
        Tensor g = grad_of(p, "clip_grad_norm_");
        if (!g.defined()) continue;
        XGRAD_DISPATCH(g.dtype(), [&] { scale(g.data<scalar_t>(), g.numel(), scalar_t(factor)); });
        g.bump_version();
    }
}

void clamp_grads(const std::vector<Tensor>& params, double clip_value) {
    if (!(clip_value >= 0)) {
        std::ostringstream os;
        os << "clip_grad_value_: clip_value must be >= 0, got " << clip_value;
        throw ValueError(os.str());
    }
    for (const Tensor& p : params) {
        Tensor g = grad_of(p, "clip_grad_value_");
        if (!g.defined()) continue;
        XGRAD_DISPATCH(g.dtype(), [&] { clamp(g.data<scalar_t>(), g.numel(), scalar_t(clip_value)); });
        g.bump_version();
    }
}

void renorm_(const Tensor& weight, double p, double max_norm) {
    if (!(max_norm >= 0) || !(p > 0)) {
        std::ostringstream os;
        os << "max_norm_: need max_norm >= 0 and p > 0, got max_norm=" << max_norm << ", p=" << p;
        throw ValueError(os.str());
    }
    if (weight.dim() < 1 || !weight.is_contiguous()) {
        std::ostringstream os;
        os << "max_norm_: the weight must be a contiguous tensor with at least 1 dimension, got shape "
           << shape_str(weight.shape());
        throw ValueError(os.str());
    }
    const int64_t units = weight.size(0);
    const int64_t per_unit = units ? weight.numel() / units : 0;
    XGRAD_DISPATCH(weight.dtype(), [&] {
        for (int64_t j = 0; j < units; ++j) {
            scalar_t* w = weight.data<scalar_t>() + j * per_unit;
            const double norm = vector_norm(w, per_unit, p);
            if (norm > max_norm) {
                const scalar_t f = scalar_t(max_norm / (norm + 1e-7));
                for (int64_t i = 0; i < per_unit; ++i) w[i] *= f;
            }
        }
    });
    weight.bump_version();
}

}  // namespace xgrad::optim
