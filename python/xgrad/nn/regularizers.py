"""Regularisation penalties and constraints on parameters (CS231n "Regularization"; ai-edu ch. 16).

A penalty is a differentiable term to add to the data loss, built from ordinary ops, so its
gradient flows through ``loss.backward()``::

    loss = criterion(model(x), y) + xgrad.nn.regularizers.l2_penalty(model, weight=1e-3)

Biases (and other 1-D parameters such as normalisation scales) are excluded by default, as the
lectures advise. ``max_norm_`` is a constraint applied after ``optimizer.step()``."""
from __future__ import annotations

from typing import Any, List

from .. import _checks as check
from .. import _core
from .._tensor import Tensor
from ..autograd import no_grad


def _select(params: Any, include_bias: bool, owner: str) -> List[Tensor]:
    """Parameters of a Module (by name: names ending in 'bias' are biases) or an iterable of
    tensors (1-D tensors count as biases)."""
    include_bias = check.flag(include_bias, "include_bias", owner)
    if hasattr(params, "named_parameters"):
        chosen = [p for name, p in params.named_parameters()
                  if include_bias or not (name.split(".")[-1] == "bias" or p.ndim <= 1)]
    else:
        if not isinstance(params, Tensor) and (isinstance(params, (str, bytes, dict)) or not hasattr(params, "__iter__")):
            raise check.type_error(owner, "params", "a Module, a Tensor or an iterable of Tensors", params)
        items = [params] if isinstance(params, Tensor) else list(params)
        for i, p in enumerate(items):
            if not isinstance(p, Tensor):
                raise check.type_error(owner, f"params[{i}]", "a Tensor", p)
        chosen = [p for p in items if include_bias or p.ndim > 1]
    return chosen


def _check_weight(name: str, weight: float, argument: str = "weight") -> float:
    """The regularisation strength: a finite number >= 0 (NaN would make every loss NaN)."""
    return check.number(weight, argument, name, low=0.0)


def l2_penalty(params: Any, weight: float = 1.0, include_bias: bool = False) -> Tensor:
    """``weight * 0.5 * sum(w ** 2)`` over the chosen parameters (CS231n's ``0.5 * lambda * w^2``,
    whose gradient is ``lambda * w``: weight decay)."""
    _check_weight("l2_penalty", weight)
    return _sum_terms(params, include_bias, lambda w: (w * w).sum() * (0.5 * weight), "l2_penalty")


def l1_penalty(params: Any, weight: float = 1.0, include_bias: bool = False) -> Tensor:
    """``weight * sum(|w|)`` over the chosen parameters (drives weights to exact zeros:
    sparse solutions). The gradient at w = 0 is 0."""
    _check_weight("l1_penalty", weight)
    return _sum_terms(params, include_bias, lambda w: w.abs().sum() * weight, "l1_penalty")


def elastic_net_penalty(params: Any, l1: float = 1.0, l2: float = 1.0, include_bias: bool = False) -> Tensor:
    """``l1 * sum(|w|) + l2 * 0.5 * sum(w ** 2)`` (CS231n: "Elastic net regularization")."""
    _check_weight("elastic_net_penalty", l1, "l1")
    _check_weight("elastic_net_penalty", l2, "l2")
    return _sum_terms(params, include_bias, lambda w: w.abs().sum() * l1 + (w * w).sum() * (0.5 * l2),
                      "elastic_net_penalty")


def _sum_terms(params: Any, include_bias: bool, term, name: str) -> Tensor:
    chosen = _select(params, include_bias, name)
    if not chosen:
        raise ValueError(f"{name}: no parameters to regularise (biases are excluded unless include_bias=True)")
    total = term(chosen[0])
    for w in chosen[1:]:
        total = total + term(w)
    return total


class _Penalty:
    def __init__(self, fn, **kwargs: Any):
        self._fn, self._kwargs = fn, kwargs

    def __call__(self, params: Any) -> Tensor:
        return self._fn(params, **self._kwargs)

    def __repr__(self) -> str:
        args = ", ".join(f"{k}={v}" for k, v in self._kwargs.items())
        return f"{type(self).__name__}({args})"


class L2(_Penalty):
    """``L2(weight)(model)`` is ``l2_penalty(model, weight)``."""

    def __init__(self, weight: float, include_bias: bool = False):
        _check_weight("L2", weight)
        check.flag(include_bias, "include_bias", "L2")
        super().__init__(l2_penalty, weight=weight, include_bias=include_bias)


class L1(_Penalty):
    """``L1(weight)(model)`` is ``l1_penalty(model, weight)``."""

    def __init__(self, weight: float, include_bias: bool = False):
        _check_weight("L1", weight)
        check.flag(include_bias, "include_bias", "L1")
        super().__init__(l1_penalty, weight=weight, include_bias=include_bias)


class ElasticNet(_Penalty):
    """``ElasticNet(l1, l2)(model)`` is ``elastic_net_penalty(model, l1, l2)``."""

    def __init__(self, l1: float, l2: float, include_bias: bool = False):
        _check_weight("ElasticNet", l1, "l1")
        _check_weight("ElasticNet", l2, "l2")
        check.flag(include_bias, "include_bias", "ElasticNet")
        super().__init__(elastic_net_penalty, l1=l1, l2=l2, include_bias=include_bias)


def max_norm_(params: Any, max_norm: float, norm_type: float = 2.0, include_bias: bool = False) -> None:
    """The max-norm constraint (CS231n; Srivastava et al. 2014), applied after a step: every
    unit's incoming weight vector (a row of a Linear weight, a filter of a Conv weight, i.e. each
    slice along dim 0) with norm above ``max_norm`` is scaled back to ``max_norm``."""
    max_norm = check.number(max_norm, "max_norm", "max_norm_", low=0.0)
    norm_type = check.number(norm_type, "norm_type", "max_norm_", low=0.0, low_open=True, finite=False)
    with no_grad():
        for w in _select(params, include_bias, "max_norm_"):
            _core.renorm_(w, norm_type, max_norm)
