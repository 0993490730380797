"""Operand coercion and argument normalisation shared by the ops: the right-hand side of a binary
op, shapes given as ``(2, 3)`` or ``2, 3``, and PyTorch's ``dim``/``keepdim`` next to NumPy's
``axis``/``keepdims``."""
from __future__ import annotations

import numbers
from typing import Any, Optional, Sequence, Tuple, Union

import numpy as np

from .. import _core
from .dtypes import Tensor


def _shape(size: Sequence[Any], op: str = "shape") -> list:
    """zeros(2, 3) and zeros((2, 3)) both mean shape (2, 3); entries beyond int64 raise ValueError
    naming ``op`` (the core counts in int64)."""
    if len(size) == 1 and isinstance(size[0], (tuple, list)):
        size = size[0]
    out = []
    for s in size:
        if isinstance(s, bool) or not isinstance(s, (numbers.Integral, np.integer)):
            raise TypeError(f"shape entries must be integers, got {s!r} in {tuple(size)}")
        if not -(2 ** 63) <= int(s) < 2 ** 63:
            raise ValueError(f"{op}: shape entry {int(s)} in {tuple(size)} does not fit in int64")
        out.append(int(s))
    return out


def _operand(x: Any, like: Tensor) -> Union[Tensor, int, float, bool]:
    """Right-hand side of a binary op: a Tensor, a Python/NumPy number kept as a Python ``bool``,
    ``int`` or ``float`` (see ``_with_scalar`` for how it meets the tensor's dtype), or an array
    or list converted to a tensor (with its own dtype: the op promotes the two)."""
    if isinstance(x, Tensor):
        return x
    if isinstance(x, (bool, np.bool_)):
        return bool(x)
    if isinstance(x, (numbers.Integral, np.integer)):
        return int(x)
    if isinstance(x, (numbers.Real, np.floating)):
        return float(x)
    if isinstance(x, np.ndarray) and x.ndim == 0 and x.dtype.kind in "fiub":
        return _operand(x.item(), like)
    if isinstance(x, (np.ndarray, list, tuple)):
        from .creation import tensor  # here, not at the top: creation imports _shape from this module
        return tensor(x)
    raise TypeError(f"unsupported operand type for a tensor op: {type(x).__name__}")


def _refuse_bool_subtraction(t: Tensor, scalar: Any, op: str) -> None:
    """PyTorch refuses - with a bool operand (a mask is inverted with ~)."""
    if op in ("sub", "rsub") and (isinstance(scalar, bool) or t.dtype == _core.dtype.bool):
        raise TypeError(f"{op}: subtraction with a bool is not supported (as in PyTorch); to invert a mask use ~ "
                        f"or logical_not, else convert with .int() or .float()")


def _with_scalar(t: Tensor, scalar: Union[int, float, bool]) -> Tuple[Tensor, float]:
    """PyTorch's promotion of a tensor with a Python number: a float tensor keeps its dtype; an
    integer or bool tensor becomes float32 with a float number, and a bool tensor int64 with an
    int. Returns the tensor to compute on and the number as a float."""
    if t.is_floating_point() or isinstance(scalar, bool):
        return t, float(scalar)
    if isinstance(scalar, float):
        return _core.to_dtype(t, _core.dtype.float32), scalar
    if t.dtype == _core.dtype.bool:
        return _core.to_dtype(t, _core.dtype.int64), float(scalar)
    return t, float(scalar)


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


def _keep(keepdim: Any, keepdims: Any, op: str = "reduction") -> bool:
    """PyTorch's ``keepdim`` or NumPy's ``keepdims`` (which wins when given): True or False."""
    from .. import _checks as check
    if keepdims is not None:
        return check.flag(keepdims, "keepdims", op)
    return check.flag(keepdim, "keepdim", op)
