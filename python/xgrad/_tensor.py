"""The Python face of ``xgrad.Tensor``: creation functions, operators, methods, indexing, repr.

The tensor type itself is C++ (``xgrad._core.Tensor``); this module attaches the methods users call
and normalises arguments (PyTorch's ``dim``/``keepdim`` and NumPy's ``axis``/``keepdims`` both work)
before handing over to one C++ op.
"""
from __future__ import annotations

import numbers
from typing import Any, Iterable, Optional, Sequence, Union

import numpy as np

from . import _core

Tensor = _core.Tensor
dtype = _core.dtype
float32 = _core.dtype.float32
float64 = _core.dtype.float64

_NUMPY_OF = {float32: np.float32, float64: np.float64}


def _dtype(d: Any) -> Optional["dtype"]:
    """Normalise a dtype given as xgrad.float32, np.float32, np.dtype('float32') or 'float32'."""
    if d is None or isinstance(d, dtype):
        return d
    try:
        nd = np.dtype(d)
    except TypeError:
        raise TypeError(f"dtype must be float32 or float64, got {d!r}") from None
    if nd == np.float32:
        return float32
    if nd == np.float64:
        return float64
    raise TypeError(f"xgrad tensors are float32 or float64; got dtype {nd}")


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


def tensor(data: Any, dtype: Any = None, requires_grad: bool = False) -> Tensor:
    """Create a tensor from a NumPy array, a nested list or a scalar.

    A C-contiguous float32/float64 array whose dtype matches ``dtype`` is adopted without a copy
    (the tensor and the array share memory, like ``torch.from_numpy``). Anything else is converted
    once: float arrays keep their dtype, other numbers (lists, ints, bools) become float32.

    >>> x = xgrad.tensor([[1.0, 2.0]], requires_grad=True)
    """
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
            if array.dtype.kind == "f" and target is None:
                target = float32  # Python floats become the default dtype, as in PyTorch
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
    """A tensor sharing memory with a C-contiguous float32/float64 array (no copy)."""
    if not isinstance(array, np.ndarray):
        raise TypeError(f"from_numpy: expected a numpy.ndarray, got {type(array).__name__}")
    return tensor(array, dtype=array.dtype if array.dtype.kind == "f" else None)


def _make(fn, size, dtype, requires_grad, *args):
    out = fn(_shape(size), *args, _dtype(dtype) or float32)
    if requires_grad:
        out.requires_grad = True
    return out


def zeros(*size: Any, dtype: Any = None, requires_grad: bool = False) -> Tensor:
    """A tensor of zeros: ``zeros(2, 3)`` or ``zeros((2, 3))``; float32 unless ``dtype``."""
    return _make(_core.zeros, size, dtype, requires_grad)


def ones(*size: Any, dtype: Any = None, requires_grad: bool = False) -> Tensor:
    """A tensor of ones: ``ones(2, 3)`` or ``ones((2, 3))``."""
    return _make(_core.ones, size, dtype, requires_grad)


def empty(*size: Any, dtype: Any = None, requires_grad: bool = False) -> Tensor:
    """An uninitialised tensor (contents are whatever the memory held)."""
    return _make(_core.empty, size, dtype, requires_grad)


def full(size: Sequence[int], fill_value: float, dtype: Any = None, requires_grad: bool = False) -> Tensor:
    """A tensor of shape ``size`` filled with ``fill_value``."""
    out = _core.full(_shape([size]), float(fill_value), _dtype(dtype) or float32)
    if requires_grad:
        out.requires_grad = True
    return out


def zeros_like(t: Tensor, dtype: Any = None, requires_grad: bool = False) -> Tensor:
    """Zeros with the shape (and, unless given, the dtype) of ``t``."""
    return zeros(t.shape, dtype=_dtype(dtype) or t.dtype, requires_grad=requires_grad)


def ones_like(t: Tensor, dtype: Any = None, requires_grad: bool = False) -> Tensor:
    """Ones with the shape (and, unless given, the dtype) of ``t``."""
    return ones(t.shape, dtype=_dtype(dtype) or t.dtype, requires_grad=requires_grad)


