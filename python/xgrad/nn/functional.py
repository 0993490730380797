"""Stateless versions of the layers: ``xgrad.nn.functional`` (import as ``F``)."""
from __future__ import annotations

from typing import Any, Optional

from .. import _core
from .._tensor import Tensor, log_softmax, softmax  # noqa: F401  (re-exported)


def linear(input: Tensor, weight: Tensor, bias: Optional[Tensor] = None) -> Tensor:
    """``input @ weight.T + bias``: input (..., in_features), weight (out_features, in_features).
    One BLAS gemm forward, two backward."""
    return _core.linear(input, weight, bias)


def relu(input: Tensor) -> Tensor:
    """max(x, 0)."""
    return _core.relu(input)


def sigmoid(input: Tensor) -> Tensor:
    """1 / (1 + e^-x)."""
    return _core.sigmoid(input)


def tanh(input: Tensor) -> Tensor:
    """tanh(x)."""
    return _core.tanh(input)


def cross_entropy(input: Tensor, target: Any, reduction: str = "mean") -> Tensor:
    """Softmax cross-entropy ``-log softmax(input)[target]`` for logits (N, C) and integer class
    indices (N,) given as a NumPy int array, a list, or a tensor of whole numbers.
    ``reduction``: 'mean' (default), 'sum' or 'none'. The initial loss of an untrained C-class
    classifier is about ln C."""
    if not isinstance(input, Tensor):
        raise TypeError(f"cross_entropy: input must be a Tensor of logits, got {type(input).__name__}")
    return _core.cross_entropy(input, target, reduction)
