"""Regularisers that act in training mode only: Dropout, DropConnect, StochasticDepth."""
from __future__ import annotations

from .. import _checks as check
from .. import _core
from .._tensor import Tensor
from . import functional as F
from .linear import Linear
from .module import Module


class Dropout(Module):
    """Dropout with p = the probability of dropping (PyTorch's convention).

    Inverted dropout (default): training ``y = x * m / (1 - p)``, m ~ Bernoulli(1 - p); eval
    ``y = x``. ``scale_at_test=True`` is the lectures' original form: training ``y = x * m``, eval
    ``y = (1 - p) * x`` (CS231n writes p for the keep probability: ``H *= p`` at test time)."""

    def __init__(self, p: float = 0.5, scale_at_test: bool = False):
        super().__init__()
        self.p = F._check_p(p, "Dropout")
        self.scale_at_test = check.flag(scale_at_test, "scale_at_test", "Dropout")

    def forward(self, x: Tensor) -> Tensor:
        return F.dropout(x, self.p, self.training, self.scale_at_test)

    def extra_repr(self) -> str:
        return f"p={self.p}" + (", scale_at_test=True" if self.scale_at_test else "")


class DropConnect(Module):
    """DropConnect (Wan et al. 2013) around a Linear layer: in training each *weight* is dropped
    with probability p, ``y = x @ (M * W)^T / (1 - p) + b`` with a fresh mask M ~ Bernoulli(1 - p)
    per forward (inverted scaling, so eval is the plain layer ``y = x @ W^T + b``).
    ``scale_at_test=True``: no 1/(1 - p) in training, ``W * (1 - p)`` in eval.

    >>> layer = nn.DropConnect(nn.Linear(100, 50), p=0.5)"""

    def __init__(self, linear: Linear, p: float = 0.5, scale_at_test: bool = False):
        super().__init__()
        if not isinstance(linear, Linear):
            raise TypeError(f"DropConnect: expected an nn.Linear, got {type(linear).__name__}")
        self.linear, self.p = linear, F._check_p(p, "DropConnect")
        self.scale_at_test = check.flag(scale_at_test, "scale_at_test", "DropConnect")

    def forward(self, x: Tensor) -> Tensor:
        w = F.dropout(self.linear.weight, self.p, self.training, self.scale_at_test)
        return _core.linear(x, w, self.linear.bias)

    def extra_repr(self) -> str:
        return f"p={self.p}" + (", scale_at_test=True" if self.scale_at_test else "")


class StochasticDepth(Module):
    """Stochastic depth (Huang et al. 2016) for a residual branch: in training the branch output
    is kept with probability 1 - p, per sample (``mode='row'``) or for the whole batch
    (``mode='batch'``); in eval it is scaled by the survival probability 1 - p (the paper,
    ``scale_at_test=True``). ``scale_at_test=False`` is torchvision's inverted form (scale
    1/(1 - p) in training, identity in eval). Use inside ``nn.Residual``:
    ``Residual(Sequential(conv, bn, relu, StochasticDepth(0.2)))``."""

    def __init__(self, p: float, mode: str = "row", scale_at_test: bool = True):
        super().__init__()
        self.p = F._check_p(p, "StochasticDepth")
        self.mode = check.choice(mode, "mode", "StochasticDepth", ("row", "batch"))
        self.scale_at_test = check.flag(scale_at_test, "scale_at_test", "StochasticDepth")

    def forward(self, x: Tensor) -> Tensor:
        return F.stochastic_depth(x, self.p, self.mode, self.training, self.scale_at_test)

    def extra_repr(self) -> str:
        return f"p={self.p}, mode={self.mode!r}, scale_at_test={self.scale_at_test}"
