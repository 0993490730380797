"""The tensor type, its two dtypes, and the one normaliser of dtype arguments."""
from __future__ import annotations

from typing import Any, Optional

import numpy as np

from .. import _core

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