def full_like(t: Tensor, fill_value: float, dtype: Any = None, requires_grad: bool = False) -> Tensor:
    """``fill_value`` everywhere, with the shape (and, unless given, the dtype) of ``t``."""
    return full(t.shape, fill_value, dtype=_dtype(dtype) or t.dtype, requires_grad=requires_grad)


def randn(*size: Any, dtype: Any = None, requires_grad: bool = False) -> Tensor:
    """Samples of N(0, 1) from xgrad's generator (``xgrad.manual_seed`` makes them repeatable)."""
    return _make(_core.randn, size, dtype, requires_grad)


def rand(*size: Any, dtype: Any = None, requires_grad: bool = False) -> Tensor:
    """Samples of U[0, 1) from xgrad's generator."""
    return _make(_core.rand, size, dtype, requires_grad)


def randperm(n: int) -> np.ndarray:
    """A random permutation of ``0..n-1`` as a NumPy int64 array, from xgrad's generator (used for
    shuffling; ``xgrad.manual_seed`` makes it repeatable)."""
    return _core.randperm(int(n))


def randint(low: int, high: int, size: int) -> np.ndarray:
    """``size`` integers uniform in ``[low, high)`` as a NumPy int64 array, from xgrad's generator."""
    return _core.randint(int(low), int(high), int(size))


def arange(start: float, end: Optional[float] = None, step: float = 1, dtype: Any = None,
           requires_grad: bool = False) -> Tensor:
    """``start, start+step, ...`` below ``end`` (``arange(5)`` is 0..4), float32 unless ``dtype``."""
    if end is None:
        start, end = 0, start
    out = _core.arange(float(start), float(end), float(step), _dtype(dtype) or float32)
    if requires_grad:
        out.requires_grad = True
    return out


def manual_seed(seed: int) -> None:
    """Seed the one generator behind every random draw (init, dropout, augmentation, shuffling)."""
    if not isinstance(seed, (numbers.Integral, np.integer)) or seed < 0:
        raise ValueError(f"manual_seed: seed must be a non-negative integer, got {seed!r}")
    _core.manual_seed(int(seed) & 0xFFFFFFFFFFFFFFFF)


# ---------------------------------------------------------------- operands and argument aliases

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
        return tensor(x, dtype=like.dtype if not (isinstance(x, np.ndarray) and x.dtype.kind == "f") else None)
    raise TypeError(f"unsupported operand type for a tensor op: {type(x).__name__}")


def _axes(dim: Any, axis: Any, op: str) -> Optional[list]:
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
    if keepdims is not None:
        return bool(keepdims)
    return bool(keepdim)


def _binary(name: str, rname: str):
    """The operator and its reflected form: tensor (op) tensor, tensor (op) scalar, scalar (op) tensor."""
    op = getattr(_core, name)
    op_scalar = getattr(_core, f"{name}_scalar")
    rop_scalar = getattr(_core, rname if rname != name else f"{name}_scalar")

    def forward(self, other):
        if isinstance(other, Tensor):
            return op(self, other)
        if type(other) is float or type(other) is int:  # the common case, without ABC checks
            return op_scalar(self, other)
        try:
            other = _operand(other, self)
        except TypeError:
            return NotImplemented
        return op(self, other) if isinstance(other, Tensor) else op_scalar(self, other)

    def reverse(self, other):
        if type(other) is float or type(other) is int:
            return rop_scalar(self, other)
        try:
            other = _operand(other, self)
        except TypeError:
            return NotImplemented
        return op(other, self) if isinstance(other, Tensor) else rop_scalar(self, other)

    return forward, reverse


# ---------------------------------------------------------------- functions (also methods)

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


def exp(input: Tensor) -> Tensor:
    """e^x elementwise."""
    return _core.exp(input)


def log(input: Tensor) -> Tensor:
    """Natural logarithm elementwise."""
    return _core.log(input)


def sqrt(input: Tensor) -> Tensor:
    """Square root elementwise."""
    return _core.sqrt(input)


def abs(input: Tensor) -> Tensor:
    """|x| elementwise; the gradient at 0 is 0."""
    return _core.abs(input)


def neg(input: Tensor) -> Tensor:
    """-x elementwise."""
    return _core.neg(input)


def tanh(input: Tensor) -> Tensor:
    """Hyperbolic tangent; d/dx = 1 - tanh(x)^2."""
    return _core.tanh(input)


