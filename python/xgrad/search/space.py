"""Search spaces: the distributions a hyperparameter is drawn from, and checks of a space dict.

A space is a dict ``{name: spec}`` where ``spec`` is

- a distribution: ``LogUniform(low, high)``, ``Uniform(low, high)``, ``IntUniform(low, high)``,
  ``Choice([...])``;
- a plain ``list``: the values to try (a grid axis; random search draws from it uniformly);
- anything else (a number, a string, a tuple, ``None``): a constant passed to every trial.

Samples come from xgrad's generator (``xgrad.rand`` / ``xgrad.randint``), so a seeded search
repeats bit for bit.
"""
from __future__ import annotations

import math
import numbers
from typing import Any, Dict, List, Mapping, Sequence

import numpy as np

from .._tensor import float64
from ..random import rand, randint

__all__ = ["Distribution", "Uniform", "LogUniform", "IntUniform", "Choice", "check_space"]


def _uniform01(n: int) -> np.ndarray:
    """``n`` float64 samples of U[0, 1) from xgrad's generator."""
    return rand(n, dtype=float64).numpy().astype(np.float64, copy=True)


def _check_number(owner: str, name: str, value: Any) -> float:
    if isinstance(value, bool) or not isinstance(value, (numbers.Real, np.number)):
        raise TypeError(f"{owner}: {name} must be a real number, got {value!r} ({type(value).__name__})")
    value = float(value)
    if not math.isfinite(value):
        raise ValueError(f"{owner}: {name} must be finite, got {value}")
    return value


class Distribution:
    """Base class of the search distributions.

    ``sample(n)`` draws ``n`` values; ``grid(n)`` gives ``n`` evenly spaced values (for grid search);
    ``narrow(values, margin)`` returns the distribution restricted to the span of ``values``
    widened by ``margin`` (coarse-to-fine search)."""

    def sample(self, n: int) -> List[Any]:
        """``n`` values drawn from xgrad's generator."""
        raise NotImplementedError

    def grid(self, n: int) -> List[Any]:
        """Up to ``n`` evenly spaced values on the sampling scale, duplicates removed."""
        raise NotImplementedError

    def narrow(self, values: Sequence[Any], margin: float, bounds: "Distribution") -> "Distribution":
        """The same kind of distribution spanning ``values`` widened by ``margin`` times their span
        on each side (on the sampling scale), kept inside ``bounds`` (the range first given)."""
        raise NotImplementedError

    def at_edge(self, value: Any, fraction: float = 0.05) -> bool:
        """Whether ``value`` lies in the outer ``fraction`` of this range (on the sampling scale)."""
        return False


