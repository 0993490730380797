"""Activation layers. Each pointwise one is a single declaration naming its function in
``nn.functional``: its hyper-parameters (names, defaults, accepted values) come from that op's
registration in the C++ core, so ``LeakyReLU(negative_slope=0.01)`` is ``F.leaky_relu``'s signature.

    class Mish(Activation, function=F.mish):
        \"\"\"x * tanh(softplus(x)) (Misra 2019).\"\"\"

``Activation`` marks the nonlinearities applied to hidden units: ``xgrad.monitor.ActivationMonitor``
watches every module that is one.
"""
from __future__ import annotations

from typing import Any, Callable, Dict, List

from .. import _checks as check
from .._tensor.dtypes import Tensor, _dtype, float32
from .._tensor.registered import REGISTRY
from .. import _core
from .._signature import declared_init, keyword
from . import functional as F
from .module import Module
from .parameter import Parameter

class FunctionModule(Module):
    """A module that applies one registered function of ``nn.functional`` with its
    hyper-parameters, kept as attributes of the same names. Declare one with
    ``class Name(FunctionModule, function=F.name)``; the constructor's signature, its checks and
    ``extra_repr`` come from the function's registration."""

    function: Callable[..., Tensor]
    _hyper: Dict[str, Dict[str, Any]] = {}

    def __init_subclass__(cls, function: Any = None, **kwargs: Any) -> None:
        super().__init_subclass__(**kwargs)
        if function is None:
            return
        entry = REGISTRY.get(getattr(function, "__name__", None))
        if entry is None:
            raise TypeError(f"{cls.__name__}: function= must be an op of the core's registry, got {function!r}")
        cls.function = staticmethod(function)
        cls._hyper = {p["name"]: p for p in entry["params"] if p["kind"] != "tensor"}
        if "__init__" not in cls.__dict__:
            cls.__init__ = _constructor(cls)

    def forward(self, x: Tensor) -> Tensor:
        return type(self).function(x, **{name: getattr(self, name) for name in self._hyper})

    def extra_repr(self) -> str:
        return ", ".join(f"{name}={getattr(self, name)!r}" for name in self._hyper)


class Activation(FunctionModule):
    """A nonlinearity applied to hidden units (what ``ActivationMonitor`` watches)."""


def _checked(cls: type, spec: Dict[str, Any], value: Any) -> Any:
    """``value`` for hyper-parameter ``spec`` of ``cls``: a float for a number, an int for an
    integer, one of the choices for a string; TypeError/ValueError naming the class otherwise."""
    name, kind = spec["name"], spec["kind"]
    if kind == "int":
        return check.integer(value, name, cls.__name__)
    if kind == "float":  # an infinite threshold or slope means something; NaN never does
        return check.number(value, name, cls.__name__, finite=False)
    if spec["choices"]:
        return check.choice(value, name, cls.__name__, spec["choices"])
    if not isinstance(value, str):
        raise check.type_error(cls.__name__, name, "a string", value)
    return value


def _constructor(cls: type) -> Callable[..., None]:
    """``__init__(self, <the function's hyper-parameters with their registered defaults>)``."""
    hyper: List[Dict[str, Any]] = list(cls._hyper.values())

    def build(self: Module, arguments: Dict[str, Any]) -> None:
        Module.__init__(self)
        for h in hyper:
            setattr(self, h["name"], _checked(type(self), h, arguments[h["name"]]))

    return declared_init(cls, [keyword(h["name"], h["default"]) for h in hyper], build)


# ---------------------------------------------------------------- the lectures' activations

class ReLU(Activation, function=F.relu):
    """max(x, 0)."""


class Sigmoid(Activation, function=F.sigmoid):
    """1 / (1 + e^-x)."""


class Tanh(Activation, function=F.tanh):
    """tanh(x)."""


class LeakyReLU(Activation, function=F.leaky_relu):
    """``x if x > 0 else negative_slope * x`` (Maas et al. 2013): no dead units."""


class ELU(Activation, function=F.elu):
    """``x if x > 0 else alpha * (exp(x) - 1)``."""


class GELU(Activation, function=F.gelu):
    """``x * Phi(x)`` with Phi the standard normal CDF (exact erf form by default; 'tanh' for the
    approximation)."""


class SiLU(Activation, function=F.silu):
    """``x * sigmoid(x)`` (Swish)."""


class Softplus(Activation, function=F.softplus):
    """``log(1 + exp(beta x)) / beta``, linear above ``threshold``."""


class Mish(Activation, function=F.mish):
    """``x * tanh(softplus(x))`` (Misra 2019): smooth and non-monotonic, like SiLU."""


class PReLU(Activation):
    """Parametric ReLU (He et al. 2015): ``x if x > 0 else a * x`` with a learned slope a.
    ``num_parameters=1``: one slope shared by all channels; ``num_parameters=C``: one per channel
    (dim 1 of the input). a starts at ``init`` (0.25)."""

    def __init__(self, num_parameters: int = 1, init: float = 0.25, dtype: Any = None):
        super().__init__()
        self.num_parameters = check.positive_int(num_parameters, "num_parameters", "PReLU")
        init = check.number(init, "init", "PReLU")
        self.weight = Parameter(_core.full([self.num_parameters], init, _dtype(dtype) or float32))

    def forward(self, x: Tensor) -> Tensor:
        return F.prelu(x, self.weight)

    def extra_repr(self) -> str:
        return f"num_parameters={self.num_parameters}"


class Maxout(Activation):
    """A Maxout unit layer (Goodfellow et al. 2013), as in the lectures:
    ``y_j = max_i (w_ij^T x + b_ij)``, i = 1..k: a Linear(in_features, out_features * k) whose
    outputs are grouped in k consecutive pieces, then the max of each group. Generalises ReLU
    (k = 2 with one piece fixed at 0) and leaky ReLU; k times the parameters."""

    def __init__(self, in_features: int, out_features: int, k: int = 2, bias: bool = True, dtype: Any = None):
        super().__init__()
        from .linear import Linear
        self.k = check.positive_int(k, "k", "Maxout")
        self.out_features = check.positive_int(out_features, "out_features", "Maxout")
        self.linear = Linear(in_features, self.out_features * self.k, bias=bias, dtype=dtype)

    def forward(self, x: Tensor) -> Tensor:
        return F.maxout(self.linear(x), self.k, -1)

    def extra_repr(self) -> str:
        return f"k={self.k}"


# ---------------------------------------------------------------- output normalisers (not monitored)

class Softmax(FunctionModule, function=F.softmax):
    """softmax along ``dim``."""


class LogSoftmax(FunctionModule, function=F.log_softmax):
    """log_softmax along ``dim``."""


#: Every module declared here (a declaration is all it takes to be exported by ``xgrad.nn``).
__all__ = [name for name, value in list(globals().items())
           if isinstance(value, type) and issubclass(value, FunctionModule) and value.__module__ == __name__]
