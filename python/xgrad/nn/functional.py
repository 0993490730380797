"""Stateless versions of the layers: ``xgrad.nn.functional`` (import as ``F``)."""
from __future__ import annotations

from typing import Any, Optional

import numpy as np

from .. import _checks as check
from .. import _core
from .._tensor import Tensor
from ._registered import *  # noqa: F401,F403  (relu, sigmoid, tanh, leaky_relu, elu, gelu, silu, softplus,
#                             prelu, softmax, log_softmax: registered in the core beside their backward)


def linear(input: Tensor, weight: Tensor, bias: Optional[Tensor] = None) -> Tensor:
    """``input @ weight.T + bias``: input (..., in_features), weight (out_features, in_features).
    One BLAS gemm forward, two backward."""
    _check_tensor(input, "linear")
    _check_tensor(weight, "linear", "weight")
    _check_tensors("linear", bias=bias)
    return _core.linear(input, weight, bias)


def cross_entropy(input: Tensor, target: Any, weight: Optional[Tensor] = None, ignore_index: int = -100,
                  reduction: str = "mean", label_smoothing: float = 0.0) -> Tensor:
    """Softmax cross-entropy ``-log softmax(input)[target]`` for logits (N, C) and integer class
    indices (N,) given as a NumPy int array, a list, or a tensor of whole numbers.
    ``reduction``: 'mean' (default), 'sum' or 'none'. The initial loss of an untrained C-class
    classifier is about ln C.

    ``weight`` (C,): per-class weights, loss_i = w_{y_i} * (-log p_{y_i}) and 'mean' divides by
    sum_i w_{y_i}. ``label_smoothing`` eps: the target becomes (1 - eps) onehot(y) + eps / C, i.e.
    loss_i = (1 - eps) w_y (-log p_y) + eps / C sum_c w_c (-log p_c). Samples whose target equals
    ``ignore_index`` contribute nothing. (A string third argument is taken as ``reduction``, the
    signature before class weights existed.)"""
    if not isinstance(input, Tensor):
        raise TypeError(f"cross_entropy: input must be a Tensor of logits, got {type(input).__name__}")
    if isinstance(weight, str):
        weight, reduction = None, weight
    reduction = _reduction(reduction, "cross_entropy")
    weight = _weight(weight, "cross_entropy")
    label_smoothing = check.probability(label_smoothing, "label_smoothing", "cross_entropy")
    ignore_index = check.integer(ignore_index, "ignore_index", "cross_entropy")
    if weight is None and label_smoothing == 0.0 and ignore_index == -100:
        return _core.cross_entropy(input, target, reduction)
    return _core.cross_entropy_ext(input, target, reduction, weight, label_smoothing, ignore_index)


REDUCTIONS = ("mean", "sum", "none")


def _reduction(reduction: Any, op: str) -> str:
    return check.choice(reduction, "reduction", op, REDUCTIONS)


def _weight(weight: Any, op: str) -> Optional[Tensor]:
    """A loss's per-class or per-element weight: None or a Tensor."""
    if weight is not None and not isinstance(weight, Tensor):
        raise check.type_error(op, "weight", "None or a Tensor (e.g. xgrad.tensor([...]))", weight)
    return weight


# ---------------------------------------------------------------- convolution and pooling

#: The smallest value of each window argument of convolution and pooling.
_LOWEST = {"kernel_size": 1, "stride": 1, "dilation": 1, "padding": 0, "output_size": 1}


def _pair(v: Any, name: str, op: str) -> tuple:
    """2 -> (2, 2); (2, 3) stays; each entry an integer of the argument's range (kernel sizes,
    strides, dilations and output sizes >= 1, padding >= 0); TypeError/ValueError naming the op."""
    return check.pair_of_ints(v, name, op, low=_LOWEST[name])


def _check_tensor(x: Any, op: str, what: str = "input") -> None:
    if not isinstance(x, Tensor):
        raise TypeError(f"{op}: {what} must be an xgrad Tensor, got {type(x).__name__}")


