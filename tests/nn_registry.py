"""Registry rows for the layers' functional ops (convolution, pooling, normalisation, maxout,
losses). test_ops.py runs every row of NN_OPS, as of op_registry.OPS, through forward vs NumPy
(float32 and float64), float64 gradcheck, strided (non-contiguous) inputs and forward + gradients
vs PyTorch. The activations registered in the core (relu, leaky_relu, gelu, prelu, ...) get
generated rows in op_registry.py. The NumPy references below are written independently of the C++
kernels (direct loops or slicing, no im2col)."""
from __future__ import annotations

from typing import List

import numpy as np

import xgrad
import xgrad.nn.functional as F
from op_cases import LABELS, OpCase, np_log_softmax


def _torch():
    import torch
    return torch


def _tf():
    return _torch().nn.functional


def _pair(v):
    return (v, v) if isinstance(v, int) else tuple(v)


# ---------------------------------------------------------------- NumPy references

def np_conv2d(x, w, b=None, stride=1, padding=0, dilation=1, groups=1):
    (sh, sw), (ph, pw), (dh, dw) = _pair(stride), _pair(padding), _pair(dilation)
    xp = np.pad(x, ((0, 0), (0, 0), (ph, ph), (pw, pw)))
    N, C, H, W = xp.shape
    O, Cg, kh, kw = w.shape
    OH, OW = (H - dh * (kh - 1) - 1) // sh + 1, (W - dw * (kw - 1) - 1) // sw + 1
    out = np.zeros((N, O, OH, OW))
    Og = O // groups
    for g in range(groups):
        xs = xp[:, g * Cg:(g + 1) * Cg]
        for i in range(kh):
            for j in range(kw):
                patch = xs[:, :, i * dh:i * dh + sh * (OH - 1) + 1:sh, j * dw:j * dw + sw * (OW - 1) + 1:sw]
                out[:, g * Og:(g + 1) * Og] += np.einsum("nchw,oc->nohw", patch, w[g * Og:(g + 1) * Og, :, i, j])
    if b is not None:
        out += b[None, :, None, None]
    return out


def _windows(x, k, s, p, d, fill):
    """All (dilated) pooling windows as an array (N, C, OH, OW, kh*kw), padding filled with `fill`."""
    (kh, kw), (sh, sw), (ph, pw), (dh, dw) = _pair(k), _pair(s), _pair(p), _pair(d)
    xp = np.pad(x, ((0, 0), (0, 0), (ph, ph), (pw, pw)), constant_values=fill)
    H, W = xp.shape[2:]
    OH, OW = (H - dh * (kh - 1) - 1) // sh + 1, (W - dw * (kw - 1) - 1) // sw + 1
    cells = [xp[:, :, i * dh:i * dh + sh * (OH - 1) + 1:sh, j * dw:j * dw + sw * (OW - 1) + 1:sw]
             for i in range(kh) for j in range(kw)]
    return np.stack(cells, axis=-1)


def np_max_pool2d(x, k, s=None, p=0, d=1):
    return _windows(x, k, k if s is None else s, p, d, -np.inf).max(-1)


def np_avg_pool2d(x, k, s=None, p=0, count_include_pad=True):
    s = k if s is None else s
    total = _windows(x, k, s, p, 1, 0.0).sum(-1)
    if count_include_pad:
        return total / np.prod(_pair(k))
    return total / _windows(np.ones_like(x), k, s, p, 1, 0.0).sum(-1)


def np_adaptive_avg_pool2d(x, size):
    oh, ow = _pair(size)
    H, W = x.shape[2:]
    out = np.zeros(x.shape[:2] + (oh, ow))
    for i in range(oh):
        for j in range(ow):
            h0, h1 = (i * H) // oh, -((-(i + 1) * H) // oh)
            w0, w1 = (j * W) // ow, -((-(j + 1) * W) // ow)
            out[:, :, i, j] = x[:, :, h0:h1, w0:w1].mean((2, 3))
    return out


