#include "im2col.hpp"

#include <algorithm>
#include <cstring>

namespace xgrad::kernels {

namespace {
// The range [lo, hi) of output positions o whose input position o*s - p + k*d lies in [0, n).
inline void valid_range(int64_t n, int64_t out, int64_t s, int64_t p, int64_t offset, int64_t& lo, int64_t& hi) {
    // o*s + (offset - p) >= 0  and  < n
    const int64_t shift = offset - p;
    lo = shift >= 0 ? 0 : (-shift + s - 1) / s;
    hi = n - shift <= 0 ? 0 : (n - shift + s - 1) / s;
    lo = std::min(lo, out);
    hi = std::max(std::min(hi, out), lo);
}
}  // namespace

template <class T>
void im2col(const T* x, int64_t C, int64_t H, int64_t W, const ConvGeometry& g, T* col) {
    const int64_t P = g.oh * g.ow;
    for (int64_t c = 0; c < C; ++c) {
        const T* xc = x + c * H * W;
        for (int64_t i = 0; i < g.kh; ++i) {
            int64_t oh_lo, oh_hi;
            valid_range(H, g.oh, g.sh, g.ph, i * g.dh, oh_lo, oh_hi);
            for (int64_t j = 0; j < g.kw; ++j) {
                T* row = col + ((c * g.kh + i) * g.kw + j) * P;
                int64_t ow_lo, ow_hi;
                valid_range(W, g.ow, g.sw, g.pw, j * g.dw, ow_lo, ow_hi);
                std::fill(row, row + oh_lo * g.ow, T(0));
                std::fill(row + oh_hi * g.ow, row + P, T(0));
                for (int64_t oh = oh_lo; oh < oh_hi; ++oh) {
                    T* dst = row + oh * g.ow;
                    const T* src = xc + (oh * g.sh - g.ph + i * g.dh) * W + (j * g.dw - g.pw);
                    std::fill(dst, dst + ow_lo, T(0));
                    std::fill(dst + ow_hi, dst + g.ow, T(0));
                    if (g.sw == 1) {
                        std::memcpy(dst + ow_lo, src + ow_lo, size_t(ow_hi - ow_lo) * sizeof(T));
                    } else {
                        for (int64_t ow = ow_lo; ow < ow_hi; ++ow) dst[ow] = src[ow * g.sw];
                    }
                }
            }
        }
    }
}

template <class T>
void col2im(const T* col, int64_t C, int64_t H, int64_t W, const ConvGeometry& g, T* dx) {
    const int64_t P = g.oh * g.ow;
    for (int64_t c = 0; c < C; ++c) {
        T* dc = dx + c * H * W;
        for (int64_t i = 0; i < g.kh; ++i) {
            int64_t oh_lo, oh_hi;
            valid_range(H, g.oh, g.sh, g.ph, i * g.dh, oh_lo, oh_hi);
            for (int64_t j = 0; j < g.kw; ++j) {
                const T* row = col + ((c * g.kh + i) * g.kw + j) * P;
                int64_t ow_lo, ow_hi;
                valid_range(W, g.ow, g.sw, g.pw, j * g.dw, ow_lo, ow_hi);
                for (int64_t oh = oh_lo; oh < oh_hi; ++oh) {
                    const T* src = row + oh * g.ow;
                    T* dst = dc + (oh * g.sh - g.ph + i * g.dh) * W + (j * g.dw - g.pw);
                    if (g.sw == 1) {
#pragma omp simd
                        for (int64_t ow = ow_lo; ow < ow_hi; ++ow) dst[ow] += src[ow];
                    } else {
                        for (int64_t ow = ow_lo; ow < ow_hi; ++ow) dst[ow * g.sw] += src[ow];
                    }
                }
            }
        }
    }
}

template void im2col<float>(const float*, int64_t, int64_t, int64_t, const ConvGeometry&, float*);
template void im2col<double>(const double*, int64_t, int64_t, int64_t, const ConvGeometry&, double*);
template void col2im<float>(const float*, int64_t, int64_t, int64_t, const ConvGeometry&, float*);
template void col2im<double>(const double*, int64_t, int64_t, int64_t, const ConvGeometry&, double*);

}  // namespace xgrad::kernels
