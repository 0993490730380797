"""The tensor ops that are also methods: ``xgrad.sum(t, dim)`` is ``t.sum(dim)`` (see methods.py).

Each function normalises its arguments (PyTorch's ``dim``/``keepdim`` and NumPy's
``axis``/``keepdims`` both work) and hands over to one C++ op, which owns the forward and the
backward.
"""
from __future__ import annotations

from typing import Any, Optional, Sequence

import numpy as np

from .. import _core
from .creation import full, tensor
from .dtypes import Tensor, _NUMPY_OF, float32
from .operands import _axes, _keep, _operand, _shape


# ---------------------------------------------------------------- elementwise

def add(input: Tensor, other: Any) -> Tensor:
    """``input + other`` with broadcasting."""
    return _core.add(input, _operand(other, input))


def sub(input: Tensor, other: Any) -> Tensor:
    """``input - other`` with broadcasting."""
    return _core.sub(input, _operand(other, input))


def mul(input: Tensor, other: Any) -> Tensor:
    """``input * other`` with broadcasting."""
    return _core.mul(input, _operand(other, input))


def div(input: Tensor, other: Any) -> Tensor:
    """``input / other`` with broadcasting."""
    return _core.div(input, _operand(other, input))


def pow(input: Tensor, exponent: float) -> Tensor:
    """``input ** exponent`` for a scalar exponent; d/dx = p x^(p-1)."""
    if isinstance(exponent, Tensor):
        raise TypeError("pow: the exponent must be a Python number (tensor exponents are not supported)")
    return _core.pow(input, float(exponent))


def maximum(input: Tensor, other: Any) -> Tensor:
    """Elementwise maximum with broadcasting; on ties each side gets half the gradient."""
    other = _operand(other, input)
    if not isinstance(other, Tensor):
        other = full((), other, dtype=input.dtype)
    return _core.maximum(input, other)


def minimum(input: Tensor, other: Any) -> Tensor:
    """Elementwise minimum with broadcasting; on ties each side gets half the gradient."""
    other = _operand(other, input)
    if not isinstance(other, Tensor):
        other = full((), other, dtype=input.dtype)
    return _core.minimum(input, other)


def where(condition: Any, input: Any, other: Any) -> Tensor:
    """``input`` where ``condition`` is nonzero/True, else ``other`` (all three broadcast)."""
    ref = input if isinstance(input, Tensor) else other if isinstance(other, Tensor) else None
    dt = ref.dtype if ref is not None else float32
    if not isinstance(condition, Tensor):
        condition = tensor(np.asarray(condition, dtype=_NUMPY_OF[dt]))
    def as_tensor(v):
        return v if isinstance(v, Tensor) else tensor(np.asarray(v, dtype=_NUMPY_OF[dt]))
    return _core.where(condition, as_tensor(input), as_tensor(other))


def clip(input: Tensor, min: Optional[float] = None, max: Optional[float] = None) -> Tensor:
    """Clamp values to [min, max]; the gradient is 1 inside the interval, 0 outside."""
    lo = -np.inf if min is None else float(min)
    hi = np.inf if max is None else float(max)
    return _core.clip(input, lo, hi)


clamp = clip


# ---------------------------------------------------------------- reductions

def sum(input: Tensor, dim: Any = None, keepdim: bool = False, *, axis: Any = None,
        keepdims: Optional[bool] = None) -> Tensor:
    """Sum over ``dim`` (an int, a tuple, or None for all axes)."""
    return _core.sum(input, _axes(dim, axis, "sum"), _keep(keepdim, keepdims))


def mean(input: Tensor, dim: Any = None, keepdim: bool = False, *, axis: Any = None,
         keepdims: Optional[bool] = None) -> Tensor:
    """Mean over ``dim`` (an int, a tuple, or None for all axes)."""
    return _core.mean(input, _axes(dim, axis, "mean"), _keep(keepdim, keepdims))


def max(input: Tensor, dim: Any = None, keepdim: bool = False, *, axis: Any = None,
        keepdims: Optional[bool] = None) -> Tensor:
    """Maximum over ``dim``; the gradient goes to the maximal elements (split on ties), like
    ``torch.amax``. Returns values only (use ``argmax`` for indices)."""
    return _core.max(input, _axes(dim, axis, "max"), _keep(keepdim, keepdims))


def min(input: Tensor, dim: Any = None, keepdim: bool = False, *, axis: Any = None,
        keepdims: Optional[bool] = None) -> Tensor:
    """Minimum over ``dim``; see ``max``."""
    return _core.min(input, _axes(dim, axis, "min"), _keep(keepdim, keepdims))


