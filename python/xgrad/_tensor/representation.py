"""How a tensor shows itself and leaves the process: repr/str, conversion to NumPy and lists,
pickling and ``copy.deepcopy``."""
from __future__ import annotations

from typing import Any, Optional

import numpy as np

from .. import _core
from .creation import tensor
from .dtypes import Tensor


def _repr(self: Tensor) -> str:
    """``tensor([...], dtype=float32)``, with ``grad_fn=<op>`` or ``requires_grad=True`` when they apply."""
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
    """``np.asarray(t)``: the tensor's data (shared where it can be, like ``t.numpy()``), converted
    to ``dtype`` or copied only when asked."""
    a = self.numpy()
    if dtype is not None and np.dtype(dtype) != a.dtype:
        return a.astype(dtype)
    return a.copy() if copy else a


def _tolist(self: Tensor) -> Any:
    """The values as nested Python lists of floats (a float for a 0-d tensor)."""
    return self.numpy().tolist()


def _rebuild_tensor(array: np.ndarray, requires_grad: bool) -> Tensor:
    """Unpickling: a leaf tensor holding ``array``."""
    out = tensor(array)
    if requires_grad:
        out.requires_grad = True
    return out


def _reduce(self):
    """Pickling: a leaf's data and ``requires_grad``, rebuilt by ``_rebuild_tensor``."""
    # Pickling and copy.deepcopy copy a leaf's data (as PyTorch does); autograd history is not copied.
    if not self.is_leaf:
        raise RuntimeError("Tensor: only leaf tensors can be pickled or deep-copied (this one has grad_fn="
                           f"{self.grad_fn}); call .detach() first")
    return (_rebuild_tensor, (np.array(_core.detach(self).numpy(), copy=True), bool(self.requires_grad)))


def _deepcopy(self, memo):
    """``copy.deepcopy``: a leaf with copies of the data and of ``.grad`` (no autograd history)."""
    if id(self) in memo:
        return memo[id(self)]
    rebuild, args = self.__reduce__()
    out = rebuild(*args)
    if self.grad is not None:
        out.grad = _core.clone(self.grad)
    memo[id(self)] = out
    return out
