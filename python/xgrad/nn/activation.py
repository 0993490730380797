"""Activation layers."""
from __future__ import annotations

from .. import _core
from .._tensor import Tensor
from .module import Module


class ReLU(Module):
    """max(x, 0)."""

    def forward(self, x: Tensor) -> Tensor:
        return _core.relu(x)


class Sigmoid(Module):
    """1 / (1 + e^-x)."""

    def forward(self, x: Tensor) -> Tensor:
        return _core.sigmoid(x)


class Tanh(Module):
    """tanh(x)."""

    def forward(self, x: Tensor) -> Tensor:
        return _core.tanh(x)


class Softmax(Module):
    """softmax along ``dim``."""

    def __init__(self, dim: int = -1):
        super().__init__()
        self.dim = dim

    def forward(self, x: Tensor) -> Tensor:
        return _core.softmax(x, self.dim)

    def extra_repr(self) -> str:
        return f"dim={self.dim}"


class LogSoftmax(Softmax):
    """log_softmax along ``dim``."""

    def forward(self, x: Tensor) -> Tensor:
        return _core.log_softmax(x, self.dim)


# ---------------------------------------------------------------- issue 3
from typing import Any  # noqa: E402

from .. import _core as _c  # noqa: E402
from .._tensor.dtypes import _dtype, float32  # noqa: E402
from . import functional as F  # noqa: E402
from .parameter import Parameter  # noqa: E402


class LeakyReLU(Module):
    """``x if x > 0 else negative_slope * x`` (Maas et al. 2013): no dead units."""

    def __init__(self, negative_slope: float = 0.01):
        super().__init__()
        self.negative_slope = float(negative_slope)

    def forward(self, x: Tensor) -> Tensor:
        return F.leaky_relu(x, self.negative_slope)

    def extra_repr(self) -> str:
        return f"negative_slope={self.negative_slope}"


class PReLU(Module):
    """Parametric ReLU (He et al. 2015): ``x if x > 0 else a * x`` with a learned.
    ``num_parameters=1``: one slope shared by all channels; ``num_parameters=C``: one per channel
    (dim 1 of the input). a starts at ``init`` (0.25)."""

    def __init__(self, num_parameters: int = 1, init: float = 0.25, dtype: Any = None):
        super().__init__()
        if num_parameters <= 0:
            raise ValueError(f"PReLU: num_parameters must be positive, got {num_parameters}")
        self.num_parameters = int(num_parameters)
        self.weight = Parameter(_c.full([self.num_parameters], float(init), _dtype(dtype) or float32))

    def forward(self, x: Tensor) -> Tensor:
        return F.prelu(x, self.weight)

    def extra_repr(self) -> str:
        return f"num_parameters={self.num_parameters}"


class ELU(Module):
    """``x if x > 0 else alpha * (exp(x) - 1)``."""

    def __init__(self, alpha: float = 1.0):
        super().__init__()
        self.alpha = float(alpha)

    def forward(self, x: Tensor) -> Tensor:
        return F.elu(x, self.alpha)

    def extra_repr(self) -> str:
        return f"alpha={self.alpha}"


class GELU(Module):
    """``x * Phi(x)`` with Phi the standard normal CDF (exact erf form by default; 'tanh' for the
    approximation)."""

    def __init__(self, approximate: str = "none"):
        super().__init__()
        if approximate not in ("none", "tanh"):
            raise ValueError(f"GELU: approximate must be 'none' or 'tanh', got {approximate!r}")
        self.approximate = approximate

    def forward(self, x: Tensor) -> Tensor:
        return F.gelu(x, self.approximate)

    def extra_repr(self) -> str:
        return f"approximate={self.approximate!r}"


class SiLU(Module):
    """``x * sigmoid(x)`` (Swish)."""

    def forward(self, x: Tensor) -> Tensor:
        return F.silu(x)


class Softplus(Module):
    """``log(1 + exp(beta x)) / beta``, linear above ``threshold``."""

    def __init__(self, beta: float = 1.0, threshold: float = 20.0):
        super().__init__()
        self.beta, self.threshold = float(beta), float(threshold)

    def forward(self, x: Tensor) -> Tensor:
        return F.softplus(x, self.beta, self.threshold)

    def extra_repr(self) -> str:
        return f"beta={self.beta}, threshold={self.threshold}"


class Maxout(Module):
    """A Maxout unit layer (Goodfellow et al. 2013), as in the lectures:
    ``y_j = max_i (w_ij^T x + b_ij)``, i = 1..k: a Linear(in_features, out_features * k) whose
    outputs are grouped in k consecutive pieces, then the max of each group. Generalises ReLU
    (k = 2 with one piece fixed at 0) and leaky ReLU; k times the parameters."""

    def __init__(self, in_features: int, out_features: int, k: int = 2, bias: bool = True, dtype: Any = None):
        super().__init__()
        if k < 1:
            raise ValueError(f"Maxout: k must be positive, got {k}")
        from .linear import Linear
        self.k, self.out_features = int(k), int(out_features)
        self.linear = Linear(in_features, out_features * k, bias=bias, dtype=dtype)

    def forward(self, x: Tensor) -> Tensor:
        return F.maxout(self.linear(x), self.k, -1)

    def extra_repr(self) -> str:
        return f"k={self.k}"
