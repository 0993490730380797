"""Pooling layers: max, average, adaptive (global) average, fractional max."""
from __future__ import annotations

from typing import Any, Optional

from .. import _checks as check
from .._tensor import Tensor
from . import functional as F
from .module import Module


def _check_window(owner: str, kernel_size: Any, stride: Any, padding: Any, dilation: Any) -> None:
    """A pooling layer's window arguments, checked when it is built rather than at its first forward."""
    F._pair(kernel_size, "kernel_size", owner)
    if stride is not None and not (isinstance(stride, list) and not stride):  # [] is PyTorch's "the kernel size"
        F._pair(stride, "stride", owner)
    F._pair(padding, "padding", owner)
    F._pair(dilation, "dilation", owner)


class MaxPool2d(Module):
    """Max over kh x kw windows moved by ``stride`` (default: kernel_size): (N, C, H, W) ->
    (N, C, H', W'), ``H' = (H + 2 padding - dilation (k - 1) - 1) // stride + 1``. Backward sends
    each gradient to its window's maximum (the "gradient router" of the lectures)."""

    def __init__(self, kernel_size: Any, stride: Any = None, padding: Any = 0, dilation: Any = 1,
                 ceil_mode: bool = False):
        super().__init__()
        _check_window("MaxPool2d", kernel_size, stride, padding, dilation)
        self.kernel_size, self.stride, self.padding = kernel_size, stride if stride is not None else kernel_size, padding
        self.dilation, self.ceil_mode = dilation, check.flag(ceil_mode, "ceil_mode", "MaxPool2d")

    def forward(self, x: Tensor) -> Tensor:
        return F.max_pool2d(x, self.kernel_size, self.stride, self.padding, self.dilation, self.ceil_mode)

    def extra_repr(self) -> str:
        return f"kernel_size={self.kernel_size}, stride={self.stride}, padding={self.padding}"


class AvgPool2d(Module):
    """Mean over kh x kw windows moved by ``stride`` (default: kernel_size); zero padding counts in
    the divisor when ``count_include_pad``."""

    def __init__(self, kernel_size: Any, stride: Any = None, padding: Any = 0, ceil_mode: bool = False,
                 count_include_pad: bool = True):
        super().__init__()
        _check_window("AvgPool2d", kernel_size, stride, padding, 1)
        self.kernel_size, self.stride, self.padding = kernel_size, stride if stride is not None else kernel_size, padding
        self.ceil_mode = check.flag(ceil_mode, "ceil_mode", "AvgPool2d")
        self.count_include_pad = check.flag(count_include_pad, "count_include_pad", "AvgPool2d")

    def forward(self, x: Tensor) -> Tensor:
        return F.avg_pool2d(x, self.kernel_size, self.stride, self.padding, self.ceil_mode, self.count_include_pad)

    def extra_repr(self) -> str:
        return f"kernel_size={self.kernel_size}, stride={self.stride}, padding={self.padding}"


class AdaptiveAvgPool2d(Module):
    """Average pooling to a fixed output size (H', W'); ``AdaptiveAvgPool2d(1)`` is global average
    pooling (N, C, H, W) -> (N, C, 1, 1), the head of ResNets."""

    def __init__(self, output_size: Any):
        super().__init__()
        F.adaptive_size(output_size, None, "AdaptiveAvgPool2d")  # checks only: None entries keep the input's size
        self.output_size = output_size

    def forward(self, x: Tensor) -> Tensor:
        return F.adaptive_avg_pool2d(x, self.output_size)

    def extra_repr(self) -> str:
        return f"output_size={self.output_size}"


class FractionalMaxPool2d(Module):
    """Fractional max pooling (Graham 2014), a regulariser of the lectures: max over kh x kw
    windows at pseudo-random positions ``start_i = floor((i + u) a) - floor(u a)``,
    ``a = (H - kh) / (H' - 1)``, with a fresh ``u ~ U[0, 1)`` per image, channel and axis at every
    forward in training mode. In eval mode u = 0.5 for every plane, so inference is deterministic
    (PyTorch keeps drawing; ``_random_samples`` fixes u in both). Give ``output_size`` or
    ``output_ratio``."""

    def __init__(self, kernel_size: Any, output_size: Any = None, output_ratio: Any = None,
                 return_indices: bool = False, _random_samples: Optional[Tensor] = None):
        super().__init__()
        F._pair(kernel_size, "kernel_size", "FractionalMaxPool2d")
        F.fractional_target(output_size, output_ratio, "FractionalMaxPool2d")
        self.kernel_size, self.output_size, self.output_ratio = kernel_size, output_size, output_ratio
        if check.flag(return_indices, "return_indices", "FractionalMaxPool2d"):
            raise ValueError("FractionalMaxPool2d: return_indices is not supported")
        self._random_samples = _random_samples

    def forward(self, x: Tensor) -> Tensor:
        samples = self._random_samples
        if samples is None and not self.training and x.ndim == 4:
            from .._tensor.creation import full
            samples = full((x.shape[0], x.shape[1], 2), 0.5, dtype=x.dtype)
        return F.fractional_max_pool2d(x, self.kernel_size, self.output_size, self.output_ratio,
                                       _random_samples=samples)

    def extra_repr(self) -> str:
        size = f"output_size={self.output_size}" if self.output_size is not None else f"output_ratio={self.output_ratio}"
        return f"kernel_size={self.kernel_size}, {size}"
