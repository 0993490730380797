#include "xgrad/tensor/storage.hpp"

#include <atomic>
#include <cstdio>
#include <cstdlib>
#include <mutex>
#include <new>
#include <unordered_map>
#include <vector>

#include "xgrad/tensor/errors.hpp"

namespace xgrad {
namespace {

// Buffers below this size come from malloc's own fast bins; caching them buys nothing.
constexpr size_t kCacheMinBytes = 64 * 1024;
// Upper bound on memory kept in free lists; beyond it buffers go back to the system.
constexpr size_t kCacheMaxBytes = size_t(1) << 30;
constexpr size_t kAlignment = 64;

// Rounds a request up so that buffers of nearly equal sizes share a free list: to 4 KiB pages,
// then to 1/8 of the next power of two (at most 12.5% waste).
[[noreturn]] void throw_out_of_memory(size_t nbytes) {
    char text[160];
    std::snprintf(text, sizeof text, "cannot allocate %.1f GiB (%zu bytes) for a tensor: out of memory",
                  double(nbytes) / double(1ull << 30), nbytes);
    throw MemoryError(text);
}

size_t bucket_size(size_t nbytes) {
    size_t rounded = (nbytes + 4095) & ~size_t(4095);
    size_t pow2 = 4096;
    while (pow2 < rounded) pow2 <<= 1;
    size_t step = pow2 >= 8 * 4096 ? pow2 / 8 : 4096;
    return (rounded + step - 1) / step * step;
}

struct CachingAllocator {
    std::mutex mutex;
    std::unordered_map<size_t, std::vector<void*>> free_lists;
    size_t cached_bytes = 0;
    size_t hits = 0;
    size_t misses = 0;

    void* get(size_t bucket) {
        {
            std::lock_guard<std::mutex> lock(mutex);
            auto it = free_lists.find(bucket);
            if (it != free_lists.end() && !it->second.empty()) {
                void* p = it->second.back();
                it->second.pop_back();
                cached_bytes -= bucket;
                ++hits;
                return p;
            }
            ++misses;
        }
        void* p = std::aligned_alloc(kAlignment, bucket);
        if (!p) throw_out_of_memory(bucket);
        return p;
    }

    void put(void* p, size_t bucket) {
        {
            std::lock_guard<std::mutex> lock(mutex);
            if (cached_bytes + bucket <= kCacheMaxBytes) {
                free_lists[bucket].push_back(p);
                cached_bytes += bucket;
                return;
            }
        }
        std::free(p);
    }

    void clear() {
        std::lock_guard<std::mutex> lock(mutex);
        for (auto& kv : free_lists)
            for (void* p : kv.second) std::free(p);
        free_lists.clear();
        cached_bytes = 0;
    }
};

std::atomic<size_t> live_bytes{0};

CachingAllocator& allocator() {
    // Leaked on purpose: storages may be destroyed during interpreter shutdown, after statics.
    static CachingAllocator* instance = new CachingAllocator();
    return *instance;
}

}  // namespace

std::shared_ptr<Storage> Storage::allocate(size_t nbytes) {
    if (nbytes >= kCacheMinBytes) {
        size_t bucket = bucket_size(nbytes);
        void* p = allocator().get(bucket);
        live_bytes += bucket;
        return std::shared_ptr<Storage>(new Storage(p, bucket, nullptr, true));
    }
    size_t padded = (nbytes + kAlignment - 1) / kAlignment * kAlignment;
    if (padded == 0) padded = kAlignment;
    void* p = std::aligned_alloc(kAlignment, padded);
    if (!p) throw_out_of_memory(padded);
    live_bytes += nbytes;
    return std::shared_ptr<Storage>(new Storage(p, nbytes, nullptr, false));
}

std::shared_ptr<Storage> Storage::adopt(void* data, size_t nbytes, std::shared_ptr<void> owner) {
    return std::shared_ptr<Storage>(new Storage(data, nbytes, std::move(owner), false));
}

Storage::~Storage() {
    if (owner_) return;  // the owner's deleter releases adopted memory
    live_bytes -= nbytes_;
    if (cached_)
        allocator().put(data_, nbytes_);
    else
        std::free(data_);
}

AllocatorStats allocator_stats() {
    auto& a = allocator();
    std::lock_guard<std::mutex> lock(a.mutex);
    return {a.cached_bytes, a.hits, a.misses, live_bytes.load()};
}

void empty_cache() { allocator().clear(); }

}  // namespace xgrad
