// Winograd F(2x2, 3x3) (Lavin & Gray 2016): a stride-1 3x3 convolution as 16 matrix products over
// 4x4 input tiles, each giving a 2x2 output tile, with 2.25x fewer multiplies than im2col + gemm:
//   forward   Y = A^T [ (G g G^T) ⊙ (B^T d B) ] A,     the ⊙ summed over channels by one gemm per ξ
//   backward  Z = A dY A^T;  dd = B [ (G g G^T)^T Z ] B^T;  dg = G^T [ Z (B^T d B)^T ] G
// The backward formulas are the exact transposes of the forward ones, so they are the gradient of
// the same computation. No autograd here (ops/conv.cpp).
#pragma once

#include <cstdint>

namespace xgrad::kernels {

// x (N, C, H, W) with zero padding (ph, pw) on each side convolved with w (O, C, 3, 3) at stride 1:
// out (N, O, oh, ow), oh = H + 2 ph - 2, ow = W + 2 pw - 2, covered by th x tw tiles of 2x2.
struct WinogradGeometry {
    int64_t N, C, H, W, O, ph, pw, oh, ow, th, tw;
    int64_t tiles() const { return N * th * tw; }
};

WinogradGeometry winograd_geometry(int64_t N, int64_t C, int64_t H, int64_t W, int64_t O, int64_t ph, int64_t pw);

// U[ξ, o, c] = (G w[o, c] G^T)[ξ], ξ over the 16 entries of the 4x4 transform.
template <class T>
void winograd_filter_transform(const T* w, int64_t O, int64_t C, T* U);

// out = conv(x, w) (+ bias[o] when bias is not null), from U = winograd_filter_transform(w).
template <class T>
void winograd_forward(const WinogradGeometry& g, const T* x, const T* U, const T* bias, T* out);

// Given dy (N, O, oh, ow): dx (N, C, H, W) = dL/dx when dx is not null, dw (O, C, 3, 3) = dL/dw when
// dw is not null (both overwritten).
template <class T>
void winograd_backward(const WinogradGeometry& g, const T* x, const T* U, const T* dy, T* dx, T* dw);

}  // namespace xgrad::kernels
