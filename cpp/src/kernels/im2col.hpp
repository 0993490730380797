// im2col / col2im: the unrolling that turns a convolution into one gemm. No autograd here.
#pragma once

#include <cstdint>

namespace xgrad::kernels {

// The geometry of a 2-D convolution or pooling window over one (C, H, W) image.
struct ConvGeometry {
    int64_t kh, kw;   // kernel
    int64_t sh, sw;   // stride
    int64_t ph, pw;   // zero padding on each side
    int64_t dh, dw;   // dilation
    int64_t oh, ow;   // output size
};

// col[(c*kh + i)*kw + j, oh*OW + ow] = x[c, oh*sh - ph + i*dh, ow*sw - pw + j*dw] (0 in the padding).
// x is (C, H, W) contiguous; col is (C*kh*kw, oh*ow) contiguous.
template <class T>
void im2col(const T* x, int64_t C, int64_t H, int64_t W, const ConvGeometry& g, T* col);

// The transpose of im2col: dx[c, ih, iw] += col[...] for every position that read it.
// dx must be initialised by the caller (zeros, or values to accumulate onto).
template <class T>
void col2im(const T* col, int64_t C, int64_t H, int64_t W, const ConvGeometry& g, T* dx);

}  // namespace xgrad::kernels
