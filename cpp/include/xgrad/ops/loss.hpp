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
// The same with class weights w (C) or undefined, label smoothing eps in [0, 1] and an ignored
// target value (PyTorch's semantics): per sample -sum_c a_c log p_c with
// a_c = (1 - eps) w_y [c = y] + eps / C w_c; 'mean' divides by sum_i w_{y_i} over kept samples.
// Backward: (p_c sum(a) - a_c) * g.
Tensor cross_entropy(const Tensor& logits, const std::vector<int64_t>& targets, Reduction reduction,
                     const Tensor& weight, double label_smoothing, int64_t ignore_index);

// Checks input (N, C) and the N targets (in [0, C) or ignore_index); the class weights as doubles
// (all 1 when weight is undefined). ValueError naming `op` otherwise.
std::vector<double> class_weights(const char* op, const Tensor& input, const std::vector<int64_t>& targets,
                                  const Tensor& weight, int64_t ignore_index);
// -w_y input[i, y] for log-probabilities (N, C); 'mean' divides by sum_i w_{y_i}.
Tensor nll_loss(const Tensor& log_probs, const std::vector<int64_t>& targets, Reduction reduction,
                const Tensor& weight, int64_t ignore_index);
// The multiclass SVM hinge: sum_{j != y} w_y max(0, margin - x_y + x_j)^p / C per sample.
Tensor multi_margin_loss(const Tensor& x, const std::vector<int64_t>& targets, int64_t p, double margin,
                         const Tensor& weight, Reduction reduction);
// Softmax focal loss (Lin et al. 2017): -alpha_y (1 - p_y)^gamma log p_y; alpha empty (1), one
// value, or one per class. gamma = 0 and no alpha is cross-entropy.
Tensor focal_loss(const Tensor& logits, const std::vector<int64_t>& targets, const std::vector<double>& alpha,
                  double gamma, Reduction reduction);
// Elementwise losses between input and target of the same shape; both get gradients.
enum class PointwiseLoss { l1, mse, smooth_l1, bce, bce_with_logits };
Tensor pointwise_loss(PointwiseLoss kind, const Tensor& input, const Tensor& target, Reduction reduction,
                      double beta);

}  // namespace xgrad::ops
