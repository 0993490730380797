"""The 2-D optimisation playground: test functions and optimizer trajectories computed in C++
with the same update rules as the tensor optimizers.

    path, losses = xgrad.optim.trace("adam", "rosenbrock", start=(-1.5, 2.0), steps=500, lr=0.05)
    xgrad.optim.iterations_to_threshold("sgd", "aiedu", (-7, 2), lr=0.95)   # steps until loss < 0.005
"""
from __future__ import annotations

from typing import Any, Dict, Optional, Sequence, Tuple, Type, Union

import numpy as np

from .. import _core
from .optimizer import Optimizer, RuleOptimizer

#: The test functions (name -> formula): bowl, aiedu, rosenbrock, beale, himmelblau, saddle.
FUNCTIONS: Dict[str, str] = {name: _core.playground_formula(name) for name in _core.playground_functions()}


def optimizers() -> Dict[str, Type[RuleOptimizer]]:
    """The optimizers the playground runs, by rule name (``"sgd"``, ``"adam"``, ``"newton"``, ...):
    every optimizer class built on a rule the core can trace."""
    found: Dict[str, Type[RuleOptimizer]] = {}
    pending = list(RuleOptimizer.__subclasses__())
    while pending:
        cls = pending.pop(0)
        pending.extend(cls.__subclasses__())
        if cls.__dict__.get("_rule") and cls._spec["trace"]:
            found.setdefault(cls._rule, cls)
    return found


def _optimizer_class(optimizer: Union[str, Type[Optimizer]]) -> Type[Optimizer]:
    if isinstance(optimizer, type) and issubclass(optimizer, Optimizer):
        cls = optimizer
    else:
        known = optimizers()
        cls = known.get(str(optimizer).lower())
        if cls is None:
            raise ValueError(f"trace: unknown optimizer {optimizer!r} (expected one of {', '.join(known)})")
    if cls._rule is None:
        raise ValueError(f"trace: {cls.__name__} is not available in the 2-D playground")
    return cls


def _start(start: Sequence[float]) -> Tuple[float, float]:
    x = np.asarray(start, dtype=np.float64).ravel()
    if x.shape != (2,):
        raise ValueError(f"trace: start must be a point (x, y), got {start!r}")
    return float(x[0]), float(x[1])


def trace(optimizer: Union[str, Type[Optimizer]], function: str, start: Sequence[float], steps: int = 100,
          **hyper: Any) -> Tuple[np.ndarray, np.ndarray]:
    """Run ``optimizer`` (a name such as ``"adam"`` or a class such as ``xgrad.optim.Adam``) on the
    2-D test ``function`` from ``start`` for ``steps`` steps, entirely in C++.

    ``hyper`` are the optimizer's keyword arguments (``lr``, ``momentum``, ``betas``,
    ``momentum_form``, ...); the rest take the class defaults and are validated like the class's.
    Returns ``path`` of shape (steps + 1, 2) (the start, then the point after each step) and
    ``losses`` of shape (steps + 1,)."""
    cls = _optimizer_class(optimizer)
    x0, y0 = _start(start)
    if int(steps) < 0:
        raise ValueError(f"trace: steps must be >= 0, got {steps}")
    return _core.trace(cls._rule, function, x0, y0, int(steps), cls._trace_hyper(hyper), float("-inf"))


def iterations_to_threshold(optimizer: Union[str, Type[Optimizer]], function: str, start: Sequence[float],
                            threshold: float = 0.005, max_steps: int = 10000, **hyper: Any) -> Optional[int]:
    """The number of steps after which the loss first falls below ``threshold`` (the lecture
    table uses 0.005), or None if it does not within ``max_steps``."""
    cls = _optimizer_class(optimizer)
    x0, y0 = _start(start)
    _, losses = _core.trace(cls._rule, function, x0, y0, int(max_steps), cls._trace_hyper(hyper),
                            float(threshold))
    below = np.flatnonzero(losses < threshold)
    return int(below[0]) if below.size else None


def evaluate(function: str, x: Any, y: Any) -> np.ndarray:
    """Values of the test ``function`` on a grid (``x``, ``y`` broadcast together), for contour plots."""
    xs, ys = np.broadcast_arrays(np.asarray(x, dtype=np.float64), np.asarray(y, dtype=np.float64))
    values = _core.playground_evaluate(function, xs.ravel().tolist(), ys.ravel().tolist())
    return np.asarray(values).reshape(xs.shape)


def minimum(function: str) -> Tuple[float, float]:
    """A global minimiser of the test function ((nan, nan) for the saddle)."""
    return tuple(_core.playground_minimum(function))
