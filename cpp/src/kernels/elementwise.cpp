// Binary elementwise kernels, copies and fills. One strided row loop per op; the contiguous case
// is a single long row whose inner loop the compiler vectorises (-O3, AVX2).
#include "elementwise.hpp"

#include <algorithm>
#include <cmath>
#include <limits>
#include <sstream>
#include <type_traits>

#include "strided.hpp"

namespace xgrad::kernels {
namespace {

// v in T: a float as is; for an integer type, NaN as 0 and out-of-range values clamped to its range
// (a C++ cast of those is undefined); for bool, whether v is nonzero.
template <class T, class S>
T converted(S v) {
    if constexpr (std::is_same_v<T, bool>) {
        return v != S(0);
    } else if constexpr (std::is_integral_v<T> && std::is_floating_point_v<S>) {
        if (v != v) return T(0);
        if (v <= S(std::numeric_limits<T>::min())) return std::numeric_limits<T>::min();
        if (v >= S(std::numeric_limits<T>::max())) return std::numeric_limits<T>::max();
        return T(v);
    } else {
        return T(v);
    }
}

template <class T>
T saturating(double v) { return converted<T, double>(v); }

// The value of a double (a Python number) in T. For an integer T the double is a whole number the
// op layer checked; a bool is whether it is nonzero.
template <class T>
T from_double(double v) {
    if constexpr (std::is_same_v<T, bool>) return v != 0;
    else return T(v);
}

template <class T>
struct Ops {
    static T add(T a, T b) { return a + b; }   // bool: or
    static T sub(T a, T b) { return a - b; }
    static T mul(T a, T b) {
        if constexpr (std::is_same_v<T, bool>) return a && b;
        else return a * b;
    }
    static T div(T a, T b) {
        if constexpr (std::is_integral_v<T>) return b == 0 ? T(0) : T(a / b);  // unreachable: the op divides floats
        else return a / b;
    }
    // NaN-propagating, like NumPy's maximum/minimum.
    static T maximum(T a, T b) { return (a != a) ? a : (b != b) ? b : (a > b ? a : b); }
    static T minimum(T a, T b) { return (a != a) ? a : (b != b) ? b : (a < b ? a : b); }
    static T pow(T a, T b) {
        if constexpr (std::is_integral_v<T>) {  // a whole exponent >= 0 (the op checks): square and multiply
            T result = 1;
            for (auto e = b; e > 0; e = T(e / 2), a = T(a * a))
                if (e % 2) result = T(result * a);
            return result;
        } else {
            if (b == T(2)) return a * a;
            if (b == T(1)) return a;
            return std::pow(a, b);
        }
    }
    static T greater(T a, T b) { return a > b ? T(1) : T(0); }
    static T greater_equal(T a, T b) { return a >= b ? T(1) : T(0); }
    static T equal(T a, T b) { return a == b ? T(1) : T(0); }
    static T bit_and(T a, T b) {
        if constexpr (std::is_integral_v<T>) return T(a & b); else return T(0);
    }
    static T bit_or(T a, T b) {
        if constexpr (std::is_integral_v<T>) return T(a | b); else return T(0);
    }
    static T bit_xor(T a, T b) {
        if constexpr (std::is_integral_v<T>) return T(a ^ b); else return T(0);
    }
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
        XGRAD_CASE(equal) XGRAD_CASE(bit_and) XGRAD_CASE(bit_or) XGRAD_CASE(bit_xor)
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
    XGRAD_DISPATCH_ALL(a.dtype(), [&] {
        binary_typed<scalar_t>(op, shape, out.strides(), broadcast_strides(a.shape(), a.strides(), shape),
                               broadcast_strides(b.shape(), b.strides(), shape), out.data<scalar_t>(),
                               a.data<scalar_t>(), b.data<scalar_t>());
    });
    return out;
}

Tensor binary_scalar(BinaryOp op, const Tensor& a, double scalar, bool scalar_first) {
    Tensor out = Tensor::empty(a.shape(), a.dtype());
    XGRAD_DISPATCH_ALL(a.dtype(), [&] {
        scalar_t s = from_double<scalar_t>(scalar);
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
    XGRAD_DISPATCH_ALL(a.dtype(), [&] {
        binary_typed<scalar_t>(op, shape, a.strides(), a.strides(),
                               broadcast_strides(b.shape(), b.strides(), shape), a.data<scalar_t>(),
                               a.data<scalar_t>(), b.data<scalar_t>());
    });
    a.bump_version();
}

void binary_scalar_inplace(BinaryOp op, const Tensor& a, double scalar) {
    XGRAD_DISPATCH_ALL(a.dtype(), [&] {
        scalar_t s = from_double<scalar_t>(scalar);
        binary_typed<scalar_t>(op, a.shape(), a.strides(), a.strides(), Strides(a.dim(), 0),
                               a.data<scalar_t>(), a.data<scalar_t>(), &s);
    });
    a.bump_version();
}

Tensor where(const Tensor& cond, const Tensor& a, const Tensor& b) {
    check_same_dtype(a, b, "where");
    Shape shape = broadcast_shapes(broadcast_shapes(cond.shape(), a.shape(), "where"), b.shape(), "where");
    Tensor out = Tensor::empty(shape, a.dtype());
    const Tensor c = cond.dtype() == DType::bool_ ? cond : compare_scalar(CompareOp::not_equal, cond, 0.0);
    const Strides sc = broadcast_strides(c.shape(), c.strides(), shape);
    XGRAD_DISPATCH_ALL(a.dtype(), [&] {
        // Byte pointers: the condition is bool, the values scalar_t.
        const Strides sa = broadcast_strides(a.shape(), a.strides(), shape), sb = broadcast_strides(b.shape(), b.strides(), shape);
        auto bytes = [](Strides s, size_t item) { for (auto& v : s) v *= int64_t(item); return s; };
        for_each_row<char, 4>(
            shape, {bytes(out.strides(), sizeof(scalar_t)), bytes(sc, 1), bytes(sa, sizeof(scalar_t)), bytes(sb, sizeof(scalar_t))},
            {static_cast<char*>(out.raw_data()), static_cast<char*>(c.raw_data()), static_cast<char*>(a.raw_data()),
             static_cast<char*>(b.raw_data())},
            [](std::array<char*, 4> p, std::array<int64_t, 4> s, int64_t n) {
                for (int64_t i = 0; i < n; ++i)
                    *reinterpret_cast<scalar_t*>(p[0] + i * s[0]) = *reinterpret_cast<const bool*>(p[1] + i * s[1])
                                                                      ? *reinterpret_cast<const scalar_t*>(p[2] + i * s[2])
                                                                      : *reinterpret_cast<const scalar_t*>(p[3] + i * s[3]);
            });
    });
    return out;
}

Tensor clip(const Tensor& x, double lo, double hi) {
    Tensor out = Tensor::empty(x.shape(), x.dtype());
    XGRAD_DISPATCH_ALL(x.dtype(), [&] {
        // An integer tensor's bounds: the op passes whole numbers (or +-inf, clamped to the type's range).
        const scalar_t l = saturating<scalar_t>(lo), h = saturating<scalar_t>(hi);
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
                for (int64_t i = 0; i < n; ++i) d[i] = converted<Dst>(x[i]);
            } else {
                const int64_t sd_ = s[0] / int64_t(sizeof(Dst)), ss_ = s[1] / int64_t(sizeof(Src));
                for (int64_t i = 0; i < n; ++i) d[i * sd_] = converted<Dst>(x[i * ss_]);
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
    XGRAD_DISPATCH_ALL(dst.dtype(), [&] {
        using D = scalar_t;
        XGRAD_DISPATCH_ALL(src.dtype(), [&] {
            copy_typed<D, scalar_t>(shape, dst.strides(), ss, dst.data<D>(), src.data<scalar_t>());
        });
    });
    dst.bump_version();
}

Tensor copy(const Tensor& x, DType dtype) {
    Tensor out = Tensor::empty(x.shape(), dtype);
    copy_into(out, x);
    return out;
}

void fill(const Tensor& dst, double value) {
    XGRAD_DISPATCH_ALL(dst.dtype(), [&] {
        const scalar_t v = saturating<scalar_t>(value);
        for_each_row<scalar_t, 1>(dst.shape(), {dst.strides()}, {dst.data<scalar_t>()},
                                  [&](std::array<scalar_t*, 1> p, std::array<int64_t, 1> s, int64_t n) {
                                      for (int64_t i = 0; i < n; ++i) p[0][i * s[0]] = v;
                                  });
    });
    dst.bump_version();
}

// ---------------------------------------------------------------- comparisons, logic, integers

namespace {

// out = f(a, b) (bool) over the broadcast shape, a and b of one dtype T.
template <class T, class F>
void compare_rows(const Shape& shape, const Strides& sa, const Strides& sb, const Tensor& out, const T* a,
                  const T* b, F f) {
    auto bytes = [](Strides st, size_t item) { for (auto& v : st) v *= int64_t(item); return st; };
    for_each_row<char, 3>(shape, {bytes(out.strides(), 1), bytes(sa, sizeof(T)), bytes(sb, sizeof(T))},
                          {static_cast<char*>(out.raw_data()), reinterpret_cast<char*>(const_cast<T*>(a)),
                           reinterpret_cast<char*>(const_cast<T*>(b))},
                          [&f](std::array<char*, 3> p, std::array<int64_t, 3> st, int64_t n) {
                              for (int64_t i = 0; i < n; ++i)
                                  *reinterpret_cast<bool*>(p[0] + i * st[0]) =
                                      f(*reinterpret_cast<const T*>(p[1] + i * st[1]),
                                        *reinterpret_cast<const T*>(p[2] + i * st[2]));
                          });
}

template <class T>
bool compared(CompareOp op, T a, T b) {
    switch (op) {
        case CompareOp::greater: return a > b;
        case CompareOp::greater_equal: return a >= b;
        case CompareOp::less: return a < b;
        case CompareOp::less_equal: return a <= b;
        case CompareOp::equal: return a == b;
        case CompareOp::not_equal: return a != b;
    }
    return false;
}

// out[i] = f(x[i]) over every element of x (any strides), out contiguous of dtype Out.
template <class Out, class In, class F>
void map_elements(const Tensor& x, const Tensor& out, F f) {
    auto bytes = [](Strides st, size_t item) { for (auto& v : st) v *= int64_t(item); return st; };
    for_each_row<char, 2>(x.shape(), {bytes(out.strides(), sizeof(Out)), bytes(x.strides(), sizeof(In))},
                          {static_cast<char*>(out.raw_data()), static_cast<char*>(x.raw_data())},
                          [&f](std::array<char*, 2> p, std::array<int64_t, 2> st, int64_t n) {
                              for (int64_t i = 0; i < n; ++i)
                                  *reinterpret_cast<Out*>(p[0] + i * st[0]) = f(*reinterpret_cast<const In*>(p[1] + i * st[1]));
                          });
}

}  // namespace

Tensor compare(CompareOp op, const Tensor& a, const Tensor& b) {
    check_same_dtype(a, b, "compare");
    Shape shape = broadcast_shapes(a.shape(), b.shape(), "compare");
    Tensor out = Tensor::empty(shape, DType::bool_);
    XGRAD_DISPATCH_ALL(a.dtype(), [&] {
        compare_rows<scalar_t>(shape, broadcast_strides(a.shape(), a.strides(), shape),
                               broadcast_strides(b.shape(), b.strides(), shape), out, a.data<scalar_t>(),
                               b.data<scalar_t>(), [op](scalar_t x, scalar_t y) { return compared(op, x, y); });
    });
    return out;
}

Tensor compare_scalar(CompareOp op, const Tensor& a, double scalar) {
    Tensor out = Tensor::empty(a.shape(), DType::bool_);
    XGRAD_DISPATCH_ALL(a.dtype(), [&] {
        // Compared in double, so that 2.5 against an integer tensor is not first cut to 2.
        map_elements<bool, scalar_t>(a, out, [op, scalar](scalar_t v) { return compared(op, double(v), scalar); });
    });
    return out;
}

Tensor logical(LogicalOp op, const Tensor& a, const Tensor& b) {
    const Tensor x = a.dtype() == DType::bool_ ? a : compare_scalar(CompareOp::not_equal, a, 0.0);
    const Tensor y = b.dtype() == DType::bool_ ? b : compare_scalar(CompareOp::not_equal, b, 0.0);
    Shape shape = broadcast_shapes(x.shape(), y.shape(), "logical");
    Tensor out = Tensor::empty(shape, DType::bool_);
    compare_rows<bool>(shape, broadcast_strides(x.shape(), x.strides(), shape),
                       broadcast_strides(y.shape(), y.strides(), shape), out, x.data<bool>(), y.data<bool>(),
                       [op](bool p, bool q) { return op == LogicalOp::and_ ? (p && q) : op == LogicalOp::or_ ? (p || q) : (p != q); });
    return out;
}

Tensor logical_not(const Tensor& x) { return compare_scalar(CompareOp::equal, x, 0.0); }

namespace {

template <class T>
void bitwise_not_typed(const Tensor& x, const Tensor& out) {
    if constexpr (std::is_same_v<T, bool>)
        map_elements<bool, bool>(x, out, [](bool v) { return !v; });
    else if constexpr (std::is_integral_v<T>)
        map_elements<T, T>(x, out, [](T v) { return T(~v); });
    else
        throw TypeError(std::string("bitwise_not: needs an integer or bool tensor, got ") + dtype_name(x.dtype()));
}

template <class T>
void integer_unary_typed(IntegerUnaryOp op, const Tensor& x, const Tensor& out) {
    if constexpr (std::is_integral_v<T> && !std::is_same_v<T, bool>) {
        if (op == IntegerUnaryOp::neg)
            map_elements<T, T>(x, out, [](T v) { return T(-v); });
        else if (op == IntegerUnaryOp::abs)
            map_elements<T, T>(x, out, [](T v) { return v < 0 ? T(-v) : v; });
        else
            map_elements<T, T>(x, out, [](T v) { return T((v > 0) - (v < 0)); });
    } else {
        throw TypeError(std::string("integer op on a ") + dtype_name(x.dtype()) + " tensor");
    }
}

template <class T>
void classify_typed(FloatClass what, const Tensor& x, const Tensor& out) {
    map_elements<bool, T>(x, out, [what](T v) {
        if constexpr (std::is_floating_point_v<T>)
            return what == FloatClass::nan ? std::isnan(v) : what == FloatClass::inf ? std::isinf(v) : std::isfinite(v);
        else
            return what == FloatClass::finite;  // an integer is always finite, never NaN or infinite
    });
}

}  // namespace

Tensor bitwise_not(const Tensor& x) {
    Tensor out = Tensor::empty(x.shape(), x.dtype());
    XGRAD_DISPATCH_ALL(x.dtype(), [&] { bitwise_not_typed<scalar_t>(x, out); });
    return out;
}

Tensor integer_unary(IntegerUnaryOp op, const Tensor& x) {
    Tensor out = Tensor::empty(x.shape(), x.dtype());
    XGRAD_DISPATCH_ALL(x.dtype(), [&] { integer_unary_typed<scalar_t>(op, x, out); });
    return out;
}

Tensor classify(FloatClass what, const Tensor& x) {
    Tensor out = Tensor::empty(x.shape(), DType::bool_);
    XGRAD_DISPATCH_ALL(x.dtype(), [&] { classify_typed<scalar_t>(what, x, out); });
    return out;
}

}  // namespace xgrad::kernels
