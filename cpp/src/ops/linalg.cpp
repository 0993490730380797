// matmul and the fused linear layer. Operands that are transposed views go to gemm with a
// transpose flag instead of being copied.
#include "xgrad/ops/linalg.hpp"

#include <sstream>

#include "../kernels/blas.hpp"
#include "../kernels/elementwise.hpp"
#include "../kernels/reduce.hpp"
#include "../kernels/strided.hpp"
#include "op_utils.hpp"
#include "xgrad/ops/reduce.hpp"
#include "xgrad/ops/shape.hpp"

namespace xgrad::ops {

using Grads = std::vector<Tensor>;

namespace {

// How a 2-D strided matrix is handed to gemm: its leading dimension and whether it is stored
// transposed. `ok` is false when neither layout fits (the caller copies).
struct GemmOperand {
    bool ok;
    bool trans;
    int64_t ld;
};

GemmOperand gemm_layout(int64_t rows, int64_t cols, int64_t rs, int64_t cs) {
    if (cs == 1 || cols == 1) {
        int64_t ld = rows == 1 ? std::max<int64_t>(cols, 1) : rs;
        if (ld >= std::max<int64_t>(cols, 1)) return {true, false, ld};
    }
    if (rs == 1 || rows == 1) {
        int64_t ld = cols == 1 ? std::max<int64_t>(rows, 1) : cs;
        if (ld >= std::max<int64_t>(rows, 1)) return {true, true, ld};
    }
    return {false, false, 0};
}

// out[batch] = a[batch] @ b[batch] for a (..., M, K), b (..., K, N), out contiguous (batch..., M, N).
void batched_gemm(const Tensor& a_in, const Tensor& b_in, const Tensor& out, const Shape& batch) {
    const int64_t nd = out.dim();
    const int64_t M = out.shape()[size_t(nd - 2)], N = out.shape()[size_t(nd - 1)];
    const int64_t K = a_in.shape().back();
    auto inner_layout = [](const Tensor& t) {
        int64_t d = t.dim();
        return gemm_layout(t.shape()[size_t(d - 2)], t.shape()[size_t(d - 1)], t.strides()[size_t(d - 2)],
                           t.strides()[size_t(d - 1)]);
    };
    Tensor a = inner_layout(a_in).ok ? a_in : contiguous_copy(a_in);
    Tensor b = inner_layout(b_in).ok ? b_in : contiguous_copy(b_in);
    GemmOperand la = inner_layout(a), lb = inner_layout(b);

    // Batch strides of a and b broadcast to the output's batch shape.
    auto batch_strides = [&](const Tensor& t) {
        Shape tb(t.shape().begin(), t.shape().end() - 2);
        Strides ts(t.strides().begin(), t.strides().end() - 2);
        return kernels::broadcast_strides(tb, ts, batch);
    };
    Strides sa = batch_strides(a), sb = batch_strides(b);
    const int64_t nbatch = numel_of(batch);
    XGRAD_DISPATCH(out.dtype(), [&] {
        const scalar_t* pa = a.data<scalar_t>();
        const scalar_t* pb = b.data<scalar_t>();
        scalar_t* po = out.data<scalar_t>();
        std::vector<int64_t> idx(batch.size(), 0);
        for (int64_t n = 0; n < nbatch; ++n) {
            int64_t oa = 0, ob = 0;
            for (size_t d = 0; d < batch.size(); ++d) { oa += idx[d] * sa[d]; ob += idx[d] * sb[d]; }
            kernels::gemm<scalar_t>(la.trans, lb.trans, M, N, K, scalar_t(1), pa + oa, la.ld, pb + ob, lb.ld,
                                    scalar_t(0), po + n * M * N, N);
            for (size_t d = batch.size(); d-- > 0;) {
                if (++idx[d] < batch[d]) break;
                idx[d] = 0;
            }
        }
    });
}

// Both operands at least 2-D.
Tensor matmul_nd(const Tensor& a, const Tensor& b) {
    const int64_t K = a.shape().back();
    if (b.shape()[size_t(b.dim() - 2)] != K) {
        std::ostringstream os;
        os << "matmul: shapes " << shape_str(a.shape()) << " and " << shape_str(b.shape())
           << " are not aligned: " << K << " (last dim of the first) != " << b.shape()[size_t(b.dim() - 2)]
           << " (second-to-last dim of the second)";
        throw ValueError(os.str());
    }
    Shape ba(a.shape().begin(), a.shape().end() - 2), bb(b.shape().begin(), b.shape().end() - 2);
    Shape batch;
    try {
        batch = kernels::broadcast_shapes(ba, bb, "matmul");
    } catch (const ValueError&) {
        throw ValueError("matmul: batch dimensions of shapes " + shape_str(a.shape()) + " and " +
                         shape_str(b.shape()) + " cannot be broadcast");
    }
    const int64_t M = a.shape()[size_t(a.dim() - 2)], N = b.shape().back();
    Tensor out;
    if (b.dim() == 2 && a.dim() > 2 && a.is_contiguous()) {
        // (B..., M, K) @ (K, N): fold the batch into M, one gemm.
        Tensor a2 = Tensor::from_storage(a.storage(), {numel_of(ba) * M, K}, {K, 1}, a.offset(), a.dtype());
        Tensor o2 = Tensor::empty({numel_of(ba) * M, N}, a.dtype());
        batched_gemm(a2, b, o2, {});
        Shape shape = ba;
        shape.push_back(M);
        shape.push_back(N);
        out = Tensor::from_storage(o2.storage(), shape, contiguous_strides(shape), 0, a.dtype());
    } else {
        Shape shape = batch;
        shape.push_back(M);
        shape.push_back(N);
        out = Tensor::empty(shape, a.dtype());
        batched_gemm(a, b, out, batch);
    }
    if (needs_grad({a, b})) {
        bool ga = a.requires_grad(), gb = b.requires_grad();
        autograd::attach(out, "matmul", {a, b}, [a = saved(a), b = saved(b), ga, gb](const Tensor& g) {
            // dA = g @ B^T, dB = A^T @ g, summed over broadcast batch axes.
            return Grads{ga ? sum_to_shape(matmul_nd(g, transpose(b, -1, -2)), a.shape()) : Tensor(),
                         gb ? sum_to_shape(matmul_nd(transpose(a, -1, -2), g), b.shape()) : Tensor()};
        });
    }
    return out;
}

}  // namespace

Tensor matmul(const Tensor& a_, const Tensor& b_) {
    require_floating(a_, "matmul");
    require_floating(b_, "matmul");
    if (a_.dim() == 0 || b_.dim() == 0)
        throw ValueError("matmul: both operands need at least one dimension, got shapes " + shape_str(a_.shape()) +
                         " and " + shape_str(b_.shape()));
    auto [a, b] = promote(a_, b_);
    if (a.dim() == 1 && b.dim() == 1) {
        if (a.shape()[0] != b.shape()[0])
            throw ValueError("matmul: shapes " + shape_str(a.shape()) + " and " + shape_str(b.shape()) +
                             " are not aligned");
        return reshape(matmul_nd(reshape(a, {1, a.shape()[0]}), reshape(b, {b.shape()[0], 1})), {});
    }
    if (a.dim() == 1) return squeeze(matmul_nd(unsqueeze(a, 0), b), -2);
    if (b.dim() == 1) return squeeze(matmul_nd(a, unsqueeze(b, 1)), -1);
    return matmul_nd(a, b);
}

Tensor linear(const Tensor& x_in, const Tensor& weight, const Tensor& bias) {
    require_floating(x_in, "linear");
    require_floating(weight, "linear");
    if (weight.dim() != 2)
        throw ValueError("linear: weight must be 2-D (out_features, in_features), got shape " + shape_str(weight.shape()));
    const int64_t out_f = weight.shape()[0], in_f = weight.shape()[1];
    if (x_in.dim() < 1 || x_in.shape().back() != in_f) {
        std::ostringstream os;
        os << "linear: input of shape " << shape_str(x_in.shape()) << " does not match weight of shape "
           << shape_str(weight.shape()) << ": expected the input's last dimension to be " << in_f;
        throw ValueError(os.str());
    }
    if (bias.defined() && (bias.dim() != 1 || bias.shape()[0] != out_f))
        throw ValueError("linear: bias of shape " + shape_str(bias.shape()) + " does not match " +
                         std::to_string(out_f) + " output features");
    DType dt = promote_types(x_in.dtype(), weight.dtype());
    if (bias.defined()) dt = promote_types(dt, bias.dtype());
    Tensor x = to_dtype(x_in, dt), w = to_dtype(weight, dt), b = bias.defined() ? to_dtype(bias, dt) : bias;

    const int64_t rows = x.numel() / std::max<int64_t>(in_f, 1);
    Tensor x2 = x.is_contiguous() ? x : contiguous_copy(x);
    Tensor wc = w.is_contiguous() ? w : contiguous_copy(w);
    Shape out_shape = x.shape();
    out_shape.back() = out_f;
    Tensor out = Tensor::empty(out_shape, dt);
    XGRAD_DISPATCH(dt, [&] {
        scalar_t* po = out.data<scalar_t>();
        scalar_t beta = scalar_t(0);
        if (b.defined()) {  // out rows start as the bias; gemm adds x @ W^T onto them (beta = 1)
            Tensor bc = b.is_contiguous() ? b : contiguous_copy(b);
            const scalar_t* pb = bc.data<scalar_t>();
            for (int64_t r = 0; r < rows; ++r) std::copy(pb, pb + out_f, po + r * out_f);
            beta = scalar_t(1);
        }
        kernels::gemm<scalar_t>(false, true, rows, out_f, in_f, scalar_t(1), x2.data<scalar_t>(), in_f,
                                wc.data<scalar_t>(), in_f, beta, po, out_f);
    });
    std::vector<Tensor> inputs{x, w};
    if (b.defined()) inputs.push_back(b);
    if (needs_grad(inputs)) {
        bool gx = x.requires_grad(), gw = w.requires_grad(), gb = b.defined() && b.requires_grad();
        const size_t n_inputs = inputs.size();
        autograd::attach(out, "linear", inputs,
                         [x2 = saved(x2), wc = saved(wc), xs = x.shape(), rows, in_f, out_f, gx, gw, gb,
                          n_inputs](const Tensor& g_in) {
            Tensor g = g_in.is_contiguous() ? g_in : contiguous_copy(g_in);
            Grads grads(n_inputs);  // x, w, and the bias when there is one
            XGRAD_DISPATCH(g.dtype(), [&] {
                if (gx) {  // dX = g @ W
                    Tensor dx = Tensor::empty(xs, g.dtype());
                    kernels::gemm<scalar_t>(false, false, rows, in_f, out_f, scalar_t(1), g.data<scalar_t>(), out_f,
                                            wc.data<scalar_t>(), in_f, scalar_t(0), dx.data<scalar_t>(), in_f);
                    grads[0] = dx;
                }
                if (gw) {  // dW = g^T @ X
                    Tensor dw = Tensor::empty({out_f, in_f}, g.dtype());
                    kernels::gemm<scalar_t>(true, false, out_f, in_f, rows, scalar_t(1), g.data<scalar_t>(), out_f,
                                            x2.data<scalar_t>(), in_f, scalar_t(0), dw.data<scalar_t>(), in_f);
                    grads[1] = dw;
                }
                if (gb) {  // db = sum of g over rows
                    Tensor g2 = Tensor::from_storage(g.storage(), {rows, out_f}, {out_f, 1}, g.offset(), g.dtype());
                    Tensor db = kernels::reduce(kernels::ReduceOp::sum, g2, {0});
                    grads[2] = Tensor::from_storage(db.storage(), {out_f}, {1}, 0, g.dtype());
                }
            });
            return grads;
        });
    }
    return out;
}

}  // namespace xgrad::ops
