"""Adam (Kingma & Ba 2015) and AdamW (Loshchilov & Hutter 2019)."""
from __future__ import annotations

from typing import Any, Callable, Dict, Iterable, Optional, Tuple

from .. import _core
from .optimizer import Optimizer, _check_betas, _check_lr_eps_wd


class Adam(Optimizer):
    r"""Adam, PyTorch's form. At step t (from 1), with ``dx = grad + weight_decay * x`` (or, with
    ``decoupled_weight_decay=True``, AdamW's ``x *= 1 - lr * weight_decay`` and ``dx = grad``)::

        m = beta1 * m + (1 - beta1) * dx
        v = beta2 * v + (1 - beta2) * dx ** 2
        amsgrad: v_max = max(v_max, v), used in place of v below
        x -= lr / (1 - beta1 ** t) * m / (sqrt(v) / sqrt(1 - beta2 ** t) + eps)

    ``bias_correction=False`` is the lectures' Adam without bias correction (CS231n's first
    version): ``x -= lr * m / (sqrt(v) + eps)``."""

    _trace_name = "adam"
    _name = "Adam"

    def __init__(self, params: Iterable[Any], lr: float = 1e-3, betas: Tuple[float, float] = (0.9, 0.999),
                 eps: float = 1e-8, weight_decay: float = 0.0, amsgrad: bool = False,
                 decoupled_weight_decay: bool = False, bias_correction: bool = True):
        super().__init__(params, dict(lr=lr, betas=tuple(betas), eps=eps, weight_decay=weight_decay, amsgrad=amsgrad,
                                      decoupled_weight_decay=decoupled_weight_decay,
                                      bias_correction=bias_correction))

    @classmethod
    def _validate_named(cls, name: str, group: Dict[str, Any]) -> None:
        _check_lr_eps_wd(name, group)
        _check_betas(name, group["betas"])

    @staticmethod
    def _validate(group: Dict[str, Any]) -> None:
        Adam._validate_named("AdamW" if group.get("decoupled_weight_decay") else "Adam", group)

    @staticmethod
    def _core_hyper(group: Dict[str, Any]) -> Dict[str, Any]:
        b1, b2 = group["betas"]
        return dict(lr=float(group["lr"]), beta1=float(b1), beta2=float(b2), eps=float(group["eps"]),
                    weight_decay=float(group["weight_decay"]), amsgrad=bool(group["amsgrad"]),
                    decoupled_weight_decay=bool(group["decoupled_weight_decay"]),
                    bias_correction=bool(group["bias_correction"]))

    def step(self, closure: Optional[Callable[[], Any]] = None) -> Any:
        """One update of every parameter that has a gradient."""
        loss = self._eval_closure(closure)
        for group in self.param_groups:
            params, m, v, vmax, steps = [], [], [], [], []
            for p in group["params"]:
                if p.grad is None:
                    continue
                st = self._state_for(p, step=lambda: 0, exp_avg=lambda: self._zeros_like(p),
                                     exp_avg_sq=lambda: self._zeros_like(p))
                st["step"] += 1
                params.append(p)
                m.append(st["exp_avg"])
                v.append(st["exp_avg_sq"])
                steps.append(st["step"])
                if group["amsgrad"]:
                    vmax.append(self._state_for(p, max_exp_avg_sq=lambda: self._zeros_like(p))["max_exp_avg_sq"])
            if params:
                _core.adam_step(params, m, v, vmax, steps, **self._core_hyper(group))
        return loss


class AdamW(Adam):
    r"""AdamW: Adam with decoupled weight decay (PyTorch's form)::

        x *= 1 - lr * weight_decay
        then Adam's update with dx = grad (see ``Adam``)
    """

    def __init__(self, params: Iterable[Any], lr: float = 1e-3, betas: Tuple[float, float] = (0.9, 0.999),
                 eps: float = 1e-8, weight_decay: float = 1e-2, amsgrad: bool = False,
                 decoupled_weight_decay: bool = True, bias_correction: bool = True):
        if not decoupled_weight_decay:
            raise ValueError("AdamW: decoupled_weight_decay=False is Adam; use xgrad.optim.Adam")
        super().__init__(params, lr, betas, eps, weight_decay, amsgrad, True, bias_correction)
