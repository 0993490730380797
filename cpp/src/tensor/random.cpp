#include "xgrad/tensor/random.hpp"

#include <sstream>
#include <string>

#include "xgrad/tensor/errors.hpp"

namespace xgrad {

std::mt19937_64& generator() {
    static std::mt19937_64 gen(5489u);
    return gen;
}

void manual_seed(uint64_t seed) { generator().seed(seed); }

std::string get_rng_state() {
    std::ostringstream os;
    os << generator();
    return os.str();
}

void set_rng_state(const std::string& state) {
    std::istringstream is(state);
    std::mt19937_64 restored;
    is >> restored;
    if (is.fail()) throw ValueError("set_rng_state: the state string is not a generator state");
    generator() = restored;
}

std::vector<int64_t> randperm(int64_t n) {
    if (n < 0) throw ValueError("randperm: n must be >= 0, got " + std::to_string(n));
    std::vector<int64_t> perm(static_cast<size_t>(n));
    for (int64_t i = 0; i < n; ++i) perm[i] = i;
    auto& gen = generator();
    for (int64_t i = n - 1; i > 0; --i) {
        std::uniform_int_distribution<int64_t> pick(0, i);
        std::swap(perm[i], perm[pick(gen)]);
    }
    return perm;
}

std::vector<int64_t> randint(int64_t low, int64_t high, int64_t count) {
    if (high <= low)
        throw ValueError("randint: high must be > low, got low=" + std::to_string(low) + ", high=" + std::to_string(high));
    if (count < 0) throw ValueError("randint: size must be >= 0, got " + std::to_string(count));
    std::vector<int64_t> out(static_cast<size_t>(count));
    std::uniform_int_distribution<int64_t> pick(low, high - 1);
    for (auto& v : out) v = pick(generator());
    return out;
}

}  // namespace xgrad
