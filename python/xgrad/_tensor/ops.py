"""The tensor ops that are also methods: ``xgrad.sum(t, dim)`` is ``t.sum(dim)`` (see methods.py).

Each function normalises its arguments (PyTorch's ``dim``/``keepdim`` and NumPy's
``axis``/``keepdims`` both work) and hands over to one C++ op, which owns the forward and the
backward.
"""
from __future__ import annotations

from typing import Any, NamedTuple, Optional, Sequence

import numbers

import numpy as np

from .. import _core
from .creation import full, tensor
from .dtypes import Tensor, _NUMPY_OF, float32
from .operands import _axes, _keep, _operand, _refuse_bool_subtraction, _shape, _with_scalar


# ---------------------------------------------------------------- elementwise

def _arithmetic(name: str, input: Tensor, other: Any) -> Tensor:
    """``input (op) other`` for the core op ``name``: two tensors promote in C++ (PyTorch's rule);
    a number meets the tensor's dtype as ``_with_scalar`` says."""
    other = _operand(other, input)
    if isinstance(other, Tensor):
        return getattr(_core, name)(input, other)
    _refuse_bool_subtraction(input, other, name)
    t, s = _with_scalar(input, other)
    return getattr(_core, name)(t, s)


def add(input: Tensor, other: Any) -> Tensor:
    """``input + other`` with broadcasting."""
    return _arithmetic("add", input, other)


def sub(input: Tensor, other: Any) -> Tensor:
    """``input - other`` with broadcasting."""
    return _arithmetic("sub", input, other)


def mul(input: Tensor, other: Any) -> Tensor:
    """``input * other`` with broadcasting."""
    return _arithmetic("mul", input, other)


def div(input: Tensor, other: Any) -> Tensor:
    """``input / other`` with broadcasting; integers divide as float32 (``7 / 2`` is 3.5)."""
    return _arithmetic("div", input, other)


def pow(input: Tensor, exponent: Any) -> Tensor:
    """``input ** exponent`` for a number exponent; d/dx = p x^(p-1). An integer tensor to a
    whole power >= 0 stays integer; to a float power it is computed in float32."""
    if isinstance(exponent, Tensor) or isinstance(exponent, (str, bytes)) or not isinstance(
            exponent, (numbers.Real, np.number, np.bool_)):
        raise TypeError(f"pow: exponent must be a Python number (tensor exponents are not supported), got "
                        f"{exponent!r} ({type(exponent).__name__})")
    e = _operand(exponent, input)
    t, p = _with_scalar(input, e)
    return _core.pow(t, p)


def _pair_operand(input: Tensor, other: Any) -> Tensor:
    other = _operand(other, input)
    if isinstance(other, Tensor):
        return other
    t, s = _with_scalar(input, other)
    return full((), s, dtype=t.dtype)


def maximum(input: Tensor, other: Any) -> Tensor:
    """Elementwise maximum with broadcasting; on ties each side gets half the gradient."""
    return _core.maximum(input, _pair_operand(input, other))


def minimum(input: Tensor, other: Any) -> Tensor:
    """Elementwise minimum with broadcasting; on ties each side gets half the gradient."""
    return _core.minimum(input, _pair_operand(input, other))


def where(condition: Any, input: Any, other: Any) -> Tensor:
    """``input`` where ``condition`` is True (nonzero), else ``other``; all three broadcast, and
    ``input``/``other`` promote as in arithmetic (two numbers give float32)."""
    if not isinstance(condition, Tensor):
        condition = tensor(np.asarray(condition))
    if not isinstance(input, Tensor) and not isinstance(other, Tensor):
        input = full((), float(input), dtype=float32)
    if not isinstance(input, Tensor):
        input = _pair_operand(other, input)
    if not isinstance(other, Tensor):
        other = _pair_operand(input, other)
    return _core.where(condition, input, other)


def clip(input: Tensor, min: Optional[float] = None, max: Optional[float] = None) -> Tensor:
    """Clamp values to [min, max]; the gradient is 1 inside the interval, 0 outside. An integer
    tensor with a fractional bound is clamped in float32, as PyTorch promotes it."""
    from .. import _checks as check
    lo = -np.inf if min is None else check.number(min, "min", "clip", finite=False)
    hi = np.inf if max is None else check.number(max, "max", "clip", finite=False)
    if not input.is_floating_point() and any(isinstance(b, (float, np.floating)) and np.isfinite(b) and b != int(b)
                                             for b in (lo, hi)):
        input = _core.to_dtype(input, float32)
    return _core.clip(input, float(lo), float(hi))


clamp = clip


# ---------------------------------------------------------------- comparisons and logic

