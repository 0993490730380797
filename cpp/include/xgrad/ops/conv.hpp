// 2-D convolution (NCHW) as im2col + one BLAS gemm per image and group; backward by gemm + col2im.
#pragma once

#include <array>

#include "xgrad/tensor/tensor.hpp"

namespace xgrad::ops {

using Pair = std::array<int64_t, 2>;

// out[n, o] = bias[o] + sum_{c, i, j} weight[o, c, i, j] * xpad[n, g*C/G + c, oh*sh + i*dh, ow*sw + j*dw]
// x (N, C, H, W), weight (O, C/groups, kh, kw), bias (O) or undefined;
// output (N, O, (H + 2ph - dh(kh-1) - 1)/sh + 1, (W + 2pw - dw(kw-1) - 1)/sw + 1).
Tensor conv2d(const Tensor& x, const Tensor& weight, const Tensor& bias, Pair stride, Pair padding,
              Pair dilation, int64_t groups);

}  // namespace xgrad::ops