def sigmoid(input: Tensor) -> Tensor:
    """1 / (1 + e^-x); d/dx = s(1 - s)."""
    return _core.sigmoid(input)


def relu(input: Tensor) -> Tensor:
    """max(x, 0); the gradient at 0 is 0."""
    return _core.relu(input)


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


def matmul(input: Tensor, other: Any) -> Tensor:
    """NumPy's matmul (``@``): batched, broadcasting, 1-D operands promoted; runs on BLAS gemm."""
    other = _operand(other, input)
    if not isinstance(other, Tensor):
        raise ValueError("matmul: scalar operands are not allowed, use * instead")
    return _core.matmul(input, other)


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


def softmax(input: Tensor, dim: int = -1) -> Tensor:
    """exp(x - max) / sum(exp(x - max)) along ``dim`` (numerically stable)."""
    return _core.softmax(input, int(dim))


def log_softmax(input: Tensor, dim: int = -1) -> Tensor:
    """x - max - log(sum(exp(x - max))) along ``dim`` (numerically stable)."""
    return _core.log_softmax(input, int(dim))


# ---------------------------------------------------------------- indexing

def _is_int(k: Any) -> bool:
    return isinstance(k, (numbers.Integral, np.integer)) and not isinstance(k, (bool, np.bool_))


def _index_array(k: Any, extent: int) -> Optional[np.ndarray]:
    """An advanced index as an int64 array, or None if k is not one."""
    if isinstance(k, Tensor):
        k = np.asarray(k)
        if k.dtype.kind == "f":
            if not np.all(np.floor(k) == k):
                raise IndexError("tensors used as indices must hold whole numbers")
            k = k.astype(np.int64)
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
    if not isinstance(key, tuple):
        key = (key,)
    # Boolean masks become one integer array per masked axis (NumPy's nonzero rule).
    expanded = []
    for k in key:
        arr = k
        if isinstance(k, Tensor):
            arr = None
        if isinstance(arr, (list, np.ndarray)) and np.asarray(arr).dtype.kind == "b":
            expanded.extend(np.nonzero(np.asarray(arr)))
        else:
            expanded.append(k)
    consumed = builtins_sum(1 for k in expanded if k is not None and k is not Ellipsis)
    if consumed > t.ndim:
        raise IndexError(f"too many indices for tensor of dimension {t.ndim} (got {consumed})")
    if builtins_sum(1 for k in expanded if k is Ellipsis) > 1:
        raise IndexError("an index can only have a single ellipsis ('...')")
    out = []
    for k in expanded:
        if k is Ellipsis:
            out.extend([slice(None)] * (t.ndim - consumed))
        else:
            out.append(k)
    out.extend([slice(None)] * (t.ndim - builtins_sum(1 for k in out if k is not None)))
    return out


import builtins as _builtins  # noqa: E402  (sum/min/max are shadowed above by the tensor ops)

builtins_sum = _builtins.sum


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


# ---------------------------------------------------------------- repr and conversions

def _repr(self: Tensor) -> str:
    a = self.numpy()
    body = np.array2string(a, separator=", ", prefix="tensor(", precision=4, threshold=1000)
    extras = [f"dtype={self.dtype.name}"]
    name = self._grad_fn_name
    if name is not None:
        extras.append(f"grad_fn=<{name}>")
    elif self.requires_grad:
        extras.append("requires_grad=True")
    return f"tensor({body}, {', '.join(extras)})"


def _array(self: Tensor, dtype: Any = None, copy: Optional[bool] = None) -> np.ndarray:
    a = self.numpy()
    if dtype is not None and np.dtype(dtype) != a.dtype:
        return a.astype(dtype)
    return a.copy() if copy else a


def _backward(self: Tensor, gradient: Any = None, retain_graph: bool = False) -> None:
    """Accumulate d(self)/d(leaf) into ``.grad`` of every leaf that requires grad.

    ``gradient`` (same shape as self) is needed unless self has one element. The graph's saved
    tensors are freed afterwards unless ``retain_graph=True``."""
    if gradient is not None and not isinstance(gradient, Tensor):
        gradient = tensor(np.asarray(gradient, dtype=_NUMPY_OF[self.dtype]))
    _core.backward(self, gradient, bool(retain_graph))