def _compared(op: str, input: Tensor, other: Any) -> Tensor:
    other = _operand(other, input)
    if isinstance(other, Tensor):
        return _core.compare(input, other, op)
    return _core.compare_scalar(input, float(other), op)


def eq(input: Tensor, other: Any) -> Tensor:
    """``input == other`` elementwise: a bool tensor."""
    return _compared("eq", input, other)


def ne(input: Tensor, other: Any) -> Tensor:
    """``input != other`` elementwise: a bool tensor."""
    return _compared("ne", input, other)


def gt(input: Tensor, other: Any) -> Tensor:
    """``input > other`` elementwise: a bool tensor."""
    return _compared("gt", input, other)


def ge(input: Tensor, other: Any) -> Tensor:
    """``input >= other`` elementwise: a bool tensor."""
    return _compared("ge", input, other)


def lt(input: Tensor, other: Any) -> Tensor:
    """``input < other`` elementwise: a bool tensor."""
    return _compared("lt", input, other)


def le(input: Tensor, other: Any) -> Tensor:
    """``input <= other`` elementwise: a bool tensor."""
    return _compared("le", input, other)


def _logic_operand(input: Tensor, other: Any) -> Tensor:
    other = _operand(other, input)
    if isinstance(other, Tensor):
        return other
    return full((), other, dtype=input.dtype if isinstance(other, bool) or not input.is_floating_point() else float32)


def logical_and(input: Tensor, other: Any) -> Tensor:
    """Both true (nonzero): a bool tensor."""
    return _core.logical_and(input, _logic_operand(input, other))


def logical_or(input: Tensor, other: Any) -> Tensor:
    """Either true (nonzero): a bool tensor."""
    return _core.logical_or(input, _logic_operand(input, other))


def logical_xor(input: Tensor, other: Any) -> Tensor:
    """Exactly one true (nonzero): a bool tensor."""
    return _core.logical_xor(input, _logic_operand(input, other))


def logical_not(input: Tensor) -> Tensor:
    """Not true (zero): a bool tensor."""
    return _core.logical_not(input)


def bitwise_and(input: Tensor, other: Any) -> Tensor:
    """``&``: bits of integer tensors, truth of bool tensors (TypeError for floats)."""
    return _core.bitwise_and(input, _logic_operand(input, other))


def bitwise_or(input: Tensor, other: Any) -> Tensor:
    """``|``: bits of integer tensors, truth of bool tensors (TypeError for floats)."""
    return _core.bitwise_or(input, _logic_operand(input, other))


def bitwise_xor(input: Tensor, other: Any) -> Tensor:
    """``^``: bits of integer tensors, truth of bool tensors (TypeError for floats)."""
    return _core.bitwise_xor(input, _logic_operand(input, other))


def bitwise_not(input: Tensor) -> Tensor:
    """``~``: the bits of an integer tensor flipped, a bool tensor negated."""
    return _core.bitwise_not(input)


def isnan(input: Tensor) -> Tensor:
    """True where the value is NaN (never for integers)."""
    return _core.isnan(input)


def isinf(input: Tensor) -> Tensor:
    """True where the value is +-inf (never for integers)."""
    return _core.isinf(input)


def isfinite(input: Tensor) -> Tensor:
    """True where the value is neither NaN nor infinite."""
    return _core.isfinite(input)


# ---------------------------------------------------------------- reductions

class ValuesIndices(NamedTuple):
    """What ``max(dim)``, ``min(dim)``, ``sort`` and ``topk`` return, as PyTorch's
    ``torch.return_types``: the values (differentiable) and their int64 indices."""
    values: Tensor
    indices: Tensor


def sum(input: Tensor, dim: Any = None, keepdim: bool = False, *, axis: Any = None,
        keepdims: Optional[bool] = None) -> Tensor:
    """Sum over ``dim`` (an int, a tuple, or None for all axes); integers and bools sum as int64
    (``(x > 0).sum()`` counts)."""
    return _core.sum(input, _axes(dim, axis, "sum"), _keep(keepdim, keepdims, "sum"))


def mean(input: Tensor, dim: Any = None, keepdim: bool = False, *, axis: Any = None,
         keepdims: Optional[bool] = None) -> Tensor:
    """Mean over ``dim`` (an int, a tuple, or None for all axes); float tensors only, as in
    PyTorch (``(pred == y).float().mean()`` is an accuracy)."""
    return _core.mean(input, _axes(dim, axis, "mean"), _keep(keepdim, keepdims, "mean"))


