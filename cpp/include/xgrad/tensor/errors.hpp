// Exceptions of the core. The bindings translate each to the Python exception of the same name,
// so a bad shape, dtype or axis never reaches the interpreter as a crash.
#pragma once

#include <charconv>
#include <cmath>
#include <cstdio>
#include <cstdlib>
#include <sstream>
#include <new>
#include <stdexcept>
#include <string>
#include <vector>

namespace xgrad {

struct ValueError : std::invalid_argument {
    using std::invalid_argument::invalid_argument;
};
struct TypeError : std::invalid_argument {
    using std::invalid_argument::invalid_argument;
};
struct IndexError : std::out_of_range {
    using std::out_of_range::out_of_range;
};
// Python's MemoryError (pybind11 translates std::bad_alloc), with the size that could not be had.
struct MemoryError : std::bad_alloc {
    explicit MemoryError(std::string message) : message_(std::move(message)) {}
    const char* what() const noexcept override { return message_.c_str(); }

private:
    std::string message_;
};
// RuntimeError is std::runtime_error.

// Formats a shape as NumPy prints it: (2, 3) or (4,) or ().
inline std::string shape_str(const std::vector<int64_t>& shape) {
    std::ostringstream os;
    os << '(';
    for (size_t i = 0; i < shape.size(); ++i) {
        if (i) os << ", ";
        os << shape[i];
    }
    if (shape.size() == 1) os << ',';
    os << ')';
    return os.str();
}

// A double as Python's repr() writes it (shortest round trip: 0.1, 1e-08, -1.0, 1.5e+16), so a
// message quotes the value the user typed.
inline std::string python_repr(double v) {
    if (std::isnan(v)) return "nan";
    if (std::isinf(v)) return v > 0 ? "inf" : "-inf";
    char buf[64];
    auto res = std::to_chars(buf, buf + sizeof buf, v, std::chars_format::scientific);
    std::string sci(buf, res.ptr);  // [-]d[.ddd]e[+-]XX
    const size_t e = sci.find('e');
    const int exponent = std::atoi(sci.c_str() + e + 1);
    std::string sign = sci[0] == '-' ? "-" : "";
    std::string digits;
    for (size_t i = sign.size(); i < e; ++i)
        if (sci[i] != '.') digits += sci[i];
    if (exponent < -4 || exponent >= 16) {
        std::string mantissa = digits.substr(0, 1) + (digits.size() > 1 ? "." + digits.substr(1) : "");
        char exp[16];
        std::snprintf(exp, sizeof exp, "e%c%02d", exponent < 0 ? '-' : '+', std::abs(exponent));
        return sign + mantissa + exp;
    }
    if (exponent < 0) return sign + "0." + std::string(size_t(-exponent - 1), '0') + digits;
    if (digits.size() <= size_t(exponent) + 1)
        return sign + digits + std::string(size_t(exponent) + 1 - digits.size(), '0') + ".0";
    return sign + digits.substr(0, size_t(exponent) + 1) + "." + digits.substr(size_t(exponent) + 1);
}

}  // namespace xgrad
