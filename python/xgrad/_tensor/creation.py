"""Creating tensors: from NumPy arrays, lists and scalars, and filled with a value or a range."""
from __future__ import annotations

from typing import Any, Optional, Sequence

import numpy as np

from .. import _core
import numbers

from .. import _checks as check
from .dtypes import Tensor, _dtype, float32, int64
from .operands import _shape


def _on_cpu(device: Any, op: str) -> None:
    if device is not None:
        from ..device import check_device
        check_device(device, op)


def tensor(data: Any, dtype: Any = None, requires_grad: bool = False, device: Any = None) -> Tensor:
    """Create a tensor from a NumPy array, a nested list or a scalar.

    A C-contiguous, writeable float32/float64 array in the machine's byte order whose dtype matches
    ``dtype`` is adopted without a copy (the tensor and the array share memory; ``from_numpy``
    shares any layout). Anything else is converted once, by value: float arrays and NumPy scalars
    keep their precision (float16 becomes float32; long double becomes float64 when its values
    allow it exactly, else TypeError), big-endian arrays are byte-swapped. As in PyTorch, Python
    floats become float32, Python ints int64 and bools bool; integer arrays keep int32/int64 and
    uint8 (other integers widen to int32 or int64), bool arrays stay bool. Values an integer
    ``dtype`` cannot hold (NaN, out of range) raise ValueError. Complex and object arrays raise
    TypeError naming the dtype.

    >>> x = xgrad.tensor([[1.0, 2.0]], requires_grad=True)
    >>> xgrad.tensor([3, 1, 2]).dtype
    xgrad.int64
    """
    _on_cpu(device, "tensor")
    requires_grad = check.flag(requires_grad, "requires_grad", "tensor")
    target = _dtype(dtype)
    if isinstance(data, Tensor):
        # Like torch.tensor(t): a copy with no autograd history.
        out = _core.clone(_core.detach(data))
        if target is not None:
            out = _core.to_dtype(out, target)
    else:
        if isinstance(data, np.ndarray):
            array = data
        else:
            try:
                array = np.asarray(data)
            except ValueError as e:  # ragged nested lists
                raise ValueError(f"tensor: cannot build a tensor from {type(data).__name__}: {e}") from None
            if array.dtype.kind == "f" and target is None and not isinstance(data, np.generic):
                target = float32  # Python floats become the default dtype; a NumPy scalar keeps its own
        if array.dtype.kind not in "fiub":
            raise TypeError(
                f"tensor: cannot make a tensor from data of dtype {array.dtype} "
                f"({type(data).__name__}); expected numbers (float, int or bool)"
            )
        out = _core._from_numpy(array, target)
    if requires_grad:
        out.requires_grad = True
    return out


def from_numpy(array: np.ndarray) -> Tensor:
    """A tensor sharing memory with ``array`` (no copy), like ``torch.from_numpy``: any layout,
    transposed, sliced with steps or reversed, becomes a strided view. The array must be float32,
    float64, int64, int32, uint8 or bool, writeable, aligned and in the machine's byte order;
    otherwise TypeError says which (``xgrad.tensor(array)`` converts such arrays into a new tensor)."""
    if not isinstance(array, np.ndarray):
        raise TypeError(f"from_numpy: expected a numpy.ndarray, got {type(array).__name__}")
    if (array.dtype.kind, array.dtype.itemsize) not in {("f", 4), ("f", 8), ("i", 8), ("i", 4), ("u", 1), ("b", 1)}:
        raise TypeError(f"from_numpy: cannot share the memory of a {array.dtype} array (xgrad tensors are float32, "
                        f"float64, int64, int32, uint8 or bool); xgrad.tensor(array) converts it into a new tensor")
    return _core._from_numpy(array, None, "share")


def _make(fn, size, dtype, requires_grad, *args, device: Any = None, op: str = "tensor"):
    """A tensor of shape ``size`` (given as ``2, 3`` or ``(2, 3)``) from the core's factory ``fn``
    (zeros, ones, empty, randn, rand), float32 unless ``dtype``; ``device`` may only be the CPU."""
    _on_cpu(device, op)
    requires_grad = check.flag(requires_grad, "requires_grad", op)
    out = fn(_shape(size, op), *args, _dtype(dtype) or float32)
    if requires_grad:
        out.requires_grad = True
    return out


def zeros(*size: Any, dtype: Any = None, requires_grad: bool = False, device: Any = None) -> Tensor:
    """A tensor of zeros: ``zeros(2, 3)`` or ``zeros((2, 3))``; float32 unless ``dtype``."""
    return _make(_core.zeros, size, dtype, requires_grad, device=device, op="zeros")


def ones(*size: Any, dtype: Any = None, requires_grad: bool = False, device: Any = None) -> Tensor:
    """A tensor of ones: ``ones(2, 3)`` or ``ones((2, 3))``."""
    return _make(_core.ones, size, dtype, requires_grad, device=device, op="ones")


def empty(*size: Any, dtype: Any = None, requires_grad: bool = False, device: Any = None) -> Tensor:
    """An uninitialised tensor (contents are whatever the memory held)."""
    return _make(_core.empty, size, dtype, requires_grad, device=device, op="empty")


def full(size: Sequence[int], fill_value: float, dtype: Any = None, requires_grad: bool = False,
         device: Any = None) -> Tensor:
    """A tensor of shape ``size`` filled with ``fill_value``."""
    _on_cpu(device, "full")
    requires_grad = check.flag(requires_grad, "requires_grad", "full")
    value = float(fill_value) if isinstance(fill_value, (bool, np.bool_)) else check.number(
        fill_value, "fill_value", "full", finite=False)
    out = _core.full(_shape([size], "full"), value, _dtype(dtype) or float32)
    if requires_grad:
        out.requires_grad = True
    return out


def zeros_like(t: Tensor, dtype: Any = None, requires_grad: bool = False, device: Any = None) -> Tensor:
    """Zeros with the shape (and, unless given, the dtype) of ``t``."""
    return zeros(t.shape, dtype=_dtype(dtype) or t.dtype, requires_grad=requires_grad, device=device)


def ones_like(t: Tensor, dtype: Any = None, requires_grad: bool = False, device: Any = None) -> Tensor:
    """Ones with the shape (and, unless given, the dtype) of ``t``."""
    return ones(t.shape, dtype=_dtype(dtype) or t.dtype, requires_grad=requires_grad, device=device)


def full_like(t: Tensor, fill_value: float, dtype: Any = None, requires_grad: bool = False,
              device: Any = None) -> Tensor:
    """``fill_value`` everywhere, with the shape (and, unless given, the dtype) of ``t``."""
    return full(t.shape, fill_value, dtype=_dtype(dtype) or t.dtype, requires_grad=requires_grad, device=device)


def arange(start: float, end: Optional[float] = None, step: float = 1, dtype: Any = None,
           requires_grad: bool = False, device: Any = None) -> Tensor:
    """``start, start+step, ...`` below ``end`` (``arange(5)`` is 0..4): int64 when all three are
    integers, else float32, unless ``dtype`` (PyTorch's rule)."""
    _on_cpu(device, "arange")
    if end is None:
        start, end = 0, start
    whole = all(isinstance(v, (numbers.Integral, np.integer)) and not isinstance(v, bool) for v in (start, end, step))
    out = _core.arange(float(start), float(end), float(step), _dtype(dtype) or (int64 if whole else float32))
    if requires_grad:
        out.requires_grad = True
    return out
