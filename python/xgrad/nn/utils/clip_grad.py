"""Gradient clipping by norm and by value (PyTorch's functions; the loops run in C++)."""
from __future__ import annotations

import math
from typing import Any, Iterable, List, Union

from ... import _core
from ..._tensor import Tensor
from ..._tensor.creation import tensor


def _params(parameters: Union[Tensor, Iterable[Tensor]]) -> List[Tensor]:
    if isinstance(parameters, Tensor):
        return [parameters]
    return [p for p in parameters if p.grad is not None]


def clip_grad_norm_(parameters: Union[Tensor, Iterable[Tensor]], max_norm: float, norm_type: float = 2.0,
                    error_if_nonfinite: bool = False, foreach: Any = None) -> Tensor:
    """Scale all gradients together so their total ``norm_type``-norm (as if concatenated) is
    at most ``max_norm``: ``g *= min(1, max_norm / (total_norm + 1e-6))``. Returns the total norm
    before clipping (a 0-d float64 tensor). ``foreach`` is accepted for PyTorch compatibility."""
    params = _params(parameters)
    norm_type = float(norm_type)
    if not params:
        return tensor(0.0, dtype="float64")
    total = _core.total_grad_norm(params, norm_type)
    if error_if_nonfinite and not math.isfinite(total):
        raise RuntimeError(f"clip_grad_norm_: the total norm of order {norm_type} of the gradients is {total}; "
                           "set error_if_nonfinite=False to clip anyway")
    coef = min(float(max_norm) / (total + 1e-6), 1.0)
    _core.scale_grads(params, coef)
    return tensor(total, dtype="float64")


def clip_grad_value_(parameters: Union[Tensor, Iterable[Tensor]], clip_value: float, foreach: Any = None) -> None:
    """Clamp every gradient element to ``[-clip_value, clip_value]``."""
    _core.clamp_grads(_params(parameters), float(clip_value))
