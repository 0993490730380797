// 2-D convolution (NCHW) as im2col + one BLAS gemm per image and group, backward by gemm + col2im;
// a stride-1 3x3 convolution by Winograd F(2x2, 3x3) where the measured rule says it is faster.
#pragma once

#include <array>
#include <string>

#include "xgrad/tensor/tensor.hpp"

namespace xgrad::ops {

using Pair = std::array<int64_t, 2>;

// out[n, o] = bias[o] + sum_{c, i, j} weight[o, c, i, j] * xpad[n, g*C/G + c, oh*sh + i*dh, ow*sw + j*dw]
// x (N, C, H, W), weight (O, C/groups, kh, kw), bias (O) or undefined;
// output (N, O, (H + 2ph - dh(kh-1) - 1)/sh + 1, (W + 2pw - dw(kw-1) - 1)/sw + 1).
Tensor conv2d(const Tensor& x, const Tensor& weight, const Tensor& bias, Pair stride, Pair padding,
              Pair dilation, int64_t groups);

// How conv2d computes a convolution Winograd can do (3x3, stride 1, dilation 1, groups 1), forward
// and backward: "auto" (the measured rule in conv.cpp), "gemm" (im2col + gemm, every convolution)
// or "winograd". Other convolutions always use gemm.
void set_conv_algorithm(const std::string& name);
std::string conv_algorithm();
// The algorithm conv2d runs for these shapes under the current setting: "gemm" or "winograd".
std::string conv_algorithm_for(const std::vector<int64_t>& x_shape, const std::vector<int64_t>& w_shape, Pair stride,
                               Pair padding, Pair dilation, int64_t groups);

}  // namespace xgrad::ops
