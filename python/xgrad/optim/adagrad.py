"""AdaGrad (Duchi, Hazan & Singer 2011)."""
from __future__ import annotations

from typing import Any, Callable, Dict, Iterable, Optional

from .. import _core
from .optimizer import Optimizer, _check, _check_lr_eps_wd


class Adagrad(Optimizer):
    r"""AdaGrad, PyTorch's form. At step t, with ``dx = grad + weight_decay * x``::

        cache += dx ** 2
        x -= lr / (1 + (t - 1) * lr_decay) * dx / (sqrt(cache) + eps)

    The lecture's form (CS231n ``cache += dx**2; x += -lr * dx / (sqrt(cache) + eps)``) is the
    default ``lr_decay=0``; ``initial_accumulator_value`` is the starting cache."""

    _trace_name = "adagrad"

    def __init__(self, params: Iterable[Any], lr: float = 1e-2, lr_decay: float = 0.0, weight_decay: float = 0.0,
                 initial_accumulator_value: float = 0.0, eps: float = 1e-10):
        super().__init__(params, dict(lr=lr, lr_decay=lr_decay, weight_decay=weight_decay,
                                      initial_accumulator_value=initial_accumulator_value, eps=eps))

    @staticmethod
    def _validate(group: Dict[str, Any]) -> None:
        _check_lr_eps_wd("Adagrad", group)
        _check(group["lr_decay"] >= 0, "Adagrad", f"invalid lr_decay={group['lr_decay']} (must be >= 0)")
        _check(group["initial_accumulator_value"] >= 0, "Adagrad",
               f"invalid initial_accumulator_value={group['initial_accumulator_value']} (must be >= 0)")

    @staticmethod
    def _core_hyper(group: Dict[str, Any]) -> Dict[str, Any]:
        return {k: float(group[k]) for k in ("lr", "lr_decay", "weight_decay", "initial_accumulator_value", "eps")}

    def step(self, closure: Optional[Callable[[], Any]] = None) -> Any:
        """One update of every parameter that has a gradient."""
        loss = self._eval_closure(closure)
        for group in self.param_groups:
            params, sums, steps = [], [], []
            for p in group["params"]:
                if p.grad is None:
                    continue
                init = float(group["initial_accumulator_value"])
                st = self._state_for(p, step=lambda: 0,
                                     sum=lambda: _core.full(list(p.shape), init, p.dtype))
                st["step"] += 1
                params.append(p)
                sums.append(st["sum"])
                steps.append(st["step"])
            if params:
                _core.adagrad_step(params, sums, steps, **self._core_hyper(group))
        return loss
