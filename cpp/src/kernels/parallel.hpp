// A loop split over xgrad's threads (set_num_threads), for kernels whose iterations write disjoint
// outputs: fn(begin, end) on contiguous ranges of [0, n), the calling thread taking the first. No
// pool: a thread costs tens of microseconds, so a range gets a thread only above min_per_thread
// iterations, chosen by the caller for work of a millisecond or more.
#pragma once

#include <algorithm>
#include <cstdint>
#include <thread>
#include <vector>

#include "xgrad/tensor/threads.hpp"

namespace xgrad::kernels {

template <class F>
void parallel_range(int64_t n, int64_t min_per_thread, const F& fn) {
    const int64_t threads = std::min<int64_t>(num_threads(), n / std::max<int64_t>(min_per_thread, 1));
    if (threads <= 1) {
        fn(int64_t(0), n);
        return;
    }
    const int64_t chunk = (n + threads - 1) / threads;
    std::vector<std::thread> pool;
    for (int64_t begin = chunk; begin < n; begin += chunk)
        pool.emplace_back([=, &fn] { fn(begin, std::min(n, begin + chunk)); });
    fn(int64_t(0), std::min(n, chunk));
    for (auto& t : pool) t.join();
}

}  // namespace xgrad::kernels
