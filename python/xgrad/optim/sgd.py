"""Stochastic gradient descent with momentum (PyTorch's form)."""
from __future__ import annotations

from typing import Any, Callable, Iterable, Optional

from .. import _core
from ..autograd import enable_grad
from .optimizer import Optimizer


class SGD(Optimizer):
    """SGD, PyTorch's form, one C++ call per parameter group:

        g = grad + weight_decay * p
        v = g (first step), then v = momentum * v + (1 - dampening) * g
        p -= lr * (g + momentum * v if nesterov else v)

    With ``momentum=0`` this is the vanilla update ``p -= lr * grad`` of the lectures."""

    def __init__(self, params: Iterable[Any], lr: float = 1e-3, momentum: float = 0.0, dampening: float = 0.0,
                 weight_decay: float = 0.0, nesterov: bool = False):
        super().__init__(params, dict(lr=lr, momentum=momentum, dampening=dampening, weight_decay=weight_decay,
                                      nesterov=nesterov))

    def _check_group(self, group: dict) -> None:
        if group["lr"] < 0:
            raise ValueError(f"SGD: invalid learning rate lr={group['lr']} (must be >= 0)")
        if group["momentum"] < 0:
            raise ValueError(f"SGD: invalid momentum={group['momentum']} (must be >= 0)")
        if group["weight_decay"] < 0:
            raise ValueError(f"SGD: invalid weight_decay={group['weight_decay']} (must be >= 0)")
        if group["nesterov"] and (group["momentum"] <= 0 or group["dampening"] != 0):
            raise ValueError("SGD: nesterov momentum requires momentum > 0 and dampening = 0")

    def step(self, closure: Optional[Callable[[], Any]] = None) -> Any:
        """One update of every parameter that has a gradient. ``closure`` (optional) recomputes
        and returns the loss."""
        loss = None
        if closure is not None:
            with enable_grad():
                loss = closure()
        for group in self.param_groups:
            params = group["params"]
            buffers = [self.state.get(p, {}).get("momentum_buffer") for p in params]
            buffers = _core.sgd_step(params, buffers, float(group["lr"]), float(group["momentum"]),
                                     float(group["dampening"]), float(group["weight_decay"]), bool(group["nesterov"]))
            if group["momentum"] != 0:
                for p, b in zip(params, buffers):
                    if b is not None:
                        self.state.setdefault(p, {})["momentum_buffer"] = b
        return loss