def np_fractional_max_pool2d(x, k, size, samples):
    (kh, kw), (oh, ow) = _pair(k), _pair(size)
    H, W = x.shape[2:]

    def starts(u, n_in, n_out, kk):
        alpha = (n_in - kk) / (n_out - 1) if n_out > 1 else 0.0
        seq = [int((i + u) * alpha) - int(u * alpha) for i in range(n_out - 1)]
        return seq + [n_in - kk]

    out = np.zeros(x.shape[:2] + (oh, ow))
    for n in range(x.shape[0]):
        for c in range(x.shape[1]):
            sw, sh = starts(samples[n, c, 0], W, ow, kw), starts(samples[n, c, 1], H, oh, kh)
            for i in range(oh):
                for j in range(ow):
                    out[n, c, i, j] = x[n, c, sh[i]:sh[i] + kh, sw[j]:sw[j] + kw].max()
    return out


def _samples(x_shape):
    return np.random.default_rng(7).uniform(0, 1, size=(x_shape[0], x_shape[1], 2))


def np_batch_norm(x, w=None, b=None, eps=1e-5, mean=None, var=None):
    axes = (0,) + tuple(range(2, x.ndim))
    shape = (1, -1) + (1,) * (x.ndim - 2)
    mu = x.mean(axes) if mean is None else mean
    v = x.var(axes) if var is None else var
    y = (x - mu.reshape(shape)) / np.sqrt(v.reshape(shape) + eps)
    if w is not None:
        y = y * w.reshape(shape)
    if b is not None:
        y = y + b.reshape(shape)
    return y


def np_layer_norm(x, k, w=None, b=None, eps=1e-5):
    axes = tuple(range(x.ndim - k, x.ndim))
    y = (x - x.mean(axes, keepdims=True)) / np.sqrt(x.var(axes, keepdims=True) + eps)
    return y * (1 if w is None else w) + (0 if b is None else b)


def np_group_norm(x, G, w=None, b=None, eps=1e-5):
    N, C = x.shape[:2]
    xg = x.reshape(N, G, -1)
    y = ((xg - xg.mean(2, keepdims=True)) / np.sqrt(xg.var(2, keepdims=True) + eps)).reshape(x.shape)
    shape = (1, C) + (1,) * (x.ndim - 2)
    return y * (1 if w is None else w.reshape(shape)) + (0 if b is None else b.reshape(shape))


def _running(C):
    """Fixed running statistics for the evaluation-mode rows."""
    return np.linspace(-0.5, 0.5, C), np.linspace(0.5, 2.0, C)


def _bn_eval(x, w, b):
    rm, rv = _running(x.shape[1])
    return F.batch_norm(x, xgrad.tensor(rm, dtype=x.dtype), xgrad.tensor(rv, dtype=x.dtype), w, b, training=False)


def _bn_eval_torch(x, w, b):
    rm, rv = _running(x.shape[1])
    t = _torch()
    return _tf().batch_norm(x, t.tensor(rm, dtype=x.dtype), t.tensor(rv, dtype=x.dtype), w, b, training=False)


