"""The one place where ``xgrad.Tensor`` gets its Python-side methods, operators and properties.

The tensor type is C++ (``xgrad._core.Tensor``: ``shape``, ``dtype``, ``numpy()``, ``item()``,
``grad``, ``requires_grad``, ...). ``install()`` attaches the tables at the end of this file to it,
once, when ``xgrad`` is imported:

- ``METHODS``: ``t.<name>(...)`` is the function ``xgrad.<name>(t, ...)`` (from ``ops.py``) with the
  tensor as first argument, or the helper listed (in-place updates, autograd, conversions), which is
  defined below. The ops of the core's registry (``exp``, ``tanh``, ``relu``, ``softmax``, ...; see
  ``registered.py``) are methods already: the core binds them;
- ``OPERATORS``: Python's special methods (``+``, ``@``, ``<``, ``t[key]``, ``len``, ``repr``,
  pickling), from this file, ``indexing.py`` and ``representation.py``;
- ``PROPERTIES``: attributes computed from the C++ ones (``T``, ``strides``, ``grad_fn``, ...).
"""
from __future__ import annotations

from typing import Any, Optional

import numpy as np

from .. import _core
from . import indexing, ops, representation
from .creation import full, tensor
from .dtypes import Tensor, _NAMES as _DTYPE_NAMES, _NUMPY_OF, _dtype, bool_, float32, float64, int32, int64, uint8
from .operands import _operand, _refuse_bool_subtraction, _with_scalar

TENSOR_DOC = (
    "An n-dimensional float32/float64 array that records the ops applied to it for reverse-mode "
    "differentiation. Create one with xgrad.tensor(...); see help(xgrad) for the API.\n\n"
    "The type is C++ (xgrad._core.Tensor); its Python-side methods, operators and properties are "
    "attached in xgrad/_tensor/methods.py: t.<name>(...) is xgrad.<name>(t, ...) where that "
    "function exists."
)


# ---------------------------------------------------------------- in place

def _zero_(self: Tensor) -> Tensor:
    """Fill with zeros in place; returns the tensor."""
    _core.fill_(self, 0.0)
    return self


def _fill_(self: Tensor, value: float) -> Tensor:
    """Fill with ``value`` in place; returns the tensor."""
    from .. import _checks as check
    _core.fill_(self, float(value) if isinstance(value, (bool, np.bool_)) else check.number(value, "value", "fill_",
                                                                                            finite=False))
    return self


def _copy_(self: Tensor, src: Any) -> Tensor:
    """Copy ``src`` (a tensor, an array or a list, broadcast to this shape) into this tensor in
    place; returns the tensor."""
    _core.copy_(self, src if isinstance(src, Tensor) else tensor(np.asarray(src, dtype=_NUMPY_OF[self.dtype])))
    return self


def _add_(self: Tensor, other: Any, alpha: float = 1.0) -> Tensor:
    """``self += alpha * other`` in place (``other`` a tensor, a number or an array); returns the
    tensor."""
    other = _operand(other, self)
    if not isinstance(other, Tensor):
        other = full((), other, dtype=self.dtype)
    if alpha == 1.0:
        _core.add_(self, other)
    else:
        _core.add_scaled_(self, other, float(alpha))
    return self


def _sub_(self: Tensor, other: Any, alpha: float = 1.0) -> Tensor:
    """``self -= alpha * other`` in place; returns the tensor."""
    return _add_(self, other, -alpha)


def _mul_(self: Tensor, value: float) -> Tensor:
    """``self *= value`` in place, for a number ``value``; returns the tensor."""
    _core.mul_(self, float(value))
    return self


def _requires_grad_(self: Tensor, requires_grad: bool = True) -> Tensor:
    """Set ``requires_grad`` in place; returns the tensor."""
    self.requires_grad = requires_grad
    return self


# ---------------------------------------------------------------- autograd

def _backward(self: Tensor, gradient: Any = None, retain_graph: bool = False) -> None:
    """Accumulate d(self)/d(leaf) into ``.grad`` of every leaf that requires grad.

    ``gradient`` (same shape as self) is needed unless self has one element. The graph's saved
    tensors are freed afterwards unless ``retain_graph=True``."""
    if gradient is not None and not isinstance(gradient, Tensor):
        gradient = tensor(np.asarray(gradient, dtype=_NUMPY_OF[self.dtype]))
    _core.backward(self, gradient, bool(retain_graph))


