// The element types of xgrad and the dispatch from a runtime dtype to a template parameter.
// float32 and float64 carry gradients; int64, int32, uint8 and bool hold labels, indices, masks
// and images, as in PyTorch.
#pragma once

#include <cstddef>
#include <cstdint>
#include <string>

#include "xgrad/tensor/errors.hpp"

namespace xgrad {

enum class DType : unsigned char { float32, float64, int64, int32, uint8, bool_ };

inline size_t itemsize(DType dt) {
    switch (dt) {
        case DType::float32: case DType::int32: return 4;
        case DType::float64: case DType::int64: return 8;
        case DType::uint8: case DType::bool_: return 1;
    }
    return 0;
}

inline const char* dtype_name(DType dt) {
    switch (dt) {
        case DType::float32: return "float32";
        case DType::float64: return "float64";
        case DType::int64: return "int64";
        case DType::int32: return "int32";
        case DType::uint8: return "uint8";
        case DType::bool_: return "bool";
    }
    return "?";
}

inline bool is_floating(DType dt) { return dt == DType::float32 || dt == DType::float64; }
inline bool is_integral(DType dt) { return !is_floating(dt) && dt != DType::bool_; }

// PyTorch's promotion of two tensors' dtypes: bool < the integers < the floats, and the wider type
// within a kind (float32 with float64 gives float64, uint8 with int32 gives int32, any integer
// with float32 gives float32).
inline DType promote_types(DType a, DType b) {
    if (a == b) return a;
    auto rank = [](DType d) {
        switch (d) {
            case DType::bool_: return 0;
            case DType::uint8: return 1;
            case DType::int32: return 2;
            case DType::int64: return 3;
            case DType::float32: return 4;
            case DType::float64: return 5;
        }
        return 0;
    };
    if (is_floating(a) != is_floating(b)) return is_floating(a) ? a : b;
    return rank(a) > rank(b) ? a : b;
}

template <class T>
constexpr DType dtype_of();
template <> constexpr DType dtype_of<float>() { return DType::float32; }
template <> constexpr DType dtype_of<double>() { return DType::float64; }
template <> constexpr DType dtype_of<int64_t>() { return DType::int64; }
template <> constexpr DType dtype_of<int32_t>() { return DType::int32; }
template <> constexpr DType dtype_of<uint8_t>() { return DType::uint8; }
template <> constexpr DType dtype_of<bool>() { return DType::bool_; }

// The error of a floating-point kernel reached with another dtype: ops check their inputs first
// (require_floating in ops/op_utils.hpp names the op); this is the last line.
[[noreturn]] inline void not_floating(DType dt) {
    throw TypeError(std::string("expected a floating-point (float32 or float64) tensor, got ") + dtype_name(dt));
}

}  // namespace xgrad

// Runs BODY with `scalar_t` bound to the C++ type of DTYPE, a float dtype (the arithmetic of
// gradients); TypeError for any other.
#define XGRAD_DISPATCH(DTYPE, ...)                  \
    [&] {                                           \
        const ::xgrad::DType xgrad_dt_ = (DTYPE);   \
        if (xgrad_dt_ == ::xgrad::DType::float32) { \
            using scalar_t = float;                 \
            return __VA_ARGS__();                   \
        }                                           \
        if (xgrad_dt_ != ::xgrad::DType::float64) ::xgrad::not_floating(xgrad_dt_); \
        using scalar_t = double;                    \
        return __VA_ARGS__();                       \
    }()

// The same over every dtype, for kernels that also run on integers and booleans (copies, casts,
// comparisons, indexing, sums).
#define XGRAD_DISPATCH_ALL(DTYPE, ...)                                  \
    [&] {                                                               \
        switch (DTYPE) {                                                \
            case ::xgrad::DType::float32: { using scalar_t = float; return __VA_ARGS__(); }   \
            case ::xgrad::DType::float64: { using scalar_t = double; return __VA_ARGS__(); }  \
            case ::xgrad::DType::int64: { using scalar_t = int64_t; return __VA_ARGS__(); }   \
            case ::xgrad::DType::int32: { using scalar_t = int32_t; return __VA_ARGS__(); }   \
            case ::xgrad::DType::uint8: { using scalar_t = uint8_t; return __VA_ARGS__(); }   \
            case ::xgrad::DType::bool_: break;                          \
        }                                                               \
        using scalar_t = bool;                                          \
        return __VA_ARGS__();                                           \
    }()
