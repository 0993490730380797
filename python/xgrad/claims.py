"""Comparative claims over seeds: what a notebook may assert when its numbers move with the seed,
the BLAS kernel and the thread count.

A single run's ranking of two configurations (BN vs plain, optimizer A vs B) can flip when only
the order of floating-point additions changes (1 vs 2 OpenBLAS threads). So a notebook runs each
configuration over several seeds, reports mean ± std and the per-seed values, and asserts a claim
only where it holds for every seed, or for the mean by a margin larger than the spread::

    plain = Spread.over(lambda s: run(False, seed=s), seeds)
    bn = Spread.over(lambda s: run(True, seed=s), seeds)
    holds = bn.beats(plain)                 # every seed, paired, with a margin
    claim("BN beats plain at lr 0.1", lecture="96.6% vs 96.2%", ours=f"{bn} vs {plain}", holds=holds)

``claim`` prints a ``CLAIM:`` line that ``tools/run_lectures.py`` collects into the gallery's
table (lecture's number | ours | holds or not).
"""
from __future__ import annotations

import math
from dataclasses import dataclass
from typing import Callable, Iterable, Sequence

__all__ = ["Spread", "claim", "seeds_for"]


def seeds_for(quick: bool, full: int = 3, quick_n: int = 3) -> tuple[int, ...]:
    """The seeds a notebook runs: ``full`` of them at full size, ``quick_n`` in quick mode (at least 3)."""
    return tuple(range(max(3, quick_n if quick else full)))


@dataclass(frozen=True)
class Spread:
    """One quantity measured once per seed. ``str`` gives ``mean ± std (n seeds: v1, v2, ...)``;
    std is the sample standard deviation (ddof=1)."""

    values: tuple[float, ...]
    seeds: tuple[int, ...] = ()
    digits: int = 4

    @classmethod
    def over(cls, fn: Callable[[int], float], seeds: Iterable[int], digits: int = 4) -> "Spread":
        seeds = tuple(seeds)
        return cls(tuple(float(fn(s)) for s in seeds), seeds, digits)

    @classmethod
    def of(cls, values: Sequence[float], seeds: Sequence[int] = (), digits: int = 4) -> "Spread":
        return cls(tuple(float(v) for v in values), tuple(seeds), digits)

    @property
    def n(self) -> int:
        return len(self.values)

    @property
    def mean(self) -> float:
        finite = [v for v in self.values if math.isfinite(v)]
        return sum(finite) / len(finite) if len(finite) == len(self.values) and finite else float("nan")

    @property
    def std(self) -> float:
        if self.n < 2 or not math.isfinite(self.mean):
            return float("nan")
        m = self.mean
        return math.sqrt(sum((v - m) ** 2 for v in self.values) / (self.n - 1))

    @property
    def min(self) -> float:
        return min(self.values)

    @property
    def max(self) -> float:
        return max(self.values)

    def short(self) -> str:
        """``mean ± std`` only."""
        d = self.digits
        return f"{self.mean:.{d}f} ± {self.std:.{d}f}"

    def __str__(self) -> str:
        d = self.digits
        per_seed = ", ".join(f"{v:.{d}f}" for v in self.values)
        return f"{self.short()} ({self.n} seeds: {per_seed})"

    def beats(self, other: "Spread", higher_is_better: bool = True, margin: float = 0.0) -> bool:
        """True when self is better than other for every seed (paired by position) by more than
        ``margin``, or when the means differ by more than ``margin`` plus both spreads (std).
        NaN counts as the worst value."""
        sign = 1.0 if higher_is_better else -1.0

        def score(v: float) -> float:
            return sign * v if math.isfinite(v) else -math.inf

        if len(self.values) == len(other.values) and all(
                score(a) - score(b) > margin for a, b in zip(self.values, other.values)):
            return True
        if not (math.isfinite(self.mean) and math.isfinite(other.mean)):
            return False
        return sign * (self.mean - other.mean) > margin + self.std + other.std


def claim(name: str, lecture: str, ours: str, holds: bool) -> bool:
    """Print the claim as ``CLAIM: name | lecture | ours | holds`` (the gallery's table) and
    return ``holds``. A claim that does not hold is stated, not asserted away."""
    verdict = "holds" if holds else "does not hold"
    print(f"CLAIM: {name} | {lecture} | {ours} | {verdict}")
    return holds
