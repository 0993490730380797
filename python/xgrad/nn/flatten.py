"""Flatten: the bridge from convolutional feature maps to Linear layers."""
from __future__ import annotations

from .. import _checks as check
from .. import _core
from .._tensor import Tensor
from .module import Module


class Flatten(Module):
    """Merges dims ``start_dim..end_dim`` into one: (N, C, H, W) -> (N, C*H*W) by default.
    A view when the input is contiguous (no copy)."""

    def __init__(self, start_dim: int = 1, end_dim: int = -1):
        super().__init__()
        self.start_dim = check.integer(start_dim, "start_dim", "Flatten")
        self.end_dim = check.integer(end_dim, "end_dim", "Flatten")

    def forward(self, x: Tensor) -> Tensor:
        return _core.flatten(x, self.start_dim, self.end_dim)

    def extra_repr(self) -> str:
        return f"start_dim={self.start_dim}, end_dim={self.end_dim}"
