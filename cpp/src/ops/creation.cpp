#include "xgrad/ops/creation.hpp"

#include <cmath>
#include <random>
#include <sstream>

#include "../kernels/elementwise.hpp"
#include "op_utils.hpp"
#include "xgrad/tensor/random.hpp"

namespace xgrad::ops {

using Grads = std::vector<Tensor>;

namespace {
// A new tensor for the creation op `op`, whose name the shape's errors carry.
Tensor created(const Shape& shape, DType dtype, const char* op) {
    check_shape(shape, dtype, op);
    return Tensor::empty(shape, dtype);
}

Tensor filled(const Shape& shape, double value, DType dtype, const char* op) {
    Tensor t = created(shape, dtype, op);
    kernels::fill(t, value);
    return t;
}
}  // namespace

Tensor empty(const Shape& shape, DType dtype) { return created(shape, dtype, "empty"); }
Tensor full(const Shape& shape, double value, DType dtype) { return filled(shape, value, dtype, "full"); }
Tensor zeros(const Shape& shape, DType dtype) { return filled(shape, 0.0, dtype, "zeros"); }
Tensor ones(const Shape& shape, DType dtype) { return filled(shape, 1.0, dtype, "ones"); }
Tensor zeros_like(const Tensor& t) { return zeros(t.shape(), t.dtype()); }
Tensor ones_like(const Tensor& t) { return ones(t.shape(), t.dtype()); }
Tensor full_like(const Tensor& t, double value) { return full(t.shape(), value, t.dtype()); }

Tensor arange(double start, double stop, double step, DType dtype) {
    if (step == 0.0) throw ValueError("arange: step must be nonzero");
    if (!std::isfinite(start) || !std::isfinite(stop) || !std::isfinite(step)) {
        std::ostringstream os;
        os << "arange: start, end and step must be finite, got " << python_repr(start) << ", " << python_repr(stop)
           << ", " << python_repr(step);
        throw ValueError(os.str());
    }
    const double count = std::ceil((stop - start) / step);
    if (!(count < 9.2e18)) {  // int64's limit, below which the conversion is defined
        std::ostringstream os;
        os << "arange: " << python_repr(start) << " to " << python_repr(stop) << " by " << python_repr(step)
           << " would have " << python_repr(count) << " elements, more than int64 can count";
        throw ValueError(os.str());
    }
    const int64_t n = count > 0 ? int64_t(count) : 0;
    if (dtype == DType::bool_) throw TypeError("arange: a range of bools is not defined; use an integer or float dtype");
    Tensor t = created({n}, dtype, "arange");
    XGRAD_DISPATCH_ALL(dtype, [&] {  // integer ranges: the op gets whole numbers, exact below 2**53
        scalar_t* p = t.data<scalar_t>();
        for (int64_t i = 0; i < n; ++i) p[i] = scalar_t(start + double(i) * step);
    });
    return t;
}

Tensor randn(const Shape& shape, DType dtype) {
    Tensor t = created(shape, dtype, "randn");
    std::normal_distribution<double> normal(0.0, 1.0);
    auto& gen = generator();
    XGRAD_DISPATCH(dtype, [&] {
        scalar_t* p = t.data<scalar_t>();
        for (int64_t i = 0, n = t.numel(); i < n; ++i) p[i] = scalar_t(normal(gen));
    });
    return t;
}

Tensor rand(const Shape& shape, DType dtype) {
    Tensor t = created(shape, dtype, "rand");
    std::uniform_real_distribution<double> uniform(0.0, 1.0);
    auto& gen = generator();
    XGRAD_DISPATCH(dtype, [&] {
        scalar_t* p = t.data<scalar_t>();
        for (int64_t i = 0, n = t.numel(); i < n; ++i) {
            scalar_t v = scalar_t(uniform(gen));
            p[i] = v < scalar_t(1) ? v : scalar_t(0);  // float rounding must not reach 1
        }
    });
    return t;
}

Tensor contiguous_copy(const Tensor& t) { return kernels::copy(t, t.dtype()); }

Tensor contiguous(const Tensor& x) {
    if (x.is_contiguous()) return x;
    return clone(x);
}

Tensor clone(const Tensor& x) {
    Tensor out = kernels::copy(x, x.dtype());
    if (needs_grad({x})) autograd::attach(out, "clone", {x}, [](const Tensor& g) { return Grads{g}; });
    return out;
}

Tensor to_dtype(const Tensor& x, DType dtype) {
    if (x.dtype() == dtype) return x;
    Tensor out = kernels::copy(x, dtype);
    if (needs_grad({x}) && is_floating(dtype))  // an integer or bool result carries no gradient
        autograd::attach(out, "to", {x}, [from = x.dtype()](const Tensor& g) {
            return Grads{kernels::copy(g, from)};
        });
    return out;
}

Tensor bernoulli_mask(const Shape& shape, double p, double scale, DType dtype) {
    if (!(p >= 0.0 && p < 1.0)) {
        std::ostringstream os;
        os << "dropout: p (the probability of dropping) must be in [0, 1), got " << p;
        throw ValueError(os.str());
    }
    Tensor mask = created(shape, dtype, "dropout");
    std::uniform_real_distribution<double> uniform(0.0, 1.0);
    auto& gen = generator();
    XGRAD_DISPATCH(dtype, [&] {
        scalar_t* pm = mask.data<scalar_t>();
        const scalar_t keep = scalar_t(scale);
        for (int64_t i = 0, n = mask.numel(); i < n; ++i) pm[i] = uniform(gen) < p ? scalar_t(0) : keep;
    });
    return mask;
}


}  // namespace xgrad::ops
