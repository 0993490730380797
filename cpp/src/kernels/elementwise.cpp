// Binary elementwise kernels, copies and fills. One strided row loop per op; the contiguous case
// is a single long row whose inner loop the compiler vectorises (-O3, AVX2).
#include "elementwise.hpp"

#include <algorithm>
#include <cmath>
#include <sstream>

#include "strided.hpp"

namespace xgrad::kernels {
namespace {

template <class T>
struct Ops {
    static T add(T a, T b) { return a + b; }
    static T sub(T a, T b) { return a - b; }
    static T mul(T a, T b) { return a * b; }
    static T div(T a, T b) { return a / b; }
    // NaN-propagating, like NumPy's maximum/minimum.
    static T maximum(T a, T b) { return (a != a) ? a : (b != b) ? b : (a > b ? a : b); }
    static T minimum(T a, T b) { return (a != a) ? a : (b != b) ? b : (a < b ? a : b); }
    static T pow(T a, T b) {
        if (b == T(2)) return a * a;
        if (b == T(1)) return a;
        return std::pow(a, b);
    }
    static T greater(T a, T b) { return a > b ? T(1) : T(0); }
    static T greater_equal(T a, T b) { return a >= b ? T(1) : T(0); }
    static T equal(T a, T b) { return a == b ? T(1) : T(0); }
};

// Applies f over rows of (out, a, b) with the inner-stride cases the compiler can vectorise.
template <class T, class F>
void run_binary(const Shape& shape, const Strides& so, const Strides& sa, const Strides& sb,
                T* out, const T* a, const T* b, F f) {
    for_each_row<T, 3>(shape, {so, sa, sb}, {out, const_cast<T*>(a), const_cast<T*>(b)},
                       [&](std::array<T*, 3> p, std::array<int64_t, 3> s, int64_t n) {
                           T* o = p[0];
                           const T* x = p[1];
                           const T* y = p[2];
                           if (s[0] == 1 && s[1] == 1 && s[2] == 1) {
                               for (int64_t i = 0; i < n; ++i) o[i] = f(x[i], y[i]);
                           } else if (s[0] == 1 && s[1] == 1 && s[2] == 0) {
                               const T yv = *y;
                               for (int64_t i = 0; i < n; ++i) o[i] = f(x[i], yv);
                           } else if (s[0] == 1 && s[1] == 0 && s[2] == 1) {
                               const T xv = *x;
                               for (int64_t i = 0; i < n; ++i) o[i] = f(xv, y[i]);
                           } else {
                               for (int64_t i = 0; i < n; ++i)
                                   o[i * s[0]] = f(x[i * s[1]], y[i * s[2]]);
                           }
                       });
}

// One switch case per op, each instantiating run_binary with an inlinable lambda.
template <class T>
void binary_typed(BinaryOp op, const Shape& shape, const Strides& so, const Strides& sa,
                  const Strides& sb, T* out, const T* a, const T* b) {
    switch (op) {
#define XGRAD_CASE(NAME)                                                                   \
    case BinaryOp::NAME:                                                                   \
        return run_binary(shape, so, sa, sb, out, a, b, [](T x, T y) { return Ops<T>::NAME(x, y); });
        XGRAD_CASE(add) XGRAD_CASE(sub) XGRAD_CASE(mul) XGRAD_CASE(div) XGRAD_CASE(maximum)
        XGRAD_CASE(minimum) XGRAD_CASE(pow) XGRAD_CASE(greater) XGRAD_CASE(greater_equal)
        XGRAD_CASE(equal)
#undef XGRAD_CASE
    }
}

void check_same_dtype(const Tensor& a, const Tensor& b, const char* op) {
    if (a.dtype() != b.dtype())
        throw TypeError(std::string(op) + ": internal dtype mismatch " + dtype_name(a.dtype()) +
                        " vs " + dtype_name(b.dtype()));
}

}  // namespace

Shape broadcast_shapes(const Shape& a, const Shape& b, const char* op) {
    size_t nd = std::max(a.size(), b.size());
    Shape out(nd);
    for (size_t i = 0; i < nd; ++i) {
        int64_t da = i < nd - a.size() ? 1 : a[i - (nd - a.size())];
        int64_t db = i < nd - b.size() ? 1 : b[i - (nd - b.size())];
        if (da != db && da != 1 && db != 1) {
            std::ostringstream os;
            os << op << ": operands could not be broadcast together with shapes " << shape_str(a)
               << " and " << shape_str(b);
            throw ValueError(os.str());
        }
        out[i] = da == 1 ? db : da;
    }
    int64_t elements = 1;
    for (int64_t extent : out)
        if (__builtin_mul_overflow(elements, extent, &elements)) {
            std::ostringstream os;
            os << op << ": broadcasting " << shape_str(a) << " with " << shape_str(b) << " gives " << shape_str(out)
               << ", more elements than int64 can count";
            throw ValueError(os.str());
        }
    return out;
}

Tensor binary(BinaryOp op, const Tensor& a, const Tensor& b) {
    check_same_dtype(a, b, "binary");
    Shape shape = broadcast_shapes(a.shape(), b.shape(), "binary");
    Tensor out = Tensor::empty(shape, a.dtype());
    XGRAD_DISPATCH(a.dtype(), [&] {
        binary_typed<scalar_t>(op, shape, out.strides(), broadcast_strides(a.shape(), a.strides(), shape),
                               broadcast_strides(b.shape(), b.strides(), shape), out.data<scalar_t>(),
                               a.data<scalar_t>(), b.data<scalar_t>());
    });
    return out;
}

Tensor binary_scalar(BinaryOp op, const Tensor& a, double scalar, bool scalar_first) {
    Tensor out = Tensor::empty(a.shape(), a.dtype());
    XGRAD_DISPATCH(a.dtype(), [&] {
        scalar_t s = scalar_t(scalar);
        Strides zero(a.dim(), 0);
        if (scalar_first)
            binary_typed<scalar_t>(op, a.shape(), out.strides(), zero, a.strides(), out.data<scalar_t>(),
                                   &s, a.data<scalar_t>());
        else
            binary_typed<scalar_t>(op, a.shape(), out.strides(), a.strides(), zero, out.data<scalar_t>(),
                                   a.data<scalar_t>(), &s);
    });
    return out;
}

void binary_inplace(BinaryOp op, const Tensor& a, const Tensor& b) {
    check_same_dtype(a, b, "binary_inplace");
    Shape shape = broadcast_shapes(a.shape(), b.shape(), "in-place op");
    if (shape != a.shape()) {
        std::ostringstream os;
        os << "in-place op: cannot broadcast a tensor of shape " << shape_str(b.shape())
           << " into one of shape " << shape_str(a.shape());
        throw ValueError(os.str());
    }
    XGRAD_DISPATCH(a.dtype(), [&] {
        binary_typed<scalar_t>(op, shape, a.strides(), a.strides(),
                               broadcast_strides(b.shape(), b.strides(), shape), a.data<scalar_t>(),
                               a.data<scalar_t>(), b.data<scalar_t>());
    });
    a.bump_version();
}

void binary_scalar_inplace(BinaryOp op, const Tensor& a, double scalar) {
    XGRAD_DISPATCH(a.dtype(), [&] {
        scalar_t s = scalar_t(scalar);
        binary_typed<scalar_t>(op, a.shape(), a.strides(), a.strides(), Strides(a.dim(), 0),
                               a.data<scalar_t>(), a.data<scalar_t>(), &s);
    });
    a.bump_version();
}

Tensor where(const Tensor& cond, const Tensor& a, const Tensor& b) {
    Shape shape = broadcast_shapes(broadcast_shapes(cond.shape(), a.shape(), "where"), b.shape(), "where");
    Tensor out = Tensor::empty(shape, a.dtype());
    XGRAD_DISPATCH(a.dtype(), [&] {
        for_each_row<scalar_t, 4>(
            shape,
            {out.strides(), broadcast_strides(cond.shape(), cond.strides(), shape),
             broadcast_strides(a.shape(), a.strides(), shape), broadcast_strides(b.shape(), b.strides(), shape)},
            {out.data<scalar_t>(), cond.data<scalar_t>(), a.data<scalar_t>(), b.data<scalar_t>()},
            [](std::array<scalar_t*, 4> p, std::array<int64_t, 4> s, int64_t n) {
                for (int64_t i = 0; i < n; ++i)
                    p[0][i * s[0]] = p[1][i * s[1]] != scalar_t(0) ? p[2][i * s[2]] : p[3][i * s[3]];
            });
    });
    return out;
}

Tensor clip(const Tensor& x, double lo, double hi) {
    Tensor out = Tensor::empty(x.shape(), x.dtype());
    XGRAD_DISPATCH(x.dtype(), [&] {
        const scalar_t l = scalar_t(lo), h = scalar_t(hi);
        for_each_row<scalar_t, 2>(x.shape(), {out.strides(), x.strides()},
                                  {out.data<scalar_t>(), x.data<scalar_t>()},
                                  [&](std::array<scalar_t*, 2> p, std::array<int64_t, 2> s, int64_t n) {
                                      for (int64_t i = 0; i < n; ++i) {
                                          scalar_t v = p[1][i * s[1]];
                                          p[0][i * s[0]] = v < l ? l : (v > h ? h : v);
                                      }
                                  });
    });
    return out;
}

Tensor clip_backward(const Tensor& grad, const Tensor& x, double lo, double hi) {
    Tensor out = Tensor::empty(x.shape(), x.dtype());
    XGRAD_DISPATCH(x.dtype(), [&] {
        const scalar_t l = scalar_t(lo), h = scalar_t(hi);
        for_each_row<scalar_t, 3>(x.shape(), {out.strides(), grad.strides(), x.strides()},
                                  {out.data<scalar_t>(), grad.data<scalar_t>(), x.data<scalar_t>()},
                                  [&](std::array<scalar_t*, 3> p, std::array<int64_t, 3> s, int64_t n) {
                                      for (int64_t i = 0; i < n; ++i) {
                                          scalar_t v = p[2][i * s[2]];
                                          p[0][i * s[0]] = (v >= l && v <= h) ? p[1][i * s[1]] : scalar_t(0);
                                      }
                                  });
    });
    return out;
}

namespace {
template <class Dst, class Src>
void copy_typed(const Shape& shape, const Strides& sd, const Strides& ss, Dst* dst, const Src* src) {
    // Two operand types: iterate with byte pointers in a two-slot row loop.
    for_each_row<char, 2>(
        shape, {[&] { Strides b = sd; for (auto& v : b) v *= sizeof(Dst); return b; }(),
                [&] { Strides b = ss; for (auto& v : b) v *= sizeof(Src); return b; }()},
        {reinterpret_cast<char*>(dst), reinterpret_cast<char*>(const_cast<Src*>(src))},
        [](std::array<char*, 2> p, std::array<int64_t, 2> s, int64_t n) {
            Dst* d = reinterpret_cast<Dst*>(p[0]);
            const Src* x = reinterpret_cast<const Src*>(p[1]);
            if (s[0] == int64_t(sizeof(Dst)) && s[1] == int64_t(sizeof(Src))) {
                for (int64_t i = 0; i < n; ++i) d[i] = Dst(x[i]);
            } else {
                const int64_t sd_ = s[0] / int64_t(sizeof(Dst)), ss_ = s[1] / int64_t(sizeof(Src));
                for (int64_t i = 0; i < n; ++i) d[i * sd_] = Dst(x[i * ss_]);
            }
        });
}
}  // namespace

void copy_into(const Tensor& dst, const Tensor& src) {
    Shape shape = broadcast_shapes(dst.shape(), src.shape(), "copy");
    if (shape != dst.shape()) {
        std::ostringstream os;
        os << "copy: cannot broadcast a tensor of shape " << shape_str(src.shape())
           << " into one of shape " << shape_str(dst.shape());
        throw ValueError(os.str());
    }
    Strides ss = broadcast_strides(src.shape(), src.strides(), shape);
    XGRAD_DISPATCH(dst.dtype(), [&] {
        using D = scalar_t;
        if (src.dtype() == DType::float32)
            copy_typed<D, float>(shape, dst.strides(), ss, dst.data<D>(), src.data<float>());
        else
            copy_typed<D, double>(shape, dst.strides(), ss, dst.data<D>(), src.data<double>());
    });
    dst.bump_version();
}

Tensor copy(const Tensor& x, DType dtype) {
    Tensor out = Tensor::empty(x.shape(), dtype);
    copy_into(out, x);
    return out;
}

void fill(const Tensor& dst, double value) {
    XGRAD_DISPATCH(dst.dtype(), [&] {
        const scalar_t v = scalar_t(value);
        for_each_row<scalar_t, 1>(dst.shape(), {dst.strides()}, {dst.data<scalar_t>()},
                                  [&](std::array<scalar_t*, 1> p, std::array<int64_t, 1> s, int64_t n) {
                                      for (int64_t i = 0; i < n; ++i) p[0][i * s[0]] = v;
                                  });
    });
    dst.bump_version();
}

}  // namespace xgrad::kernels