def _register_hook(self: Tensor, hook) -> None:
    """Call ``hook(grad)`` when this (non-leaf) tensor's gradient is computed; a returned tensor
    (of the gradient's shape and dtype, or backward raises naming the hook) replaces it."""
    if not callable(hook):
        raise TypeError(f"register_hook: the hook must be callable, got {type(hook).__name__}")

    def wrapped(g):
        out = hook(g)
        if out is None:
            return g
        if not isinstance(out, Tensor):
            name = getattr(hook, "__qualname__", repr(hook))
            raise TypeError(f"register_hook: hook {name} returned a {type(out).__name__}; a hook returns None or a "
                            f"Tensor of the gradient's shape {tuple(g.shape)} and dtype {g.dtype.name}")
        return out
    _core.register_hook(self, wrapped)


def _retain_grad(self: Tensor) -> None:
    """Keep ``.grad`` of this non-leaf tensor after ``backward()`` (leaves always keep theirs)."""
    return _core.retain_grad(self)


def _detach(self: Tensor) -> Tensor:
    """A tensor sharing this one's data, with no autograd history."""
    return _core.detach(self)


# ---------------------------------------------------------------- shape, layout and conversions

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
    if dim is None:
        return s
    from .. import _checks as check
    d = check.integer(dim, "dim", "stride")
    if not -len(s) <= d < len(s) or not s and d not in (0, -1):
        raise IndexError(f"stride: dimension {d} is out of range for a tensor of rank {len(s)}")
    return s[d] if s else 1


def _view(self: Tensor, *shape: Any) -> Tensor:
    """PyTorch's ``view``: the same data seen with a new shape, never a copy; RuntimeError when the
    strides do not allow it (a transposed tensor: use ``reshape``, which copies then)."""
    out = ops.reshape(self, *shape)
    if out.numel() and out._data_ptr() != self._data_ptr():
        raise RuntimeError(f"view: a tensor of shape {tuple(self.shape)} and strides {self._strides()} cannot be "
                           f"seen as shape {tuple(out.shape)} without a copy; use .reshape(...) instead")
    return out


def _contiguous(self: Tensor) -> Tensor:
    """This tensor with C-contiguous data (the data is copied only when it is not already)."""
    return _core.contiguous(self)


def _clone(self: Tensor) -> Tensor:
    """A copy of the data that stays in the graph (gradients flow back to this tensor)."""
    return _core.clone(self)


def _to(self: Tensor, dtype: Any = None, device: Any = None) -> Tensor:
    """This tensor as ``dtype`` (xgrad.float32, xgrad.int64, ... or a NumPy spelling of them);
    differentiable between float dtypes. ``to("cpu")`` and ``to(device="cpu")`` return the tensor
    itself: xgrad runs on the CPU."""
    from ..device import check_device
    if device is not None:
        check_device(device, "to")
    if dtype is None:
        return self
    # t.to("cpu"), t.to(xgrad.device("cpu")), t.to(torch.device("cpu")): a device, not a dtype
    if (isinstance(dtype, str) and dtype not in _DTYPE_NAMES) or hasattr(dtype, "type"):
        check_device(dtype, "to")
        return self
    return _core.to_dtype(self, _dtype(dtype))


def _float(self: Tensor) -> Tensor:
    """This tensor as float32 (``to(xgrad.float32)``)."""
    return _core.to_dtype(self, float32)


def _double(self: Tensor) -> Tensor:
    """This tensor as float64 (``to(xgrad.float64)``)."""
    return _core.to_dtype(self, float64)


def _long(self: Tensor) -> Tensor:
    """This tensor as int64 (floats are cut toward zero)."""
    return _core.to_dtype(self, int64)


def _int(self: Tensor) -> Tensor:
    """This tensor as int32."""
    return _core.to_dtype(self, int32)


def _bool_dtype(self: Tensor) -> Tensor:
    """This tensor as bool (nonzero is True)."""
    return _core.to_dtype(self, bool_)


def _byte(self: Tensor) -> Tensor:
    """This tensor as uint8."""
    return _core.to_dtype(self, uint8)


def _type(self: Tensor, dtype: Any = None) -> Any:
    """``t.type()``: the dtype's name; ``t.type(dtype)``: ``t.to(dtype)``."""
    if dtype is None:
        return self.dtype.name
    return _core.to_dtype(self, _dtype(dtype))


def _reversed_axes(self: Tensor) -> Tensor:
    return _core.permute(self, list(range(self.ndim))[::-1])


def _strides_in_bytes(self: Tensor) -> tuple:
    return tuple(s * self.dtype.itemsize for s in self._strides())


def _size_bytes(self: Tensor) -> int:
    return self.numel() * self.dtype.itemsize


def _grad_fn(self: Tensor) -> Optional[str]:
    return self._grad_fn_name


# ---------------------------------------------------------------- operators