def var(input: Tensor, dim: Any = None, keepdim: bool = False, *, correction: Optional[float] = None,
        unbiased: Optional[bool] = None, axis: Any = None, keepdims: Optional[bool] = None,
        ddof: Optional[float] = None) -> Tensor:
    """Variance ``sum((x - mean)^2) / (N - correction)``.

    ``correction=1`` (PyTorch's default, unbiased) unless ``correction``, ``unbiased=False`` or
    NumPy's ``ddof`` says otherwise (``ddof=0`` matches ``np.var``)."""
    c = 1.0
    if unbiased is not None:
        c = 1.0 if unbiased else 0.0
    if ddof is not None:
        c = float(ddof)
    if correction is not None:
        c = float(correction)
    return _core.var(input, _axes(dim, axis, "var"), c, _keep(keepdim, keepdims))


def std(input: Tensor, dim: Any = None, keepdim: bool = False, **kwargs: Any) -> Tensor:
    """Standard deviation: ``sqrt(var(...))`` with the same arguments."""
    return _core.sqrt(var(input, dim, keepdim, **kwargs))


def argmax(input: Tensor, dim: Optional[int] = None, keepdim: bool = False) -> np.ndarray:
    """Indices of the maxima as a NumPy int64 array (not differentiable)."""
    a = np.asarray(input)
    if dim is None:
        return np.asarray(np.argmax(a))
    out = np.argmax(a, axis=dim)
    return np.expand_dims(out, dim) if keepdim else out


def argmin(input: Tensor, dim: Optional[int] = None, keepdim: bool = False) -> np.ndarray:
    """Indices of the minima as a NumPy int64 array (not differentiable)."""
    a = np.asarray(input)
    if dim is None:
        return np.asarray(np.argmin(a))
    out = np.argmin(a, axis=dim)
    return np.expand_dims(out, dim) if keepdim else out


# ---------------------------------------------------------------- linear algebra

def matmul(input: Tensor, other: Any) -> Tensor:
    """NumPy's matmul (``@``): batched, broadcasting, 1-D operands promoted; runs on BLAS gemm."""
    other = _operand(other, input)
    if not isinstance(other, Tensor):
        raise ValueError("matmul: scalar operands are not allowed, use * instead")
    return _core.matmul(input, other)


# ---------------------------------------------------------------- shape

def reshape(input: Tensor, *shape: Any) -> Tensor:
    """A view with a new shape when the layout allows, else a copy; one entry may be -1."""
    return _core.reshape(input, _shape(shape) if shape and not (len(shape) == 1 and shape[0] == ()) else [])


def transpose(input: Tensor, dim0: int = 0, dim1: int = 1) -> Tensor:
    """Swap two axes (a view)."""
    return _core.transpose(input, int(dim0), int(dim1))


def permute(input: Tensor, *dims: Any) -> Tensor:
    """Reorder the axes (a view): ``x.permute(0, 2, 3, 1)``."""
    return _core.permute(input, _shape(dims))


def flatten(input: Tensor, start_dim: int = 0, end_dim: int = -1) -> Tensor:
    """Merge axes ``start_dim..end_dim`` into one."""
    return _core.flatten(input, int(start_dim), int(end_dim))


def squeeze(input: Tensor, dim: Optional[int] = None) -> Tensor:
    """Remove axis ``dim`` if it has extent 1 (all extent-1 axes when ``dim`` is None)."""
    if dim is None:
        return _core.reshape(input, [s for s in input.shape if s != 1])
    return _core.squeeze(input, int(dim))


def unsqueeze(input: Tensor, dim: int) -> Tensor:
    """Insert an axis of extent 1 at ``dim``."""
    return _core.unsqueeze(input, int(dim))


def expand(input: Tensor, *shape: Any) -> Tensor:
    """Broadcast to ``shape`` without copying (-1 keeps an axis)."""
    target = _shape(shape)
    lead = len(target) - input.ndim
    target = [input.shape[i - lead] if s == -1 and i >= lead else s for i, s in enumerate(target)]
    return _core.expand(input, target)


def broadcast_to(input: Tensor, shape: Sequence[int]) -> Tensor:
    """NumPy's broadcast_to (a view)."""
    return _core.expand(input, _shape([shape]))


def concatenate(tensors: Sequence[Tensor], dim: int = 0, *, axis: Optional[int] = None) -> Tensor:
    """Join tensors along an existing axis."""
    tensors = list(tensors)
    _check_tensors(tensors, "concatenate")
    return _core.concatenate(tensors, int(axis if axis is not None else dim))


cat = concatenate


def stack(tensors: Sequence[Tensor], dim: int = 0, *, axis: Optional[int] = None) -> Tensor:
    """Join same-shaped tensors along a new axis."""
    tensors = list(tensors)
    _check_tensors(tensors, "stack")
    return _core.stack(tensors, int(axis if axis is not None else dim))


def _check_tensors(tensors: list, op: str) -> None:
    for i, t in enumerate(tensors):
        if not isinstance(t, Tensor):
            raise TypeError(f"{op}: expected a sequence of tensors, item {i} is {type(t).__name__}")
