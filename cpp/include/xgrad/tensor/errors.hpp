// Exceptions of the core. The bindings translate each to the Python exception of the same name,
// so a bad shape, dtype or axis never reaches the interpreter as a crash.
#pragma once

#include <sstream>
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

}  // namespace xgrad
