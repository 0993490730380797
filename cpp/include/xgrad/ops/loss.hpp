// Losses that need a fused forward/backward for speed or stability.
#pragma once

#include <string>
#include <vector>

#include "xgrad/tensor/tensor.hpp"

namespace xgrad::ops {

enum class Reduction { none, mean, sum };
Reduction parse_reduction(const std::string& name, const char* op);

// -log softmax(logits)[target] per sample; logits (N, C), targets N class indices in [0, C).
// Backward: (softmax - onehot(target)) * g.
Tensor cross_entropy(const Tensor& logits, const std::vector<int64_t>& targets, Reduction reduction);

}  // namespace xgrad::ops
