"""RMSProp (Tieleman & Hinton 2012, Coursera lecture 6e)."""
from __future__ import annotations

from typing import Any, Callable, Dict, Iterable, Optional

from .. import _core
from .optimizer import Optimizer, _check, _check_lr_eps_wd


class RMSprop(Optimizer):
    r"""RMSProp, PyTorch's form; ``alpha`` is the lectures' decay rate. With ``dx = grad + weight_decay * x``::

        cache = alpha * cache + (1 - alpha) * dx ** 2
        centered:  g_avg = alpha * g_avg + (1 - alpha) * dx;  avg = sqrt(cache - g_avg ** 2) + eps
        else:      avg = sqrt(cache) + eps
        momentum > 0:  buf = momentum * buf + dx / avg;  x -= lr * buf
        else:          x -= lr * dx / avg

    CS231n's ``cache = decay_rate * cache + (1 - decay_rate) * dx**2; x += -lr * dx / (sqrt(cache) + eps)``
    is the default (``momentum=0, centered=False``)."""

    _trace_name = "rmsprop"

    def __init__(self, params: Iterable[Any], lr: float = 1e-2, alpha: float = 0.99, eps: float = 1e-8,
                 weight_decay: float = 0.0, momentum: float = 0.0, centered: bool = False):
        super().__init__(params, dict(lr=lr, alpha=alpha, eps=eps, weight_decay=weight_decay, momentum=momentum,
                                      centered=centered))

    @staticmethod
    def _validate(group: Dict[str, Any]) -> None:
        _check_lr_eps_wd("RMSprop", group)
        _check(0 <= group["alpha"] <= 1, "RMSprop", f"invalid alpha={group['alpha']} (must be in [0, 1])")
        _check(group["momentum"] >= 0, "RMSprop", f"invalid momentum={group['momentum']} (must be >= 0)")

    @staticmethod
    def _core_hyper(group: Dict[str, Any]) -> Dict[str, Any]:
        out = {k: float(group[k]) for k in ("lr", "alpha", "eps", "weight_decay", "momentum")}
        out["centered"] = bool(group["centered"])
        return out

    def step(self, closure: Optional[Callable[[], Any]] = None) -> Any:
        """One update of every parameter that has a gradient."""
        loss = self._eval_closure(closure)
        for group in self.param_groups:
            params, sq, ga, buf = [], [], [], []
            for p in group["params"]:
                if p.grad is None:
                    continue
                st = self._state_for(p, step=lambda: 0, square_avg=lambda: self._zeros_like(p))
                st["step"] += 1
                params.append(p)
                sq.append(st["square_avg"])
                if group["centered"]:
                    ga.append(self._state_for(p, grad_avg=lambda: self._zeros_like(p))["grad_avg"])
                if group["momentum"] > 0:
                    buf.append(self._state_for(p, momentum_buffer=lambda: self._zeros_like(p))["momentum_buffer"])
            if params:
                _core.rmsprop_step(params, sq, ga, buf, **self._core_hyper(group))
        return loss