def _check_tensors(op: str, **optional: Any) -> None:
    """Each of ``optional`` (weight, bias, running statistics) is None or an xgrad Tensor."""
    for what, x in optional.items():
        if x is not None:
            _check_tensor(x, op, what)


def conv2d(input: Tensor, weight: Tensor, bias: Optional[Tensor] = None, stride: Any = 1, padding: Any = 0,
           dilation: Any = 1, groups: int = 1) -> Tensor:
    """2-D convolution (cross-correlation, as in every deep learning library) of an NCHW input.

    input (N, C, H, W), weight (O, C/groups, kh, kw), bias (O,) or None; output (N, O, H', W') with
    ``H' = (H + 2 ph - dh (kh - 1) - 1) // sh + 1`` (same for W'), and
    ``out[n, o, y, x] = b[o] + sum_{c,i,j} w[o, c, i, j] * in_pad[n, c, y*sh + i*dh, x*sw + j*dw]``.
    Computed as im2col + one BLAS gemm per image (and group); a 1x1 convolution is a plain gemm."""
    _check_tensor(input, "conv2d")
    _check_tensor(weight, "conv2d", "weight")
    _check_tensors("conv2d", bias=bias)
    if isinstance(padding, str):
        if weight.ndim != 4:
            raise ValueError(f"conv2d: weight must be 4-D (out_channels, in_channels / groups, kh, kw), got shape "
                             f"{tuple(weight.shape)}")
        padding = same_padding(padding, (weight.shape[2], weight.shape[3]), stride, dilation, "conv2d")
    return _core.conv2d(input, weight, bias, _pair(stride, "stride", "conv2d"), _pair(padding, "padding", "conv2d"),
                        _pair(dilation, "dilation", "conv2d"), check.positive_int(groups, "groups", "conv2d"))


def same_padding(padding: str, kernel_size: tuple, stride: Any, dilation: Any, op: str) -> tuple:
    """The (ph, pw) of ``padding='valid'`` (0) or ``'same'`` (the output keeps the input's size:
    stride 1 and an odd effective kernel size ``dilation * (k - 1) + 1``)."""
    padding = check.choice(padding, "padding", op, ("same", "valid"))
    if padding == "valid":
        return 0, 0
    kh, kw = kernel_size
    dh, dw = _pair(dilation, "dilation", op)
    if _pair(stride, "stride", op) != (1, 1) or (dh * (kh - 1)) % 2 or (dw * (kw - 1)) % 2:
        raise ValueError(f"{op}: padding='same' needs stride 1 and an odd effective kernel size")
    return dh * (kh - 1) // 2, dw * (kw - 1) // 2


def max_pool2d(input: Tensor, kernel_size: Any, stride: Any = None, padding: Any = 0, dilation: Any = 1,
               ceil_mode: bool = False) -> Tensor:
    """Max over (dilated) kh x kw windows moved by ``stride`` (default: the kernel size), padding
    with -inf. (N, C, H, W) -> (N, C, H', W'), H' as for conv2d. The gradient goes to each
    window's maximum."""
    _check_tensor(input, "max_pool2d")
    k = _pair(kernel_size, "kernel_size", "max_pool2d")
    s = k if stride is None or stride == [] else _pair(stride, "stride", "max_pool2d")
    return _core.max_pool2d(input, k, s, _pair(padding, "padding", "max_pool2d"),
                            _pair(dilation, "dilation", "max_pool2d"), check.flag(ceil_mode, "ceil_mode", "max_pool2d"))


