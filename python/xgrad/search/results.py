"""Trial records and the results table of a search."""
from __future__ import annotations

import math
import numbers
from dataclasses import dataclass, field
from typing import Any, Dict, Iterator, List, Optional, Sequence

import numpy as np

__all__ = ["Trial", "SearchResults"]


@dataclass
class Trial:
    """One evaluated configuration.

    ``params`` the hyperparameters passed to the objective; ``score`` the number it returned (NaN
    when it failed); ``duration`` seconds spent in the objective; ``error`` ``"Type: message"`` of
    the exception it raised, or None; ``seed`` the value ``xgrad.manual_seed`` got before the call;
    ``round`` the coarse-to-fine round (0 otherwise); ``metrics`` the other entries of a dict the
    objective returned; ``traceback`` the formatted traceback of a failure."""

    index: int
    params: Dict[str, Any]
    score: float
    duration: float
    error: Optional[str] = None
    seed: int = 0
    round: int = 0
    metrics: Dict[str, Any] = field(default_factory=dict)
    traceback: Optional[str] = None

    @property
    def ok(self) -> bool:
        """True when the objective returned a finite score."""
        return self.error is None and math.isfinite(self.score)


def _fmt(v: Any) -> str:
    if isinstance(v, bool) or v is None:
        return str(v)
    if isinstance(v, (numbers.Integral, np.integer)):
        return str(int(v))
    if isinstance(v, (numbers.Real, np.floating)):
        return f"{float(v):.4g}"
    return str(v)


