// The one seedable generator behind every random draw of xgrad: init, dropout, augmentation,
// shuffling. manual_seed(n) makes a run repeatable bit for bit.
#pragma once

#include <cstdint>
#include <random>
#include <string>

namespace xgrad {

std::mt19937_64& generator();
void manual_seed(uint64_t seed);
// The generator's full state as text, and back: checkpoints resume the same random stream.
std::string get_rng_state();
void set_rng_state(const std::string& state);

}  // namespace xgrad
