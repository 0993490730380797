// 2-D pooling over NCHW inputs (max, average, adaptive average, fractional max).
#pragma once

#include "xgrad/ops/conv.hpp"
#include "xgrad/tensor/tensor.hpp"

namespace xgrad::ops {

// out[n, c, oh, ow] = max over the (dilated) window at (oh*sh - ph, ow*sw - pw); padding is -inf.
// Backward routes each gradient to the argmax of its window.
Tensor max_pool2d(const Tensor& x, Pair kernel, Pair stride, Pair padding, Pair dilation, bool ceil_mode);
// out = mean over the window; padding counts as zeros when count_include_pad (PyTorch's default).
Tensor avg_pool2d(const Tensor& x, Pair kernel, Pair stride, Pair padding, bool ceil_mode, bool count_include_pad);
// Mean over windows [floor(i*H/oh), ceil((i+1)*H/oh)); output_size (1, 1) is global average pooling.
Tensor adaptive_avg_pool2d(const Tensor& x, Pair output_size);
// Graham's fractional max pooling: pseudo-random window starts from one sample u in [0, 1) per
// (n, c) and axis, seq[i] = floor((i + u) a) - floor(u a), a = (in - k) / (out - 1), last = in - k.
// `samples` (N, C, 2) holds u for (width, height) as in PyTorch; undefined draws them from xgrad's
// generator.
Tensor fractional_max_pool2d(const Tensor& x, Pair kernel, Pair output_size, const Tensor& samples);

}  // namespace xgrad::ops
