// A shared, untyped buffer. Either allocated by xgrad (through a caching allocator, because fresh
// large buffers cost page faults on every training step) or adopted from an owner such as a NumPy
// array, whose lifetime the `owner` handle extends.
#pragma once

#include <atomic>
#include <cstddef>
#include <cstdint>
#include <memory>

namespace xgrad {

class Storage {
public:
    // A new buffer of `nbytes` bytes, 64-byte aligned, contents unspecified.
    static std::shared_ptr<Storage> allocate(size_t nbytes);
    // Wraps memory owned elsewhere; `owner` keeps it alive (its deleter releases it).
    static std::shared_ptr<Storage> adopt(void* data, size_t nbytes, std::shared_ptr<void> owner);

    Storage(const Storage&) = delete;
    Storage& operator=(const Storage&) = delete;
    ~Storage();

    void* data() const { return data_; }
    size_t nbytes() const { return nbytes_; }

    // Bumped by every in-place write into the buffer, whichever view writes: a tensor saved for
    // backward records it, and backward refuses data changed since (autograd/engine.cpp).
    uint64_t version() const { return version_.load(std::memory_order_relaxed); }
    void bump_version() { version_.fetch_add(1, std::memory_order_relaxed); }

private:
    Storage(void* data, size_t nbytes, std::shared_ptr<void> owner, bool cached)
        : data_(data), nbytes_(nbytes), owner_(std::move(owner)), cached_(cached) {}

    void* data_;
    size_t nbytes_;
    std::shared_ptr<void> owner_;
    bool cached_;
    std::atomic<uint64_t> version_{0};
};

// Statistics of the caching allocator, for benchmarks and tests.
struct AllocatorStats {
    size_t cached_bytes;    // held in free lists, ready for reuse
    size_t hits;            // allocations served from the cache
    size_t misses;          // allocations that went to the system
    size_t live_bytes;      // held by storages xgrad allocated and that are still alive
};
AllocatorStats allocator_stats();
// Returns every cached buffer to the system.
void empty_cache();

}  // namespace xgrad
