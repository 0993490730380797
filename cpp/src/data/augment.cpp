// Augmentation kernels: one loop per sample, parameters given explicitly (see augment.hpp).
#include "xgrad/data/augment.hpp"

#include <algorithm>
#include <cmath>
#include <cstring>
#include <random>
#include <string>

#include "xgrad/ops/creation.hpp"
#include "xgrad/tensor/random.hpp"

namespace xgrad::data {

namespace {

constexpr double kPi = 3.14159265358979323846;

// A rank-4 float batch as a contiguous tensor (copied once if it is a strided view).
Tensor batch_of(const Tensor& x, const char* op) {
    if (!x.defined()) throw ValueError(std::string(op) + ": got an undefined tensor");
    if (x.dim() != 4)
        throw ValueError(std::string(op) + ": expected a 4-D batch (N, C, H, W), got shape " + shape_str(x.shape()));
    return x.is_contiguous() ? x : ops::contiguous_copy(x);
}

template <class V>
void check_len(const V& v, int64_t n, const char* op, const char* what) {
    if (int64_t(v.size()) != n)
        throw ValueError(std::string(op) + ": " + what + " has " + std::to_string(v.size()) +
                         " entries, expected one per sample (" + std::to_string(n) + ")");
}

// Calls f.template operator()<T>() with T the element type of `dtype`.
template <class F>
void dispatch(DType dtype, F&& f) {
    if (dtype == DType::float32)
        f(float{});
    else
        f(double{});
}

// Coordinates that are integers up to rounding error (90° turns, integer shifts) are snapped, so
// those transforms copy pixels exactly instead of blending in a 1e-16 share of a neighbour.
inline double snap(double v) {
    double r = std::nearbyint(v);
    return std::abs(v - r) < 1e-9 ? r : v;
}

}  // namespace

// ------------------------------------------------------------------ draws

std::vector<double> uniform(int64_t n, double low, double high) {
    if (n < 0) throw ValueError("uniform: n must be >= 0, got " + std::to_string(n));
    if (!(low <= high))
        throw ValueError("uniform: need low <= high, got low=" + std::to_string(low) + ", high=" + std::to_string(high));
    std::vector<double> out(static_cast<size_t>(n), low);
    if (low == high) return out;
    std::uniform_real_distribution<double> dist(low, high);
    for (auto& v : out) v = dist(generator());
    return out;
}

std::vector<uint8_t> bernoulli(int64_t n, double p) {
    if (n < 0) throw ValueError("bernoulli: n must be >= 0, got " + std::to_string(n));
    if (!(p >= 0.0 && p <= 1.0)) throw ValueError("bernoulli: p must be in [0, 1], got " + std::to_string(p));
    std::vector<uint8_t> out(static_cast<size_t>(n));
    std::uniform_real_distribution<double> dist(0.0, 1.0);
    for (auto& v : out) v = dist(generator()) < p ? 1 : 0;
    return out;
}

double beta(double a, double b) {
    if (!(a > 0.0) || !(b > 0.0))
        throw ValueError("beta: both parameters must be > 0, got a=" + std::to_string(a) + ", b=" + std::to_string(b));
    std::gamma_distribution<double> ga(a, 1.0), gb(b, 1.0);
    const double x = ga(generator());
    const double y = gb(generator());
    // Both draws underflow to 0 only for tiny shape parameters; the limit there is a fair coin.
    if (x + y == 0.0) return std::uniform_int_distribution<int>(0, 1)(generator()) ? 1.0 : 0.0;
    return x / (x + y);
}

std::vector<int64_t> jitter_orders(int64_t n) {
    if (n < 0) throw ValueError("jitter_orders: n must be >= 0, got " + std::to_string(n));
    std::vector<int64_t> out;
    out.reserve(size_t(3 * n));
    for (int64_t i = 0; i < n; ++i) {
        int64_t p[3] = {0, 1, 2};
        for (int64_t k = 2; k > 0; --k) {
            std::uniform_int_distribution<int64_t> pick(0, k);
            std::swap(p[k], p[pick(generator())]);
        }
        out.insert(out.end(), p, p + 3);
    }
    return out;
}

// ------------------------------------------------------------------ flip, crop, translate

Tensor hflip(const Tensor& x_in, const std::vector<uint8_t>& flip) {
    const Tensor x = batch_of(x_in, "hflip");
    const int64_t N = x.size(0), C = x.size(1), H = x.size(2), W = x.size(3);
    check_len(flip, N, "hflip", "flip");
    Tensor out = Tensor::empty(x.shape(), x.dtype());
    dispatch(x.dtype(), [&](auto tag) {
        using T = decltype(tag);
        const T* src = x.data<T>();
        T* dst = out.data<T>();
        const int64_t plane = C * H * W;
        for (int64_t i = 0; i < N; ++i) {
            const T* s = src + i * plane;
            T* d = dst + i * plane;
            if (!flip[i]) {
                std::memcpy(d, s, sizeof(T) * size_t(plane));
                continue;
            }
            for (int64_t row = 0; row < C * H; ++row)
                std::reverse_copy(s + row * W, s + (row + 1) * W, d + row * W);
        }
    });
    return out;
}

namespace {

// out[r, s] = src[r + oy, s + ox] where that lies inside the H x W source, else 0, for every
// plane of one sample. Crop and translate are both this window copy.
template <class T>
void shifted_window(const T* src, T* dst, int64_t C, int64_t H, int64_t W, int64_t OH, int64_t OW, int64_t oy,
                    int64_t ox) {
    const int64_t s0 = std::max<int64_t>(0, -ox), s1 = std::min<int64_t>(OW, W - ox);  // columns with a source
    for (int64_t c = 0; c < C; ++c) {
        const T* sp = src + c * H * W;
        T* dp = dst + c * OH * OW;
        for (int64_t r = 0; r < OH; ++r) {
            T* drow = dp + r * OW;
            const int64_t sr = r + oy;
            if (sr < 0 || sr >= H || s1 <= s0) {
                std::fill(drow, drow + OW, T(0));
                continue;
            }
            std::fill(drow, drow + s0, T(0));
            std::memcpy(drow + s0, sp + sr * W + s0 + ox, sizeof(T) * size_t(s1 - s0));
            std::fill(drow + s1, drow + OW, T(0));
        }
    }
}

}  // namespace

Tensor crop(const Tensor& x_in, int64_t out_h, int64_t out_w, int64_t padding, const std::vector<int64_t>& top,
            const std::vector<int64_t>& left) {
    const Tensor x = batch_of(x_in, "crop");
    const int64_t N = x.size(0), C = x.size(1), H = x.size(2), W = x.size(3);
    if (padding < 0) throw ValueError("crop: padding must be >= 0, got " + std::to_string(padding));
    if (out_h < 1 || out_w < 1 || out_h > H + 2 * padding || out_w > W + 2 * padding)
        throw ValueError("crop: size (" + std::to_string(out_h) + ", " + std::to_string(out_w) +
                         ") must be positive and fit the padded image (" + std::to_string(H + 2 * padding) + ", " +
                         std::to_string(W + 2 * padding) + ") of input " + shape_str(x.shape()) + " with padding " +
                         std::to_string(padding));
    check_len(top, N, "crop", "top");
    check_len(left, N, "crop", "left");
    for (int64_t i = 0; i < N; ++i)
        if (top[i] < 0 || top[i] > H + 2 * padding - out_h || left[i] < 0 || left[i] > W + 2 * padding - out_w)
            throw ValueError("crop: offset (top " + std::to_string(top[i]) + ", left " + std::to_string(left[i]) +
                             ") of sample " + std::to_string(i) + " is outside [0, " +
                             std::to_string(H + 2 * padding - out_h) + "] x [0, " +
                             std::to_string(W + 2 * padding - out_w) + "]");
    Tensor out = Tensor::empty({N, C, out_h, out_w}, x.dtype());
    dispatch(x.dtype(), [&](auto tag) {
        using T = decltype(tag);
        for (int64_t i = 0; i < N; ++i)
            shifted_window(x.data<T>() + i * C * H * W, out.data<T>() + i * C * out_h * out_w, C, H, W, out_h, out_w,
                           top[i] - padding, left[i] - padding);
    });
    return out;
}

Tensor translate(const Tensor& x_in, const std::vector<int64_t>& dy, const std::vector<int64_t>& dx) {
    const Tensor x = batch_of(x_in, "translate");
    const int64_t N = x.size(0), C = x.size(1), H = x.size(2), W = x.size(3);
    check_len(dy, N, "translate", "dy");
    check_len(dx, N, "translate", "dx");
    Tensor out = Tensor::empty(x.shape(), x.dtype());
    dispatch(x.dtype(), [&](auto tag) {
        using T = decltype(tag);
        for (int64_t i = 0; i < N; ++i) {
            // Shifts beyond the image only blank it; clamping keeps the index arithmetic small.
            const int64_t oy = std::clamp<int64_t>(-dy[i], -H, H), ox = std::clamp<int64_t>(-dx[i], -W, W);
            shifted_window(x.data<T>() + i * C * H * W, out.data<T>() + i * C * H * W, C, H, W, H, W, oy, ox);
        }
    });
    return out;
}

// ------------------------------------------------------------------ affine

std::vector<double> affine_inverse_matrices(int64_t height, int64_t width, const std::vector<double>& angle,
                                            const std::vector<double>& tx, const std::vector<double>& ty,
                                            const std::vector<double>& scale_x, const std::vector<double>& scale_y,
                                            const std::vector<double>& shear_x, const std::vector<double>& shear_y) {
    const char* op = "affine_inverse_matrices";
    if (height < 1 || width < 1)
        throw ValueError(std::string(op) + ": image size must be positive, got (" + std::to_string(height) + ", " +
                         std::to_string(width) + ")");
    const int64_t n = int64_t(angle.size());
    check_len(tx, n, op, "tx");
    check_len(ty, n, op, "ty");
    check_len(scale_x, n, op, "scale_x");
    check_len(scale_y, n, op, "scale_y");
    check_len(shear_x, n, op, "shear_x");
    check_len(shear_y, n, op, "shear_y");
    const double cx = 0.5 * double(width - 1), cy = 0.5 * double(height - 1);
    std::vector<double> out(size_t(6 * n));
    for (int64_t i = 0; i < n; ++i) {
        if (!(scale_x[i] > 0.0) || !(scale_y[i] > 0.0))
            throw ValueError(std::string(op) + ": scales must be > 0, got (" + std::to_string(scale_x[i]) + ", " +
                             std::to_string(scale_y[i]) + ") for sample " + std::to_string(i));
        if (!(std::abs(shear_x[i]) < 90.0) || !(std::abs(shear_y[i]) < 90.0))
            throw ValueError(std::string(op) + ": shear angles must be in (-90, 90) degrees, got (" +
                             std::to_string(shear_x[i]) + ", " + std::to_string(shear_y[i]) + ")");
        const double th = angle[i] * kPi / 180.0;
        const double c = std::cos(th), s = std::sin(th);
        const double hx = std::tan(shear_x[i] * kPi / 180.0), hy = std::tan(shear_y[i] * kPi / 180.0);
        // Forward A = R Sh S with y pointing down: R = [[c, s], [-s, c]] turns counter-clockwise on
        // screen; Sh = ShY ShX = [[1, hx], [hy, 1 + hx hy]] has determinant 1; S = diag(sx, sy).
        const double sh00 = 1.0, sh01 = hx, sh10 = hy, sh11 = 1.0 + hx * hy;
        const double rs00 = c * sh00 + s * sh10, rs01 = c * sh01 + s * sh11;
        const double rs10 = -s * sh00 + c * sh10, rs11 = -s * sh01 + c * sh11;
        const double a00 = rs00 * scale_x[i], a01 = rs01 * scale_y[i];
        const double a10 = rs10 * scale_x[i], a11 = rs11 * scale_y[i];
        const double det = a00 * a11 - a01 * a10;  // = sx * sy
        const double m00 = a11 / det, m01 = -a01 / det, m10 = -a10 / det, m11 = a00 / det;
        // p_in = M (p_out - centre - t) + centre
        const double ox = cx + tx[i], oy = cy + ty[i];
        double* o = out.data() + 6 * i;
        o[0] = m00;
        o[1] = m01;
        o[2] = cx - (m00 * ox + m01 * oy);
        o[3] = m10;
        o[4] = m11;
        o[5] = cy - (m10 * ox + m11 * oy);
    }
    return out;
}

Tensor affine(const Tensor& x_in, const std::vector<double>& inverse) {
    const Tensor x = batch_of(x_in, "affine");
    const int64_t N = x.size(0), C = x.size(1), H = x.size(2), W = x.size(3);
    if (int64_t(inverse.size()) != 6 * N)
        throw ValueError("affine: expected 6 matrix entries per sample (" + std::to_string(6 * N) + "), got " +
                         std::to_string(inverse.size()));
    Tensor out = Tensor::empty(x.shape(), x.dtype());
    const int64_t HW = H * W;
    // Per output pixel: the four source offsets (-1 outside the image) and bilinear weights,
    // computed once per sample and reused for every channel.
    std::vector<int64_t> idx(size_t(4 * HW));
    dispatch(x.dtype(), [&](auto tag) {
        using T = decltype(tag);
        std::vector<T> wgt(size_t(4 * HW));
        for (int64_t i = 0; i < N; ++i) {
            const double* m = inverse.data() + 6 * i;
            for (int64_t r = 0; r < H; ++r) {
                for (int64_t s = 0; s < W; ++s) {
                    const double xs = snap(m[0] * double(s) + m[1] * double(r) + m[2]);
                    const double ys = snap(m[3] * double(s) + m[4] * double(r) + m[5]);
                    const int64_t k = 4 * (r * W + s);
                    if (!(xs > -1.0 && xs < double(W) && ys > -1.0 && ys < double(H))) {  // NaN lands here too
                        for (int j = 0; j < 4; ++j) idx[k + j] = -1, wgt[k + j] = T(0);
                        continue;
                    }
                    const double fx = std::floor(xs), fy = std::floor(ys);
                    const int64_t x0 = int64_t(fx), y0 = int64_t(fy);
                    const double wx = xs - fx, wy = ys - fy;
                    const int64_t xx[2] = {x0, x0 + 1}, yy[2] = {y0, y0 + 1};
                    const double wxs[2] = {1.0 - wx, wx}, wys[2] = {1.0 - wy, wy};
                    for (int a = 0; a < 2; ++a)
                        for (int b = 0; b < 2; ++b) {
                            const bool inside = yy[a] >= 0 && yy[a] < H && xx[b] >= 0 && xx[b] < W;
                            const double w = wys[a] * wxs[b];
                            idx[k + 2 * a + b] = inside && w != 0.0 ? yy[a] * W + xx[b] : -1;
                            wgt[k + 2 * a + b] = inside ? T(w) : T(0);
                        }
                }
            }
            for (int64_t c = 0; c < C; ++c) {
                const T* src = x.data<T>() + (i * C + c) * HW;
                T* dst = out.data<T>() + (i * C + c) * HW;
                for (int64_t p = 0; p < HW; ++p) {
                    T acc = T(0);
                    for (int j = 0; j < 4; ++j) {
                        const int64_t q = idx[4 * p + j];
                        if (q >= 0) acc += wgt[4 * p + j] * src[q];
                    }
                    dst[p] = acc;
                }
            }
        }
    });
    return out;
}

// ------------------------------------------------------------------ colour

Tensor color_jitter(const Tensor& x_in, const std::vector<double>& brightness, const std::vector<double>& contrast,
                    const std::vector<double>& saturation, const std::vector<int64_t>& order) {
    const Tensor x = batch_of(x_in, "color_jitter");
    const int64_t N = x.size(0), C = x.size(1), H = x.size(2), W = x.size(3);
    const bool use_b = !brightness.empty(), use_c = !contrast.empty(), use_s = !saturation.empty();
    if (use_b) check_len(brightness, N, "color_jitter", "brightness");
    if (use_c) check_len(contrast, N, "color_jitter", "contrast");
    if (use_s) check_len(saturation, N, "color_jitter", "saturation");
    check_len(order, 3 * N, "color_jitter", "order (3 per sample)");
    if (C != 1 && C != 3)
        throw ValueError("color_jitter: expected 1 or 3 channels, got shape " + shape_str(x.shape()));
    if (use_s && C != 3)
        throw ValueError("color_jitter: saturation needs 3-channel (RGB) images, got shape " + shape_str(x.shape()) +
                         "; use saturation=0 for grayscale");
    for (int64_t i = 0; i < N; ++i) {
        if ((use_b && !(brightness[i] >= 0)) || (use_c && !(contrast[i] >= 0)) || (use_s && !(saturation[i] >= 0)))
            throw ValueError("color_jitter: factors must be >= 0 (sample " + std::to_string(i) + ")");
        for (int j = 0; j < 3; ++j)
            if (order[3 * i + j] < 0 || order[3 * i + j] > 2)
                throw ValueError("color_jitter: order entries must be 0, 1 or 2, got " +
                                 std::to_string(order[3 * i + j]));
    }
    Tensor out = ops::contiguous_copy(x);
    const int64_t HW = H * W;
    dispatch(x.dtype(), [&](auto tag) {
        using T = decltype(tag);
        auto blend_clamp = [](T v, T factor, T other) {  // torchvision's _blend on float images
            const T r = factor * v + (T(1) - factor) * other;
            return std::min(std::max(r, T(0)), T(1));
        };
        for (int64_t i = 0; i < N; ++i) {
            T* img = out.data<T>() + i * C * HW;
            T* r = img;
            T* g = C == 3 ? img + HW : img;
            T* b = C == 3 ? img + 2 * HW : img;
            auto gray = [&](int64_t p) {
                return C == 3 ? T(0.2989) * r[p] + T(0.587) * g[p] + T(0.114) * b[p] : img[p];
            };
            for (int j = 0; j < 3; ++j) {
                const int64_t which = order[3 * i + j];
                if (which == 0 && use_b) {
                    const T f = T(brightness[i]);
                    for (int64_t p = 0; p < C * HW; ++p) img[p] = blend_clamp(img[p], f, T(0));
                } else if (which == 1 && use_c) {
                    const T f = T(contrast[i]);
                    double sum = 0.0;
                    for (int64_t p = 0; p < HW; ++p) sum += double(gray(p));
                    const T mean = T(sum / double(HW));
                    for (int64_t p = 0; p < C * HW; ++p) img[p] = blend_clamp(img[p], f, mean);
                } else if (which == 2 && use_s) {
                    const T f = T(saturation[i]);
                    for (int64_t p = 0; p < HW; ++p) {
                        const T l = gray(p);
                        r[p] = blend_clamp(r[p], f, l);
                        g[p] = blend_clamp(g[p], f, l);
                        b[p] = blend_clamp(b[p], f, l);
                    }
                }
            }
        }
    });
    return out;
}

// ------------------------------------------------------------------ cutout

Tensor cutout(const Tensor& x_in, int64_t size, const std::vector<int64_t>& cy, const std::vector<int64_t>& cx) {
    const Tensor x = batch_of(x_in, "cutout");
    const int64_t N = x.size(0), C = x.size(1), H = x.size(2), W = x.size(3);
    if (size < 0) throw ValueError("cutout: size must be >= 0, got " + std::to_string(size));
    check_len(cy, N, "cutout", "cy");
    check_len(cx, N, "cutout", "cx");
    Tensor out = ops::contiguous_copy(x);
    dispatch(x.dtype(), [&](auto tag) {
        using T = decltype(tag);
        for (int64_t i = 0; i < N; ++i) {
            const int64_t r0 = std::max<int64_t>(0, cy[i] - size / 2), r1 = std::min<int64_t>(H, cy[i] - size / 2 + size);
            const int64_t c0 = std::max<int64_t>(0, cx[i] - size / 2), c1 = std::min<int64_t>(W, cx[i] - size / 2 + size);
            if (r1 <= r0 || c1 <= c0) continue;
            for (int64_t c = 0; c < C; ++c) {
                T* plane = out.data<T>() + (i * C + c) * H * W;
                for (int64_t r = r0; r < r1; ++r) std::fill(plane + r * W + c0, plane + r * W + c1, T(0));
            }
        }
    });
    return out;
}

}  // namespace xgrad::data
