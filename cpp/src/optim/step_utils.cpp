#include "step_utils.hpp"

#include <sstream>

#include "xgrad/ops/creation.hpp"

namespace xgrad::optim {

Tensor checked_grad(const char* optimizer, const Tensor& p, size_t k) {
    Tensor g = p.grad();
    if (!g.defined()) return g;
    if (!p.is_contiguous()) {
        std::ostringstream os;
        os << optimizer << ": parameter " << k << " must be a contiguous tensor";
        throw ValueError(os.str());
    }
    if (g.shape() != p.shape() || g.dtype() != p.dtype()) {
        std::ostringstream os;
        os << optimizer << ": parameter " << k << " is " << dtype_name(p.dtype()) << " of shape "
           << shape_str(p.shape()) << " but its gradient is " << dtype_name(g.dtype()) << " of shape "
           << shape_str(g.shape());
        throw ValueError(os.str());
    }
    return g.is_contiguous() ? g : ops::contiguous_copy(g);
}

void check_state(const char* optimizer, const char* name, const Tensor& state, const Tensor& p, size_t k) {
    if (!state.defined() || !state.is_contiguous() || state.shape() != p.shape() || state.dtype() != p.dtype()) {
        std::ostringstream os;
        os << optimizer << ": state '" << name << "' of parameter " << k << " must be a contiguous "
           << dtype_name(p.dtype()) << " tensor of shape " << shape_str(p.shape());
        if (state.defined())
            os << ", got " << dtype_name(state.dtype()) << " of shape " << shape_str(state.shape());
        throw ValueError(os.str());
    }
}

void check_sizes(const char* optimizer, size_t n_params, const std::vector<size_t>& sizes) {
    for (size_t s : sizes) {
        if (s != n_params) {
            std::ostringstream os;
            os << optimizer << ": got " << n_params << " parameters but a state list of length " << s;
            throw ValueError(os.str());
        }
    }
}

}  // namespace xgrad::optim