class SearchResults(Sequence[Trial]):
    """The trials of a search, in the order they were defined (``results[i]``, ``len``, iteration).

    ``mode`` is ``"max"`` (higher score is better, e.g. validation accuracy) or ``"min"`` (e.g.
    validation loss). ``best`` is the best successful trial, ``sorted()`` all trials best first
    (failures last), ``to_markdown()``/``to_text()`` render the table, ``to_arrays()`` gives NumPy
    columns for plots. ``spaces`` holds the space each round searched (one entry unless
    coarse-to-fine)."""

    def __init__(self, trials: Sequence[Trial], mode: str, spaces: Sequence[Dict[str, Any]] = (),
                 wall_time: float = 0.0, seed: Optional[int] = None) -> None:
        self.trials: List[Trial] = sorted(trials, key=lambda t: t.index)
        self.mode = mode
        self.spaces = list(spaces)
        self.wall_time = float(wall_time)
        self.seed = seed

    def __len__(self) -> int:
        return len(self.trials)

    def __getitem__(self, i):  # type: ignore[override]
        return self.trials[i]

    def __iter__(self) -> Iterator[Trial]:
        return iter(self.trials)

    @property
    def param_names(self) -> List[str]:
        """The parameter names of all trials, in the order they first appear."""
        names: List[str] = []
        for t in self.trials:
            for k in t.params:
                if k not in names:
                    names.append(k)
        return names

    @property
    def failures(self) -> List[Trial]:
        """Trials that raised or returned a non-finite score."""
        return [t for t in self.trials if not t.ok]

    def sorted(self) -> List[Trial]:
        """All trials, best first; failed trials last, in index order."""
        sign = -1.0 if self.mode == "max" else 1.0
        good = sorted((t for t in self.trials if t.ok), key=lambda t: (sign * t.score, t.index))
        return good + [t for t in self.trials if not t.ok]

    def top(self, k: int) -> List[Trial]:
        """The ``k`` best successful trials."""
        return [t for t in self.sorted() if t.ok][:k]

    @property
    def best(self) -> Trial:
        """The best successful trial (raises ValueError when every trial failed)."""
        good = self.top(1)
        if not good:
            first = self.trials[0].error if self.trials else "no trials were run"
            raise ValueError(f"SearchResults.best: none of the {len(self.trials)} trials returned a finite score; "
                             f"first error: {first}")
        return good[0]

    @property
    def best_params(self) -> Dict[str, Any]:
        """A copy of the best trial's parameters."""
        return dict(self.best.params)

    @property
    def best_score(self) -> float:
        """The best trial's score."""
        return self.best.score

    def of_round(self, r: int) -> "SearchResults":
        """The trials of coarse-to-fine round ``r`` (e.g. the last, longest-trained one)."""
        rounds = sorted({t.round for t in self.trials})
        if r < 0:
            r = rounds[r] if -len(rounds) <= r else r
        if r not in rounds:
            raise IndexError(f"SearchResults.of_round: no round {r}; the rounds are {rounds}")
        spaces = self.spaces[r:r + 1] if r < len(self.spaces) else []
        return SearchResults([t for t in self.trials if t.round == r], self.mode, spaces, seed=self.seed)

    def to_arrays(self) -> Dict[str, np.ndarray]:
        """Columns in trial order: one per parameter (float64 when every value is a number, else
        object), ``score`` (NaN for failures), ``duration``, ``ok``, ``round``, ``index``, and one
        per metric the objective returned (NaN where absent; prefixed ``metric:`` if the name
        clashes)."""
        out: Dict[str, np.ndarray] = {}
        for name in self.param_names:
            vals = [t.params.get(name) for t in self.trials]
            numeric = all(isinstance(v, (numbers.Real, np.number)) and not isinstance(v, bool) for v in vals)
            out[name] = np.array(vals, dtype=np.float64) if numeric else np.array(vals, dtype=object)
        out["score"] = np.array([t.score if t.ok else np.nan for t in self.trials], dtype=np.float64)
        out["duration"] = np.array([t.duration for t in self.trials], dtype=np.float64)
        out["ok"] = np.array([t.ok for t in self.trials], dtype=bool)
        out["round"] = np.array([t.round for t in self.trials], dtype=np.int64)
        out["index"] = np.array([t.index for t in self.trials], dtype=np.int64)
        metric_names: List[str] = []
        for t in self.trials:
            for k in t.metrics:
                if k not in metric_names:
                    metric_names.append(k)
        for k in metric_names:
            vals = [t.metrics.get(k, np.nan) for t in self.trials]
            try:
                col = np.array(vals, dtype=np.float64)
            except (TypeError, ValueError):
                col = np.array(vals, dtype=object)
            out[k if k not in out else f"metric:{k}"] = col
        return out

    def _rows(self, top: Optional[int]) -> tuple:
        names = self.param_names
        metric_names: List[str] = []
        for t in self.trials:
            for k in t.metrics:
                if k not in metric_names and isinstance(t.metrics[k], (numbers.Real, np.number)):
                    metric_names.append(k)
        rounds = len({t.round for t in self.trials}) > 1
        header = ["rank", "trial"] + (["round"] if rounds else []) + names + ["score"] + metric_names + \
                 ["time (s)", "error"]
        rows = []
        trials = self.sorted()
        if top is not None:
            trials = trials[:top]
        for rank, t in enumerate(trials, 1):
            # one line per row: a multi-line message (e.g. a shape error) would split the table
            err = " ".join((t.error or ("" if t.ok else "non-finite score")).split())
            row = [str(rank) if t.ok else "-", str(t.index)] + ([str(t.round)] if rounds else [])
            row += [_fmt(t.params.get(n, "")) for n in names]
            row += [_fmt(t.score)] + [_fmt(t.metrics.get(m, "")) for m in metric_names]
            row += [f"{t.duration:.2f}", err if len(err) <= 60 else err[:57] + "..."]
            rows.append(row)
        return header, rows

    def to_markdown(self, top: Optional[int] = None) -> str:
        """A Markdown table, best first (``top`` limits the rows)."""
        header, rows = self._rows(top)
        lines = ["| " + " | ".join(header) + " |", "|" + "|".join("---" for _ in header) + "|"]
        lines += ["| " + " | ".join(c.replace("|", "\\|") for c in row) + " |" for row in rows]
        return "\n".join(lines)

    def to_text(self, top: Optional[int] = None) -> str:
        """A plain-text table with aligned columns, best first (``top`` limits the rows)."""
        header, rows = self._rows(top)
        widths = [max(len(h), *(len(r[i]) for r in rows)) if rows else len(h) for i, h in enumerate(header)]
        fmt = "  ".join(f"{{:<{w}}}" for w in widths)
        lines = [fmt.format(*header).rstrip(), "  ".join("-" * w for w in widths)]
        lines += [fmt.format(*row).rstrip() for row in rows]
        return "\n".join(lines)

    def __str__(self) -> str:
        return self.to_text()

    def __repr__(self) -> str:
        n_ok = sum(t.ok for t in self.trials)
        best = f", best score {self.best.score:.4g} at {self.best.params}" if n_ok else ""
        return f"SearchResults({len(self.trials)} trials, {n_ok} ok, mode={self.mode!r}{best})"

    def _repr_markdown_(self) -> str:
        return self.to_markdown()
