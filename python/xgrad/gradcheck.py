"""Gradient checking the lectures' way: centred differences and the relative error
``|a - n| / max(|a|, |n|)``."""
from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any, Callable, List, Sequence, Tuple

import numpy as np

from . import _checks as check
from ._tensor.creation import tensor
from ._tensor.dtypes import Tensor, float64
from .autograd import no_grad


def numerical_gradient(f: Callable[[Any], Any], x: Any, h: float = 1e-5) -> np.ndarray:
    """Centred-difference gradient of a scalar function at ``x`` (CS231n's
    ``eval_numerical_gradient``): ``(f(x + h e_i) - f(x - h e_i)) / 2h`` for every element i.

    ``x`` is a NumPy array or an xgrad Tensor; it is perturbed in place, one element at a time, and
    restored. ``f(x)`` must return a number (or a one-element tensor)."""
    check.function(f, "f", "numerical_gradient")
    h = check.number(h, "h", "numerical_gradient", low=0.0, low_open=True)
    array = x.numpy() if isinstance(x, Tensor) else x
    if not isinstance(array, np.ndarray) or array.dtype.kind != "f":
        raise TypeError("numerical_gradient: x must be a float NumPy array or an xgrad Tensor")
    grad = np.zeros(array.shape, dtype=np.float64)
    it = np.nditer(array, flags=["multi_index"], op_flags=["readwrite"])
    while not it.finished:
        i = it.multi_index
        old = array[i]
        array[i] = old + h
        plus = float(f(x))
        array[i] = old - h
        minus = float(f(x))
        array[i] = old
        grad[i] = (plus - minus) / (2 * h)
        it.iternext()
    return grad


def relative_error(a: Any, n: Any, floor: float = 1e-12) -> np.ndarray:
    """The lectures' ``|a - n| / max(|a|, |n|)``, elementwise; where both are below ``floor`` the
    error is taken relative to ``floor`` so that two zeros compare as equal, not as 0/0."""
    a = np.asarray(a, dtype=np.float64)
    n = np.asarray(n, dtype=np.float64)
    return np.abs(a - n) / np.maximum(np.maximum(np.abs(a), np.abs(n)), floor)


@dataclass
class InputCheck:
    """The worst element of one input: where the analytic and numerical gradients differ most
    relative to the tolerance ``atol + rtol * max(|a|, |n|)``."""
    input_index: int
    shape: Tuple[int, ...]
    worst_index: Tuple[int, ...]
    analytic: float
    numerical: float
    abs_error: float
    rel_error: float
    passed: bool


@dataclass
class GradcheckReport:
    """Per-input results of ``gradcheck``; truthy when every input passed."""
    inputs: List[InputCheck] = field(default_factory=list)
    eps: float = 1e-6
    atol: float = 1e-5
    rtol: float = 1e-3

    @property
    def passed(self) -> bool:
        return all(c.passed for c in self.inputs)

    @property
    def max_rel_error(self) -> float:
        """The largest relative error ``|a-n| / max(|a|,|n|)`` among the inputs' worst elements
        (worst = furthest outside ``atol + rtol * max(|a|,|n|)``). Not the maximum over all
        elements: where both gradients are near zero that ratio means nothing, and atol judges."""
        return max((c.rel_error for c in self.inputs), default=0.0)

    def __bool__(self) -> bool:
        return self.passed

    def __str__(self) -> str:
        lines = [f"gradcheck (eps={self.eps:g}, atol={self.atol:g}, rtol={self.rtol:g}): "
                 f"{'passed' if self.passed else 'FAILED'}"]
        for c in self.inputs:
            lines.append(f"  input {c.input_index} {c.shape}: worst at {c.worst_index}: analytic {c.analytic:.6g}, "
                         f"numerical {c.numerical:.6g}, rel error {c.rel_error:.2e} "
                         f"[{'ok' if c.passed else 'FAIL'}]")
        return "\n".join(lines)

    __repr__ = __str__


class GradcheckError(AssertionError):
    """Raised by ``gradcheck`` when an analytic gradient disagrees with the numerical one."""


