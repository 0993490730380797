"""Gradient clipping by norm and by value (PyTorch's functions; the loops run in C++)."""
from __future__ import annotations

import math
from typing import Any, Iterable, List, Union

from ... import _checks as check
from ... import _core
from ..._tensor import Tensor
from ..._tensor.creation import tensor


def _params(parameters: Union[Tensor, Iterable[Tensor]], owner: str) -> List[Tensor]:
    if isinstance(parameters, Tensor):
        return [parameters] if parameters.grad is not None else []
    if isinstance(parameters, (str, bytes, dict)) or not hasattr(parameters, "__iter__"):
        raise check.type_error(owner, "parameters", "a Tensor or an iterable of Tensors", parameters)
    params = list(parameters)
    for i, p in enumerate(params):
        if not isinstance(p, Tensor):
            raise check.type_error(owner, f"parameters[{i}]", "a Tensor", p)
    return [p for p in params if p.grad is not None]


def clip_grad_norm_(parameters: Union[Tensor, Iterable[Tensor]], max_norm: float, norm_type: float = 2.0,
                    error_if_nonfinite: bool = False, foreach: Any = None) -> Tensor:
    """Scale all gradients together so their total ``norm_type``-norm (as if concatenated) is
    at most ``max_norm``: ``g *= min(1, max_norm / (total_norm + 1e-6))``. Returns the total norm
    before clipping (a 0-d float64 tensor). ``foreach`` is accepted for PyTorch compatibility."""
    # a negative max_norm would flip every gradient's sign (PyTorch does not check it)
    max_norm = check.number(max_norm, "max_norm", "clip_grad_norm_", low=0.0)
    norm_type = check.number(norm_type, "norm_type", "clip_grad_norm_", low=0.0, low_open=True, finite=False)
    error_if_nonfinite = check.flag(error_if_nonfinite, "error_if_nonfinite", "clip_grad_norm_")
    params = _params(parameters, "clip_grad_norm_")
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
    clip_value = check.number(clip_value, "clip_value", "clip_grad_value_", low=0.0, finite=False)
    _core.clamp_grads(_params(parameters, "clip_grad_value_"), clip_value)
