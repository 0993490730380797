"""Stochastic gradient descent: PyTorch's form and the lectures' momentum forms."""
from __future__ import annotations

from typing import Any, Callable, Dict, Iterable, Optional

from .. import _core
from .optimizer import Optimizer, _check, _check_lr_eps_wd

MOMENTUM_FORMS = ("pytorch", "rho", "velocity", "ema", "lookahead")


class SGD(Optimizer):
    r"""SGD, one C++ call per parameter group. With ``dx = grad + weight_decay * x``:

    ``momentum_form="pytorch"`` (default, ``torch.optim.SGD``)::

        v = dx (first step), then v = momentum * v + (1 - dampening) * dx
        x -= lr * (dx + momentum * v if nesterov else v)

    With ``momentum=0`` every form is the vanilla update ``x -= lr * dx``. The lectures' forms
    (``momentum`` is their rho / mu / beta; v starts at 0; no dampening, no ``nesterov`` flag):

    - ``"rho"`` (CS231n): ``v = rho * v + dx;  x -= lr * v`` (the same numbers as "pytorch" with
      dampening 0, written as in the lecture)
    - ``"velocity"`` (CS231n, Goodfellow et al.): ``v = mu * v - lr * dx;  x += v``
    - ``"ema"`` (moving average, Ng / ai-edu): ``v = beta * v + (1 - beta) * dx;  x -= lr * v``
    - ``"lookahead"`` (Nesterov, CS231n): the parameter is the look-ahead point
      ``x_ahead = x + mu * v`` and its gradient is the look-ahead gradient::

          v_prev = v;  v = mu * v - lr * dx;  x_ahead += -mu * v_prev + (1 + mu) * v
    """

    _trace_name = "sgd"

    def __init__(self, params: Iterable[Any], lr: float = 1e-3, momentum: float = 0.0, dampening: float = 0.0,
                 weight_decay: float = 0.0, nesterov: bool = False, momentum_form: str = "pytorch"):
        super().__init__(params, dict(lr=lr, momentum=momentum, dampening=dampening, weight_decay=weight_decay,
                                      nesterov=nesterov, momentum_form=momentum_form))

    @staticmethod
    def _validate(group: Dict[str, Any]) -> None:
        _check_lr_eps_wd("SGD", group)
        _check(group["momentum"] >= 0, "SGD", f"invalid momentum={group['momentum']} (must be >= 0)")
        form = group["momentum_form"]
        _check(form in MOMENTUM_FORMS, "SGD", f"unknown momentum_form={form!r} (expected one of {MOMENTUM_FORMS})")
        if group["nesterov"]:
            _check(group["momentum"] > 0 and group["dampening"] == 0, "SGD",
                   f"nesterov momentum requires momentum > 0 and dampening = 0, got momentum={group['momentum']}, "
                   f"dampening={group['dampening']}")
        if form != "pytorch":
            _check(not group["nesterov"] and group["dampening"] == 0, "SGD",
                   f"momentum_form={form!r} takes no nesterov/dampening (use momentum_form='lookahead' for the "
                   f"lectures' Nesterov)")
            if form == "ema":
                _check(group["momentum"] < 1, "SGD", f"momentum_form='ema' needs momentum (beta) < 1, got "
                       f"{group['momentum']}")

    @staticmethod
    def _core_hyper(group: Dict[str, Any]) -> Dict[str, Any]:
        return dict(lr=float(group["lr"]), momentum=float(group["momentum"]), dampening=float(group["dampening"]),
                    weight_decay=float(group["weight_decay"]), nesterov=bool(group["nesterov"]),
                    momentum_form=str(group["momentum_form"]))

    def step(self, closure: Optional[Callable[[], Any]] = None) -> Any:
        """One update of every parameter that has a gradient. ``closure`` (optional) recomputes
        and returns the loss."""
        loss = self._eval_closure(closure)
        for group in self.param_groups:
            params = group["params"]
            buffers = [self.state.get(p, {}).get("momentum_buffer") for p in params]
            buffers = _core.sgd_step(params, buffers, **self._core_hyper(group))
            if group["momentum"] != 0:
                for p, b in zip(params, buffers):
                    if b is not None:
                        self.state.setdefault(p, {})["momentum_buffer"] = b
        return loss
