"""Residual connections (He et al. 2016): y = body(x) + shortcut(x)."""
from __future__ import annotations

from typing import Any, Optional

from .. import _checks as check
from .. import _core
from .._tensor import Tensor
from .activation import ReLU
from .conv import Conv2d
from .module import Module, Sequential
from .normalization import BatchNorm2d


class Residual(Module):
    """``y = activation(body(x) + shortcut(x))``: the shortcut is the identity unless given (e.g. a
    1x1 convolution when the shape changes), and the activation is none unless given.

    >>> block = nn.Residual(nn.Sequential(nn.Conv2d(16, 16, 3, padding=1), nn.ReLU(),
    ...                                   nn.Conv2d(16, 16, 3, padding=1)), activation=nn.ReLU())"""

    def __init__(self, body: Module, shortcut: Optional[Module] = None, activation: Optional[Module] = None):
        super().__init__()
        for name, value in (("body", body), ("shortcut", shortcut), ("activation", activation)):
            if not isinstance(value, Module) and not (value is None and name != "body"):
                expected = "an nn.Module" if name == "body" else "None or an nn.Module"
                raise check.type_error("Residual", name, expected, value)
        self.body = body
        self.shortcut = shortcut
        self.activation = activation

    def forward(self, x: Tensor) -> Tensor:
        identity = x if self.shortcut is None else self.shortcut(x)
        out = self.body(x)
        if tuple(out.shape) != tuple(identity.shape):
            raise ValueError(f"Residual: the body's output {tuple(out.shape)} and the shortcut's "
                             f"{tuple(identity.shape)} differ; give a shortcut that matches them")
        out = _core.add(out, identity)
        return out if self.activation is None else self.activation(out)


class ResidualBlock(Residual):
    """ResNet's basic block: conv3x3(stride) - BN - ReLU - conv3x3 - BN, plus the shortcut (the
    identity, or conv1x1(stride) - BN when the stride or channel count changes), then ReLU."""

    def __init__(self, in_channels: int, out_channels: int, stride: int = 1, dtype: Any = None):
        in_channels = check.positive_int(in_channels, "in_channels", "ResidualBlock")
        out_channels = check.positive_int(out_channels, "out_channels", "ResidualBlock")
        stride = check.positive_int(stride, "stride", "ResidualBlock")
        body = Sequential(
            Conv2d(in_channels, out_channels, 3, stride=stride, padding=1, bias=False, dtype=dtype),
            BatchNorm2d(out_channels, dtype=dtype), ReLU(),
            Conv2d(out_channels, out_channels, 3, padding=1, bias=False, dtype=dtype),
            BatchNorm2d(out_channels, dtype=dtype))
        shortcut = None
        if stride != 1 or in_channels != out_channels:
            shortcut = Sequential(Conv2d(in_channels, out_channels, 1, stride=stride, bias=False, dtype=dtype),
                                  BatchNorm2d(out_channels, dtype=dtype))
        super().__init__(body, shortcut, ReLU())
