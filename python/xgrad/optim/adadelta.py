"""AdaDelta (Zeiler 2012)."""
from __future__ import annotations

from typing import Any, Callable, Dict, Iterable, Optional

from .. import _core
from .optimizer import Optimizer, _check, _check_lr_eps_wd


class Adadelta(Optimizer):
    r"""AdaDelta, PyTorch's form. With ``dx = grad + weight_decay * x``::

        E[g2]  = rho * E[g2] + (1 - rho) * dx ** 2
        delta  = sqrt(E[dx2] + eps) / sqrt(E[g2] + eps) * dx
        E[dx2] = rho * E[dx2] + (1 - rho) * delta ** 2
        x -= lr * delta

    Zeiler's parameter-free form is ``lr=1.0`` (the default): the step size comes from the ratio
    of the two running averages alone, with no learning rate to tune."""

    _trace_name = "adadelta"

    def __init__(self, params: Iterable[Any], lr: float = 1.0, rho: float = 0.9, eps: float = 1e-6,
                 weight_decay: float = 0.0):
        super().__init__(params, dict(lr=lr, rho=rho, eps=eps, weight_decay=weight_decay))

    @staticmethod
    def _validate(group: Dict[str, Any]) -> None:
        _check_lr_eps_wd("Adadelta", group)
        _check(0 <= group["rho"] <= 1, "Adadelta", f"invalid rho={group['rho']} (must be in [0, 1])")

    @staticmethod
    def _core_hyper(group: Dict[str, Any]) -> Dict[str, Any]:
        return {k: float(group[k]) for k in ("lr", "rho", "eps", "weight_decay")}

    def step(self, closure: Optional[Callable[[], Any]] = None) -> Any:
        """One update of every parameter that has a gradient."""
        loss = self._eval_closure(closure)
        for group in self.param_groups:
            params, sq, acc = [], [], []
            for p in group["params"]:
                if p.grad is None:
                    continue
                st = self._state_for(p, step=lambda: 0, square_avg=lambda: self._zeros_like(p),
                                     acc_delta=lambda: self._zeros_like(p))
                st["step"] += 1
                params.append(p)
                sq.append(st["square_avg"])
                acc.append(st["acc_delta"])
            if params:
                _core.adadelta_step(params, sq, acc, **self._core_hyper(group))
        return loss
