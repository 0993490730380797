"""Convolution layers."""
from __future__ import annotations

import math
from typing import Any

from .. import _checks as check
from .. import _core
from .._tensor.dtypes import Tensor, _dtype, float32
from . import functional as F
from . import init
from .module import Module
from .parameter import Parameter


class Conv2d(Module):
    """2-D convolution over NCHW inputs (CS231n's conv layer), im2col + BLAS gemm in C++.

    Input (N, C_in, H, W) -> output (N, C_out, H', W') with
    ``H' = (H + 2 * padding - dilation * (kernel_size - 1) - 1) // stride + 1`` and
    ``out[n, o] = bias[o] + sum_c weight[o, c] (*) x_pad[n, c]`` (cross-correlation).
    weight (C_out, C_in / groups, kh, kw), bias (C_out,). ``groups`` splits channels into
    independent convolutions (groups = C_in is a depthwise convolution); ``kernel_size=1`` is the
    1x1 convolution of network-in-network and bottleneck blocks. Initialised like PyTorch:
    U(-1/sqrt(fan_in), 1/sqrt(fan_in)), fan_in = C_in / groups * kh * kw."""

    def __init__(self, in_channels: int, out_channels: int, kernel_size: Any, stride: Any = 1, padding: Any = 0,
                 dilation: Any = 1, groups: int = 1, bias: bool = True, padding_mode: str = "zeros",
                 dtype: Any = None):
        super().__init__()
        check.choice(padding_mode, "padding_mode", "Conv2d", ("zeros",))
        self.in_channels = check.positive_int(in_channels, "in_channels", "Conv2d")
        self.out_channels = check.positive_int(out_channels, "out_channels", "Conv2d")
        self.groups = check.positive_int(groups, "groups", "Conv2d")
        if self.in_channels % self.groups or self.out_channels % self.groups:
            raise ValueError(f"Conv2d: in_channels ({in_channels}) and out_channels ({out_channels}) must both be "
                             f"divisible by groups ({groups})")
        self.kernel_size = F._pair(kernel_size, "kernel_size", "Conv2d")
        self.stride = F._pair(stride, "stride", "Conv2d")
        self.dilation = F._pair(dilation, "dilation", "Conv2d")
        if isinstance(padding, str):
            F.same_padding(padding, self.kernel_size, self.stride, self.dilation, "Conv2d")  # checks only
            self.padding = padding
        else:
            self.padding = F._pair(padding, "padding", "Conv2d")
        bias = check.flag(bias, "bias", "Conv2d")
        dt = _dtype(dtype) or float32
        self.weight = Parameter(_core.empty([self.out_channels, self.in_channels // self.groups,
                                             *self.kernel_size], dt))
        if bias:
            self.bias = Parameter(_core.empty([self.out_channels], dt))
        else:
            self.register_parameter("bias", None)
        self.reset_parameters()

    def reset_parameters(self) -> None:
        init.kaiming_uniform_(self.weight, a=math.sqrt(5))  # = U(-1/sqrt(fan_in), 1/sqrt(fan_in))
        if self.bias is not None:
            fan_in = self.in_channels // self.groups * self.kernel_size[0] * self.kernel_size[1]
            bound = 1.0 / math.sqrt(fan_in)
            init.uniform_(self.bias, -bound, bound)

    def forward(self, x: Tensor) -> Tensor:
        return F.conv2d(x, self.weight, self.bias, self.stride, self.padding, self.dilation, self.groups)

    def extra_repr(self) -> str:
        s = (f"{self.in_channels}, {self.out_channels}, kernel_size={self.kernel_size}, stride={self.stride}")
        if self.padding not in ((0, 0), "valid"):
            s += f", padding={self.padding}"
        if self.dilation != (1, 1):
            s += f", dilation={self.dilation}"
        if self.groups != 1:
            s += f", groups={self.groups}"
        if self.bias is None:
            s += ", bias=False"
        return s
