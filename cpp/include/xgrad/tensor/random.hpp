// The one seedable generator behind every random draw of xgrad: init, dropout, augmentation,
// shuffling. manual_seed(n) makes a run repeatable bit for bit.
#pragma once

#include <cstdint>
#include <random>
#include <string>
#include <vector>

namespace xgrad {

std::mt19937_64& generator();
void manual_seed(uint64_t seed);
// The generator's full state as text, and back: checkpoints resume the same random stream.
std::string get_rng_state();
void set_rng_state(const std::string& state);

// A random permutation of 0..n-1 (Fisher-Yates), for shuffling; integers uniform in [low, high).
std::vector<int64_t> randperm(int64_t n);
std::vector<int64_t> randint(int64_t low, int64_t high, int64_t count);

}  // namespace xgrad
