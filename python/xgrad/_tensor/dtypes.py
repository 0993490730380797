"""The tensor type, its dtypes, and the one normaliser of dtype arguments.

float32 and float64 carry gradients; int64 (labels, indices), int32, uint8 (images) and bool
(masks) do not, as in PyTorch."""
from __future__ import annotations

from typing import Any, Optional

import numpy as np

from .. import _core

Tensor = _core.Tensor
dtype = _core.dtype
float32 = _core.dtype.float32
float64 = _core.dtype.float64
int64 = _core.dtype.int64
int32 = _core.dtype.int32
uint8 = _core.dtype.uint8
bool_ = getattr(_core.dtype, "bool")

_NUMPY_OF = {float32: np.float32, float64: np.float64, int64: np.int64, int32: np.int32, uint8: np.uint8,
             bool_: np.bool_}
_OF_NUMPY = {np.dtype(v): k for k, v in _NUMPY_OF.items()}
_NAMES = {"float": float32, "double": float64, "long": int64, "int": int32, "float32": float32,
          "float64": float64, "int64": int64, "int32": int32, "uint8": uint8, "bool": bool_}


def _dtype(d: Any) -> Optional["dtype"]:
    """Normalise a dtype given as xgrad.float32, np.float32, np.dtype('int64'), 'float32', 'long'
    or Python's float/int/bool (float32, int64, bool, as PyTorch reads them)."""
    if d is None or isinstance(d, dtype):
        return d
    if d is float:
        return float32
    if d is int:
        return int64
    if d is bool:
        return bool_
    if isinstance(d, str) and d in _NAMES:
        return _NAMES[d]
    try:
        nd = np.dtype(d)
    except TypeError:
        raise TypeError(f"dtype must be one of float32, float64, int64, int32, uint8, bool; got {d!r}") from None
    if nd in _OF_NUMPY:
        return _OF_NUMPY[nd]
    raise TypeError(f"xgrad tensors are float32, float64, int64, int32, uint8 or bool; got dtype {nd}")


#: PyTorch's spellings of the dtypes that are Python builtins' names: xgrad.bool, xgrad.long, ...
#: xgrad looks them up on access (PEP 562: this function is xgrad.__getattr__), so that
#: ``from xgrad import *`` does not shadow bool, int or float.
_DTYPE_ALIASES = {"bool": bool_, "long": int64, "int": int32, "float": float32, "double": float64}


def __getattr__(name: str):
    if name in _DTYPE_ALIASES:
        return _DTYPE_ALIASES[name]
    raise AttributeError(f"module 'xgrad' has no attribute {name!r}")
