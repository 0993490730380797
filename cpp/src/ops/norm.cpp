// Fused normalisation: one forward pass for statistics, one for the output; the backward uses
// the classic closed form dx = w / sigma * (g - mean(g) - xhat * mean(g * xhat)) in two passes.
//
// Every statistic and every xhat is taken from the differences to a shift (the group's first
// value): xhat = ((x - shift) - mean_dev) / sigma, mean = shift + mean_dev. At an offset large
// against the spread (inputs near 1e6 with a standard deviation of 0.1), x * k - mean * k and
// sums of x cancel catastrophically; x - shift is exact there (Sterbenz) and the rest is small.
#include "xgrad/ops/norm.hpp"

#include <cmath>
#include <sstream>

#include "op_utils.hpp"

namespace xgrad::ops {

using Grads = std::vector<Tensor>;

namespace {

// XGRAD_DISPATCH as a function: its body is not a macro argument, so `#pragma omp simd` works in it.
template <class F>
void dispatch(DType dt, F&& body) {
    if (dt == DType::float32) body(float{});
    else body(double{});
}

Tensor contiguous_of(const Tensor& x) { return x.is_contiguous() ? x : contiguous_copy(x); }

void check_param(const char* op, const char* what, const Tensor& t, const Shape& expected, const Tensor& x) {
    if (t.defined() && t.shape() != expected) {
        std::ostringstream os;
        os << op << ": " << what << " of shape " << shape_str(t.shape()) << " does not match input of shape "
           << shape_str(x.shape()) << " (expected " << shape_str(expected) << ")";
        throw ValueError(os.str());
    }
}

// Common dtype of x and the affine parameters; casts (differentiably) and makes them contiguous.
struct Affine {
    Tensor x, w, b, xc, wc, bc;
};
Affine prepare(const Tensor& x_in, const Tensor& w_in, const Tensor& b_in) {
    DType dt = x_in.dtype();
    if (w_in.defined()) dt = promote_types(dt, w_in.dtype());
    if (b_in.defined()) dt = promote_types(dt, b_in.dtype());
    Affine a;
    a.x = to_dtype(x_in, dt);
    a.w = w_in.defined() ? to_dtype(w_in, dt) : w_in;
    a.b = b_in.defined() ? to_dtype(b_in, dt) : b_in;
    a.xc = contiguous_of(a.x);
    a.wc = a.w.defined() ? contiguous_of(a.w) : a.w;
    a.bc = a.b.defined() ? contiguous_of(a.b) : a.b;
    return a;
}

// ---------------------------------------------------------------- batch norm: stats per channel over (N, S)

// Per channel c: shift[c] (its first value), mean_dev[c] = mean(x - shift[c]) and the biased variance.
template <class T>
void bn_stats(const T* x, int64_t N, int64_t C, int64_t S, std::vector<double>& shift, std::vector<double>& mean_dev,
              std::vector<double>& var) {
    shift.assign(size_t(C), 0.0);
    mean_dev.assign(size_t(C), 0.0);
    var.assign(size_t(C), 0.0);
    for (int64_t c = 0; c < C; ++c) shift[size_t(c)] = double(x[c * S]);
    const double M = double(N * S);
    double* sh_c = shift.data();
    double* md_c = mean_dev.data();
    double* var_c = var.data();
    if (S == 1) {  // (N, C), BatchNorm1d: vectorise across channels; each channel still sums n in order
        for (int64_t n = 0; n < N; ++n) {
            const T* row = x + n * C;
#pragma omp simd
            for (int64_t c = 0; c < C; ++c) md_c[c] += double(row[c]) - sh_c[c];
        }
        for (int64_t c = 0; c < C; ++c) md_c[c] /= M;
        for (int64_t n = 0; n < N; ++n) {
            const T* row = x + n * C;
#pragma omp simd
            for (int64_t c = 0; c < C; ++c) {
                const double d = (double(row[c]) - sh_c[c]) - md_c[c];
                var_c[c] += d * d;
            }
        }
        for (int64_t c = 0; c < C; ++c) var_c[c] /= M;
        return;
    }
    for (int64_t n = 0; n < N; ++n)
        for (int64_t c = 0; c < C; ++c) {
            const T* row = x + (n * C + c) * S;
            const double sh = shift[size_t(c)];
            double acc = 0;
#pragma omp simd reduction(+ : acc)
            for (int64_t s = 0; s < S; ++s) acc += double(row[s]) - sh;
            mean_dev[size_t(c)] += acc;
        }
    for (auto& m : mean_dev) m /= M;
    for (int64_t n = 0; n < N; ++n)
        for (int64_t c = 0; c < C; ++c) {
            const T* row = x + (n * C + c) * S;
            const double sh = shift[size_t(c)], md = mean_dev[size_t(c)];
            double acc = 0;
#pragma omp simd reduction(+ : acc)
            for (int64_t s = 0; s < S; ++s) {
                const double d = (double(row[s]) - sh) - md;
                acc += d * d;
            }
            var[size_t(c)] += acc;
        }
    for (auto& v : var) v /= M;
}

// y[n, c, s] = ((x - shift[c]) - mean_dev[c]) * scale[c] + bias[c]
template <class T>
void channel_affine(const T* x, T* y, int64_t N, int64_t C, int64_t S, const std::vector<double>& shift,
                    const std::vector<double>& mean_dev, const std::vector<double>& scale,
                    const std::vector<double>& bias) {
    if (S == 1) {  // (N, C): across channels, with the per-channel constants rounded to T as below
        const auto nc = static_cast<std::size_t>(C);
        std::vector<T> sh(nc), md(nc), k(nc), b(nc);
        for (size_t c = 0; c < size_t(C); ++c) {
            sh[c] = T(shift[c]); md[c] = T(mean_dev[c]); k[c] = T(scale[c]); b[c] = T(bias[c]);
        }
        for (int64_t n = 0; n < N; ++n) {
            const T* src = x + n * C;
            T* dst = y + n * C;
#pragma omp simd
            for (int64_t c = 0; c < C; ++c) dst[c] = ((src[c] - sh[size_t(c)]) - md[size_t(c)]) * k[size_t(c)] + b[size_t(c)];
        }
        return;
    }
    for (int64_t n = 0; n < N; ++n)
        for (int64_t c = 0; c < C; ++c) {
            const T sh = T(shift[size_t(c)]), md = T(mean_dev[size_t(c)]), k = T(scale[size_t(c)]),
                    b = T(bias[size_t(c)]);
            const T* src = x + (n * C + c) * S;
            T* dst = y + (n * C + c) * S;
#pragma omp simd
            for (int64_t s = 0; s < S; ++s) dst[s] = ((src[s] - sh) - md) * k + b;
        }
}

}  // namespace

Tensor batch_norm(const Tensor& x_in, const Tensor& running_mean, const Tensor& running_var, const Tensor& weight,
                  const Tensor& bias, bool training, double momentum, double eps) {
    require_floating(x_in, "batch_norm");
    if (x_in.dim() < 2)
        throw ValueError("batch_norm: input must be (N, C) or (N, C, ...), got shape " + shape_str(x_in.shape()));
    const int64_t N = x_in.shape()[0], C = x_in.shape()[1];
    const int64_t S = (N * C) != 0 ? x_in.numel() / (N * C) : 0;
    check_param("batch_norm", "weight", weight, {C}, x_in);
    check_param("batch_norm", "bias", bias, {C}, x_in);
    check_param("batch_norm", "running_mean", running_mean, {C}, x_in);
    check_param("batch_norm", "running_var", running_var, {C}, x_in);
    if (running_mean.defined() != running_var.defined())
        throw ValueError("batch_norm: give both running_mean and running_var, or neither");
    if (!training && !running_mean.defined())
        throw ValueError("batch_norm: evaluation mode needs running_mean and running_var");
    if (training && N * S <= 1) {
        std::ostringstream os;
        os << "batch_norm: expected more than 1 value per channel when training, got input of shape "
           << shape_str(x_in.shape());
        throw ValueError(os.str());
    }
    if (running_mean.defined() && (!running_mean.is_contiguous() || !running_var.is_contiguous()))
        throw ValueError("batch_norm: running_mean and running_var must be contiguous");
    Affine a = prepare(x_in, weight, bias);
    const DType dt = a.x.dtype();
    std::vector<double> shift, mean_dev, var;
    dispatch(dt, [&](auto tag_) {
                using scalar_t = decltype(tag_);
        if (training) {
            bn_stats<scalar_t>(a.xc.data<scalar_t>(), N, C, S, shift, mean_dev, var);
        }
    });
    if (training && running_mean.defined()) {
        const double unbias = double(N * S) / double(N * S - 1);
        dispatch(running_mean.dtype(), [&](auto tag_) {
                using scalar_t = decltype(tag_);
            scalar_t* rm = running_mean.data<scalar_t>();
            for (int64_t c = 0; c < C; ++c)
                rm[c] = scalar_t((1 - momentum) * rm[c] + momentum * (shift[size_t(c)] + mean_dev[size_t(c)]));
        });
        dispatch(running_var.dtype(), [&](auto tag_) {
                using scalar_t = decltype(tag_);
            scalar_t* rv = running_var.data<scalar_t>();
            for (int64_t c = 0; c < C; ++c)
                rv[c] = scalar_t((1 - momentum) * rv[c] + momentum * var[size_t(c)] * unbias);
        });
        running_mean.bump_version();
        running_var.bump_version();
    }
    if (!training) {  // the running mean is the shift; nothing is left over
        shift.resize(size_t(C));
        mean_dev.assign(size_t(C), 0.0);
        var.resize(size_t(C));
        dispatch(running_mean.dtype(), [&](auto tag_) {
                using scalar_t = decltype(tag_);
            for (int64_t c = 0; c < C; ++c) shift[size_t(c)] = running_mean.data<scalar_t>()[c];
        });
        dispatch(running_var.dtype(), [&](auto tag_) {
                using scalar_t = decltype(tag_);
            for (int64_t c = 0; c < C; ++c) var[size_t(c)] = running_var.data<scalar_t>()[c];
        });
    }
    std::vector<double> invstd(static_cast<size_t>(C)), scale(static_cast<size_t>(C)), bias_of(static_cast<size_t>(C));
    Tensor out = Tensor::empty(a.x.shape(), dt);
    dispatch(dt, [&](auto tag_) {
                using scalar_t = decltype(tag_);
        for (int64_t c = 0; c < C; ++c) {
            invstd[size_t(c)] = 1.0 / std::sqrt(var[size_t(c)] + eps);
            const double w = a.wc.defined() ? double(a.wc.data<scalar_t>()[c]) : 1.0;
            bias_of[size_t(c)] = a.bc.defined() ? double(a.bc.data<scalar_t>()[c]) : 0.0;
            scale[size_t(c)] = w * invstd[size_t(c)];
        }
        channel_affine<scalar_t>(a.xc.data<scalar_t>(), out.data<scalar_t>(), N, C, S, shift, mean_dev, scale,
                                 bias_of);
    });
    std::vector<Tensor> inputs{a.x};
    if (a.w.defined()) inputs.push_back(a.w);
    if (a.b.defined()) inputs.push_back(a.b);
    if (needs_grad(inputs)) {
        const bool gx = a.x.requires_grad(), gw = a.w.defined() && a.w.requires_grad(),
                   gb = a.b.defined() && a.b.requires_grad(), has_w = a.w.defined(), has_b = a.b.defined();
        autograd::attach(out, "batch_norm", inputs,
                         [xc = saved(a.xc), wc = a.wc.defined() ? saved(a.wc) : Tensor(), shift, mean_dev, invstd, N,
                          C, S, training, gx, gw, gb, has_w, has_b](const Tensor& g_in) {
            Tensor g = contiguous_of(g_in);
            const DType dt = xc.dtype();
            Tensor dx = gx ? Tensor::empty(xc.shape(), dt) : Tensor();
            Tensor dw = gw ? Tensor::empty({C}, dt) : Tensor();
            Tensor db = gb ? Tensor::empty({C}, dt) : Tensor();
            dispatch(dt, [&](auto tag_) {
                using scalar_t = decltype(tag_);
                const scalar_t* px = xc.data<scalar_t>();
                const scalar_t* pg = g.data<scalar_t>();
                // per channel: sum(g) and sum(g * xhat)
                std::vector<double> sg(size_t(C), 0.0), sgx(size_t(C), 0.0);
                if (S == 1) {  // (N, C): across channels, each channel summing n in order as below
                    double* psg = sg.data();
                    double* psgx = sgx.data();
                    const double* psh = shift.data();
                    const double* pmd = mean_dev.data();
                    const double* pinv = invstd.data();
                    for (int64_t n = 0; n < N; ++n) {
                        const scalar_t* xr = px + n * C;
                        const scalar_t* gr = pg + n * C;
#pragma omp simd
                        for (int64_t c = 0; c < C; ++c) {
                            psg[c] += gr[c];
                            psgx[c] += (gr[c] * ((double(xr[c]) - psh[c]) - pmd[c])) * pinv[c];
                        }
                    }
                } else
                for (int64_t n = 0; n < N; ++n)
                    for (int64_t c = 0; c < C; ++c) {
                        const scalar_t* xr = px + (n * C + c) * S;
                        const scalar_t* gr = pg + (n * C + c) * S;
                        const double sh = shift[size_t(c)], md = mean_dev[size_t(c)];
                        double a1 = 0, a2 = 0;
#pragma omp simd reduction(+ : a1, a2)
                        for (int64_t s = 0; s < S; ++s) {
                            a1 += gr[s];
                            a2 += gr[s] * ((double(xr[s]) - sh) - md);
                        }
                        sg[size_t(c)] += a1;
                        sgx[size_t(c)] += a2 * invstd[size_t(c)];
                    }
                if (gw) for (int64_t c = 0; c < C; ++c) dw.data<scalar_t>()[c] = scalar_t(sgx[size_t(c)]);
                if (gb) for (int64_t c = 0; c < C; ++c) db.data<scalar_t>()[c] = scalar_t(sg[size_t(c)]);
                if (gx) {
                    const double M = double(N * S);
                    const auto nc = static_cast<std::size_t>(C);
                    std::vector<scalar_t> vka(nc), vkb(nc), vkc(nc), vsh(nc), vmd(nc);
                    for (int64_t c = 0; c < C; ++c) {
                        const double w = has_w ? double(wc.data<scalar_t>()[c]) : 1.0;
                        const double k = w * invstd[size_t(c)];
                        // training: dx = k (g - sg/M - xhat sgx/M), xhat = (x - mu) invstd; eval: dx = k g
                        const scalar_t ka = scalar_t(k);
                        const scalar_t kb = training ? scalar_t(-k * sg[size_t(c)] / M) : scalar_t(0);
                        const scalar_t kc = training ? scalar_t(-k * sgx[size_t(c)] / M * invstd[size_t(c)])
                                                     : scalar_t(0);
                        const scalar_t sh = scalar_t(shift[size_t(c)]), md = scalar_t(mean_dev[size_t(c)]);
                        vka[size_t(c)] = ka; vkb[size_t(c)] = kb; vkc[size_t(c)] = kc;
                        vsh[size_t(c)] = sh; vmd[size_t(c)] = md;
                    }
                    scalar_t* pdx = dx.data<scalar_t>();
                    if (S == 1) {  // (N, C): across channels
                        for (int64_t n = 0; n < N; ++n) {
                            const scalar_t* xr = px + n * C;
                            const scalar_t* gr = pg + n * C;
                            scalar_t* dr = pdx + n * C;
#pragma omp simd
                            for (int64_t c = 0; c < C; ++c)
                                dr[c] = vka[size_t(c)] * gr[c] + vkb[size_t(c)] + vkc[size_t(c)] * ((xr[c] - vsh[size_t(c)]) - vmd[size_t(c)]);
                        }
                    } else {
                        for (int64_t n = 0; n < N; ++n)
                            for (int64_t c = 0; c < C; ++c) {
                                const scalar_t ka = vka[size_t(c)], kb = vkb[size_t(c)], kc = vkc[size_t(c)];
                                const scalar_t sh = vsh[size_t(c)], md = vmd[size_t(c)];
                                const scalar_t* xr = px + (n * C + c) * S;
                                const scalar_t* gr = pg + (n * C + c) * S;
                                scalar_t* dr = pdx + (n * C + c) * S;
#pragma omp simd
                                for (int64_t s = 0; s < S; ++s) dr[s] = ka * gr[s] + kb + kc * ((xr[s] - sh) - md);
                            }
                    }
                }
            });
            Grads grads{dx};  // one per input: x, then the weight and the bias where given
            if (has_w) grads.push_back(dw);
            if (has_b) grads.push_back(db);
            return grads;
        });
    }
    return out;
}

// ---------------------------------------------------------------- group norm / layer norm

namespace {

// x viewed as (R, Cg, S) with R = rows (sample x group); row r's channels are
// (r % G) * Cg + cg, whose affine parameters are w[...], b[...].
struct GroupPlan {
    int64_t R, G, Cg, S;
};

Tensor group_norm_impl(const char* name, const Tensor& x_in, const GroupPlan& p, const Tensor& weight,
                       const Tensor& bias, double eps) {
    Affine a = prepare(x_in, weight, bias);
    const DType dt = a.x.dtype();
    const int64_t M = p.Cg * p.S;
    std::vector<double> shift(static_cast<size_t>(p.R)), mean_dev(static_cast<size_t>(p.R)),
        invstd(static_cast<size_t>(p.R));
    Tensor out = Tensor::empty(a.x.shape(), dt);
    dispatch(dt, [&](auto tag_) {
                using scalar_t = decltype(tag_);
        const scalar_t* px = a.xc.data<scalar_t>();
        const scalar_t* pw = a.wc.defined() ? a.wc.data<scalar_t>() : nullptr;
        const scalar_t* pb = a.bc.defined() ? a.bc.data<scalar_t>() : nullptr;
        scalar_t* po = out.data<scalar_t>();
        for (int64_t r = 0; r < p.R; ++r) {
            const scalar_t* row = px + r * M;
            const double sh = M ? double(row[0]) : 0.0;
            double s1 = 0;
#pragma omp simd reduction(+ : s1)
            for (int64_t i = 0; i < M; ++i) s1 += double(row[i]) - sh;
            const double md = M ? s1 / double(M) : 0.0;
            double s2 = 0;
#pragma omp simd reduction(+ : s2)
            for (int64_t i = 0; i < M; ++i) {
                const double d = (double(row[i]) - sh) - md;
                s2 += d * d;
            }
            const double is = 1.0 / std::sqrt((M ? s2 / double(M) : 0.0) + eps);
            shift[size_t(r)] = sh;
            mean_dev[size_t(r)] = md;
            invstd[size_t(r)] = is;
            const int64_t c0 = (r % p.G) * p.Cg;
            const scalar_t tsh = scalar_t(sh), tmd = scalar_t(md);
            for (int64_t cg = 0; cg < p.Cg; ++cg) {
                const double w = pw ? double(pw[c0 + cg]) : 1.0, b = pb ? double(pb[c0 + cg]) : 0.0;
                const scalar_t k = scalar_t(w * is), tb = scalar_t(b);
                const scalar_t* src = row + cg * p.S;
                scalar_t* dst = po + r * M + cg * p.S;
#pragma omp simd
                for (int64_t s = 0; s < p.S; ++s) dst[s] = ((src[s] - tsh) - tmd) * k + tb;
            }
        }
    });
    std::vector<Tensor> inputs{a.x};
    if (a.w.defined()) inputs.push_back(a.w);
    if (a.b.defined()) inputs.push_back(a.b);
    if (needs_grad(inputs)) {
        const bool gx = a.x.requires_grad(), gw = a.w.defined() && a.w.requires_grad(),
                   gb = a.b.defined() && a.b.requires_grad(), has_w = a.w.defined(), has_b = a.b.defined();
        const Shape wshape = a.w.defined() ? a.w.shape() : (a.b.defined() ? a.b.shape() : Shape{});
        autograd::attach(out, name, inputs,
                         [xc = saved(a.xc), wc = has_w ? saved(a.wc) : Tensor(), shift, mean_dev, invstd, p, gx, gw,
                          gb, has_w, has_b, wshape](const Tensor& g_in) {
            Tensor g = contiguous_of(g_in);
            const DType dt = xc.dtype();
            const int64_t M = p.Cg * p.S;
            Tensor dx = gx ? Tensor::empty(xc.shape(), dt) : Tensor();
            Tensor dw = gw ? zeros(wshape, dt) : Tensor();
            Tensor db = gb ? zeros(wshape, dt) : Tensor();
            dispatch(dt, [&](auto tag_) {
                using scalar_t = decltype(tag_);
                const scalar_t* px = xc.data<scalar_t>();
                const scalar_t* pg = g.data<scalar_t>();
                const scalar_t* pw = has_w ? wc.data<scalar_t>() : nullptr;
                std::vector<double> acc_w(static_cast<size_t>(p.Cg)), acc_b(static_cast<size_t>(p.Cg));
                for (int64_t r = 0; r < p.R; ++r) {
                    const scalar_t* xr = px + r * M;
                    const scalar_t* gr = pg + r * M;
                    const double sh = shift[size_t(r)], md = mean_dev[size_t(r)], is = invstd[size_t(r)];
                    const int64_t c0 = (r % p.G) * p.Cg;
                    // A = sum(w g), B = sum(w g xhat) over the row; dw[c] += sum(g xhat), db[c] += sum(g)
                    double A = 0, B = 0;
                    for (int64_t cg = 0; cg < p.Cg; ++cg) {
                        double sgc = 0, sgxc = 0;
                        const scalar_t* xs = xr + cg * p.S;
                        const scalar_t* gs = gr + cg * p.S;
#pragma omp simd reduction(+ : sgc, sgxc)
                        for (int64_t s = 0; s < p.S; ++s) {
                            sgc += gs[s];
                            sgxc += gs[s] * ((double(xs[s]) - sh) - md);
                        }
                        sgxc *= is;
                        const double w = pw ? double(pw[c0 + cg]) : 1.0;
                        A += w * sgc;
                        B += w * sgxc;
                        acc_w[size_t(cg)] = sgxc;
                        acc_b[size_t(cg)] = sgc;
                    }
                    if (gw) for (int64_t cg = 0; cg < p.Cg; ++cg) dw.data<scalar_t>()[c0 + cg] += scalar_t(acc_w[size_t(cg)]);
                    if (gb) for (int64_t cg = 0; cg < p.Cg; ++cg) db.data<scalar_t>()[c0 + cg] += scalar_t(acc_b[size_t(cg)]);
                    if (gx) {
                        // dx = is (w g - A/M - xhat B/M)
                        const scalar_t kb = scalar_t(-is * A / double(M)), kc = scalar_t(-is * is * B / double(M));
                        const scalar_t tsh = scalar_t(sh), tmd = scalar_t(md);
                        for (int64_t cg = 0; cg < p.Cg; ++cg) {
                            const scalar_t ka = scalar_t(is * (pw ? double(pw[c0 + cg]) : 1.0));
                            const scalar_t* xs = xr + cg * p.S;
                            const scalar_t* gs = gr + cg * p.S;
                            scalar_t* ds = dx.data<scalar_t>() + r * M + cg * p.S;
#pragma omp simd
                            for (int64_t s = 0; s < p.S; ++s) ds[s] = ka * gs[s] + kb + kc * ((xs[s] - tsh) - tmd);
                        }
                    }
                }
            });
            Grads grads{dx};  // one per input: x, then the weight and the bias where given
            if (has_w) grads.push_back(dw);
            if (has_b) grads.push_back(db);
            return grads;
        });
    }
    return out;
}

}  // namespace

Tensor layer_norm(const Tensor& x, const Shape& normalized_shape, const Tensor& weight, const Tensor& bias,
                  double eps) {
    require_floating(x, "layer_norm");
    const int64_t k = int64_t(normalized_shape.size());
    bool ok = k >= 1 && x.dim() >= k;
    for (int64_t i = 0; ok && i < k; ++i)
        if (x.shape()[size_t(x.dim() - k + i)] != normalized_shape[size_t(i)]) ok = false;
    if (!ok)
        throw ValueError("layer_norm: input of shape " + shape_str(x.shape()) + " does not end with normalized_shape " +
                         shape_str(normalized_shape));
    check_param("layer_norm", "weight", weight, normalized_shape, x);
    check_param("layer_norm", "bias", bias, normalized_shape, x);
    const int64_t M = numel_of(normalized_shape);
    return group_norm_impl("layer_norm", x, {M ? x.numel() / M : 0, 1, M, 1}, weight, bias, eps);
}

Tensor group_norm(const Tensor& x, int64_t G, const Tensor& weight, const Tensor& bias, double eps) {
    require_floating(x, "group_norm");
    if (x.dim() < 2)
        throw ValueError("group_norm: input must be (N, C, ...), got shape " + shape_str(x.shape()));
    const int64_t N = x.shape()[0], C = x.shape()[1];
    if (G < 1 || C % G != 0) {
        std::ostringstream os;
        os << "group_norm: " << C << " channels (input " << shape_str(x.shape()) << ") are not divisible into "
           << G << " groups";
        throw ValueError(os.str());
    }
    check_param("group_norm", "weight", weight, {C}, x);
    check_param("group_norm", "bias", bias, {C}, x);
    const int64_t S = (N * C) != 0 ? x.numel() / (N * C) : 0;
    return group_norm_impl("group_norm", x, {N * G, G, C / G, S}, weight, bias, eps);
}

}  // namespace xgrad::ops