def _single_dim(dim: Any, op: str) -> int:
    if isinstance(dim, (bool, np.bool_)) or not isinstance(dim, (int, np.integer)):
        raise TypeError(f"{op}: dim must be an int, got {dim!r}; amax/amin reduce over several dims")
    return int(dim)


def max(input: Tensor, dim: Any = None, keepdim: bool = False, *, axis: Any = None,
        keepdims: Optional[bool] = None) -> Any:
    """PyTorch's ``max``: of the whole tensor, a 0-d tensor (the gradient split evenly among
    ties); along ``dim``, ``(values, indices)`` (the gradient goes to the element the index
    names); with a tensor ``dim``, the elementwise ``maximum``. NumPy's ``axis=`` reduces like
    ``amax``."""
    if isinstance(dim, Tensor):
        return maximum(input, dim)
    if axis is not None:
        return amax(input, axis=axis, keepdims=keepdims if keepdims is not None else keepdim)
    if dim is None:
        return _core.max(input, None, False)
    return ValuesIndices(*_core.max_along(input, _single_dim(dim, "max"), _keep(keepdim, keepdims, "max")))


def min(input: Tensor, dim: Any = None, keepdim: bool = False, *, axis: Any = None,
        keepdims: Optional[bool] = None) -> Any:
    """PyTorch's ``min``; see ``max``."""
    if isinstance(dim, Tensor):
        return minimum(input, dim)
    if axis is not None:
        return amin(input, axis=axis, keepdims=keepdims if keepdims is not None else keepdim)
    if dim is None:
        return _core.min(input, None, False)
    return ValuesIndices(*_core.min_along(input, _single_dim(dim, "min"), _keep(keepdim, keepdims, "min")))


def amax(input: Tensor, dim: Any = None, keepdim: bool = False, *, axis: Any = None,
         keepdims: Optional[bool] = None) -> Tensor:
    """Maximum over ``dim`` (an int, a tuple, or None for all axes), values only; the gradient
    goes to the maximal elements, split evenly on ties (``torch.amax``)."""
    return _core.max(input, _axes(dim, axis, "amax"), _keep(keepdim, keepdims, "amax"))


def amin(input: Tensor, dim: Any = None, keepdim: bool = False, *, axis: Any = None,
         keepdims: Optional[bool] = None) -> Tensor:
    """Minimum over ``dim``; see ``amax``."""
    return _core.min(input, _axes(dim, axis, "amin"), _keep(keepdim, keepdims, "amin"))


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
    return _core.var(input, _axes(dim, axis, "var"), c, _keep(keepdim, keepdims, "var"))


def std(input: Tensor, dim: Any = None, keepdim: bool = False, **kwargs: Any) -> Tensor:
    """Standard deviation: ``sqrt(var(...))`` with the same arguments."""
    return _core.sqrt(var(input, dim, keepdim, **kwargs))


def _optional_dim(dim: Any, op: str) -> Optional[int]:
    return None if dim is None else _single_dim(dim, op)


def argmax(input: Tensor, dim: Optional[int] = None, keepdim: bool = False) -> Tensor:
    """The int64 index of the first maximum along ``dim``, or in the flattened tensor when
    ``dim`` is None (a 0-d tensor); NaN counts as the maximum. Not differentiable."""
    return _core.argmax(input, _optional_dim(dim, "argmax"), bool(keepdim))


def argmin(input: Tensor, dim: Optional[int] = None, keepdim: bool = False) -> Tensor:
    """The int64 index of the first minimum; see ``argmax``."""
    return _core.argmin(input, _optional_dim(dim, "argmin"), bool(keepdim))


def sort(input: Tensor, dim: int = -1, descending: bool = False, stable: bool = True) -> ValuesIndices:
    """``(values, indices)`` sorted along ``dim`` (stably: equal values keep their order; NaN
    last ascending, first descending); the values carry the gradient back to where they came from."""
    return ValuesIndices(*_core.sort(input, _single_dim(dim, "sort"), bool(descending)))


def argsort(input: Tensor, dim: int = -1, descending: bool = False, stable: bool = True) -> Tensor:
    """The int64 indices that sort ``input`` along ``dim`` (see ``sort``)."""
    return _core.argsort(input, _single_dim(dim, "argsort"), bool(descending))


def topk(input: Tensor, k: int, dim: int = -1, largest: bool = True, sorted: bool = True) -> ValuesIndices:
    """The ``k`` largest (``largest=False``: smallest) values along ``dim`` and their int64 indices,
    in sorted order; the values are differentiable."""
    if isinstance(k, (bool, np.bool_)) or not isinstance(k, (int, np.integer)):
        raise TypeError(f"topk: k must be an int, got {k!r}")
    return ValuesIndices(*_core.topk(input, int(k), _single_dim(dim, "topk"), bool(largest)))


