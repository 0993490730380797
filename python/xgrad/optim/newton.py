"""Newton's method for small parameter vectors (the 2-D demos, logistic regression)."""
from __future__ import annotations

from typing import Any, Callable

import numpy as np

from .. import _core
from .._tensor.creation import tensor
from ..autograd import enable_grad, no_grad
from .optimizer import RuleOptimizer


class Newton(RuleOptimizer, rule="newton"):
    r"""Damped Newton: with g the gradient and H the Hessian at x (all parameters flattened)::

        H[:, j] = (g(x + h e_j) - g(x - h e_j)) / 2h     (then symmetrised)
        x -= lr * (H + damping * I)^-1 g

    ``step(closure)`` calls the closure 2n + 1 times (n = number of parameters): use it on small
    problems. ``damping > 0`` (Levenberg) keeps the step finite where H is singular; with
    ``damping=0`` Newton jumps to the stationary point of the local quadratic, a saddle included."""

    def _params(self):
        return [p for g in self.param_groups for p in g["params"]]

    def _set_flat(self, flat: np.ndarray) -> None:
        offset = 0
        with no_grad():
            for p in self._params():
                n = p.numel()
                _core.copy_(p, tensor(np.ascontiguousarray(flat[offset:offset + n]).reshape(p.shape), dtype=p.dtype))
                offset += n

    def _flat_grad(self) -> np.ndarray:
        return np.concatenate([np.zeros(p.numel()) if p.grad is None else np.asarray(p.grad, dtype=np.float64).ravel()
                               for p in self._params()])

    def step(self, closure: Callable[[], Any]) -> Any:  # type: ignore[override]
        """One Newton step per parameter group setting; returns the loss before the step."""
        if closure is None:
            raise ValueError("Newton: step() needs a closure that recomputes the loss")
        if len(self.param_groups) != 1:
            raise ValueError("Newton: parameter groups are not supported")
        group = self.param_groups[0]

        def evaluate():
            self.zero_grad()
            with enable_grad():
                return closure()

        loss = evaluate()
        params = self._params()
        x = np.concatenate([np.asarray(p, dtype=np.float64).ravel() for p in params])
        g = self._flat_grad()
        grads = [None if p.grad is None else p.grad.clone() for p in params]

        def gradient_at(point):
            self._set_flat(np.asarray(point))
            evaluate()
            return self._flat_grad().tolist()

        hessian = _core.finite_difference_hessian(gradient_at, x.tolist(), float(group["h"]))
        d = np.asarray(_core.newton_direction(hessian, g.tolist(), float(group["damping"])))
        self._set_flat(x - group["lr"] * d)
        for p, gr in zip(params, grads):  # leave the gradient at x, as a first-order step would
            p.grad = gr
        st = self.state.setdefault(params[0], {})
        st["step"] = st.get("step", 0) + 1
        return loss