class _Continuous(Distribution):
    """A range sampled uniformly on a (possibly log) scale; ``_fwd``/``_inv`` map to that scale."""

    log = False

    def __init__(self, low: float, high: float) -> None:
        name = type(self).__name__
        self.low = _check_number(name, "low", low)
        self.high = _check_number(name, "high", high)
        if self.low >= self.high:
            raise ValueError(f"{name}: low must be < high, got low={low!r}, high={high!r}")

    def _fwd(self, x: Any) -> Any:
        return np.log(x) if self.log else np.asarray(x, dtype=np.float64)

    def _inv(self, t: Any) -> Any:
        return np.exp(t) if self.log else t

    def _to_value(self, x: float) -> Any:
        return float(x)

    def _scaled_bounds(self) -> tuple:
        return float(self._fwd(self.low)), float(self._fwd(self.high))

    def sample(self, n: int) -> List[Any]:
        a, b = self._scaled_bounds()
        t = a + (b - a) * _uniform01(n)
        # exp(log(high)) can round one ulp above high
        x = np.clip(self._inv(t), self.low, self.high)
        return [self._to_value(v) for v in x]

    def grid(self, n: int) -> List[Any]:
        a, b = self._scaled_bounds()
        x = np.clip(self._inv(np.linspace(a, b, int(n))), self.low, self.high)
        out: List[Any] = []
        for v in x:
            v = self._to_value(v)
            if v not in out:
                out.append(v)
        return out

    def narrow(self, values: Sequence[Any], margin: float, bounds: "Distribution") -> "Distribution":
        a, b = self._scaled_bounds()
        t = self._fwd(np.asarray(values, dtype=np.float64))
        lo, hi = float(t.min()), float(t.max())
        # a single best value still gets a range: a tenth of the current one
        span = max(hi - lo, 0.1 * (b - a))
        lo, hi = lo - margin * span, hi + margin * span
        if hi - lo < 0.05 * (b - a):  # margin 0 around one value: keep a range one can sample
            centre = 0.5 * (lo + hi)
            lo, hi = centre - 0.025 * (b - a), centre + 0.025 * (b - a)
        # never leave the range the user gave (e.g. a dropout p must stay in [0, 1])
        ba, bb = bounds._scaled_bounds()  # type: ignore[attr-defined]
        lo, hi = max(lo, ba), min(hi, bb)
        return self._rebuild(float(self._inv(lo)), float(self._inv(hi)))

    def _rebuild(self, low: float, high: float) -> "Distribution":
        return type(self)(low, high)

    def at_edge(self, value: Any, fraction: float = 0.05) -> bool:
        a, b = self._scaled_bounds()
        t = float(self._fwd(float(value)))
        return t <= a + fraction * (b - a) or t >= b - fraction * (b - a)

    def __repr__(self) -> str:
        return f"{type(self).__name__}({self.low:.6g}, {self.high:.6g})"

    def __eq__(self, other: object) -> bool:
        # exact bounds: the repr rounds them to 6 digits
        return type(other) is type(self) and (other.low, other.high, other.log) == (self.low, self.high, self.log)

    def __hash__(self) -> int:
        return hash((type(self).__name__, self.low, self.high, self.log))


class Uniform(_Continuous):
    """``x ~ U[low, high)``: for parameters whose effect is additive (dropout p, momentum)."""


class LogUniform(_Continuous):
    """``log x ~ U[log low, log high)``: the lectures' choice for the learning rate and the
    regularisation strength, whose effect is multiplicative (``lr = 10 ** uniform(-6, -3)``).
    ``low`` must be > 0."""

    log = True

    def __init__(self, low: float, high: float) -> None:
        low_f = _check_number("LogUniform", "low", low)
        if low_f <= 0:
            raise ValueError(f"LogUniform: low must be > 0 (the range is sampled in log space), got low={low!r}")
        super().__init__(low, high)


class IntUniform(_Continuous):
    """An integer uniform in ``[low, high]`` (both ends included), or log-uniform with ``log=True``
    (hidden sizes, number of layers). ``low`` must be >= 1 when ``log=True``."""

    def __init__(self, low: int, high: int, log: bool = False) -> None:
        for name, v in (("low", low), ("high", high)):
            if isinstance(v, bool) or not isinstance(v, (numbers.Integral, np.integer)):
                raise TypeError(f"IntUniform: {name} must be an integer, got {v!r} ({type(v).__name__})")
        if log and low < 1:
            raise ValueError(f"IntUniform: low must be >= 1 with log=True, got low={low!r}")
        if low >= high:
            raise ValueError(f"IntUniform: low must be < high, got low={low!r}, high={high!r}")
        self.log = bool(log)
        self.low = float(low)
        self.high = float(high)

    def _scaled_bounds(self) -> tuple:
        # integers are drawn by flooring a continuous sample of [low, high + 1)
        return float(self._fwd(self.low)), float(self._fwd(self.high + 1.0))

    def _to_value(self, x: float) -> int:
        return int(min(math.floor(x), self.high))

    def sample(self, n: int) -> List[Any]:
        a, b = self._scaled_bounds()
        x = self._inv(a + (b - a) * _uniform01(n))
        return [int(min(max(math.floor(v), self.low), self.high)) for v in x]

    def grid(self, n: int) -> List[Any]:
        a, b = float(self._fwd(self.low)), float(self._fwd(self.high))
        out: List[Any] = []
        for v in self._inv(np.linspace(a, b, int(n))):
            v = int(round(float(v)))
            if v not in out:
                out.append(v)
        return out

    def narrow(self, values: Sequence[Any], margin: float, bounds: "Distribution") -> "Distribution":
        a, b = float(self._fwd(self.low)), float(self._fwd(self.high))
        t = self._fwd(np.asarray(values, dtype=np.float64))
        lo, hi = float(t.min()), float(t.max())
        span = max(hi - lo, 0.1 * (b - a))
        lo = self._inv(lo - margin * span)
        hi = self._inv(hi + margin * span)
        lo = max(int(math.floor(lo)), int(bounds.low))  # type: ignore[attr-defined]
        hi = min(int(math.ceil(hi)), int(bounds.high))  # type: ignore[attr-defined]
        if lo >= hi:
            # the range collapsed to one integer: keep a neighbour so the distribution stays valid
            if hi < int(bounds.high):  # type: ignore[attr-defined]
                hi = lo + 1
            else:
                lo = hi - 1
        return IntUniform(lo, hi, log=self.log)

    def __repr__(self) -> str:
        extra = ", log=True" if self.log else ""
        return f"IntUniform({int(self.low)}, {int(self.high)}{extra})"


