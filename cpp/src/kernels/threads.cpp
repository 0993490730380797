#include "xgrad/tensor/threads.hpp"

#include <algorithm>
#include <atomic>
#include <thread>

#include "blas.hpp"
#include "xgrad/tensor/errors.hpp"

namespace xgrad {
namespace {
std::atomic<int> configured{0};  // 0: not set, use the hardware threads
}

int num_threads() {
    // hardware_concurrency() reads /sys on glibc (microseconds): once is enough.
    static const int hardware = int(std::max(1u, std::thread::hardware_concurrency()));
    int n = configured.load();
    return n > 0 ? n : hardware;
}

void set_num_threads(int n) {
    if (n < 1) throw ValueError("set_num_threads: need at least 1 thread, got " + std::to_string(n));
    configured = n;
    kernels::set_blas_num_threads(n);
}

}  // namespace xgrad
