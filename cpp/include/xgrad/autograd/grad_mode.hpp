// Grad mode (`with xgrad.no_grad():`) and the opt-in anomaly check.
#pragma once

namespace xgrad::autograd {

bool is_grad_enabled();
void set_grad_enabled(bool enabled);

// RAII guard: records nothing while alive, restores the previous mode after.
class NoGradGuard {
public:
    NoGradGuard() : previous_(is_grad_enabled()) { set_grad_enabled(false); }
    ~NoGradGuard() { set_grad_enabled(previous_); }
    NoGradGuard(const NoGradGuard&) = delete;
    NoGradGuard& operator=(const NoGradGuard&) = delete;

private:
    bool previous_;
};

// When on, every op's output and every gradient is checked for NaN/Inf, and the first one found
// raises a RuntimeError that names the op. Like grad mode, it belongs to the calling thread.
bool is_anomaly_enabled();
void set_detect_anomaly(bool enabled);

}  // namespace xgrad::autograd