def gather(input: Tensor, dim: int, index: Any) -> Tensor:
    """``out[i][j] = input[index[i][j]][j]`` for ``dim=0`` (PyTorch's gather): ``index`` is an
    int64 tensor of the input's rank; the gradient is scatter-added back."""
    if not isinstance(index, Tensor):
        index = tensor(np.asarray(index))
    return _core.gather(input, _single_dim(dim, "gather"), index)


def one_hot(labels: Any, num_classes: int = -1) -> Tensor:
    """``(..., num_classes)`` int64 tensor with a 1 at each label (``num_classes=-1``: one more
    than the largest label), as ``torch.nn.functional.one_hot``."""
    values = _class_values(labels, "one_hot")
    if isinstance(num_classes, (bool, np.bool_)) or not isinstance(num_classes, (int, np.integer)):
        raise TypeError(f"one_hot: num_classes must be an int, got {num_classes!r}")
    n = int(num_classes)
    if n == -1:
        if values.size == 0:
            raise ValueError("one_hot: cannot infer num_classes from empty labels; pass num_classes")
        n = int(values.max()) + 1
    if n < 0 or (values.size and values.max() >= n):
        raise ValueError(f"one_hot: labels must be in [0, num_classes), got max {int(values.max()) if values.size else '-'}"
                         f" with num_classes={num_classes}")
    out = np.zeros(values.shape + (n,), dtype=np.int64)
    np.put_along_axis(out, values[..., None], 1, axis=-1)
    return tensor(out)


def bincount(input: Any, weights: Optional[Any] = None, minlength: int = 0) -> Tensor:
    """How often each value 0, 1, ... occurs in a 1-D tensor of non-negative integers (int64),
    or the sum of ``weights`` at each (float), as ``torch.bincount``."""
    values = _class_values(input, "bincount")
    if values.ndim != 1:
        raise ValueError(f"bincount: input must be 1-D, got shape {values.shape}")
    if isinstance(minlength, (bool, np.bool_)) or not isinstance(minlength, (int, np.integer)) or minlength < 0:
        raise ValueError(f"bincount: minlength must be an int >= 0, got {minlength!r}")
    w = None
    if weights is not None:
        w = np.asarray(weights)
        if w.shape != values.shape:
            raise ValueError(f"bincount: weights must have the input's shape {values.shape}, got {w.shape}")
    counts = np.bincount(values, weights=w, minlength=int(minlength))
    if w is None:
        return tensor(counts.astype(np.int64))
    return tensor(counts, dtype=weights.dtype if isinstance(weights, Tensor) else None)


def _class_values(labels: Any, op: str) -> np.ndarray:
    """Non-negative integer labels (an integer tensor or array) as an int64 array."""
    if isinstance(labels, Tensor):
        if labels.is_floating_point() or labels.dtype == _core.dtype.bool:
            raise TypeError(f"{op}: expected an integer tensor, got {labels.dtype.name}")
        values = labels.numpy().astype(np.int64)
    else:
        values = np.asarray(labels)
        if values.dtype.kind not in "iu":
            raise TypeError(f"{op}: expected integers, got dtype {values.dtype}")
        values = values.astype(np.int64)
    if values.size and values.min() < 0:
        raise ValueError(f"{op}: values must be non-negative, got {int(values.min())}")
    return values


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
    from .. import _checks as check
    return _core.transpose(input, check.integer(dim0, "dim0", "transpose"), check.integer(dim1, "dim1", "transpose"))


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
    if isinstance(tensors, Tensor):
        raise TypeError("concatenate: expected a sequence of tensors, got a Tensor (wrap it in a list: cat([t]))")
    tensors = list(tensors)
    _check_tensors(tensors, "concatenate")
    return _core.concatenate(tensors, int(axis if axis is not None else dim))


cat = concatenate


def stack(tensors: Sequence[Tensor], dim: int = 0, *, axis: Optional[int] = None) -> Tensor:
    """Join same-shaped tensors along a new axis."""
    if isinstance(tensors, Tensor):
        raise TypeError("stack: expected a sequence of tensors, got a Tensor (wrap it in a list: stack([t]))")
    tensors = list(tensors)
    _check_tensors(tensors, "stack")
    return _core.stack(tensors, int(axis if axis is not None else dim))


def _check_tensors(tensors: list, op: str) -> None:
    for i, t in enumerate(tensors):
        if not isinstance(t, Tensor):
            raise TypeError(f"{op}: expected a sequence of tensors, item {i} is {type(t).__name__}")