def avg_pool2d(input: Tensor, kernel_size: Any, stride: Any = None, padding: Any = 0, ceil_mode: bool = False,
               count_include_pad: bool = True) -> Tensor:
    """Mean over kh x kw windows moved by ``stride`` (default: the kernel size); zero padding
    counts in the divisor when ``count_include_pad`` (PyTorch's default)."""
    _check_tensor(input, "avg_pool2d")
    k = _pair(kernel_size, "kernel_size", "avg_pool2d")
    s = k if stride is None or stride == [] else _pair(stride, "stride", "avg_pool2d")
    return _core.avg_pool2d(input, k, s, _pair(padding, "padding", "avg_pool2d"),
                            check.flag(ceil_mode, "ceil_mode", "avg_pool2d"),
                            check.flag(count_include_pad, "count_include_pad", "avg_pool2d"))


def adaptive_avg_pool2d(input: Tensor, output_size: Any) -> Tensor:
    """Average pooling to a fixed output size: output cell i covers input rows
    ``[floor(i H / H'), ceil((i + 1) H / H'))`` (same for columns). ``output_size=1`` is global
    average pooling: (N, C, H, W) -> (N, C, 1, 1)."""
    _check_tensor(input, "adaptive_avg_pool2d")
    return _core.adaptive_avg_pool2d(input, adaptive_size(output_size, input.shape, "adaptive_avg_pool2d"))


def adaptive_size(output_size: Any, shape: Any, op: str) -> tuple:
    """(H', W') of an adaptive pooling: an int, or a pair whose None entries keep the input's size
    (``shape`` None: checks only, the None entries stay)."""
    if isinstance(output_size, (tuple, list)) and len(output_size) == 2 and None in output_size:
        filled = [1 if v is None else v for v in output_size]
        size = _pair(filled, "output_size", op)
        if shape is None:
            return tuple(output_size)
        if len(shape) < 4:
            return size  # the core names the rank
        return tuple(shape[2 + i] if output_size[i] is None else size[i] for i in range(2))
    return _pair(output_size, "output_size", op)


def fractional_max_pool2d(input: Tensor, kernel_size: Any, output_size: Any = None, output_ratio: Any = None,
                          return_indices: bool = False, _random_samples: Optional[Tensor] = None) -> Tensor:
    """Fractional max pooling (Graham 2014): max over kh x kw windows whose starts are
    pseudo-random, ``start_i = floor((i + u) a) - floor(u a)`` with ``a = (H - kh) / (H' - 1)``
    and one ``u ~ U[0, 1)`` per (image, channel, axis), so the output size H' can be any
    fraction of H. Give ``output_size`` or ``output_ratio`` (H' = floor(H * ratio)).
    ``_random_samples`` (N, C, 2) fixes u (PyTorch's argument); otherwise u comes from xgrad's
    generator."""
    _check_tensor(input, "fractional_max_pool2d")
    if return_indices:
        raise ValueError("fractional_max_pool2d: return_indices is not supported")
    k = _pair(kernel_size, "kernel_size", "fractional_max_pool2d")
    ratio = fractional_target(output_size, output_ratio, "fractional_max_pool2d")
    if ratio is not None:
        output_size = (int(input.shape[-2] * ratio[0]), int(input.shape[-1] * ratio[1]))
        if min(output_size) < 1:
            raise ValueError(f"fractional_max_pool2d: output_ratio {output_ratio!r} of an input of shape "
                             f"{tuple(input.shape)} leaves no output (size {output_size})")
    if _random_samples is not None:
        _check_tensor(_random_samples, "fractional_max_pool2d", "_random_samples")
    return _core.fractional_max_pool2d(input, k, _pair(output_size, "output_size", "fractional_max_pool2d"),
                                       _random_samples)


def fractional_target(output_size: Any, output_ratio: Any, op: str) -> Optional[tuple]:
    """Checks fractional max pooling's target: exactly one of ``output_size`` (ints >= 1) and
    ``output_ratio`` (numbers in (0, 1), or a pair); returns the ratio pair, or None for a size."""
    if (output_size is None) == (output_ratio is None):
        raise ValueError(f"{op}: give exactly one of output_size and output_ratio")
    if output_ratio is None:
        _pair(output_size, "output_size", op)
        return None
    if isinstance(output_ratio, (tuple, list)):
        return check.pair_of_numbers(output_ratio, "output_ratio", op, low=0.0, high=1.0, low_open=True,
                                     high_open=True)
    r = check.number(output_ratio, "output_ratio", op, low=0.0, high=1.0, low_open=True, high_open=True)
    return r, r