class Choice(Distribution):
    """One of ``values``, each with probability ``1/len(values)`` (activation, optimizer name)."""

    def __init__(self, values: Sequence[Any]) -> None:
        if isinstance(values, (str, bytes)) or not isinstance(values, (Sequence, np.ndarray)):
            raise TypeError(f"Choice: values must be a list or tuple of options, got {values!r}")
        self.values = list(values)
        if not self.values:
            raise ValueError("Choice: values must hold at least one option, got an empty sequence")

    def sample(self, n: int) -> List[Any]:
        idx = randint(0, len(self.values), int(n))
        return [self.values[int(i)] for i in np.asarray(idx).reshape(-1)]

    def grid(self, n: int) -> List[Any]:
        return list(self.values)

    def narrow(self, values: Sequence[Any], margin: float, bounds: "Distribution") -> "Distribution":
        # keep the options the best trials used, in the original order
        kept = [v for v in self.values if any(_same(v, w) for w in values)]
        return Choice(kept or self.values)

    def __repr__(self) -> str:
        return f"Choice({self.values!r})"

    def __eq__(self, other: object) -> bool:
        return isinstance(other, Choice) and other.values == self.values

    def __hash__(self) -> int:
        return hash(repr(self))


def _same(a: Any, b: Any) -> bool:
    try:
        return bool(a == b)
    except Exception:  # values whose == is elementwise (arrays) compare by identity
        return a is b


def check_space(space: Any, owner: str) -> Dict[str, Any]:
    """Validate a space dict and return a copy; errors name ``owner`` (the search function) and
    the offending key."""
    if not isinstance(space, Mapping):
        raise TypeError(f"{owner}: space must be a dict {{name: distribution | list | constant}}, "
                        f"got {type(space).__name__}")
    if len(space) == 0:
        raise ValueError(f"{owner}: space is empty; give at least one hyperparameter, "
                         f"e.g. {{'lr': LogUniform(1e-4, 1e-1)}}")
    out: Dict[str, Any] = {}
    for key, spec in space.items():
        if not isinstance(key, str):
            raise TypeError(f"{owner}: space keys must be strings (parameter names), got {key!r}")
        if isinstance(spec, list) and len(spec) == 0:
            raise ValueError(f"{owner}: space[{key!r}] is an empty list; give at least one value to try")
        if isinstance(spec, type) and issubclass(spec, Distribution):
            raise TypeError(f"{owner}: space[{key!r}] is the class {spec.__name__}, not an instance; "
                            f"write e.g. {spec.__name__}(low, high)")
        out[key] = spec
    return out


def is_searched(spec: Any) -> bool:
    """Whether a space entry varies between trials (a distribution or a list)."""
    return isinstance(spec, (Distribution, list))


def as_distribution(spec: Any) -> Any:
    """Lists become ``Choice``; distributions and constants are returned as they are."""
    return Choice(spec) if isinstance(spec, list) else spec
