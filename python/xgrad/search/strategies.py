"""Grid search, random search and coarse-to-fine search (CS231n "Neural Networks 3": hyperparameter
optimisation; Bergstra & Bengio 2012, "Random Search for Hyper-Parameter Optimization")."""
from __future__ import annotations

import itertools
import math
import numbers
import time
import warnings
import zlib
from contextlib import contextmanager
from typing import Any, Callable, Dict, Iterator, List, Mapping, Optional, Sequence, Union

import numpy as np

from .. import _checks as check
from ..random import get_rng_state, manual_seed, randint, set_rng_state
from .execution import Job, Runner, derive_seed
from .results import SearchResults, Trial
from .space import Choice, Distribution, as_distribution, check_space, is_searched

__all__ = ["grid_search", "random_search", "coarse_to_fine"]

Objective = Callable[[Dict[str, Any]], Any]

_SAMPLE_TAG = 0x5A3D1E  # separates the seeds of the search's own draws from the trials' seeds


@contextmanager
def _rng_scope(seed: int) -> Iterator[None]:
    """Draw from xgrad's generator seeded with ``seed``, then give the caller its state back."""
    state = get_rng_state()
    manual_seed(seed)
    try:
        yield
    finally:
        set_rng_state(state)


def _name_key(name: str) -> int:
    return zlib.crc32(name.encode("utf-8"))  # stable across processes, unlike hash()


def _check_common(owner: str, objective: Any, mode: str, n_jobs: Any, client: Any, seed: Any,
                  threads_per_trial: Any) -> int:
    if not callable(objective):
        raise TypeError(f"{owner}: objective must be a callable objective(params) -> score, got {objective!r}")
    if mode not in ("max", "min"):
        raise ValueError(f"{owner}: mode must be 'max' (e.g. accuracy) or 'min' (e.g. loss), got {mode!r}")
    if isinstance(n_jobs, bool) or not isinstance(n_jobs, (numbers.Integral, np.integer)) or \
            (n_jobs < 1 and n_jobs != -1):
        raise ValueError(f"{owner}: n_jobs must be a positive integer or -1 (all cores), got {n_jobs!r}")
    if client is not None:
        if not hasattr(client, "submit"):
            raise TypeError(f"{owner}: client must be a dask.distributed.Client, got {type(client).__name__}")
        if n_jobs != 1:
            raise ValueError(f"{owner}: pass either n_jobs (local processes) or client (Dask), not both; "
                             f"got n_jobs={n_jobs!r} and a client")
    if seed is not None:
        check.seed(seed, "seed", owner)
    if threads_per_trial is not None and (isinstance(threads_per_trial, bool)
                                          or not isinstance(threads_per_trial, (numbers.Integral, np.integer))
                                          or threads_per_trial < 1):
        raise ValueError(f"{owner}: threads_per_trial must be a positive integer or None, got {threads_per_trial!r}")
    import os
    return (os.cpu_count() or 1) if n_jobs == -1 else int(n_jobs)


def _check_n_trials(owner: str, name: str, n: Any) -> int:
    if isinstance(n, bool) or not isinstance(n, (numbers.Integral, np.integer)) or n <= 0:
        raise ValueError(f"{owner}: {name} must be a positive integer, got {n!r}")
    return int(n)


def _search_seed(seed: Optional[int]) -> int:
    """The search's seed: the one given, or one drawn from xgrad's generator (so that
    ``xgrad.manual_seed`` before the search makes it repeat)."""
    if seed is not None:
        return int(seed)
    return int(np.asarray(randint(0, 2 ** 62, 1)).reshape(-1)[0])


def _sample_configs(space: Mapping[str, Any], n: int, seed: int, rnd: int) -> List[Dict[str, Any]]:
    """``n`` configurations; each parameter has its own stream (seeded from the search seed, the
    round and its name), so adding a parameter to a space does not change the others' draws."""
    columns: Dict[str, List[Any]] = {}
    for name, spec in space.items():
        dist = as_distribution(spec)
        if isinstance(dist, Distribution):
            with _rng_scope(derive_seed(seed, _SAMPLE_TAG, rnd, _name_key(name))):
                columns[name] = dist.sample(n)
        else:
            columns[name] = [dist] * n
    return [{name: columns[name][i] for name in space} for i in range(n)]