# ---------------------------------------------------------------- normalisation

def batch_norm(input: Tensor, running_mean: Optional[Tensor], running_var: Optional[Tensor],
               weight: Optional[Tensor] = None, bias: Optional[Tensor] = None, training: bool = False,
               momentum: float = 0.1, eps: float = 1e-5) -> Tensor:
    """Batch normalisation (Ioffe & Szegedy 2015) of (N, C) or (N, C, ...) per channel c:
    ``y = (x - mu_c) / sqrt(var_c + eps) * weight_c + bias_c``. Training: mu, var (biased) of the
    batch, and the running statistics (if given) are updated in place,
    ``running = (1 - momentum) running + momentum * stat`` with the unbiased variance.
    Evaluation: mu, var = running_mean, running_var. Fused forward and backward in C++."""
    _check_tensor(input, "batch_norm")
    _check_tensors("batch_norm", running_mean=running_mean, running_var=running_var, weight=weight, bias=bias)
    return _core.batch_norm(input, running_mean, running_var, weight, bias, check.flag(training, "training", "batch_norm"),
                            check.number(momentum, "momentum", "batch_norm", low=0.0, high=1.0),
                            check.number(eps, "eps", "batch_norm", low=0.0))


def layer_norm(input: Tensor, normalized_shape: Any, weight: Optional[Tensor] = None,
               bias: Optional[Tensor] = None, eps: float = 1e-5) -> Tensor:
    """Layer normalisation (Ba et al. 2016): each sample normalised over its last dims
    ``normalized_shape``, ``y = (x - mean) / sqrt(var + eps) * weight + bias`` (weight, bias of
    shape normalized_shape). Same computation in training and evaluation."""
    _check_tensor(input, "layer_norm")
    _check_tensors("layer_norm", weight=weight, bias=bias)
    return _core.layer_norm(input, list(sizes(normalized_shape, "normalized_shape", "layer_norm")), weight, bias,
                            check.number(eps, "eps", "layer_norm", low=0.0))


def sizes(value: Any, name: str, op: str) -> tuple:
    """A shape argument: a positive int, or a non-empty sequence of them, as a tuple."""
    if check.is_integer(value):
        return (check.positive_int(value, name, op),)
    if isinstance(value, (tuple, list)) and value:
        return tuple(check.positive_int(v, f"{name}[{i}]", op) for i, v in enumerate(value))
    raise check.type_error(op, name, "a positive integer or a non-empty sequence of them", value)


def group_norm(input: Tensor, num_groups: int, weight: Optional[Tensor] = None, bias: Optional[Tensor] = None,
               eps: float = 1e-5) -> Tensor:
    """Group normalisation (Wu & He 2018) of (N, C, ...): statistics per sample over each group of
    C / num_groups channels (and all spatial positions); weight, bias (C,) per channel."""
    _check_tensor(input, "group_norm")
    _check_tensors("group_norm", weight=weight, bias=bias)
    return _core.group_norm(input, check.positive_int(num_groups, "num_groups", "group_norm"), weight, bias,
                            check.number(eps, "eps", "group_norm", low=0.0))