def _binary(name: str, rname: str, symbol: str):
    """The operator and its reflected form: tensor (op) tensor, tensor (op) number, number (op) tensor."""
    op = getattr(_core, name)
    op_scalar = getattr(_core, f"{name}_scalar")
    rop_scalar = getattr(_core, rname if rname != name else f"{name}_scalar")

    def forward(self, other):
        if isinstance(other, Tensor):
            return op(self, other)
        if type(other) is float and self.is_floating_point():  # the common case, without ABC checks
            return op_scalar(self, other)
        try:
            other = _operand(other, self)
        except TypeError:
            return NotImplemented
        if isinstance(other, Tensor):
            return op(self, other)
        _refuse_bool_subtraction(self, other, name)
        return op_scalar(*_with_scalar(self, other))

    def reverse(self, other):
        if type(other) is float and self.is_floating_point():
            return rop_scalar(self, other)
        try:
            other = _operand(other, self)
        except TypeError:
            return NotImplemented
        if isinstance(other, Tensor):
            return op(other, self)
        _refuse_bool_subtraction(self, other, rname)
        return rop_scalar(*_with_scalar(self, other))

    dunder = "truediv" if name == "div" else name
    forward.__name__ = forward.__qualname__ = f"__{dunder}__"
    reverse.__name__ = reverse.__qualname__ = f"__r{dunder}__"
    forward.__doc__ = (f"``self {symbol} other`` with broadcasting; ``other`` is a tensor (the two promote as in "
                       f"PyTorch), a number or an array.")
    reverse.__doc__ = f"``other {symbol} self`` for a number or an array ``other``."
    return forward, reverse


_add, _radd = _binary("add", "add", "+")
_sub, _rsub = _binary("sub", "rsub", "-")
_mul, _rmul = _binary("mul", "mul", "*")
_truediv, _rtruediv = _binary("div", "rdiv", "/")


def _pow(self: Tensor, exponent: Any):
    """``self ** exponent`` for a number ``exponent`` (tensor exponents are not supported)."""
    if isinstance(exponent, Tensor):
        return NotImplemented
    return ops.pow(self, exponent)


def _rpow(self: Tensor, base: Any) -> Tensor:
    """``base ** self`` for a number ``base`` (computed in float32 for an integer tensor)."""
    return _core.rpow(self, float(base))


def _pos(self: Tensor) -> Tensor:
    """``+self``: the tensor itself."""
    return self


def _rmatmul(self: Tensor, other: Any) -> Tensor:
    """``other @ self`` for an array or a nested list ``other``."""
    return ops.matmul(tensor(other), self)


def _compare(fn, symbol: str):
    """A comparison operator: a bool tensor, True where ``self (symbol) other`` holds."""
    def method(self, other):
        try:
            return fn(self, other)
        except TypeError:
            if isinstance(other, Tensor):
                raise
            return NotImplemented
    method.__doc__ = f"``self {symbol} other`` elementwise, with broadcasting: a bool tensor (not differentiable)."
    return method


def _logic(fn, symbol: str, reflected: bool = False):
    """``&``, ``|``, ``^`` (and reflected): bits of integer tensors, truth of bool tensors."""
    def method(self, other):
        try:
            return fn(self, other)
        except TypeError:
            if isinstance(other, Tensor):
                raise
            return NotImplemented
    method.__doc__ = f"``{'other' if reflected else 'self'} {symbol} {'self' if reflected else 'other'}``: bits of " \
                     f"integer tensors, truth of bool tensors."
    return method


def _len(self: Tensor) -> int:
    """The extent of the first axis (a 0-d tensor has no length)."""
    if self.ndim == 0:
        raise TypeError("len() of a 0-d tensor")
    return self.shape[0]


def _iter(self: Tensor):
    """The tensor's slices along the first axis, as views."""
    if self.ndim == 0:
        raise TypeError("iteration over a 0-d tensor")
    for i in range(self.shape[0]):
        yield _core.select(self, 0, i)


def _bool(self: Tensor) -> bool:
    """The truth value of a one-element tensor (more elements are ambiguous: ValueError)."""
    if self.numel() != 1:
        raise ValueError(f"the truth value of a tensor with {self.numel()} elements is ambiguous")
    return bool(self.item())


def _to_float(self: Tensor) -> float:
    """``float(t)`` for a one-element tensor."""
    return float(self.item())


def _to_int(self: Tensor) -> int:
    """``int(t)`` for a one-element tensor (truncated toward zero)."""
    return int(self.item())


# ---------------------------------------------------------------- the tables

