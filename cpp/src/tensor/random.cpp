#include "xgrad/tensor/random.hpp"

#include <sstream>

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

}  // namespace xgrad
