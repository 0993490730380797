// Ops that return positions: argmax/argmin, max/min along a dim with their indices, sort, topk,
// and gather (PyTorch's), through which the values of the others carry their gradient.
#pragma once

#include <optional>
#include <utility>

#include "xgrad/tensor/tensor.hpp"

namespace xgrad::ops {

// The int64 index of the first maximum (minimum) along `dim`, or of the flattened tensor when
// `dim` is empty (a 0-d result); NaN is the maximum and the minimum, as in PyTorch.
Tensor argmax(const Tensor& x, std::optional<int64_t> dim, bool keepdim);
Tensor argmin(const Tensor& x, std::optional<int64_t> dim, bool keepdim);

// PyTorch's max(dim)/min(dim): (values, indices); the gradient goes to the element the index names.
std::pair<Tensor, Tensor> max_along(const Tensor& x, int64_t dim, bool keepdim);
std::pair<Tensor, Tensor> min_along(const Tensor& x, int64_t dim, bool keepdim);

// (sorted values, their int64 positions in x) along `dim`, stable; NaN sorts last ascending.
std::pair<Tensor, Tensor> sort(const Tensor& x, int64_t dim, bool descending);
Tensor argsort(const Tensor& x, int64_t dim, bool descending);
// The k largest (smallest with largest=false) along `dim`, in sorted order: (values, indices).
std::pair<Tensor, Tensor> topk(const Tensor& x, int64_t k, int64_t dim, bool largest);

// out[i] = x[i with its `dim` coordinate replaced by index[i]]; d/dx scatter-adds the gradient.
Tensor gather(const Tensor& x, int64_t dim, const Tensor& index);

}  // namespace xgrad::ops
