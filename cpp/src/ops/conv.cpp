// conv2d: forward out[n, g] = W_g @ im2col(x[n, g]) (+ bias); backward
// dW_g += dout[n, g] @ im2col(x[n, g])^T, dx[n, g] = col2im(W_g^T @ dout[n, g]), db = sum of dout.
// A 1x1 convolution with stride 1 and no padding skips im2col: the image is its own column matrix.
// A 3x3 stride-1 convolution runs Winograd F(2x2, 3x3) (kernels/winograd.hpp) where use_winograd says.
#include "xgrad/ops/conv.hpp"

#include <atomic>
#include <sstream>

#include "../kernels/blas.hpp"
#include "../kernels/elementwise.hpp"
#include "../kernels/im2col.hpp"
#include "../kernels/winograd.hpp"
#include "op_utils.hpp"
#include "xgrad/tensor/threads.hpp"

namespace xgrad::ops {

using Grads = std::vector<Tensor>;

namespace {

std::string pair_str(Pair p) { return "(" + std::to_string(p[0]) + ", " + std::to_string(p[1]) + ")"; }

struct ConvPlan {
    int64_t N, C, H, W, O, G, Cg, Og, K, P;
    kernels::ConvGeometry geo;
    bool direct;  // 1x1, stride 1, no padding: no im2col
};

// From the shapes alone (conv_algorithm_for asks without tensors); b is the bias or undefined.
ConvPlan plan_conv(const std::vector<int64_t>& xs, const std::vector<int64_t>& ws, const Tensor& b, Pair stride,
                   Pair padding, Pair dilation,
                   int64_t groups) {
    if (xs.size() != 4)
        throw ValueError("conv2d: input must be 4-D (N, C, H, W), got shape " + shape_str(xs));
    if (ws.size() != 4)
        throw ValueError("conv2d: weight must be 4-D (out_channels, in_channels/groups, kh, kw), got shape " +
                         shape_str(ws));
    if (groups < 1) throw ValueError("conv2d: groups must be positive, got " + std::to_string(groups));
    for (int k = 0; k < 2; ++k) {
        if (stride[k] < 1) throw ValueError("conv2d: stride must be positive, got " + pair_str(stride));
        if (padding[k] < 0) throw ValueError("conv2d: padding must be non-negative, got " + pair_str(padding));
        if (dilation[k] < 1) throw ValueError("conv2d: dilation must be positive, got " + pair_str(dilation));
    }
    ConvPlan p{};
    p.N = xs[0]; p.C = xs[1]; p.H = xs[2]; p.W = xs[3];
    p.O = ws[0]; p.G = groups; p.Cg = ws[1];
    const int64_t kh = ws[2], kw = ws[3];
    if (p.O % groups != 0) {
        std::ostringstream os;
        os << "conv2d: out_channels " << p.O << " (weight " << shape_str(ws) << ") is not divisible by groups="
           << groups;
        throw ValueError(os.str());
    }
    if (p.Cg * groups != p.C) {
        std::ostringstream os;
        os << "conv2d: input of shape " << shape_str(xs) << " has " << p.C << " channels, but weight of shape "
           << shape_str(ws) << " with groups=" << groups << " expects " << p.Cg * groups;
        throw ValueError(os.str());
    }
    if (b.defined() && (b.dim() != 1 || b.shape()[0] != p.O))
        throw ValueError("conv2d: bias of shape " + shape_str(b.shape()) + " does not match " + std::to_string(p.O) +
                         " output channels");
    // dilation * (k - 1) + 1 and H + 2 padding wrapped around int64 for huge arguments (a negative
    // output shape, or a check passing on wrapped numbers)
    int64_t ekh = 0, ekw = 0, Hp = 0, Wp = 0;
    if (__builtin_mul_overflow(dilation[0], kh - 1, &ekh) || __builtin_add_overflow(ekh, 1, &ekh) ||
        __builtin_mul_overflow(dilation[1], kw - 1, &ekw) || __builtin_add_overflow(ekw, 1, &ekw) ||
        __builtin_mul_overflow(padding[0], 2, &Hp) || __builtin_add_overflow(Hp, p.H, &Hp) ||
        __builtin_mul_overflow(padding[1], 2, &Wp) || __builtin_add_overflow(Wp, p.W, &Wp))
        throw ValueError("conv2d: padding " + pair_str(padding) + " and dilation " + pair_str(dilation) +
                         " with a kernel of " + shape_str(ws) + " give a window or a padded input beyond int64");
    if (ekh > Hp || ekw > Wp) {
        std::ostringstream os;
        os << "conv2d: kernel of size " << ekh << "x" << ekw << " (dilation " << pair_str(dilation)
           << " included) is larger than the padded input " << Hp << "x" << Wp << " (input " << shape_str(xs)
           << ", padding " << pair_str(padding) << ")";
        throw ValueError(os.str());
    }
    p.geo = {kh, kw, stride[0], stride[1], padding[0], padding[1], dilation[0], dilation[1],
             (Hp - ekh) / stride[0] + 1, (Wp - ekw) / stride[1] + 1};
    p.Og = p.O / groups;
    p.K = p.Cg * kh * kw;
    p.P = p.geo.oh * p.geo.ow;
    p.direct = kh == 1 && kw == 1 && stride[0] == 1 && stride[1] == 1 && padding[0] == 0 && padding[1] == 0;
    return p;
}

// The im2col buffer, from the caching allocator (a fresh 300 KB std::vector is an mmap and page
// faults on every call).
template <class T>
struct ColBuffer {
    Tensor t;
    explicit ColBuffer(const ConvPlan& p) : t(Tensor::empty({p.direct ? 0 : p.K * p.P}, dtype_of<T>())) {}
    T* data() const { return t.data<T>(); }
};

template <class T>
void conv_forward(const ConvPlan& p, const T* x, const T* w, const T* b, T* out) {
    ColBuffer<T> col(p);
    const int64_t HW = p.H * p.W;
    for (int64_t n = 0; n < p.N; ++n)
        for (int64_t g = 0; g < p.G; ++g) {
            const T* xg = x + (n * p.C + g * p.Cg) * HW;
            const T* cols = xg;
            if (!p.direct) {
                kernels::im2col(xg, p.Cg, p.H, p.W, p.geo, col.data());
                cols = col.data();
            }
            T* og = out + (n * p.O + g * p.Og) * p.P;
            T beta = T(0);
            if (b) {
                for (int64_t o = 0; o < p.Og; ++o) std::fill(og + o * p.P, og + (o + 1) * p.P, b[g * p.Og + o]);
                beta = T(1);
            }
            kernels::gemm<T>(false, false, p.Og, p.P, p.K, T(1), w + g * p.Og * p.K, p.K, cols, p.P, beta, og, p.P);
        }
}

// db[o] = sum of dout[:, o], accumulated in double
template <class T>
void bias_grad(const ConvPlan& p, const T* go, T* db) {
    for (int64_t o = 0; o < p.O; ++o) {
        double acc = 0;
        for (int64_t n = 0; n < p.N; ++n) {
            const T* row = go + (n * p.O + o) * p.P;
            for (int64_t i = 0; i < p.P; ++i) acc += row[i];
        }
        db[o] = T(acc);
    }
}

template <class T>
void conv_backward(const ConvPlan& p, const T* x, const T* w, const T* go, T* dx, T* dw, T* db) {
    ColBuffer<T> col(p);
    const int64_t HW = p.H * p.W;
    if (dw) std::fill(dw, dw + p.O * p.K, T(0));
    if (dx) std::fill(dx, dx + p.N * p.C * HW, T(0));
    for (int64_t n = 0; n < p.N; ++n)
        for (int64_t g = 0; g < p.G; ++g) {
            const T* gg = go + (n * p.O + g * p.Og) * p.P;
            const T* wg = w + g * p.Og * p.K;
            if (dw) {
                const T* xg = x + (n * p.C + g * p.Cg) * HW;
                const T* cols = xg;
                if (!p.direct) {
                    kernels::im2col(xg, p.Cg, p.H, p.W, p.geo, col.data());
                    cols = col.data();
                }
                kernels::gemm<T>(false, true, p.Og, p.K, p.P, T(1), gg, p.P, cols, p.P, T(1), dw + g * p.Og * p.K, p.K);
            }
            if (dx) {
                T* dxg = dx + (n * p.C + g * p.Cg) * HW;
                if (p.direct) {
                    kernels::gemm<T>(true, false, p.K, p.P, p.Og, T(1), wg, p.K, gg, p.P, T(0), dxg, p.P);
                } else {
                    kernels::gemm<T>(true, false, p.K, p.P, p.Og, T(1), wg, p.K, gg, p.P, T(0), col.data(), p.P);
                    kernels::col2im(col.data(), p.Cg, p.H, p.W, p.geo, dxg);
                }
            }
        }
    if (db) bias_grad(p, go, db);
}

enum class Algorithm : int { automatic = 0, gemm = 1, winograd = 2 };
std::atomic<int> g_algorithm{int(Algorithm::automatic)};

bool winograd_eligible(const ConvPlan& p) {
    const auto& g = p.geo;
    return g.kh == 3 && g.kw == 3 && g.sh == 1 && g.sw == 1 && g.dh == 1 && g.dw == 1 && p.G == 1;
}

// The measured rule (benchmarks/conv_algorithms.py, 1 and 2 threads): on one thread Winograd wins
// once both channel counts are large enough for its 16 gemms (C x O per tile position) to run near
// gemm's rate; on more threads im2col's one large gemm per image splits better over OpenBLAS's
// threads than Winograd's 16 small ones, and Winograd won only at 128 channels in and out.
bool use_winograd(const ConvPlan& p) {
    if (!winograd_eligible(p)) return false;
    switch (Algorithm(g_algorithm.load())) {
        case Algorithm::gemm: return false;
        case Algorithm::winograd: return true;
        default: {
            const int64_t least = num_threads() == 1 ? 16 : 128;
            return p.C >= least && p.O >= least;
        }
    }
}

kernels::WinogradGeometry winograd_geometry_of(const ConvPlan& p) {
    return kernels::winograd_geometry(p.N, p.C, p.H, p.W, p.O, p.geo.ph, p.geo.pw);
}

}  // namespace

Tensor conv2d(const Tensor& x_in, const Tensor& weight, const Tensor& bias, Pair stride, Pair padding, Pair dilation,
              int64_t groups) {
    require_floating(x_in, "conv2d");
    require_floating(weight, "conv2d");
    ConvPlan p = plan_conv(x_in.shape(), weight.shape(), bias, stride, padding, dilation, groups);
    DType dt = promote_types(x_in.dtype(), weight.dtype());
    if (bias.defined()) dt = promote_types(dt, bias.dtype());
    Tensor x = to_dtype(x_in, dt), w = to_dtype(weight, dt), b = bias.defined() ? to_dtype(bias, dt) : bias;
    Tensor xc = x.is_contiguous() ? x : contiguous_copy(x);
    Tensor wc = w.is_contiguous() ? w : contiguous_copy(w);
    Tensor bc = b.defined() && !b.is_contiguous() ? contiguous_copy(b) : b;
    Tensor out = Tensor::empty({p.N, p.O, p.geo.oh, p.geo.ow}, dt);
    const bool winograd = use_winograd(p);
    Tensor U = winograd ? Tensor::empty({16, p.O, p.C}, dt) : Tensor();  // the transformed filters
    XGRAD_DISPATCH(dt, [&] {
        const scalar_t* pb = bc.defined() ? bc.data<scalar_t>() : nullptr;
        if (winograd) {
            kernels::winograd_filter_transform(wc.data<scalar_t>(), p.O, p.C, U.data<scalar_t>());
            kernels::winograd_forward(winograd_geometry_of(p), xc.data<scalar_t>(), U.data<scalar_t>(), pb,
                                      out.data<scalar_t>());
        } else {
            conv_forward<scalar_t>(p, xc.data<scalar_t>(), wc.data<scalar_t>(), pb, out.data<scalar_t>());
        }
    });
    std::vector<Tensor> inputs{x, w};
    if (b.defined()) inputs.push_back(b);
    if (needs_grad(inputs)) {
        bool gx = x.requires_grad(), gw = w.requires_grad(), gb = b.defined() && b.requires_grad();
        const size_t n_inputs = inputs.size();
        autograd::attach(out, "conv2d", inputs, [xc = saved(xc), wc = saved(wc), U, p, gx, gw, gb,
                                                 n_inputs](const Tensor& g_in) {
            Tensor g = g_in.is_contiguous() ? g_in : contiguous_copy(g_in);
            Grads grads(n_inputs);  // x, w, and the bias when there is one
            const DType dt = xc.dtype();
            if (gx) grads[0] = Tensor::empty(xc.shape(), dt);
            if (gw) grads[1] = Tensor::empty(wc.shape(), dt);
            if (gb) grads[2] = Tensor::empty({p.O}, dt);
            XGRAD_DISPATCH(dt, [&] {
                scalar_t* dx = gx ? grads[0].data<scalar_t>() : nullptr;
                scalar_t* dw = gw ? grads[1].data<scalar_t>() : nullptr;
                scalar_t* db = gb ? grads[2].data<scalar_t>() : nullptr;
                if (U.defined()) {
                    kernels::winograd_backward(winograd_geometry_of(p), xc.data<scalar_t>(), U.data<scalar_t>(),
                                               g.data<scalar_t>(), dx, dw);
                    if (db) bias_grad(p, g.data<scalar_t>(), db);
                } else {
                    conv_backward<scalar_t>(p, xc.data<scalar_t>(), wc.data<scalar_t>(), g.data<scalar_t>(), dx, dw,
                                            db);
                }
            });
            return grads;
        });
    }
    return out;
}

void set_conv_algorithm(const std::string& name) {
    if (name == "auto") g_algorithm = int(Algorithm::automatic);
    else if (name == "gemm") g_algorithm = int(Algorithm::gemm);
    else if (name == "winograd") g_algorithm = int(Algorithm::winograd);
    else throw ValueError("set_conv_algorithm: expected 'auto', 'gemm' or 'winograd', got '" + name + "'");
}

std::string conv_algorithm() {
    switch (Algorithm(g_algorithm.load())) {
        case Algorithm::gemm: return "gemm";
        case Algorithm::winograd: return "winograd";
        default: return "auto";
    }
}

std::string conv_algorithm_for(const std::vector<int64_t>& x_shape, const std::vector<int64_t>& w_shape, Pair stride,
                               Pair padding, Pair dilation, int64_t groups) {
    return use_winograd(plan_conv(x_shape, w_shape, Tensor(), stride, padding, dilation, groups)) ? "winograd" : "gemm";
}

}  // namespace xgrad::ops