METHODS = {
    # t.<name>(...) is xgrad.<name>(t, ...)
    "add": ops.add, "sub": ops.sub, "mul": ops.mul, "div": ops.div, "pow": ops.pow,
    "maximum": ops.maximum, "minimum": ops.minimum, "clip": ops.clip, "clamp": ops.clamp,
    "sum": ops.sum, "mean": ops.mean, "max": ops.max, "min": ops.min, "var": ops.var, "std": ops.std,
    "argmax": ops.argmax, "argmin": ops.argmin, "amax": ops.amax, "amin": ops.amin,
    "sort": ops.sort, "argsort": ops.argsort, "topk": ops.topk, "gather": ops.gather,
    "eq": ops.eq, "ne": ops.ne, "gt": ops.gt, "ge": ops.ge, "lt": ops.lt, "le": ops.le,
    "logical_and": ops.logical_and, "logical_or": ops.logical_or, "logical_xor": ops.logical_xor,
    "logical_not": ops.logical_not, "bitwise_and": ops.bitwise_and, "bitwise_or": ops.bitwise_or,
    "bitwise_xor": ops.bitwise_xor, "bitwise_not": ops.bitwise_not,
    "isnan": ops.isnan, "isinf": ops.isinf, "isfinite": ops.isfinite,
    "matmul": ops.matmul,
    "reshape": ops.reshape, "view": _view, "transpose": ops.transpose, "permute": ops.permute,
    "flatten": ops.flatten, "squeeze": ops.squeeze, "unsqueeze": ops.unsqueeze, "expand": ops.expand,
    "broadcast_to": ops.broadcast_to,
    # in place (a trailing underscore, as in PyTorch)
    "zero_": _zero_, "fill_": _fill_, "copy_": _copy_, "add_": _add_, "sub_": _sub_, "mul_": _mul_,
    "requires_grad_": _requires_grad_,
    # autograd
    "backward": _backward, "register_hook": _register_hook, "retain_grad": _retain_grad, "detach": _detach,
    # shape, layout and conversions
    "size": _size, "stride": _stride, "contiguous": _contiguous, "clone": _clone,
    "to": _to, "float": _float, "double": _double, "long": _long, "int": _int, "bool": _bool_dtype,
    "byte": _byte, "type": _type, "tolist": representation._tolist,
}

OPERATORS = {
    # arithmetic
    "__add__": _add, "__radd__": _radd, "__sub__": _sub, "__rsub__": _rsub,
    "__mul__": _mul, "__rmul__": _rmul, "__truediv__": _truediv, "__rtruediv__": _rtruediv,
    "__pow__": _pow, "__rpow__": _rpow, "__neg__": Tensor.neg, "__pos__": _pos, "__abs__": Tensor.abs,
    "__matmul__": ops.matmul, "__rmatmul__": _rmatmul,
    # comparisons
    "__gt__": _compare(ops.gt, ">"), "__lt__": _compare(ops.lt, "<"), "__ge__": _compare(ops.ge, ">="),
    "__le__": _compare(ops.le, "<="), "__eq__": _compare(ops.eq, "=="), "__ne__": _compare(ops.ne, "!="),
    # logic and bits
    "__and__": _logic(ops.bitwise_and, "&"), "__or__": _logic(ops.bitwise_or, "|"),
    "__xor__": _logic(ops.bitwise_xor, "^"), "__invert__": ops.bitwise_not,
    "__rand__": _logic(ops.bitwise_and, "&", True), "__ror__": _logic(ops.bitwise_or, "|", True),
    "__rxor__": _logic(ops.bitwise_xor, "^", True),
    # indexing
    "__getitem__": indexing._getitem, "__setitem__": indexing._setitem,
    # Python protocols
    "__len__": _len, "__iter__": _iter, "__bool__": _bool, "__float__": _to_float, "__int__": _to_int,
    "__hash__": object.__hash__,  # by identity: == is elementwise
    # repr, NumPy, pickling and deepcopy
    "__repr__": representation._repr, "__str__": representation._repr, "__array__": representation._array,
    "__reduce__": representation._reduce, "__deepcopy__": representation._deepcopy,
}

PROPERTIES = {
    "T": property(_reversed_axes, doc="The tensor with its axes reversed (a view)."),
    "strides": property(_strides_in_bytes, doc="Strides in bytes, as NumPy reports them (see stride() for elements)."),
    "size_bytes": property(_size_bytes, doc="Bytes of data: numel() times 4 (float32) or 8 (float64)."),
    "grad_fn": property(_grad_fn, doc="Name of the op that produced this tensor, or None for a leaf."),
}


def install() -> None:
    """Attach METHODS, OPERATORS and PROPERTIES to the C++ Tensor type (``xgrad._tensor`` does, once)."""
    for table in (METHODS, OPERATORS, PROPERTIES):
        for name, attribute in table.items():
            setattr(Tensor, name, attribute)
    Tensor.__array_priority__ = 1000  # ndarray (op) tensor defers to the tensor's reflected op
    Tensor.__doc__ = TENSOR_DOC
