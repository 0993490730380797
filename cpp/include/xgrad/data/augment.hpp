// Data augmentation kernels over NCHW float32/float64 batches.
//
// Every transform comes in two halves: a draw of per-sample parameters from xgrad's one generator
// (so xgrad.manual_seed repeats them bit for bit) and a deterministic kernel that applies explicit
// parameters. Keeping them apart lets tests compare a kernel with a NumPy transcription given the
// same parameters. Kernels never modify their input and return a new contiguous tensor of the
// input's dtype without autograd history (augmentation acts on data, not on parameters).
#pragma once

#include <cstdint>
#include <vector>

#include "xgrad/tensor/tensor.hpp"

namespace xgrad::data {

// ------------------------------------------------------------------ parameter draws (generator)

// n samples of U[low, high) in double precision (low == high gives low).
std::vector<double> uniform(int64_t n, double low, double high);
// n draws of 1 with probability p, else 0.
std::vector<uint8_t> bernoulli(int64_t n, double p);
// One sample of Beta(a, b) via two gamma draws: X/(X+Y), X ~ Gamma(a), Y ~ Gamma(b).
double beta(double a, double b);
// n random orders of the three colour operations (brightness 0, contrast 1, saturation 2),
// flattened n x 3, as torchvision's ColorJitter shuffles them per image.
std::vector<int64_t> jitter_orders(int64_t n);

// ------------------------------------------------------------------ kernels (explicit parameters)

// out[i] = x[i, :, :, ::-1] where flip[i] != 0, else x[i].
Tensor hflip(const Tensor& x, const std::vector<uint8_t>& flip);

// Zero-pads each image by `padding` on all four sides, then takes the out_h x out_w window whose
// top-left corner is (top[i], left[i]) in padded coordinates (0 <= top <= H + 2p - out_h).
Tensor crop(const Tensor& x, int64_t out_h, int64_t out_w, int64_t padding, const std::vector<int64_t>& top,
            const std::vector<int64_t>& left);

// Shifts image i by dy[i] rows down and dx[i] columns right, filling uncovered pixels with 0:
// out[i, c, r, s] = x[i, c, r - dy, s - dx].
Tensor translate(const Tensor& x, const std::vector<int64_t>& dy, const std::vector<int64_t>& dx);

// The inverse affine maps (output pixel -> input pixel), 6 numbers per sample (a, b, c, d, e, f:
// x_in = a x + b y + c, y_in = d x + e y + f, pixel centres at integers, x right, y down) of
// out = T(centre + t) R(angle) Sh(shear_x, shear_y) S(scale_x, scale_y) T(-centre) applied to the
// input, centre = ((W-1)/2, (H-1)/2). angle in degrees, positive counter-clockwise on screen;
// shear angles in degrees (x' = x + tan(shear_x) y, y' = y + tan(shear_y) x); t in pixels.
std::vector<double> affine_inverse_matrices(int64_t height, int64_t width, const std::vector<double>& angle,
                                            const std::vector<double>& tx, const std::vector<double>& ty,
                                            const std::vector<double>& scale_x, const std::vector<double>& scale_y,
                                            const std::vector<double>& shear_x, const std::vector<double>& shear_y);

// Bilinear resampling of each image at the inverse-mapped positions of its output pixels; inputs
// outside the image count as 0. `inverse` holds 6 numbers per sample (see above).
Tensor affine(const Tensor& x, const std::vector<double>& inverse);

// torchvision's colour adjustments (images in [0, 1], results clamped to [0, 1]):
//   brightness b: x * b;  contrast c: c x + (1 - c) mean(gray(x));  saturation s: s x + (1 - s) gray(x)
// with gray = 0.2989 R + 0.587 G + 0.114 B (the mean is over the whole image). Image i applies
// the three in the order order[3i..3i+2]. An empty factor vector switches that operation off (no
// clamp either), as torchvision skips an operation whose range is not set. Contrast on 1 channel
// uses the channel itself as gray; saturation needs 3 channels.
Tensor color_jitter(const Tensor& x, const std::vector<double>& brightness, const std::vector<double>& contrast,
                    const std::vector<double>& saturation, const std::vector<int64_t>& order);

// Zeroes the size x size square with rows [cy - size/2, cy - size/2 + size) and the same for
// columns around (cy[i], cx[i]), clipped at the borders (DeVries & Taylor 2017).
Tensor cutout(const Tensor& x, int64_t size, const std::vector<int64_t>& cy, const std::vector<int64_t>& cx);

}  // namespace xgrad::data