def instance_norm(input: Tensor, running_mean: Optional[Tensor] = None, running_var: Optional[Tensor] = None,
                  weight: Optional[Tensor] = None, bias: Optional[Tensor] = None, use_input_stats: bool = True,
                  momentum: float = 0.1, eps: float = 1e-5) -> Tensor:
    """Instance normalisation (Ulyanov et al. 2016) of (N, C, ...): every (sample, channel) plane
    normalised by its own mean and variance (group norm with one channel per group). With
    ``use_input_stats=False`` the running statistics are used instead (as batch norm in eval).
    When running statistics are given and ``use_input_stats``, they are updated with the batch
    average of the per-instance mean and unbiased variance (PyTorch's rule)."""
    _check_tensor(input, "instance_norm")
    use_input_stats = check.flag(use_input_stats, "use_input_stats", "instance_norm")
    momentum = check.number(momentum, "momentum", "instance_norm", low=0.0, high=1.0)
    if input.ndim < 3:
        raise ValueError(f"instance_norm: input must be (N, C, ...) with spatial dims, got shape {tuple(input.shape)}")
    if not use_input_stats:
        return batch_norm(input, running_mean, running_var, weight, bias, False, momentum, eps)
    if running_mean is not None and running_var is not None:
        x = np.asarray(input.numpy(), dtype=np.float64).reshape(input.shape[0], input.shape[1], -1)
        m = float(momentum)
        rm, rv = running_mean.numpy(), running_var.numpy()
        rm[...] = (1 - m) * rm + m * x.mean(2).mean(0)
        rv[...] = (1 - m) * rv + m * x.var(2, ddof=1).mean(0)
    return group_norm(input, input.shape[1], weight, bias, eps)


# ---------------------------------------------------------------- maxout

def maxout(input: Tensor, k: int, dim: int = 1) -> Tensor:
    """Maxout's max (Goodfellow et al. 2013): along ``dim``, the maximum of each group of ``k``
    consecutive entries, so a dim of size k*d becomes d. With the k pieces of a Linear layer this
    is ``max(w_1^T x + b_1, ..., w_k^T x + b_k)``."""
    _check_tensor(input, "maxout")
    return _core.maxout(input, check.positive_int(k, "k", "maxout"), check.integer(dim, "dim", "maxout"))


# ---------------------------------------------------------------- dropout family

def _check_p(p: float, op: str) -> float:
    return check.probability(p, "p (the probability of dropping)", op, one=False)


def dropout(input: Tensor, p: float = 0.5, training: bool = True, scale_at_test: bool = False) -> Tensor:
    """Dropout (Srivastava et al. 2014) with p = the probability of *dropping* a unit (PyTorch's
    convention; the lectures' p is the keep probability 1 - p).

    Inverted dropout (default): training ``y = x * m / (1 - p)``, m ~ Bernoulli(1 - p) per element;
    test ``y = x``. The lectures' original variant, ``scale_at_test=True``: training ``y = x * m``,
    test ``y = (1 - p) x``. Both have the same expected output. Masks come from xgrad's generator."""
    p = _check_p(p, "dropout")
    _check_tensor(input, "dropout")
    training = check.flag(training, "training", "dropout")
    scale_at_test = check.flag(scale_at_test, "scale_at_test", "dropout")
    if not training:
        return _core.mul(input, 1.0 - p) if scale_at_test and p > 0 else input
    if p == 0.0:
        return input
    mask = _core.bernoulli_mask(list(input.shape), p, 1.0 if scale_at_test else 1.0 / (1.0 - p), input.dtype)
    return _core.mul(input, mask)