def _jobs(configs: Sequence[Dict[str, Any]], seed: int, start: int, rnd: int) -> List[Job]:
    return [(start + i, cfg, derive_seed(seed, start + i), rnd) for i, cfg in enumerate(configs)]


def grid_search(objective: Objective, space: Mapping[str, Any], *, points: Union[int, Mapping[str, int], None] = None,
                mode: str = "max", seed: Optional[int] = None, n_jobs: int = 1, client: Any = None,
                threads_per_trial: Optional[int] = None, progress: bool = False) -> SearchResults:
    """Evaluate ``objective`` on every combination of the values in ``space`` (the Cartesian product,
    in the space's key order, the last key varying fastest).

    ``space``: ``{name: list of values | distribution | constant}``; a distribution is cut into
    ``points`` values (an int, or ``{name: int}``): evenly spaced, on a log scale for ``LogUniform``
    (``np.geomspace``), all options of a ``Choice``. ``objective(params) -> float`` or a dict with a
    ``"score"`` (other entries are kept as metrics); ``mode="max"|"min"`` says which score is better.
    Each trial runs after ``xgrad.manual_seed(trial.seed)``, a seed derived from ``seed`` and the
    trial's index, so results repeat whatever the backend. Execution: in this process
    (``n_jobs=1``), ``n_jobs`` local worker processes, or a Dask cluster (``client=``); see
    ``random_search`` for how a notebook-defined objective reaches the workers (and ``progress``).

    The lectures prefer random search: with the same budget, a grid tries only ``points`` distinct
    values of each parameter, so when one parameter matters and another does not, most of the
    budget is spent re-testing the same few values of the one that matters (Bergstra & Bengio 2012).
    """
    owner = "grid_search"
    n_jobs = _check_common(owner, objective, mode, n_jobs, client, seed, threads_per_trial)
    space = check_space(space, owner)
    if isinstance(points, Mapping):
        unknown = sorted(str(k) for k in points if k not in space)
        if unknown:  # a misspelt name would silently leave its axis uncut
            raise ValueError(f"{owner}: points names {unknown}, which are not in the space {sorted(space)}")
    axes: Dict[str, List[Any]] = {}
    for name, spec in space.items():
        if isinstance(spec, list):
            axes[name] = list(spec)
        elif isinstance(spec, Choice):
            axes[name] = list(spec.values)
        elif isinstance(spec, Distribution):
            n = points.get(name) if isinstance(points, Mapping) else points
            if n is None:
                raise ValueError(f"{owner}: space[{name!r}] is {spec!r}; give a list of values or "
                                 f"points=<values per axis> to cut it into a grid")
            axes[name] = spec.grid(_check_n_trials(owner, f"points for {name!r}", n))
        else:
            axes[name] = [spec]
    search_seed = _search_seed(seed)
    names = list(axes)
    configs = [dict(zip(names, combo)) for combo in itertools.product(*(axes[n] for n in names))]
    start = time.perf_counter()
    with Runner(objective, n_jobs, client, threads_per_trial, owner, mode, progress, len(configs)) as runner:
        trials = runner.run(_jobs(configs, search_seed, 0, 0))
    return SearchResults(trials, mode, [space], time.perf_counter() - start, search_seed)


