#include "index.hpp"

#include "strided.hpp"

namespace xgrad::kernels {

void gather(const Tensor& x, const std::vector<int64_t>& offsets, const Shape& rest_shape,
            const Strides& rest_strides, const Tensor& out) {
    const int64_t block = numel_of(rest_shape);
    const Strides out_strides = contiguous_strides(rest_shape);
    XGRAD_DISPATCH_ALL(x.dtype(), [&] {
        scalar_t* base = static_cast<scalar_t*>(x.storage()->data());
        scalar_t* dst = out.data<scalar_t>();
        for (size_t m = 0; m < offsets.size(); ++m) {
            for_each_row<scalar_t, 2>(rest_shape, {out_strides, rest_strides},
                                      {dst + int64_t(m) * block, base + offsets[m]},
                                      [](std::array<scalar_t*, 2> p, std::array<int64_t, 2> s, int64_t n) {
                                          for (int64_t i = 0; i < n; ++i) p[0][i * s[0]] = p[1][i * s[1]];
                                      });
        }
    });
}

void scatter(const Tensor& x, const std::vector<int64_t>& offsets, const Shape& rest_shape,
             const Strides& rest_strides, const Tensor& src, bool accumulate) {
    const int64_t block = numel_of(rest_shape);
    const Strides src_strides = contiguous_strides(rest_shape);
    XGRAD_DISPATCH_ALL(x.dtype(), [&] {
        scalar_t* base = static_cast<scalar_t*>(x.storage()->data());
        scalar_t* from = src.data<scalar_t>();
        for (size_t m = 0; m < offsets.size(); ++m) {
            for_each_row<scalar_t, 2>(rest_shape, {rest_strides, src_strides},
                                      {base + offsets[m], from + int64_t(m) * block},
                                      [accumulate](std::array<scalar_t*, 2> p, std::array<int64_t, 2> s, int64_t n) {
                                          if (accumulate)
                                              for (int64_t i = 0; i < n; ++i) p[0][i * s[0]] += p[1][i * s[1]];
                                          else
                                              for (int64_t i = 0; i < n; ++i) p[0][i * s[0]] = p[1][i * s[1]];
                                      });
        }
    });
    x.bump_version();
}

}  // namespace xgrad::kernels
