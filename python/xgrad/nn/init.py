"""Initialisers that fill a tensor in place (PyTorch's names, trailing underscore), drawing from
xgrad's one generator so ``xgrad.manual_seed`` repeats them exactly."""
from __future__ import annotations

import math
from typing import Any, Optional, Tuple

import numpy as np

from .. import _checks as check
from .. import _core
from .._tensor import Tensor
from ..autograd import no_grad


def calculate_gain(nonlinearity: str, param: Optional[float] = None) -> float:
    """The gain that keeps activations' variance through a nonlinearity (PyTorch's table):
    linear/sigmoid 1, tanh 5/3, relu sqrt(2), leaky_relu sqrt(2 / (1 + slope^2)), selu 3/4."""
    linear = ("linear", "conv1d", "conv2d", "conv3d", "conv_transpose1d", "conv_transpose2d", "sigmoid")
    check.choice(nonlinearity, "nonlinearity", "calculate_gain", _NONLINEARITIES)
    if param is not None:
        param = check.number(param, "param", "calculate_gain")
    if nonlinearity in linear:
        return 1.0
    if nonlinearity == "tanh":
        return 5.0 / 3
    if nonlinearity == "relu":
        return math.sqrt(2.0)
    if nonlinearity == "leaky_relu":
        slope = 0.01 if param is None else float(param)
        return math.sqrt(2.0 / (1 + slope ** 2))
    if nonlinearity == "selu":
        return 3.0 / 4
    raise AssertionError(nonlinearity)  # every name of _NONLINEARITIES is handled above


_NONLINEARITIES = ("linear", "conv1d", "conv2d", "conv3d", "conv_transpose1d", "conv_transpose2d", "sigmoid", "tanh",
                   "relu", "leaky_relu", "selu")


def _target(tensor: Tensor, owner: str) -> Tensor:
    """The tensor an initialiser fills: an xgrad Tensor (a NumPy array would reach the core as
    pybind11's "incompatible function arguments")."""
    if not isinstance(tensor, Tensor):
        raise check.type_error(owner, "tensor", "an xgrad Tensor", tensor)
    return tensor


def _calculate_fan_in_and_fan_out(tensor: Tensor) -> Tuple[int, int]:
    """fan_in = in_features * receptive field, fan_out = out_features * receptive field, for
    Linear weights (out, in) and Conv weights (out, in, kh, kw). The one place fans are computed."""
    if tensor.ndim < 2:
        raise ValueError(f"fan in and fan out need a tensor with at least 2 dimensions, got shape {tensor.shape}")
    receptive = 1
    for s in tensor.shape[2:]:
        receptive *= s
    return tensor.shape[1] * receptive, tensor.shape[0] * receptive


def _fill_from(tensor: Tensor, values: Tensor) -> Tensor:
    with no_grad():
        _core.copy_(tensor, values)
    return tensor


def uniform_(tensor: Tensor, a: float = 0.0, b: float = 1.0) -> Tensor:
    """Fill with U(a, b)."""
    _target(tensor, "uniform_")
    a, b = check.number(a, "a", "uniform_"), check.number(b, "b", "uniform_")
    if a > b:  # as PyTorch: "expects to return a [from, to) range"
        raise ValueError(f"uniform_: a must be <= b, got a={a:g}, b={b:g}")
    u = _core.rand(list(tensor.shape), tensor.dtype)
    return _fill_from(tensor, _core.add(_core.mul(u, float(b - a)), float(a)))


def normal_(tensor: Tensor, mean: float = 0.0, std: float = 1.0) -> Tensor:
    """Fill with N(mean, std^2)."""
    _target(tensor, "normal_")
    mean = check.number(mean, "mean", "normal_")
    std = check.number(std, "std", "normal_", low=0.0)
    n = _core.randn(list(tensor.shape), tensor.dtype)
    return _fill_from(tensor, _core.add(_core.mul(n, float(std)), float(mean)))


def constant_(tensor: Tensor, val: float) -> Tensor:
    _target(tensor, "constant_")
    val = check.number(val, "val", "constant_", finite=False)
    with no_grad():
        _core.fill_(tensor, float(val))
    return tensor


def zeros_(tensor: Tensor) -> Tensor:
    return constant_(tensor, 0.0)


def ones_(tensor: Tensor) -> Tensor:
    return constant_(tensor, 1.0)


def _calculate_correct_fan(tensor: Tensor, mode: str, owner: str = "init") -> int:
    check.choice(mode, "mode", owner, ("fan_in", "fan_out"))
    fan_in, fan_out = _calculate_fan_in_and_fan_out(tensor)
    return fan_in if mode == "fan_in" else fan_out


def _kaiming(tensor: Tensor, a: Any, mode: str, nonlinearity: str, owner: str) -> Tuple[float, int]:
    """The checked (gain, fan) of He et al.'s initialisations."""
    _target(tensor, owner)
    a = check.number(a, "a", owner)
    check.choice(nonlinearity, "nonlinearity", owner, _NONLINEARITIES)
    return calculate_gain(nonlinearity, a), _calculate_correct_fan(tensor, mode, owner)


def kaiming_uniform_(tensor: Tensor, a: float = 0.0, mode: str = "fan_in", nonlinearity: str = "leaky_relu") -> Tensor:
    """He et al. 2015: U(-b, b) with b = gain * sqrt(3 / fan)."""
    gain, fan = _kaiming(tensor, a, mode, nonlinearity, "kaiming_uniform_")
    if tensor.numel() == 0:  # PyTorch: initialising a zero-element tensor is a no-op
        return tensor
    bound = gain * math.sqrt(3.0 / fan)
    return uniform_(tensor, -bound, bound)