def _size(self: Tensor, dim: Optional[int] = None):
    """The shape as a tuple (PyTorch's ``size()``), or the extent of axis ``dim``."""
    if dim is None:
        return self.shape
    n = self.ndim
    if not -n <= dim < n:
        raise IndexError(f"size: dimension {dim} is out of range for a tensor of rank {n}")
    return self.shape[dim]


def _stride(self: Tensor, dim: Optional[int] = None):
    """Strides in elements (PyTorch's ``stride()``); ``.strides`` gives NumPy's bytes."""
    s = self._strides()
    return s if dim is None else s[dim]


def _zero_(self: Tensor) -> Tensor:
    _core.fill_(self, 0.0)
    return self


def _fill_(self: Tensor, value: float) -> Tensor:
    _core.fill_(self, float(value))
    return self


def _copy_(self: Tensor, src: Any) -> Tensor:
    _core.copy_(self, src if isinstance(src, Tensor) else tensor(np.asarray(src, dtype=_NUMPY_OF[self.dtype])))
    return self


def _add_(self: Tensor, other: Any, alpha: float = 1.0) -> Tensor:
    other = _operand(other, self)
    if not isinstance(other, Tensor):
        other = full((), other, dtype=self.dtype)
    if alpha == 1.0:
        _core.add_(self, other)
    else:
        _core.add_scaled_(self, other, float(alpha))
    return self


def _sub_(self: Tensor, other: Any, alpha: float = 1.0) -> Tensor:
    return _add_(self, other, -alpha)


def _mul_(self: Tensor, value: float) -> Tensor:
    _core.mul_(self, float(value))
    return self


def _requires_grad_(self: Tensor, requires_grad: bool = True) -> Tensor:
    self.requires_grad = requires_grad
    return self


def _to(self: Tensor, dtype: Any) -> Tensor:
    return _core.to_dtype(self, _dtype(dtype))


def _register_hook(self: Tensor, hook) -> None:
    """Call ``hook(grad)`` when this (non-leaf) tensor's gradient is computed; a returned tensor
    replaces the gradient."""
    def wrapped(g):
        out = hook(g)
        return out if out is not None else g
    _core.register_hook(self, wrapped)


def _len(self: Tensor) -> int:
    if self.ndim == 0:
        raise TypeError("len() of a 0-d tensor")
    return self.shape[0]


def _iter(self: Tensor):
    if self.ndim == 0:
        raise TypeError("iteration over a 0-d tensor")
    for i in range(self.shape[0]):
        yield _core.select(self, 0, i)


def _bool(self: Tensor) -> bool:
    if self.numel() != 1:
        raise ValueError(f"the truth value of a tensor with {self.numel()} elements is ambiguous")
    return bool(self.item())


def _compare(fn):
    def method(self, other):
        try:
            other = _operand(other, self)
        except TypeError:
            return NotImplemented
        if not isinstance(other, Tensor):
            other = full((), other, dtype=self.dtype)
        return fn(self, other)
    return method


def _rebuild_tensor(array: np.ndarray, requires_grad: bool) -> Tensor:
    out = tensor(array)
    if requires_grad:
        out.requires_grad = True
    return out


def _reduce(self):
    # Pickling and copy.deepcopy copy a leaf's data (as PyTorch does); autograd history is not copied.
    if not self.is_leaf:
        raise RuntimeError("Tensor: only leaf tensors can be pickled or deep-copied (this one has grad_fn="
                           f"{self.grad_fn}); call .detach() first")
    return (_rebuild_tensor, (np.array(_core.detach(self).numpy(), copy=True), bool(self.requires_grad)))


def _deepcopy(self, memo):
    if id(self) in memo:
        return memo[id(self)]
    rebuild, args = self.__reduce__()
    out = rebuild(*args)
    if self.grad is not None:
        out.grad = _core.clone(self.grad)
    memo[id(self)] = out
    return out


