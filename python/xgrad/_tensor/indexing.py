"""``t[key]`` and ``t[key] = value`` with NumPy's indexing rules: ints, slices, None and ``...``
give views; integer and boolean arrays (advanced indices) gather and scatter."""
from __future__ import annotations

import numbers
from typing import Any, Optional

import numpy as np

from .. import _core
from .creation import tensor
from .dtypes import Tensor, _NUMPY_OF, bool_, int32, int64


def _is_int(k: Any) -> bool:
    """An integer index (Python or NumPy; bools are masks, not integers)."""
    return isinstance(k, (numbers.Integral, np.integer)) and not isinstance(k, (bool, np.bool_))


def _index_array(k: Any, extent: int) -> Optional[np.ndarray]:
    """An advanced index as an int64 array, or None if k is not one."""
    if isinstance(k, Tensor):
        if k.dtype not in (int64, int32):
            # PyTorch's rule: a float tensor of 0s and 1s (what comparisons gave before xgrad had bool
            # tensors) read as indices would select rows 0 and 1, a silent wrong answer
            raise IndexError(f"tensors used as indices must be int64, int32 or bool tensors, got {k.dtype.name}"
                             + (" (convert a mask with .bool(), indices with .long())" if k.dtype != bool_ else ""))
        k = k.numpy()
    if isinstance(k, (list, np.ndarray)):
        arr = np.asarray(k)
        if arr.dtype.kind == "b":
            raise IndexError("boolean masks are handled separately")
        if arr.size == 0:
            arr = arr.astype(np.int64)
        if arr.dtype.kind not in "iu":
            raise IndexError(f"only integers, slices, None, Ellipsis and integer or boolean arrays are valid "
                             f"indices, got an array of dtype {arr.dtype}")
        return arr.astype(np.int64, copy=False)
    return None


def _expand_key(t: Tensor, key: Any) -> list:
    """The key as one entry per axis: boolean masks as integer arrays, ``...`` and missing trailing
    axes as full slices (None entries kept, they add axes)."""
    if not isinstance(key, tuple):
        key = (key,)
    # Boolean masks become one integer array per masked axis (NumPy's nonzero rule).
    expanded = []
    for k in key:
        arr = k
        if isinstance(k, Tensor):
            arr = k.numpy() if k.dtype == bool_ else None
        if isinstance(arr, (list, np.ndarray)) and np.asarray(arr).dtype.kind == "b":
            mask = np.asarray(arr)
            axis = sum(1 for e in expanded if e is not None and e is not Ellipsis)
            if mask.ndim and tuple(mask.shape) != tuple(t.shape[axis:axis + mask.ndim]):
                raise IndexError(f"the boolean mask of shape {tuple(mask.shape)} does not match the indexed "
                                 f"dimensions {tuple(t.shape[axis:axis + mask.ndim])} of the tensor of shape "
                                 f"{tuple(t.shape)}")
            expanded.extend(np.nonzero(mask))
        else:
            expanded.append(k)
    consumed = sum(1 for k in expanded if k is not None and k is not Ellipsis)
    if consumed > t.ndim:
        raise IndexError(f"too many indices for tensor of dimension {t.ndim} (got {consumed})")
    if sum(1 for k in expanded if k is Ellipsis) > 1:
        raise IndexError("an index can only have a single ellipsis ('...')")
    out = []
    for k in expanded:
        if k is Ellipsis:
            out.extend([slice(None)] * (t.ndim - consumed))
        else:
            out.append(k)
    out.extend([slice(None)] * (t.ndim - sum(1 for k in out if k is not None)))
    return out


def _plan_index(t: Tensor, key: Any):
    """Applies basic indices (slices, ints, None) as views and collects advanced ones.

    Returns (view, advanced) where advanced is a list of (axis in view, int64 array)."""
    items = _expand_key(t, key)
    has_advanced = any(_index_array(k, 0) is not None for k in items if k is not None and not isinstance(k, slice)
                       and not _is_int(k))
    view = t
    axis = 0
    advanced = []
    for k in items:
        if k is None:
            view = _core.unsqueeze(view, axis)
            axis += 1
        elif isinstance(k, slice):
            start, stop, step = k.indices(view.shape[axis])
            if step < 0:
                raise ValueError("negative slice steps are not supported (use flip on the NumPy side)")
            view = _core.slice(view, axis, start, stop, step)
            axis += 1
        elif _is_int(k):
            if has_advanced:  # NumPy treats ints as advanced indices when arrays are present
                advanced.append((axis, np.asarray(int(k), dtype=np.int64)))
                axis += 1
            else:
                view = _core.select(view, axis, int(k))
        else:
            arr = _index_array(k, view.shape[axis])
            if arr is None:
                raise IndexError(f"only integers, slices (`:`), ellipsis (`...`), None and integer or boolean "
                                 f"arrays are valid indices, got {type(k).__name__}")
            advanced.append((axis, arr))
            axis += 1
    return view, advanced


def _getitem(self: Tensor, key: Any) -> Tensor:
    """``t[key]``: a view for ints, slices, None and ``...``; a differentiable gather (a copy) when
    the key holds integer or boolean arrays, with NumPy's placement of the indexed axes."""
    view, advanced = _plan_index(self, key)
    if not advanced:
        return view
    axes = [a for a, _ in advanced]
    try:
        arrays = np.broadcast_arrays(*[arr for _, arr in advanced])
    except ValueError:
        shapes = ", ".join(str(arr.shape) for _, arr in advanced)
        raise IndexError(f"shape mismatch: indexing arrays could not be broadcast together with shapes {shapes}") \
            from None
    index_shape = list(arrays[0].shape)
    out = _core.gather_index(view, axes, [a.ravel().tolist() for a in arrays], index_shape)
    # NumPy: adjacent advanced axes put the index dims where they were; otherwise they go first.
    adjacent = axes == list(range(axes[0], axes[0] + len(axes)))
    if adjacent and axes[0] > 0:
        k = len(index_shape)
        rest_before = axes[0]
        order = list(range(k, k + rest_before)) + list(range(k)) + list(range(k + rest_before, out.ndim))
        out = _core.permute(out, order)
    return out


def _setitem(self: Tensor, key: Any, value: Any) -> None:
    """``t[key] = value`` in place, with the rules of ``t[key]``; ``value`` (a tensor, a number or
    an array) broadcasts to the indexed shape."""
    _core.check_inplace_allowed(self, "index assignment")  # before the views below enter the graph
    view, advanced = _plan_index(self, key)
    if isinstance(value, Tensor):
        src = value
    else:
        src = tensor(np.asarray(value, dtype=_NUMPY_OF[self.dtype]))
    if not advanced:
        _core.copy_(view, src)
        return
    axes = [a for a, _ in advanced]
    arrays = np.broadcast_arrays(*[arr for _, arr in advanced])
    index_shape = list(arrays[0].shape)
    adjacent = axes == list(range(axes[0], axes[0] + len(axes)))
    if adjacent and axes[0] > 0 and src.ndim > 0:
        # Values are given in NumPy's output layout; scatter expects index dims first.
        k = len(index_shape)
        full_shape = list(view.shape[: axes[0]]) + index_shape + list(view.shape[axes[-1] + 1:])
        src = _core.expand(src, full_shape) if list(src.shape) != full_shape else src
        order = list(range(axes[0], axes[0] + k)) + list(range(axes[0])) + list(range(axes[0] + k, len(full_shape)))
        src = _core.permute(src, order)
    _core.scatter_index_(view, axes, [a.ravel().tolist() for a in arrays], index_shape, src)
