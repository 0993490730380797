// The two element types of xgrad and the dispatch from a runtime dtype to a template parameter.
#pragma once

#include <cstddef>
#include <string>

#include "xgrad/tensor/errors.hpp"

namespace xgrad {

enum class DType : unsigned char { float32, float64 };

inline size_t itemsize(DType dt) { return dt == DType::float32 ? 4 : 8; }

inline const char* dtype_name(DType dt) { return dt == DType::float32 ? "float32" : "float64"; }

// NumPy's rule for the two float types: float32 with float64 gives float64.
inline DType promote_types(DType a, DType b) {
    return (a == DType::float64 || b == DType::float64) ? DType::float64 : DType::float32;
}

template <class T>
constexpr DType dtype_of();
template <>
constexpr DType dtype_of<float>() { return DType::float32; }
template <>
constexpr DType dtype_of<double>() { return DType::float64; }

}  // namespace xgrad

// Runs BODY with `scalar_t` bound to the C++ type of DTYPE.
#define XGRAD_DISPATCH(DTYPE, ...)              \
    [&] {                                       \
        if ((DTYPE) == ::xgrad::DType::float32) { \
            using scalar_t = float;             \
            return __VA_ARGS__();               \
        } else {                                \
            using scalar_t = double;            \
            return __VA_ARGS__();               \
        }                                       \
    }()
