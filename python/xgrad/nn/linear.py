"""Linear layer."""
from __future__ import annotations

import math
from typing import Any

from .. import _checks as check
from .. import _core
from .._tensor.dtypes import Tensor, _dtype, float32
from . import init
from .module import Module
from .parameter import Parameter


class Linear(Module):
    """``y = x @ W.T + b`` with W of shape (out_features, in_features).

    Initialised like PyTorch: W and b from U(-1/sqrt(in), 1/sqrt(in)). ``dtype=xgrad.float64``
    for gradient checks."""

    def __init__(self, in_features: int, out_features: int, bias: bool = True, dtype: Any = None):
        super().__init__()
        self.in_features = check.positive_int(in_features, "in_features", "Linear")
        self.out_features = check.positive_int(out_features, "out_features", "Linear")
        bias = check.flag(bias, "bias", "Linear")
        dt = _dtype(dtype) or float32
        self.weight = Parameter(_core.empty([self.out_features, self.in_features], dt))
        if bias:
            self.bias = Parameter(_core.empty([self.out_features], dt))
        else:
            self.register_parameter("bias", None)
        self.reset_parameters()

    def reset_parameters(self) -> None:
        init.kaiming_uniform_(self.weight, a=math.sqrt(5))  # = U(-1/sqrt(in), 1/sqrt(in))
        if self.bias is not None:
            bound = 1.0 / math.sqrt(self.in_features)
            init.uniform_(self.bias, -bound, bound)

    def forward(self, x: Tensor) -> Tensor:
        if not isinstance(x, Tensor):  # pybind11 would list the C++ signature instead
            raise TypeError(f"linear: input must be an xgrad Tensor, got {type(x).__name__}")
        return _core.linear(x, self.weight, self.bias)

    def extra_repr(self) -> str:
        return f"in_features={self.in_features}, out_features={self.out_features}, bias={self.bias is not None}"
