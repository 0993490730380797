"""Operand coercion and argument normalisation shared by the ops: the right-hand side of a binary
op, shapes given as ``(2, 3)`` or ``2, 3``, and PyTorch's ``dim``/``keepdim`` next to NumPy's
``axis``/``keepdims``."""
from __future__ import annotations

import numbers
from typing import Any, Optional, Sequence, Union

import numpy as np

from .dtypes import Tensor


def _shape(size: Sequence[Any]) -> list:
    """zeros(2, 3) and zeros((2, 3)) both mean shape (2, 3)."""
    if len(size) == 1 and isinstance(size[0], (tuple, list)):
        size = size[0]
    out = []
    for s in size:
        if isinstance(s, bool) or not isinstance(s, (numbers.Integral, np.integer)):
            raise TypeError(f"shape entries must be integers, got {s!r} in {tuple(size)}")
        out.append(int(s))
    return out


def _operand(x: Any, like: Tensor) -> Union[Tensor, float]:
    """Right-hand side of a binary op: a Tensor, or a Python/NumPy scalar kept as a float (it
    takes the tensor's dtype), or an array converted to a tensor."""
    if isinstance(x, Tensor):
        return x
    if isinstance(x, (bool, numbers.Real, np.number, np.bool_)):
        return float(x)
    if isinstance(x, np.ndarray) and x.ndim == 0 and x.dtype.kind in "fiub":
        return float(x)
    if isinstance(x, (np.ndarray, list, tuple)):
        from .creation import tensor  # here, not at the top: creation imports _shape from this module
        return tensor(x, dtype=like.dtype if not (isinstance(x, np.ndarray) and x.dtype.kind == "f") else None)
    raise TypeError(f"unsupported operand type for a tensor op: {type(x).__name__}")


def _axes(dim: Any, axis: Any, op: str) -> Optional[list]:
    """The axes of a reduction, from PyTorch's ``dim`` or NumPy's ``axis`` (an int, a tuple, or None for all)."""
    if dim is not None and axis is not None:
        raise TypeError(f"{op}: pass either dim or axis, not both")
    d = dim if dim is not None else axis
    if d is None:
        return None
    if isinstance(d, (numbers.Integral, np.integer)) and not isinstance(d, bool):
        return [int(d)]
    if isinstance(d, (tuple, list)):
        return [int(a) for a in d]
    raise TypeError(f"{op}: dim must be an int or a tuple of ints, got {d!r}")


def _keep(keepdim: Any, keepdims: Any) -> bool:
    """PyTorch's ``keepdim`` or NumPy's ``keepdims`` (which wins when given)."""
    if keepdims is not None:
        return bool(keepdims)
    return bool(keepdim)