def _install() -> None:
    T = Tensor
    T.__reduce__ = _reduce
    T.__deepcopy__ = _deepcopy
    for name, rname in [("add", "add"), ("sub", "rsub"), ("mul", "mul"), ("div", "rdiv")]:
        fwd, rev = _binary(name, rname)
        setattr(T, f"__{'truediv' if name == 'div' else name}__", fwd)
        setattr(T, f"__r{'truediv' if name == 'div' else name}__", rev)

    def _pow(self, exponent):
        if isinstance(exponent, Tensor):
            return NotImplemented
        return _core.pow(self, float(exponent))

    def _rpow(self, base):
        return _core.rpow(self, float(base))

    T.__pow__ = _pow
    T.__rpow__ = _rpow
    T.__neg__ = lambda self: _core.neg(self)
    T.__pos__ = lambda self: self
    T.__abs__ = lambda self: _core.abs(self)
    T.__matmul__ = matmul
    T.__rmatmul__ = lambda self, other: matmul(tensor(other), self)
    T.__getitem__ = _getitem
    T.__setitem__ = _setitem
    T.__repr__ = _repr
    T.__str__ = _repr
    T.__array__ = _array
    T.__array_priority__ = 1000  # ndarray (op) tensor defers to the tensor's reflected op
    T.__len__ = _len
    T.__iter__ = _iter
    T.__bool__ = _bool
    T.__float__ = lambda self: float(self.item())
    T.__int__ = lambda self: int(self.item())
    T.__hash__ = object.__hash__
    T.__gt__ = _compare(lambda a, b: _core.greater(a, b))
    T.__lt__ = _compare(lambda a, b: _core.greater(b, a))
    T.__ge__ = _compare(lambda a, b: _core.rsub(_core.greater(b, a), 1.0))
    T.__le__ = _compare(lambda a, b: _core.rsub(_core.greater(a, b), 1.0))
    T.__eq__ = _compare(lambda a, b: _core.equal(a, b))
    T.__ne__ = _compare(lambda a, b: _core.rsub(_core.equal(a, b), 1.0))

    methods = dict(
        add=add, sub=sub, mul=mul, div=div, pow=pow, exp=exp, log=log, sqrt=sqrt, abs=abs, neg=neg, tanh=tanh,
        sigmoid=sigmoid, relu=relu, maximum=maximum, minimum=minimum, clip=clip, clamp=clip, sum=sum, mean=mean,
        max=max, min=min, var=var, std=std, argmax=argmax, argmin=argmin, matmul=matmul, reshape=reshape,
        view=reshape, transpose=transpose, permute=permute, flatten=flatten, squeeze=squeeze, unsqueeze=unsqueeze,
        expand=expand, broadcast_to=broadcast_to, softmax=softmax, log_softmax=log_softmax,
        backward=_backward, size=_size, stride=_stride, zero_=_zero_, fill_=_fill_, copy_=_copy_, add_=_add_,
        sub_=_sub_, mul_=_mul_, requires_grad_=_requires_grad_, to=_to, register_hook=_register_hook,
    )
    for name, fn in methods.items():
        setattr(T, name, fn)
    T.detach = lambda self: _core.detach(self)
    T.detach.__doc__ = "A tensor sharing this one's data, with no autograd history."
    T.clone = lambda self: _core.clone(self)
    T.contiguous = lambda self: _core.contiguous(self)
    T.retain_grad = lambda self: _core.retain_grad(self)
    T.float = lambda self: _core.to_dtype(self, float32)
    T.double = lambda self: _core.to_dtype(self, float64)
    T.tolist = lambda self: self.numpy().tolist()
    T.T = property(lambda self: _core.permute(self, list(range(self.ndim))[::-1]),
                   doc="The tensor with its axes reversed (a view).")
    T.strides = property(lambda self: tuple(s * (4 if self.dtype == float32 else 8) for s in self._strides()),
                         doc="Strides in bytes, as NumPy reports them (see stride() for elements).")
    T.size_bytes = property(lambda self: self.numel() * (4 if self.dtype == float32 else 8))
    T.grad_fn = property(lambda self: self._grad_fn_name,
                         doc="Name of the op that produced this tensor, or None for a leaf.")
    T.__doc__ = (
        "An n-dimensional float32/float64 array that records the ops applied to it for reverse-mode "
        "differentiation. Create one with xgrad.tensor(...); see help(xgrad) for the API."
    )


_install()
