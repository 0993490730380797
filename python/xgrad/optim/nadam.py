"""NAdam (Dozat 2016): Adam with Nesterov momentum."""
from __future__ import annotations

from typing import Any, Callable, Dict, Iterable, Optional, Tuple

from .. import _core
from .optimizer import Optimizer, _check, _check_betas, _check_lr_eps_wd


class NAdam(Optimizer):
    r"""NAdam, PyTorch's form. At step t (from 1), ``mu_t = beta1 * (1 - 0.5 * 0.96 ** (t * momentum_decay))``
    and, with ``dx = grad + weight_decay * x`` (or decoupled decay ``x *= 1 - lr * weight_decay``)::

        m = beta1 * m + (1 - beta1) * dx;  v = beta2 * v + (1 - beta2) * dx ** 2
        denom = sqrt(v / (1 - beta2 ** t)) + eps
        x -= lr * (1 - mu_t) / (1 - mu_1 ... mu_t) * dx / denom
        x -= lr * mu_{t+1} / (1 - mu_1 ... mu_{t+1}) * m / denom
    """

    _trace_name = "nadam"

    def __init__(self, params: Iterable[Any], lr: float = 2e-3, betas: Tuple[float, float] = (0.9, 0.999),
                 eps: float = 1e-8, weight_decay: float = 0.0, momentum_decay: float = 4e-3,
                 decoupled_weight_decay: bool = False):
        super().__init__(params, dict(lr=lr, betas=tuple(betas), eps=eps, weight_decay=weight_decay,
                                      momentum_decay=momentum_decay, decoupled_weight_decay=decoupled_weight_decay))

    @staticmethod
    def _validate(group: Dict[str, Any]) -> None:
        _check_lr_eps_wd("NAdam", group)
        _check_betas("NAdam", group["betas"])
        _check(group["momentum_decay"] >= 0, "NAdam",
               f"invalid momentum_decay={group['momentum_decay']} (must be >= 0)")

    @staticmethod
    def _core_hyper(group: Dict[str, Any]) -> Dict[str, Any]:
        b1, b2 = group["betas"]
        return dict(lr=float(group["lr"]), beta1=float(b1), beta2=float(b2), eps=float(group["eps"]),
                    weight_decay=float(group["weight_decay"]), momentum_decay=float(group["momentum_decay"]),
                    decoupled_weight_decay=bool(group["decoupled_weight_decay"]))

    def step(self, closure: Optional[Callable[[], Any]] = None) -> Any:
        """One update of every parameter that has a gradient."""
        loss = self._eval_closure(closure)
        for group in self.param_groups:
            params, m, v, mu, steps, states = [], [], [], [], [], []
            for p in group["params"]:
                if p.grad is None:
                    continue
                st = self._state_for(p, step=lambda: 0, mu_product=lambda: 1.0,
                                     exp_avg=lambda: self._zeros_like(p), exp_avg_sq=lambda: self._zeros_like(p))
                st["step"] += 1
                params.append(p)
                m.append(st["exp_avg"])
                v.append(st["exp_avg_sq"])
                mu.append(st["mu_product"])
                steps.append(st["step"])
                states.append(st)
            if params:
                mu = _core.nadam_step(params, m, v, mu, steps, **self._core_hyper(group))
                for st, value in zip(states, mu):
                    st["mu_product"] = value
        return loss