def kaiming_normal_(tensor: Tensor, a: float = 0.0, mode: str = "fan_in", nonlinearity: str = "leaky_relu") -> Tensor:
    """He et al. 2015: N(0, std^2) with std = gain / sqrt(fan)."""
    gain, fan = _kaiming(tensor, a, mode, nonlinearity, "kaiming_normal_")
    if tensor.numel() == 0:  # PyTorch: initialising a zero-element tensor is a no-op
        return tensor
    return normal_(tensor, 0.0, gain / math.sqrt(fan))


def xavier_uniform_(tensor: Tensor, gain: float = 1.0) -> Tensor:
    """Glorot & Bengio 2010: U(-b, b) with b = gain * sqrt(6 / (fan_in + fan_out))."""
    _target(tensor, "xavier_uniform_")
    gain = check.number(gain, "gain", "xavier_uniform_")
    fan_in, fan_out = _calculate_fan_in_and_fan_out(tensor)
    if tensor.numel() == 0:  # no fans to divide by, nothing to fill
        return tensor
    bound = gain * math.sqrt(6.0 / (fan_in + fan_out))
    return uniform_(tensor, -bound, bound)


def xavier_normal_(tensor: Tensor, gain: float = 1.0) -> Tensor:
    """Glorot & Bengio 2010: N(0, std^2) with std = gain * sqrt(2 / (fan_in + fan_out))."""
    _target(tensor, "xavier_normal_")
    gain = check.number(gain, "gain", "xavier_normal_")
    fan_in, fan_out = _calculate_fan_in_and_fan_out(tensor)
    if tensor.numel() == 0:  # no fans to divide by, nothing to fill
        return tensor
    return normal_(tensor, 0.0, gain * math.sqrt(2.0 / (fan_in + fan_out)))


# ---------------------------------------------------------------- the lectures' schemes

def small_random_(tensor: Tensor, std: float = 0.01) -> Tensor:
    """CS231n's "small random numbers": ``W = 0.01 * np.random.randn(D, H)``, i.e. N(0, std^2).
    Fine for small networks; in deep ones the activations shrink towards zero layer by layer."""
    _target(tensor, "small_random_")
    return normal_(tensor, 0.0, check.number(std, "std", "small_random_", low=0.0))


def calibrated_normal_(tensor: Tensor) -> Tensor:
    """CS231n's "calibrating the variances with 1/sqrt(n)": ``w = np.random.randn(n) / sqrt(n)``
    with n = fan_in, so each unit's output variance matches its input's (LeCun normal)."""
    _target(tensor, "calibrated_normal_")
    fan_in, _ = _calculate_fan_in_and_fan_out(tensor)
    if tensor.numel() == 0:
        return tensor
    return normal_(tensor, 0.0, 1.0 / math.sqrt(fan_in))


def sparse_(tensor: Tensor, sparsity: float, std: float = 0.01) -> Tensor:
    """Sparse initialisation (Martens 2010, PyTorch's ``sparse_``): a 2-D tensor filled from
    N(0, std^2), then in every column ``ceil(sparsity * rows)`` entries set to zero, chosen at
    random from xgrad's generator."""
    _target(tensor, "sparse_")
    sparsity = check.probability(sparsity, "sparsity", "sparse_")
    std = check.number(std, "std", "sparse_", low=0.0)
    if tensor.ndim != 2:
        raise ValueError(f"sparse_: only 2-D tensors are supported, got shape {tuple(tensor.shape)}")
    if not 0.0 <= sparsity <= 1.0:
        raise ValueError(f"sparse_: sparsity must be in [0, 1], got {sparsity}")
    rows, cols = tensor.shape
    num_zeros = int(math.ceil(sparsity * rows))
    normal_(tensor, 0.0, std)
    if num_zeros == 0:
        return tensor
    # a random permutation of the rows for every column: argsort of uniform draws
    keys = np.asarray(_core.rand([rows, cols], _core.dtype.float64))
    zero_rows = np.argsort(keys, axis=0, kind="stable")[:num_zeros]
    values = np.array(tensor.numpy())
    values[zero_rows, np.arange(cols)[None, :]] = 0.0
    return _fill_from(tensor, _core._from_numpy(values, tensor.dtype))


def orthogonal_(tensor: Tensor, gain: float = 1.0) -> Tensor:
    """Orthogonal initialisation (Saxe et al. 2013, PyTorch's ``orthogonal_``): the tensor viewed
    as rows x (numel / rows) becomes a (semi-)orthogonal matrix Q from the QR decomposition of a
    Gaussian matrix drawn from xgrad's generator, signs fixed by diag(R), times ``gain``."""
    _target(tensor, "orthogonal_")
    gain = check.number(gain, "gain", "orthogonal_")
    if tensor.ndim < 2:
        raise ValueError(f"orthogonal_: only tensors with 2 or more dimensions are supported, got shape "
                         f"{tuple(tensor.shape)}")
    if tensor.numel() == 0:
        return tensor
    rows = tensor.shape[0]
    cols = tensor.numel() // rows
    flat = np.asarray(_core.randn([rows, cols], _core.dtype.float64))
    if rows < cols:
        flat = flat.T
    q, r = np.linalg.qr(flat)
    q = q * np.sign(np.diag(r))
    if rows < cols:
        q = q.T
    values = np.ascontiguousarray((gain * q).reshape(tuple(tensor.shape)))
    return _fill_from(tensor, _core._from_numpy(values, tensor.dtype))