def stochastic_depth(input: Tensor, p: float, mode: str = "row", training: bool = True,
                     scale_at_test: bool = True) -> Tensor:
    """Stochastic depth (Huang et al. 2016) on a residual branch's output (N, ...): in training
    the branch is dropped with probability p per sample (``mode='row'``) or for the whole batch
    (``mode='batch'``). ``scale_at_test=True`` (the paper): training ``y = b x``, test
    ``y = (1 - p) x``; ``scale_at_test=False`` (torchvision): training ``y = b x / (1 - p)``, test
    ``y = x``. b ~ Bernoulli(1 - p) from xgrad's generator."""
    p = _check_p(p, "stochastic_depth")
    _check_tensor(input, "stochastic_depth")
    mode = check.choice(mode, "mode", "stochastic_depth", ("row", "batch"))
    training = check.flag(training, "training", "stochastic_depth")
    scale_at_test = check.flag(scale_at_test, "scale_at_test", "stochastic_depth")
    if not training:
        return _core.mul(input, 1.0 - p) if scale_at_test and p > 0 else input
    if p == 0.0:
        return input
    shape = [input.shape[0] if mode == "row" else 1] + [1] * (input.ndim - 1)
    mask = _core.bernoulli_mask(shape, p, 1.0 if scale_at_test else 1.0 / (1.0 - p), input.dtype)
    return _core.mul(input, mask)


# ---------------------------------------------------------------- losses

def nll_loss(input: Tensor, target: Any, weight: Optional[Tensor] = None, ignore_index: int = -100,
             reduction: str = "mean") -> Tensor:
    """Negative log-likelihood of log-probabilities (N, C) (e.g. from log_softmax):
    ``loss_i = -w_{y_i} input[i, y_i]``; 'mean' divides by sum_i w_{y_i}."""
    _check_tensor(input, "nll_loss")
    return _core.nll_loss(input, target, _reduction(reduction, "nll_loss"), _weight(weight, "nll_loss"),
                          check.integer(ignore_index, "ignore_index", "nll_loss"))


def multi_margin_loss(input: Tensor, target: Any, p: int = 1, margin: float = 1.0, weight: Optional[Tensor] = None,
                      reduction: str = "mean") -> Tensor:
    """The multiclass SVM (hinge) loss of the lectures, with PyTorch's normalisation by C:
    ``loss_i = sum_{j != y_i} max(0, margin - s_{y_i} + s_j)^p / C`` (times w_{y_i} with weights)
    for scores s (N, C). CS231n's L_i is C times this value (its sum has no 1/C)."""
    op = "multi_margin_loss"
    _check_tensor(input, op)
    return _core.multi_margin_loss(input, target, margin_power(p, op), check.number(margin, "margin", op),
                                   _weight(weight, op), _reduction(reduction, op))


def margin_power(p: Any, op: str) -> int:
    """The hinge's power p of the multiclass SVM loss: 1 or 2."""
    p = check.integer(p, "p", op)
    if p not in (1, 2):
        raise check.value_error(op, "p", "1 (hinge) or 2 (squared hinge)", p)
    return p


def focal_loss(input: Tensor, target: Any, alpha: Any = None, gamma: float = 2.0, reduction: str = "mean") -> Tensor:
    """Softmax focal loss (Lin et al. 2017) for logits (N, C) and class indices:
    ``loss_i = -alpha_{y_i} (1 - p_{y_i})^gamma log p_{y_i}``, p = softmax(input). It down-weights
    well-classified examples; gamma = 0 with alpha None is cross-entropy. ``alpha``: None (1), one
    number, or one weight per class. 'mean' averages over the N samples."""
    _check_tensor(input, "focal_loss")
    return _core.focal_loss(input, target, focal_alphas(alpha, "focal_loss"),
                            check.number(gamma, "gamma", "focal_loss", low=0.0), _reduction(reduction, "focal_loss"))


def focal_alphas(alpha: Any, op: str) -> list:
    """Focal loss's alpha as the core takes it: [] for None, [a] for one number, one per class."""
    if alpha is None:
        return []
    if check.is_number(alpha):
        return [check.number(alpha, "alpha", op, low=0.0)]
    values = np.asarray(alpha.detach().numpy() if isinstance(alpha, Tensor) else alpha)
    if values.dtype.kind not in "iuf" or values.ndim != 1:
        raise check.type_error(op, "alpha", "None, a number or a 1-D sequence of per-class numbers", alpha)
    values = values.astype(np.float64)
    if not (np.isfinite(values).all() and (values >= 0).all()):
        raise check.value_error(op, "alpha", "finite numbers >= 0", alpha)
    return values.tolist()