def gradcheck(fn: Callable[..., Tensor], inputs: Sequence[Any], eps: float = 1e-6, atol: float = 1e-5,
              rtol: float = 1e-3, raise_exception: bool = True, seed: int = 0) -> GradcheckReport:
    """Compare the gradients autograd computes for ``fn(*inputs)`` with centred differences.

    Every tensor input with ``requires_grad`` is checked (use float64: float32 differences are too
    coarse). For a non-scalar output the check uses a fixed random projection ``sum(out * v)``, so
    one backward pass covers the whole Jacobian-vector product. An element passes when
    ``|a - n| <= atol + rtol * max(|a|, |n|)``; the report gives, per input, the worst element and
    its relative error ``|a - n| / max(|a|, |n|)``. Raises ``GradcheckError`` naming the input and
    element unless ``raise_exception=False``."""
    check.function(fn, "fn", "gradcheck")
    eps = check.number(eps, "eps", "gradcheck", low=0.0, low_open=True)
    atol = check.number(atol, "atol", "gradcheck", low=0.0)
    rtol = check.number(rtol, "rtol", "gradcheck", low=0.0)
    raise_exception = check.flag(raise_exception, "raise_exception", "gradcheck")
    seed = check.seed(seed, "seed", "gradcheck")
    if isinstance(inputs, Tensor):
        inputs = (inputs,)
    inputs = tuple(inputs)
    checked = [i for i, t in enumerate(inputs) if isinstance(t, Tensor) and t.requires_grad]
    if not checked:
        raise ValueError("gradcheck: no input requires grad; create inputs with requires_grad=True")
    for i in checked:
        if inputs[i].dtype != float64:
            raise TypeError(f"gradcheck: input {i} is {inputs[i].dtype.name}; use float64 inputs "
                            f"(float32 rounding swamps centred differences)")

    out = fn(*inputs)
    if not isinstance(out, Tensor):
        raise TypeError(f"gradcheck: fn must return an xgrad Tensor, got {type(out).__name__}")
    projection = np.random.default_rng(seed).standard_normal(out.shape)
    if out.ndim == 0:
        projection = np.asarray(1.0)
    for i in checked:
        inputs[i].grad = None
    out.backward(tensor(projection.astype(np.float64), dtype=out.dtype))
    analytic = []
    for i in checked:
        g = inputs[i].grad
        analytic.append(np.zeros(inputs[i].shape) if g is None else np.array(g.numpy(), dtype=np.float64))

    def projected() -> float:
        with no_grad():
            return float(np.sum(np.asarray(fn(*inputs), dtype=np.float64) * projection))

    report = GradcheckReport(eps=eps, atol=atol, rtol=rtol)
    for i, a in zip(checked, analytic):
        n = numerical_gradient(lambda _: projected(), inputs[i], h=eps)
        diff = np.abs(a - n)
        scale = np.maximum(np.abs(a), np.abs(n))
        violation = diff / (atol + rtol * scale)
        if violation.size == 0:
            continue
        worst = np.unravel_index(int(np.argmax(violation)), violation.shape)
        report.inputs.append(InputCheck(
            input_index=i, shape=tuple(inputs[i].shape), worst_index=tuple(int(w) for w in worst),
            analytic=float(a[worst]), numerical=float(n[worst]), abs_error=float(diff[worst]),
            rel_error=float(relative_error(a[worst], n[worst])), passed=bool(violation[worst] <= 1.0)))
    for i in checked:
        inputs[i].grad = None
    if raise_exception and not report.passed:
        bad = next(c for c in report.inputs if not c.passed)
        raise GradcheckError(
            f"gradcheck failed for input {bad.input_index} (shape {bad.shape}) at index {bad.worst_index}: "
            f"analytic {bad.analytic:.8g} vs numerical {bad.numerical:.8g}, relative error {bad.rel_error:.3e} "
            f"(tolerance atol={atol:g} + rtol={rtol:g} * max(|a|, |n|))\n{report}")
    return report
