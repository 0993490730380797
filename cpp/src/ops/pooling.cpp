// Pooling: loops over (n, c) planes; max pools remember the argmax of each window for backward.
#include "xgrad/ops/pooling.hpp"

#include <cmath>
#include <limits>
#include <memory>
#include <random>
#include <sstream>

#include "op_utils.hpp"
#include "xgrad/tensor/random.hpp"

namespace xgrad::ops {

using Grads = std::vector<Tensor>;

namespace {

std::string pair_str(Pair p) { return "(" + std::to_string(p[0]) + ", " + std::to_string(p[1]) + ")"; }

void check_input(const Tensor& x, const char* op) {
    if (x.dim() != 4)
        throw ValueError(std::string(op) + ": input must be 4-D (N, C, H, W), got shape " + shape_str(x.shape()));
}

// Output extent of a pooling window sweep (PyTorch's pooling_output_shape), with the checks.
int64_t pool_out(const char* op, const Tensor& x, int axis, int64_t in, int64_t k, int64_t s, int64_t p, int64_t d,
                 bool ceil_mode) {
    if (k < 1 || s < 1 || d < 1 || p < 0)
        throw ValueError(std::string(op) + ": kernel_size, stride and dilation must be positive and padding "
                         "non-negative, got kernel " + std::to_string(k) + ", stride " + std::to_string(s) +
                         ", padding " + std::to_string(p) + ", dilation " + std::to_string(d));
    if (p > k / 2)
        throw ValueError(std::string(op) + ": padding " + std::to_string(p) + " must be at most half the kernel size " +
                         std::to_string(k));
    // d * (k - 1) + 1 and in + 2 p wrapped around int64 for huge arguments, and the sweep then
    // ran with a negative geometry
    int64_t ek = 0, padded = 0;
    if (__builtin_mul_overflow(d, k - 1, &ek) || __builtin_add_overflow(ek, 1, &ek) ||
        __builtin_mul_overflow(p, 2, &padded) || __builtin_add_overflow(padded, in, &padded))
        throw ValueError(std::string(op) + ": kernel_size " + std::to_string(k) + ", padding " + std::to_string(p) +
                         " and dilation " + std::to_string(d) + " give a window or a padded input beyond int64");
    if (ek > in + 2 * p) {
        std::ostringstream os;
        os << op << ": kernel of size " << ek << " (dilation included) along " << (axis == 0 ? "height" : "width")
           << " is larger than the padded input " << in + 2 * p << " (input " << shape_str(x.shape()) << ", padding "
           << p << ")";
        throw ValueError(os.str());
    }
    int64_t num = in + 2 * p - ek + (ceil_mode ? s - 1 : 0);
    int64_t out = num / s + 1;
    if (ceil_mode && (out - 1) * s >= in + p) --out;  // the last window must start inside the input or left pad
    return out;
}

Tensor contiguous_of(const Tensor& x) { return x.is_contiguous() ? x : contiguous_copy(x); }

// Backward of every max pool: dx[plane, argmax] += g.
Tensor scatter_max_grad(const Tensor& g_in, const std::shared_ptr<std::vector<int32_t>>& idx, const Shape& xshape) {
    Tensor g = contiguous_of(g_in);
    Tensor dx = zeros(xshape, g.dtype());
    const int64_t planes = xshape[0] * xshape[1], HW = xshape[2] * xshape[3];
    const int64_t P = planes ? g.numel() / planes : 0;
    XGRAD_DISPATCH(g.dtype(), [&] {
        const scalar_t* pg = g.data<scalar_t>();
        scalar_t* pd = dx.data<scalar_t>();
        const int32_t* pi = idx->data();
        for (int64_t pl = 0; pl < planes; ++pl)
            for (int64_t o = 0; o < P; ++o)
                if (pi[pl * P + o] >= 0) pd[pl * HW + pi[pl * P + o]] += pg[pl * P + o];
    });
    return dx;
}

// Max pools keep each window's argmax as an int32 offset within its (H, W) plane.
void check_plane_fits_int32(const Tensor& x, const char* op) {
    if (x.shape()[2] * x.shape()[3] > int64_t(std::numeric_limits<int32_t>::max()))
        throw ValueError(std::string(op) + ": input planes of " + shape_str(x.shape()) +
                         " have more than 2**31 - 1 elements, beyond the int32 argmax of max pooling");
}

void attach_max(Tensor& out, const char* name, const Tensor& x, std::shared_ptr<std::vector<int32_t>> idx) {
    if (needs_grad({x}))
        autograd::attach(out, name, {x}, [idx, xs = x.shape()](const Tensor& g) {
            return Grads{scatter_max_grad(g, idx, xs)};
        });
}

}  // namespace

Tensor max_pool2d(const Tensor& x_in, Pair k, Pair s, Pair p, Pair d, bool ceil_mode) {
    require_floating(x_in, "max_pool2d");
    check_input(x_in, "max_pool2d");
    check_plane_fits_int32(x_in, "max_pool2d");
    const int64_t N = x_in.shape()[0], C = x_in.shape()[1], H = x_in.shape()[2], W = x_in.shape()[3];
    const int64_t OH = pool_out("max_pool2d", x_in, 0, H, k[0], s[0], p[0], d[0], ceil_mode);
    const int64_t OW = pool_out("max_pool2d", x_in, 1, W, k[1], s[1], p[1], d[1], ceil_mode);
    Tensor x = contiguous_of(x_in);
    Tensor out = Tensor::empty({N, C, OH, OW}, x.dtype());
    auto idx = std::make_shared<std::vector<int32_t>>(size_t(N * C * OH * OW));
    XGRAD_DISPATCH(x.dtype(), [&] {
        const scalar_t* px = x.data<scalar_t>();
        scalar_t* po = out.data<scalar_t>();
        int32_t* pi = idx->data();
        const bool plain2 = k[0] == 2 && k[1] == 2 && s[0] == 2 && s[1] == 2 && p[0] == 0 && p[1] == 0 &&
                            d[0] == 1 && d[1] == 1 && OH * 2 <= H && OW * 2 <= W;
        for (int64_t pl = 0; pl < N * C; ++pl) {
            const scalar_t* xp = px + pl * H * W;
            scalar_t* op = po + pl * OH * OW;
            int32_t* ip = pi + pl * OH * OW;
            if (plain2) {  // the common 2x2/2 case, without bounds checks
                for (int64_t oh = 0; oh < OH; ++oh) {
                    const scalar_t* r0 = xp + 2 * oh * W;
                    const scalar_t* r1 = r0 + W;
                    for (int64_t ow = 0; ow < OW; ++ow) {
                        int64_t c0 = 2 * ow;
                        scalar_t m = r0[c0];
                        int64_t at = 2 * oh * W + c0;
                        if (r0[c0 + 1] > m || std::isnan(r0[c0 + 1])) { m = r0[c0 + 1]; at = 2 * oh * W + c0 + 1; }
                        if (r1[c0] > m || std::isnan(r1[c0])) { m = r1[c0]; at = (2 * oh + 1) * W + c0; }
                        if (r1[c0 + 1] > m || std::isnan(r1[c0 + 1])) { m = r1[c0 + 1]; at = (2 * oh + 1) * W + c0 + 1; }
                        op[oh * OW + ow] = m;
                        ip[oh * OW + ow] = int32_t(at);
                    }
                }
                continue;
            }
            for (int64_t oh = 0; oh < OH; ++oh)
                for (int64_t ow = 0; ow < OW; ++ow) {
                    scalar_t m = -std::numeric_limits<scalar_t>::infinity();
                    int64_t at = -1;
                    // only the kernel taps that land inside the input (a huge kernel over padding
                    // would otherwise be swept tap by tap)
                    const int64_t h0 = oh * s[0] - p[0], w0 = ow * s[1] - p[1];
                    const int64_t i_lo = h0 >= 0 ? 0 : (-h0 + d[0] - 1) / d[0];
                    const int64_t i_hi = h0 >= H ? 0 : std::min(k[0], (H - 1 - h0) / d[0] + 1);
                    const int64_t j_lo = w0 >= 0 ? 0 : (-w0 + d[1] - 1) / d[1];
                    const int64_t j_hi = w0 >= W ? 0 : std::min(k[1], (W - 1 - w0) / d[1] + 1);
                    for (int64_t i = i_lo; i < i_hi; ++i) {
                        const int64_t ih = h0 + i * d[0];
                        if (ih < 0 || ih >= H) continue;
                        for (int64_t j = j_lo; j < j_hi; ++j) {
                            const int64_t iw = w0 + j * d[1];
                            if (iw < 0 || iw >= W) continue;
                            const scalar_t v = xp[ih * W + iw];
                            if (at < 0 || v > m || std::isnan(v)) { m = v; at = ih * W + iw; }
                        }
                    }
                    op[oh * OW + ow] = m;
                    ip[oh * OW + ow] = int32_t(at);
                }
        }
    });
    attach_max(out, "max_pool2d", x_in, idx);
    return out;
}

namespace {

// One average-pool window per output position: [h0, h1) x [w0, w1) clipped to the input, divided
// by `div`. avg_pool2d and adaptive_avg_pool2d both reduce to this.
struct Window {
    int64_t h0, h1, w0, w1;
    double div;
};

Tensor avg_windows(const Tensor& x_in, int64_t OH, int64_t OW, const std::vector<Window>& win, const char* name) {
    const int64_t N = x_in.shape()[0], C = x_in.shape()[1], H = x_in.shape()[2], W = x_in.shape()[3];
    Tensor x = contiguous_of(x_in);
    Tensor out = Tensor::empty({N, C, OH, OW}, x.dtype());
    XGRAD_DISPATCH(x.dtype(), [&] {
        const scalar_t* px = x.data<scalar_t>();
        scalar_t* po = out.data<scalar_t>();
        for (int64_t pl = 0; pl < N * C; ++pl) {
            const scalar_t* xp = px + pl * H * W;
            for (int64_t o = 0; o < OH * OW; ++o) {
                const Window& w = win[size_t(o)];
                double acc = 0;
                for (int64_t ih = w.h0; ih < w.h1; ++ih)
                    for (int64_t iw = w.w0; iw < w.w1; ++iw) acc += xp[ih * W + iw];
                po[pl * OH * OW + o] = scalar_t(acc / w.div);
            }
        }
    });
    if (needs_grad({x_in}))
        autograd::attach(out, name, {x_in}, [win, xs = x_in.shape(), OH, OW](const Tensor& g_in) {
            Tensor g = contiguous_of(g_in);
            Tensor dx = zeros(xs, g.dtype());
            const int64_t planes = xs[0] * xs[1], H = xs[2], W = xs[3];
            XGRAD_DISPATCH(g.dtype(), [&] {
                const scalar_t* pg = g.data<scalar_t>();
                scalar_t* pd = dx.data<scalar_t>();
                for (int64_t pl = 0; pl < planes; ++pl) {
                    scalar_t* dp = pd + pl * H * W;
                    for (int64_t o = 0; o < OH * OW; ++o) {
                        const Window& w = win[size_t(o)];
                        const scalar_t v = scalar_t(double(pg[pl * OH * OW + o]) / w.div);
                        for (int64_t ih = w.h0; ih < w.h1; ++ih)
                            for (int64_t iw = w.w0; iw < w.w1; ++iw) dp[ih * W + iw] += v;
                    }
                }
            });
            return Grads{dx};
        });
    return out;
}

}  // namespace

Tensor avg_pool2d(const Tensor& x, Pair k, Pair s, Pair p, bool ceil_mode, bool count_include_pad) {
    require_floating(x, "avg_pool2d");
    check_input(x, "avg_pool2d");
    const int64_t H = x.shape()[2], W = x.shape()[3];
    const int64_t OH = pool_out("avg_pool2d", x, 0, H, k[0], s[0], p[0], 1, ceil_mode);
    const int64_t OW = pool_out("avg_pool2d", x, 1, W, k[1], s[1], p[1], 1, ceil_mode);
    std::vector<Window> win(size_t(OH * OW));
    for (int64_t oh = 0; oh < OH; ++oh)
        for (int64_t ow = 0; ow < OW; ++ow) {
            int64_t h0 = oh * s[0] - p[0], w0 = ow * s[1] - p[1];
            int64_t h1 = std::min(h0 + k[0], H + p[0]), w1 = std::min(w0 + k[1], W + p[1]);
            const double padded = double(h1 - h0) * double(w1 - w0);  // may exceed int64 (huge padding)
            h0 = std::max<int64_t>(h0, 0); w0 = std::max<int64_t>(w0, 0);
            h1 = std::min(h1, H); w1 = std::min(w1, W);
            const double inside = double((h1 - h0) * (w1 - w0));
            win[size_t(oh * OW + ow)] = {h0, h1, w0, w1, count_include_pad ? padded : std::max(inside, 1.0)};
        }
    return avg_windows(x, OH, OW, win, "avg_pool2d");
}

Tensor adaptive_avg_pool2d(const Tensor& x, Pair os) {
    require_floating(x, "adaptive_avg_pool2d");
    check_input(x, "adaptive_avg_pool2d");
    if (os[0] < 1 || os[1] < 1)
        throw ValueError("adaptive_avg_pool2d: output_size must be positive, got " + pair_str(os));
    const int64_t H = x.shape()[2], W = x.shape()[3];
    if (H < 1 || W < 1)
        throw ValueError("adaptive_avg_pool2d: input of shape " + shape_str(x.shape()) + " has an empty spatial size");
    // The window table has os[0] * os[1] entries and the output N * C times that: a product that
    // wraps around int64 sized the table wrongly and the loop below wrote past it (SIGSEGV).
    int64_t cells = 0, total = 0, bound = 0;
    if (__builtin_mul_overflow(os[0], os[1], &cells) || __builtin_mul_overflow(cells, x.shape()[0] * x.shape()[1], &total) ||
        __builtin_mul_overflow(os[0] + 1, H, &bound) || __builtin_mul_overflow(os[1] + 1, W, &bound))
        throw ValueError("adaptive_avg_pool2d: output_size " + pair_str(os) + " for input " + shape_str(x.shape()) +
                         " has more elements than int64 can count");
    std::vector<Window> win(size_t(os[0] * os[1]));
    for (int64_t oh = 0; oh < os[0]; ++oh)
        for (int64_t ow = 0; ow < os[1]; ++ow) {
            int64_t h0 = oh * H / os[0], h1 = ((oh + 1) * H + os[0] - 1) / os[0];
            int64_t w0 = ow * W / os[1], w1 = ((ow + 1) * W + os[1] - 1) / os[1];
            win[size_t(oh * os[1] + ow)] = {h0, h1, w0, w1, double((h1 - h0) * (w1 - w0))};
        }
    return avg_windows(x, os[0], os[1], win, "adaptive_avg_pool2d");
}

namespace {
template <class T>
std::vector<int64_t> fractional_intervals(T u, int64_t in, int64_t out, int64_t k) {
    std::vector<int64_t> seq(static_cast<size_t>(out), 0);
    if (out > 1) {
        const T alpha = T(in - k) / T(out - 1);
        for (int64_t i = 0; i < out - 1; ++i) seq[size_t(i)] = int64_t((T(i) + u) * alpha) - int64_t(u * alpha);
    }
    if (out > 0) seq[size_t(out - 1)] = in - k;
    return seq;
}
}  // namespace

Tensor fractional_max_pool2d(const Tensor& x_in, Pair k, Pair os, const Tensor& samples_in) {
    require_floating(x_in, "fractional_max_pool2d");
    check_input(x_in, "fractional_max_pool2d");
    check_plane_fits_int32(x_in, "fractional_max_pool2d");
    const int64_t N = x_in.shape()[0], C = x_in.shape()[1], H = x_in.shape()[2], W = x_in.shape()[3];
    if (k[0] < 1 || k[1] < 1 || os[0] < 1 || os[1] < 1)
        throw ValueError("fractional_max_pool2d: kernel_size and output_size must be positive, got kernel " +
                         pair_str(k) + ", output " + pair_str(os));
    if (os[0] + k[0] - 1 > H || os[1] + k[1] - 1 > W) {
        std::ostringstream os_;
        os_ << "fractional_max_pool2d: output " << pair_str(os) << " with kernel " << pair_str(k)
            << " needs an input of at least " << os[0] + k[0] - 1 << "x" << os[1] + k[1] - 1 << ", got shape "
            << shape_str(x_in.shape());
        throw ValueError(os_.str());
    }
    Tensor x = contiguous_of(x_in);
    Tensor samples;
    if (samples_in.defined()) {
        if (samples_in.shape() != Shape{N, C, 2})
            throw ValueError("fractional_max_pool2d: samples must have shape " + shape_str({N, C, 2}) + ", got " +
                             shape_str(samples_in.shape()));
        samples = contiguous_of(to_dtype(samples_in, x.dtype()));
    } else {
        samples = rand({N, C, 2}, x.dtype());
    }
    Tensor out = Tensor::empty({N, C, os[0], os[1]}, x.dtype());
    auto idx = std::make_shared<std::vector<int32_t>>(size_t(N * C * os[0] * os[1]));
    XGRAD_DISPATCH(x.dtype(), [&] {
        const scalar_t* px = x.data<scalar_t>();
        const scalar_t* pu = samples.data<scalar_t>();
        scalar_t* po = out.data<scalar_t>();
        int32_t* pi = idx->data();
        for (int64_t pl = 0; pl < N * C; ++pl) {
            auto seq_w = fractional_intervals<scalar_t>(pu[pl * 2], W, os[1], k[1]);
            auto seq_h = fractional_intervals<scalar_t>(pu[pl * 2 + 1], H, os[0], k[0]);
            const scalar_t* xp = px + pl * H * W;
            for (int64_t oh = 0; oh < os[0]; ++oh)
                for (int64_t ow = 0; ow < os[1]; ++ow) {
                    int64_t at = seq_h[size_t(oh)] * W + seq_w[size_t(ow)];
                    scalar_t m = xp[at];
                    for (int64_t ih = seq_h[size_t(oh)]; ih < seq_h[size_t(oh)] + k[0]; ++ih)
                        for (int64_t iw = seq_w[size_t(ow)]; iw < seq_w[size_t(ow)] + k[1]; ++iw) {
                            const scalar_t v = xp[ih * W + iw];
                            if (v > m || std::isnan(v)) { m = v; at = ih * W + iw; }
                        }
                    po[(pl * os[0] + oh) * os[1] + ow] = m;
                    pi[(pl * os[0] + oh) * os[1] + ow] = int32_t(at);
                }
        }
    });
    attach_max(out, "fractional_max_pool2d", x_in, idx);
    return out;
}

}  // namespace xgrad::ops