def _pointwise(kind: Any, op: str, input: Tensor, target: Any, reduction: str, beta: float = 0.0,
               weight: Optional[Tensor] = None) -> Tensor:
    _check_tensor(input, op)
    reduction = _reduction(reduction, op)
    weight = _weight(weight, op)
    if not isinstance(target, Tensor):
        values = np.asarray(target) if not isinstance(target, np.ndarray) else target
        if values.dtype.kind not in "biuf":
            raise check.type_error(op, "target", "a Tensor or an array of numbers", target)
        target = _core._from_numpy(np.asarray(values, dtype=np.float64), input.dtype)
    if weight is None:
        return _core.pointwise_loss(kind, input, target, reduction, float(beta))
    per = _core.mul(_core.pointwise_loss(kind, input, target, "none", float(beta)), weight)  # weight broadcasts
    if reduction == "none":
        return per
    total = _core.sum(per, None, False)
    return _core.div(total, float(per.numel())) if reduction == "mean" else total


def l1_loss(input: Tensor, target: Any, reduction: str = "mean") -> Tensor:
    """``|x - y|`` elementwise (mean over all elements by default)."""
    return _pointwise(_core.PointwiseLoss.l1, "l1_loss", input, target, reduction)


def mse_loss(input: Tensor, target: Any, reduction: str = "mean") -> Tensor:
    """``(x - y)^2`` elementwise: the L2 loss of regression."""
    return _pointwise(_core.PointwiseLoss.mse, "mse_loss", input, target, reduction)


def smooth_l1_loss(input: Tensor, target: Any, reduction: str = "mean", beta: float = 1.0) -> Tensor:
    """Huber-like: ``0.5 d^2 / beta`` where ``|d| < beta``, else ``|d| - 0.5 beta`` (d = x - y);
    quadratic near 0, linear (robust to outliers) far away. beta = 0 is L1."""
    return _pointwise(_core.PointwiseLoss.smooth_l1, "smooth_l1_loss", input, target, reduction,
                      check.number(beta, "beta", "smooth_l1_loss", low=0.0))


def binary_cross_entropy(input: Tensor, target: Any, weight: Optional[Tensor] = None,
                         reduction: str = "mean") -> Tensor:
    """``-(y log x + (1 - y) log(1 - x))`` for probabilities x in [0, 1] (logs clamped at -100, as
    PyTorch does); ``weight`` rescales each element (broadcast)."""
    return _pointwise(_core.PointwiseLoss.bce, "binary_cross_entropy", input, target, reduction, 0.0, weight)


def binary_cross_entropy_with_logits(input: Tensor, target: Any, weight: Optional[Tensor] = None,
                                     reduction: str = "mean") -> Tensor:
    """Sigmoid + binary cross-entropy in one stable formula for logits z:
    ``max(z, 0) - z y + log(1 + exp(-|z|))``; gradient ``sigmoid(z) - y``. With a target (N, K) of
    0/1 attributes it is the multi-label (attribute) classification loss of the lectures."""
    return _pointwise(_core.PointwiseLoss.bce_with_logits, "binary_cross_entropy_with_logits", input, target,
                      reduction, 0.0, weight)


# ---------------------------------------------------------------- padding and embeddings

PAD_MODES = ("constant", "reflect", "replicate", "circular")