def random_search(objective: Objective, space: Mapping[str, Any], n_trials: int, *, mode: str = "max",
                  seed: Optional[int] = None, n_jobs: int = 1, client: Any = None,
                  threads_per_trial: Optional[int] = None, progress: bool = False) -> SearchResults:
    """Evaluate ``objective`` on ``n_trials`` configurations drawn at random from ``space``.

    ``space``: ``{name: distribution | list | constant}``: ``LogUniform(1e-5, 1e-1)`` for the
    learning rate and regularisation strength (``lr = 10 ** uniform(-5, -1)``, the lectures'
    advice), ``Uniform``, ``IntUniform``, ``Choice``; a list is drawn from uniformly; other values
    are constants. ``objective(params) -> float`` or a dict with a ``"score"`` (other entries are
    kept as ``trial.metrics``); ``mode="max"`` (accuracy) or ``"min"`` (loss). A trial that raises is
    recorded with ``trial.error = "Type: message"`` and the search goes on.

    Repeatability: the draws come from xgrad's generator seeded from ``seed`` (when None, a seed is
    drawn from xgrad's generator, so ``xgrad.manual_seed`` before the call repeats the search), and
    each trial runs after ``xgrad.manual_seed(trial.seed)`` with a seed derived from the search seed
    and the trial index: the same trials give the same scores sequentially, in processes or on Dask.
    Your generator's state is the same after the search as before it (bar the seed draw).

    Execution: ``n_jobs=1`` runs here; ``n_jobs=k`` (or -1 for all cores) runs ``k`` worker processes
    started with the ``forkserver`` context (``spawn`` where it is missing; never ``fork``, which can
    deadlock a child of a process running OpenBLAS/xgrad threads), each with
    ``threads_per_trial`` xgrad threads (default: cores // k). ``client=`` a
    ``dask.distributed.Client`` runs one task per trial on the cluster. The objective must reach the
    workers: a function of an importable module travels by name; one defined in a notebook cell (or
    a lambda, a closure) is serialised by value with cloudpickle (it comes with dask), together with
    the globals it uses (e.g. the training arrays), so defining the objective in the notebook works.
    In a script, put the search under ``if __name__ == "__main__":`` (the workers import the main
    module, as with any ``multiprocessing`` start method other than fork).

    ``progress=True`` shows a tqdm bar of finished trials with the best score so far.

    Returns a ``SearchResults`` (``best``, ``sorted()``, ``to_markdown()``, ``to_arrays()``).
    """
    owner = "random_search"
    n_jobs = _check_common(owner, objective, mode, n_jobs, client, seed, threads_per_trial)
    n_trials = _check_n_trials(owner, "n_trials", n_trials)
    space = check_space(space, owner)
    search_seed = _search_seed(seed)
    configs = _sample_configs(space, n_trials, search_seed, 0)
    start = time.perf_counter()
    with Runner(objective, n_jobs, client, threads_per_trial, owner, mode, progress, len(configs)) as runner:
        trials = runner.run(_jobs(configs, search_seed, 0, 0))
    return SearchResults(trials, mode, [space], time.perf_counter() - start, search_seed)


def _narrow_space(space: Dict[str, Any], original: Dict[str, Any], best: Sequence[Trial],
                  margin: float) -> Dict[str, Any]:
    out: Dict[str, Any] = {}
    for name, spec in space.items():
        if is_searched(spec):
            dist = as_distribution(spec)
            bounds = as_distribution(original[name])
            out[name] = dist.narrow([t.params[name] for t in best], margin, bounds)
        else:
            out[name] = spec
    return out