def np_maxout(x, k, dim):
    shape = list(x.shape)
    shape[dim:dim + 1] = [shape[dim] // k, k]
    return x.reshape(shape).max(dim + 1)


CW = np.array([1.0, 2.0, 0.5, 1.5])


def _t(a, like):
    return xgrad.tensor(a, dtype=like.dtype)


def _tt(a, like):
    return _torch().tensor(a, dtype=like.dtype)


def np_ce(x, w=None, eps=0.0, reduction="mean"):
    y = LABELS[:len(x)]
    w = np.ones(x.shape[1]) if w is None else w
    lp = np_log_softmax(x, 1)
    C = x.shape[1]
    per = -(1 - eps) * w[y] * lp[np.arange(len(x)), y] - eps / C * (lp * w).sum(1)
    return per.sum() / w[y].sum() if reduction == "mean" else per.sum() if reduction == "sum" else per


def np_nll(x, w=CW):
    y = LABELS[:len(x)]
    return -(w[y] * x[np.arange(len(x)), y]).sum() / w[y].sum()


def np_multi_margin(x, p=1, margin=1.0):
    y = LABELS[:len(x)]
    h = np.maximum(0, margin - x[np.arange(len(x)), y][:, None] + x)
    h[np.arange(len(x)), y] = 0
    return (h ** p).sum(1).mean() / x.shape[1]


def np_focal(x, gamma, alpha=None):
    y = LABELS[:len(x)]
    lpt = np_log_softmax(x, 1)[np.arange(len(x)), y]
    a = 1.0 if alpha is None else np.asarray(alpha)[y]
    return (-a * (1 - np.exp(lpt)) ** gamma * lpt).mean()


def _sig(z):
    return 1 / (1 + np.exp(-z))


# ---------------------------------------------------------------- rows

def _conv_row(name, shapes, algorithm="auto", **kw):
    # the algorithm is chosen in the forward, and the backward follows it
    def fn(x, w, b=None):
        with xgrad.backend.conv_algorithm(algorithm):
            return F.conv2d(x, w, b, **kw)

    def tfn(x, w, b=None):
        return _tf().conv2d(x, w, b, **kw)

    return OpCase(name, fn, lambda x, w, b=None: np_conv2d(x, w, b, **kw), shapes, same_in_torch=False,
                  torch_fn=tfn, rtol32=1e-4)


def _pool_row(name, shapes, fn, ref, tfn, domain="distinct"):
    return OpCase(name, fn, ref, shapes, domain=domain, same_in_torch=False, torch_fn=tfn)


NN_OPS: List[OpCase] = [
    # convolution: batch 1, odd sizes, padding > 0, stride 2, dilation 2, groups, 1x1, no bias
    _conv_row("conv2d", [((2, 3, 7, 6), (4, 3, 3, 3), (4,)), ((1, 1, 5, 5), (2, 1, 3, 3), (2,))], padding=1),
    _conv_row("conv2d_stride2", [((1, 3, 8, 9), (5, 3, 3, 3), (5,))], stride=2, padding=1),
    _conv_row("conv2d_stride_rect", [((2, 2, 7, 8), (3, 2, 2, 3), (3,))], stride=(2, 1), padding=(1, 0)),
    _conv_row("conv2d_dilation2", [((2, 2, 9, 9), (3, 2, 3, 3), (3,))], padding=2, dilation=2),
    _conv_row("conv2d_groups", [((2, 4, 6, 5), (6, 2, 3, 3), (6,))], padding=1, groups=2),
    _conv_row("conv2d_depthwise", [((1, 3, 5, 5), (3, 1, 3, 3), (3,))], stride=2, padding=1, groups=3),
    _conv_row("conv2d_1x1", [((2, 5, 4, 3), (7, 5, 1, 1), (7,))]),
    _conv_row("conv2d_1x1_stride2", [((2, 3, 5, 5), (4, 3, 1, 1), (4,))], stride=2),
    _conv_row("conv2d_nobias", [((2, 3, 6, 6), (4, 3, 3, 3))], padding=1, dilation=(2, 1)),
    # Winograd F(2x2, 3x3), forced (auto takes it from 16 channels in and out): odd and even output
    # sizes (a last tile half outside), padding 0, 1, 2 and unequal, one image and several
    _conv_row("conv2d_winograd", [((2, 3, 7, 6), (4, 3, 3, 3), (4,)), ((1, 2, 5, 8), (3, 2, 3, 3), (3,))],
              algorithm="winograd", padding=1),
    _conv_row("conv2d_winograd_pad0", [((2, 2, 7, 5), (3, 2, 3, 3), (3,))], algorithm="winograd"),
    _conv_row("conv2d_winograd_pad_rect", [((1, 3, 4, 5), (2, 3, 3, 3))], algorithm="winograd", padding=(2, 1)),
    # the channel counts auto sends to Winograd, by gemm and by auto
    _conv_row("conv2d_gemm_16ch", [((1, 16, 4, 4), (16, 16, 3, 3), (16,))], algorithm="gemm", padding=1),
    _conv_row("conv2d_auto_16ch", [((1, 16, 4, 4), (16, 16, 3, 3), (16,))], padding=1),
    # pooling (distinct values: no ties at a window's maximum)
    _pool_row("max_pool2d", [((2, 3, 6, 8),), ((1, 1, 5, 5),)], lambda x: F.max_pool2d(x, 2),
              lambda x: np_max_pool2d(x, 2), lambda x: _tf().max_pool2d(x, 2)),
    _pool_row("max_pool2d_3s2p1", [((1, 2, 7, 9),)], lambda x: F.max_pool2d(x, 3, 2, 1),
              lambda x: np_max_pool2d(x, 3, 2, 1), lambda x: _tf().max_pool2d(x, 3, 2, 1)),
    _pool_row("max_pool2d_dilation2", [((2, 2, 9, 8),)], lambda x: F.max_pool2d(x, 2, 1, 0, 2),
              lambda x: np_max_pool2d(x, 2, 1, 0, 2), lambda x: _tf().max_pool2d(x, 2, 1, 0, 2)),
    _pool_row("avg_pool2d", [((2, 3, 6, 8),), ((1, 1, 5, 5),)], lambda x: F.avg_pool2d(x, 2),
              lambda x: np_avg_pool2d(x, 2), lambda x: _tf().avg_pool2d(x, 2), domain="normal"),
    _pool_row("avg_pool2d_3s2p1", [((1, 2, 7, 9),)], lambda x: F.avg_pool2d(x, 3, 2, 1),
              lambda x: np_avg_pool2d(x, 3, 2, 1), lambda x: _tf().avg_pool2d(x, 3, 2, 1), domain="normal"),
    _pool_row("avg_pool2d_exclude_pad", [((2, 2, 6, 7),)], lambda x: F.avg_pool2d(x, 3, 2, 1, count_include_pad=False),
              lambda x: np_avg_pool2d(x, 3, 2, 1, False),
              lambda x: _tf().avg_pool2d(x, 3, 2, 1, count_include_pad=False), domain="normal"),
    _pool_row("adaptive_avg_pool2d_global", [((2, 3, 5, 7),), ((1, 4, 1, 1),)], lambda x: F.adaptive_avg_pool2d(x, 1),
              lambda x: np_adaptive_avg_pool2d(x, 1), lambda x: _tf().adaptive_avg_pool2d(x, 1), domain="normal"),
    _pool_row("adaptive_avg_pool2d_3x2", [((2, 2, 7, 5),)], lambda x: F.adaptive_avg_pool2d(x, (3, 2)),
              lambda x: np_adaptive_avg_pool2d(x, (3, 2)), lambda x: _tf().adaptive_avg_pool2d(x, (3, 2)),
              domain="normal"),
    _pool_row("fractional_max_pool2d", [((2, 3, 9, 10),), ((1, 2, 7, 7),)],
              lambda x: F.fractional_max_pool2d(x, 2, (5, 4), _random_samples=xgrad.tensor(_samples(x.shape),
                                                                                             dtype=x.dtype)),
              lambda x: np_fractional_max_pool2d(x, 2, (5, 4), _samples(x.shape)),
              lambda x: _tf().fractional_max_pool2d(x, 2, (5, 4), _random_samples=_torch().tensor(
                  _samples(x.shape), dtype=x.dtype))),
    # normalisation (batch statistics, running statistics, layer, group, instance)
    OpCase("batch_norm_train", lambda x, w, b: F.batch_norm(x, None, None, w, b, training=True),
           lambda x, w, b: np_batch_norm(x, w, b), [((4, 3), (3,), (3,)), ((2, 3, 5), (3,), (3,)),
                                                   ((1, 2, 3, 3), (2,), (2,)), ((3, 4, 2, 5), (4,), (4,))],
           same_in_torch=False, torch_fn=lambda x, w, b: _tf().batch_norm(x, None, None, w, b, training=True),
           rtol32=1e-4),
    OpCase("batch_norm_train_no_affine", lambda x: F.batch_norm(x, None, None, training=True),
           lambda x: np_batch_norm(x), [((5, 3, 2, 2),)], same_in_torch=False,
           torch_fn=lambda x: _tf().batch_norm(x, None, None, training=True), rtol32=1e-4),
    OpCase("batch_norm_eval", _bn_eval,
           lambda x, w, b: np_batch_norm(x, w, b, mean=_running(x.shape[1])[0], var=_running(x.shape[1])[1]),
           [((4, 3), (3,), (3,)), ((2, 3, 4, 5), (3,), (3,))], same_in_torch=False, torch_fn=_bn_eval_torch),
    OpCase("layer_norm", lambda x, w, b: F.layer_norm(x, w.shape, w, b), lambda x, w, b: np_layer_norm(x, w.ndim, w, b),
           [((4, 5), (5,), (5,)), ((2, 3, 4), (3, 4), (3, 4)), ((1, 7), (7,), (7,))], same_in_torch=False,
           torch_fn=lambda x, w, b: _tf().layer_norm(x, tuple(w.shape), w, b), rtol32=1e-4),
    OpCase("layer_norm_no_affine", lambda x: F.layer_norm(x, x.shape[-1]), lambda x: np_layer_norm(x, 1),
           [((3, 6),)], same_in_torch=False, torch_fn=lambda x: _tf().layer_norm(x, (x.shape[-1],)), rtol32=1e-4),
    OpCase("group_norm", lambda x, w, b: F.group_norm(x, 2, w, b), lambda x, w, b: np_group_norm(x, 2, w, b),
           [((2, 4, 3, 3), (4,), (4,)), ((1, 6, 5), (6,), (6,))], same_in_torch=False,
           torch_fn=lambda x, w, b: _tf().group_norm(x, 2, w, b), rtol32=1e-4),
    OpCase("instance_norm", lambda x, w, b: F.instance_norm(x, weight=w, bias=b),
           lambda x, w, b: np_group_norm(x, x.shape[1], w, b), [((2, 3, 4, 5), (3,), (3,)), ((1, 2, 3, 3), (2,), (2,))],
           same_in_torch=False, torch_fn=lambda x, w, b: _tf().instance_norm(x, weight=w, bias=b), rtol32=1e-4),
    # maxout (the pointwise activations are registered ops: op_registry.py generates their rows)
    OpCase("maxout", lambda x: F.maxout(x, 3, 1), lambda x: np_maxout(x, 3, 1), [((2, 6),), ((1, 9, 2),)],
           domain="distinct", same_in_torch=False,
           torch_fn=lambda x: x.reshape(x.shape[0], x.shape[1] // 3, 3, *x.shape[2:]).amax(2)),
    OpCase("maxout_last_dim", lambda x: F.maxout(x, 2, -1), lambda x: np_maxout(x, 2, x.ndim - 1), [((3, 8),)],
           domain="distinct", same_in_torch=False, torch_fn=lambda x: x.reshape(3, 4, 2).amax(-1)),
    # losses (class targets LABELS; regression/binary targets are the second input, so they get gradients too)
    OpCase("cross_entropy_weighted", lambda x: F.cross_entropy(x, LABELS[:len(x)], weight=_t(CW, x)),
           lambda x: np_ce(x, CW), [((5, 4),), ((1, 4),)], same_in_torch=False,
           torch_fn=lambda x: _tf().cross_entropy(x, _torch().tensor(LABELS[:len(x)]), weight=_tt(CW, x))),
    OpCase("cross_entropy_label_smoothing", lambda x: F.cross_entropy(x, LABELS[:len(x)], label_smoothing=0.2, reduction="sum"),
           lambda x: np_ce(x, None, 0.2, "sum"), [((5, 4),)], same_in_torch=False,
           torch_fn=lambda x: _tf().cross_entropy(x, _torch().tensor(LABELS[:len(x)]), label_smoothing=0.2, reduction="sum")),
    OpCase("cross_entropy_weighted_smoothing_none",
           lambda x: F.cross_entropy(x, LABELS[:len(x)], weight=_t(CW, x), label_smoothing=0.1, reduction="none"),
           lambda x: np_ce(x, CW, 0.1, "none"), [((5, 4),)], same_in_torch=False,
           torch_fn=lambda x: _tf().cross_entropy(x, _torch().tensor(LABELS[:len(x)]), weight=_tt(CW, x), label_smoothing=0.1,
                                                  reduction="none")),
    OpCase("nll_loss", lambda x: F.nll_loss(x, LABELS[:len(x)], weight=_t(CW, x)),
           np_nll, [((5, 4),), ((2, 4),)], same_in_torch=False,
           torch_fn=lambda x: _tf().nll_loss(x, _torch().tensor(LABELS[:len(x)]), weight=_tt(CW, x))),
    OpCase("multi_margin_loss", lambda x: F.multi_margin_loss(x, LABELS[:len(x)]), lambda x: np_multi_margin(x),
           [((5, 4),), ((1, 4),)], domain="distinct", same_in_torch=False,
           torch_fn=lambda x: _tf().multi_margin_loss(x, _torch().tensor(LABELS[:len(x)]))),
    OpCase("multi_margin_loss_squared", lambda x: F.multi_margin_loss(x, LABELS[:len(x)], p=2, margin=0.5),
           lambda x: np_multi_margin(x, 2, 0.5), [((5, 4),)], domain="distinct", same_in_torch=False,
           torch_fn=lambda x: _tf().multi_margin_loss(x, _torch().tensor(LABELS[:len(x)]), p=2, margin=0.5)),
    OpCase("focal_loss_gamma0_is_cross_entropy", lambda x: F.focal_loss(x, LABELS[:len(x)], gamma=0.0),
           lambda x: np_ce(x), [((5, 4),)], same_in_torch=False,
           torch_fn=lambda x: _tf().cross_entropy(x, _torch().tensor(LABELS[:len(x)]))),
    OpCase("focal_loss", lambda x: F.focal_loss(x, LABELS[:len(x)], alpha=[0.25, 0.5, 1.0, 2.0], gamma=2.0),
           lambda x: np_focal(x, 2.0, [0.25, 0.5, 1.0, 2.0]), [((5, 4),), ((1, 4),)], same_in_torch=False,
           torch_fn=lambda x: (_tt(np.array([0.25, 0.5, 1.0, 2.0]), x)[LABELS[:len(x)]]
                               * (1 - _torch().softmax(x, 1)[range(len(x)), LABELS[:len(x)]]) ** 2.0
                               * -_torch().log_softmax(x, 1)[range(len(x)), LABELS[:len(x)]]).mean()),
    OpCase("l1_loss", lambda x, y: F.l1_loss(x, y), lambda x, y: np.abs(x - y).mean(), [((3, 4), (3, 4))],
           domain="distinct", same_in_torch=False, torch_fn=lambda x, y: _tf().l1_loss(x, y)),
    OpCase("mse_loss", lambda x, y: F.mse_loss(x, y, reduction="sum"), lambda x, y: ((x - y) ** 2).sum(),
           [((3, 4), (3, 4)), ((5,), (5,))], same_in_torch=False, torch_fn=lambda x, y: _tf().mse_loss(x, y, reduction="sum")),
    OpCase("smooth_l1_loss", lambda x, y: F.smooth_l1_loss(x * 2, y, beta=0.5),
           lambda x, y: np.where(np.abs(2 * x - y) < 0.5, 0.5 * (2 * x - y) ** 2 / 0.5, np.abs(2 * x - y) - 0.25).mean(),
           [((4, 5), (4, 5))], same_in_torch=False, torch_fn=lambda x, y: _tf().smooth_l1_loss(x * 2, y, beta=0.5)),
    OpCase("binary_cross_entropy", lambda x, y: F.binary_cross_entropy(x.sigmoid(), y.sigmoid(), reduction="none"),
           lambda x, y: -(_sig(y) * np.log(_sig(x)) + (1 - _sig(y)) * np.log(1 - _sig(x))), [((3, 4), (3, 4))],
           same_in_torch=False,
           torch_fn=lambda x, y: _tf().binary_cross_entropy(x.sigmoid(), y.sigmoid(), reduction="none")),
    OpCase("binary_cross_entropy_with_logits", lambda x, y: F.binary_cross_entropy_with_logits(x * 3, y.sigmoid()),
           lambda x, y: (np.logaddexp(0, 3 * x) - 3 * x * _sig(y)).mean(), [((4, 3), (4, 3)), ((1, 5), (1, 5))],
           same_in_torch=False,
           torch_fn=lambda x, y: _tf().binary_cross_entropy_with_logits(x * 3, y.sigmoid())),
]