def pad(input: Tensor, pad: Any, mode: str = "constant", value: float = 0.0) -> Tensor:
    """``torch.nn.functional.pad``: ``pad = (left, right)`` for the last dim, then ``(top, bottom)``
    for the one before, and so on. ``constant`` fills with ``value`` (a negative amount crops);
    ``reflect`` mirrors without repeating the edge (amounts < the dim's size), ``replicate``
    repeats the edge, ``circular`` wraps around (amounts <= the size). Differentiable: the
    gradient of a copied element adds up at its source."""
    from .._tensor import cat, full
    _check_tensor(input, "pad")
    if isinstance(pad, (str, bytes)) or not isinstance(pad, (tuple, list)):
        raise check.type_error("pad", "pad", "a tuple of integers (left, right, top, bottom, ...)", pad)
    amounts = [check.integer(p, f"pad[{i}]", "pad") for i, p in enumerate(pad)]
    if len(amounts) % 2 or len(amounts) // 2 > input.ndim:
        raise ValueError(f"pad: pad must have an even length of at most 2 * ndim ({2 * input.ndim} for shape "
                         f"{tuple(input.shape)}), got {len(amounts)} values")
    mode = check.choice(mode, "mode", "pad", PAD_MODES)
    out = input
    for k in range(len(amounts) // 2):
        dim = input.ndim - 1 - k
        left, right = amounts[2 * k], amounts[2 * k + 1]
        n = out.shape[dim]
        if mode == "constant":
            if left < 0 or right < 0:
                start, stop = max(-left, 0), n - max(-right, 0)
                if stop < start:
                    raise ValueError(f"pad: cropping {-min(left, 0)} and {-min(right, 0)} from dim {dim} of size {n} "
                                     f"leaves nothing")
                out = _core.slice(out, dim, start, stop, 1)
                left, right = max(left, 0), max(right, 0)
            parts = []
            for amount in (left, None, right):
                if amount is None:
                    parts.append(out)
                elif amount:
                    shape = list(out.shape)
                    shape[dim] = amount
                    parts.append(full(shape, value, dtype=out.dtype))
            out = cat(parts, dim) if len(parts) > 1 else out
            continue
        if min(left, right) < 0:
            raise ValueError(f"pad: mode '{mode}' takes amounts >= 0, got ({left}, {right}) for dim {dim}")
        limit = n - 1 if mode == "reflect" else n
        if mode != "replicate" and max(left, right) > limit:
            raise ValueError(f"pad: mode '{mode}' pads at most {limit} on each side of dim {dim} of size {n}, got "
                             f"({left}, {right})")
        if n == 0:
            raise ValueError(f"pad: mode '{mode}' cannot pad dim {dim} of size 0")
        idx = np.arange(-left, n + right)
        if mode == "reflect":
            idx = np.abs(idx)
            idx = np.where(idx > n - 1, 2 * (n - 1) - idx, idx)
        elif mode == "replicate":
            idx = np.clip(idx, 0, n - 1)
        else:
            idx = idx % n
        out = out[(slice(None),) * dim + (idx,)]
    return out


def embedding(input: Any, weight: Tensor, padding_idx: Optional[int] = None) -> Tensor:
    """Rows of ``weight`` (num_embeddings, embedding_dim) at the integer ``input``: shape
    ``input.shape + (embedding_dim,)``. The row at ``padding_idx`` gets no gradient."""
    _check_tensor(weight, "embedding", "weight")
    if weight.ndim != 2:
        raise ValueError(f"embedding: weight must be 2-D (num_embeddings, embedding_dim), got shape "
                         f"{tuple(weight.shape)}")
    if isinstance(input, Tensor):
        if input.is_floating_point() or input.dtype == _core.dtype.bool:
            raise TypeError(f"embedding: input must be an integer tensor of indices, got {input.dtype.name}")
        index = input.numpy().astype(np.int64)
    else:
        index = check.int64_array(input, "input", "embedding", what="indices")
    n = weight.shape[0]
    if index.size and (index.min() < 0 or index.max() >= n):
        bad = int(index.min()) if index.min() < 0 else int(index.max())
        raise IndexError(f"embedding: index {bad} is out of range for {n} embeddings")
    out = weight[index]
    if padding_idx is not None:
        from .._tensor import tensor, where
        keep = tensor(index != padding_idx)[..., None]
        out = where(keep, out, out.detach())  # same values; no gradient reaches the padding row
    return out