def coarse_to_fine(objective: Objective, space: Mapping[str, Any], rounds: int = 3,
                   n_trials: Union[int, Sequence[int]] = 20, *, top_k: Optional[int] = None, margin: float = 0.25,
                   per_round: Optional[Sequence[Mapping[str, Any]]] = None, mode: str = "max",
                   seed: Optional[int] = None, n_jobs: int = 1, client: Any = None,
                   threads_per_trial: Optional[int] = None, warn_edges: bool = True,
                   progress: bool = False) -> SearchResults:
    """The lectures' coarse-to-fine search: random search in wide ranges, then again in ranges
    narrowed around the best trials, ``rounds`` times.

    After each round the ``top_k`` best trials of that round (default: the best fifth, at least 3)
    define the next range of every searched parameter: their span, widened by ``margin`` times the
    span on each side, measured on the parameter's sampling scale (in log space for ``LogUniform``,
    so ``lr`` in ``[1e-4, 1e-3]`` widens to ``[5.6e-5, 1.8e-3]`` with margin 0.25) and clipped to the
    range you gave; a ``Choice`` keeps the options the best trials used. ``n_trials`` is per round
    (an int or one per round). ``per_round`` is one dict of constants per round, merged into the
    space, for the lectures' "few epochs first, longer runs later" (e.g.
    ``[{"epochs": 1}, {"epochs": 5}]``). ``mode``, ``seed``, ``n_jobs``, ``client`` and
    ``threads_per_trial`` and ``progress`` are as in ``random_search``.

    With ``warn_edges`` a warning says when the best value of a parameter lies at the edge of the
    range you gave (outer 5% on its sampling scale): the lectures' check that the optimum is not
    outside the range. The results hold all trials (``trial.round``) and ``results.spaces``, the
    space of each round; ``results.best`` compares all rounds, ``results.of_round(-1).best`` only
    the last (when later rounds train longer, their scores are the ones to compare).
    """
    owner = "coarse_to_fine"
    n_jobs = _check_common(owner, objective, mode, n_jobs, client, seed, threads_per_trial)
    rounds = _check_n_trials(owner, "rounds", rounds)
    if isinstance(n_trials, (numbers.Integral, np.integer)) and not isinstance(n_trials, bool):
        per_round_trials = [_check_n_trials(owner, "n_trials", n_trials)] * rounds
    else:
        if isinstance(n_trials, (str, bytes)) or not isinstance(n_trials, (Sequence, np.ndarray)):
            raise ValueError(f"{owner}: n_trials must be a positive integer or one count per round, "
                             f"got {n_trials!r}")
        per_round_trials = list(n_trials)
        if len(per_round_trials) != rounds:
            raise ValueError(f"{owner}: n_trials must be an int or hold one count per round "
                             f"({rounds}), got {len(per_round_trials)} counts")
        per_round_trials = [_check_n_trials(owner, f"n_trials[{i}]", n) for i, n in enumerate(per_round_trials)]
    if top_k is not None:
        top_k = _check_n_trials(owner, "top_k", top_k)
    if isinstance(margin, bool) or not isinstance(margin, (numbers.Real, np.number)) or not margin >= 0 \
            or not math.isfinite(margin):
        raise ValueError(f"{owner}: margin must be a finite number >= 0, got {margin!r}")
    if per_round is not None:
        per_round = list(per_round)
        if len(per_round) != rounds:
            raise ValueError(f"{owner}: per_round must hold one dict per round ({rounds}), got {len(per_round)}")
        for i, extra in enumerate(per_round):
            if not isinstance(extra, Mapping):
                raise TypeError(f"{owner}: per_round[{i}] must be a dict of constants, got {type(extra).__name__}")
    original = check_space(space, owner)
    if not any(is_searched(s) for s in original.values()):
        raise ValueError(f"{owner}: space has no searched parameter (a distribution or a list); "
                         f"got only constants: {sorted(original)}")
    search_seed = _search_seed(seed)
    current = dict(original)
    spaces: List[Dict[str, Any]] = []
    trials: List[Trial] = []
    start = time.perf_counter()
    with Runner(objective, n_jobs, client, threads_per_trial, owner, mode, progress,
                sum(per_round_trials)) as runner:
        for rnd in range(rounds):
            round_space = dict(current)
            if per_round is not None:
                round_space.update(per_round[rnd])
            spaces.append(round_space)
            configs = _sample_configs(round_space, per_round_trials[rnd], search_seed, rnd)
            jobs = _jobs(configs, search_seed, len(trials), rnd)
            new = runner.run(jobs)
            trials.extend(new)
            if rnd == rounds - 1:
                break
            k = top_k if top_k is not None else max(3, int(round(0.2 * len(new))))
            best = SearchResults(new, mode).top(k)
            if not best:
                warnings.warn(f"{owner}: every trial of round {rnd} failed (first error: {new[0].error}); "
                              f"the next round searches the same ranges", RuntimeWarning, stacklevel=2)
                continue
            current = _narrow_space(current, original, best, float(margin))
    results = SearchResults(trials, mode, spaces, time.perf_counter() - start, search_seed)
    if warn_edges and any(t.ok for t in trials):
        best_trial = results.best
        for name, spec in original.items():
            dist = as_distribution(spec)
            if isinstance(dist, Distribution) and not isinstance(dist, Choice) and \
                    dist.at_edge(best_trial.params[name]):
                warnings.warn(f"{owner}: the best {name}={best_trial.params[name]:.4g} lies at the edge of the "
                              f"range searched, {dist!r}; the optimum may be outside it: widen the range",
                              UserWarning, stacklevel=2)
    return results
