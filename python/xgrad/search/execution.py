"""Running trials: in this process, in local worker processes, or on a Dask cluster.

Every backend runs a trial the same way (``run_trial``): seed xgrad's generator with the trial's
seed, call the objective, time it, and turn an exception into a recorded error. So a trial's
result depends only on its parameters and its seed, never on which worker ran it or in what order.

Why the objective travels as a cloudpickle payload: worker processes are started with the
``forkserver`` context (``spawn`` where forkserver is missing), never ``fork``: xgrad's C++ core
runs OpenBLAS and its own thread pool, and forking a process whose threads may hold a lock can
deadlock the child (and a forked child would also inherit the parent's generator state). A fresh
process cannot look up a function defined in a Jupyter cell or a ``__main__`` script by name, so
the objective is serialised *by value* with cloudpickle (installed with dask) when its module is
``__main__`` or it is a lambda/closure; functions of importable modules travel by reference.
"""
from __future__ import annotations

import math
import multiprocessing
import numbers
import os
import pickle
import time
import traceback as _traceback
import uuid
from concurrent.futures import ProcessPoolExecutor, as_completed
from typing import Any, Callable, Dict, List, Optional, Sequence, Tuple

import numpy as np

from .._tensor import Tensor
from ..backend import set_num_threads
from ..random import get_rng_state, manual_seed, set_rng_state
from .results import Trial

Job = Tuple[int, Dict[str, Any], int, int]  # (index, params, seed, round)

_MASK64 = (1 << 64) - 1


def splitmix64(x: int) -> int:
    """One step of SplitMix64: a bijective mix of a 64-bit integer (decorrelates nearby seeds)."""
    x = (x + 0x9E3779B97F4A7C15) & _MASK64
    x = ((x ^ (x >> 30)) * 0xBF58476D1CE4E5B9) & _MASK64
    x = ((x ^ (x >> 27)) * 0x94D049BB133111EB) & _MASK64
    return x ^ (x >> 31)


def derive_seed(seed: int, *keys: int) -> int:
    """A seed in [0, 2**63) that depends only on ``seed`` and ``keys`` (a trial's index, a round)."""
    x = splitmix64(int(seed) & _MASK64)
    for k in keys:
        x = splitmix64(x ^ (int(k) & _MASK64))
    return x >> 1


def _parse_output(out: Any) -> Tuple[float, Dict[str, Any]]:
    """The score and extra metrics from what the objective returned (a number or a dict)."""
    if isinstance(out, dict):
        if "score" not in out:
            raise KeyError(f"the objective returned a dict without a 'score' entry (keys: {sorted(out)})")
        metrics = {k: _plain(v) for k, v in out.items() if k != "score"}
        out = out["score"]
    else:
        metrics = {}
    out = _plain(out)
    if isinstance(out, bool) or not isinstance(out, (numbers.Real, np.number)):
        raise TypeError(f"the objective must return a number or a dict with a 'score', got {type(out).__name__}")
    return float(out), metrics


def _plain(v: Any) -> Any:
    """One-element arrays and tensors (``loss``, ``acc.mean()``) as Python numbers."""
    if isinstance(v, np.generic) or (isinstance(v, np.ndarray) and v.size == 1):
        return v.item()
    if isinstance(v, Tensor) and v.numel() == 1:
        return v.item()
    return v


def run_trial(objective: Callable[[Dict[str, Any]], Any], job: Job, threads: Optional[int] = None) -> Trial:
    """Run one trial: seed xgrad's generator with the trial's seed, call ``objective(params)``,
    record the score or the error. The caller's generator state is restored afterwards, so
    sequential trials leave the search's own draws untouched (as in a worker process)."""
    index, params, seed, rnd = job
    if threads is not None:
        set_num_threads(threads)
    state = get_rng_state()
    manual_seed(seed)
    start = time.perf_counter()
    error = tb = None
    score, metrics = math.nan, {}
    try:
        score, metrics = _parse_output(objective(dict(params)))
    except Exception as exc:  # a failed trial is a result, not the end of the search
        error = f"{type(exc).__name__}: {exc}"
        tb = _traceback.format_exc()
    finally:
        duration = time.perf_counter() - start
        set_rng_state(state)
    return Trial(index=index, params=dict(params), score=score, duration=duration, error=error, seed=seed,
                 round=rnd, metrics=metrics, traceback=tb)


# ---------------------------------------------------------------- local processes

_WORKER: Dict[str, Any] = {}


def dumps_objective(objective: Callable, owner: str) -> bytes:
    """Serialise the objective for worker processes (cloudpickle when available: see the module
    docstring)."""
    try:
        import cloudpickle
    except ImportError:  # pragma: no cover - dask brings cloudpickle
        cloudpickle = None
    try:
        if cloudpickle is not None:
            return cloudpickle.dumps(objective)
        return pickle.dumps(objective)
    except Exception as exc:
        hint = "" if cloudpickle is not None else " (install cloudpickle to ship functions defined in a notebook)"
        raise TypeError(f"{owner}: the objective {objective!r} cannot be pickled for worker processes{hint}: "
                        f"{type(exc).__name__}: {exc}") from exc


def _init_worker(payload: bytes, threads: Optional[int]) -> None:
    if threads is not None:
        set_num_threads(threads)
    try:
        _WORKER["objective"] = pickle.loads(payload)
        _WORKER["error"] = None
    except Exception as exc:  # reported per trial, so the search still returns a table
        _WORKER["objective"] = None
        _WORKER["error"] = f"objective could not be loaded in the worker process: {type(exc).__name__}: {exc}"


def _run_in_worker(job: Job) -> Trial:
    if _WORKER.get("objective") is None:
        index, params, seed, rnd = job
        return Trial(index=index, params=dict(params), score=math.nan, duration=0.0,
                     error=_WORKER.get("error") or "worker was not initialised", seed=seed, round=rnd)
    return run_trial(_WORKER["objective"], job)


def _mp_context() -> multiprocessing.context.BaseContext:
    methods = multiprocessing.get_all_start_methods()
    return multiprocessing.get_context("forkserver" if "forkserver" in methods else "spawn")


def default_threads(n_jobs: int) -> int:
    """OpenBLAS/xgrad threads per worker process so that workers do not oversubscribe the cores."""
    return max(1, (os.cpu_count() or 1) // max(1, n_jobs))


def _failed(job: Job, exc: BaseException) -> Trial:
    index, params, seed, rnd = job
    return Trial(index=index, params=dict(params), score=math.nan, duration=0.0,
                 error=f"{type(exc).__name__}: {exc}", seed=seed, round=rnd)


OnDone = Callable[[Trial], None]


def _collect(futures: Dict[Any, Job], on_done: OnDone) -> List[Trial]:
    results: List[Trial] = []
    try:
        for fut in as_completed(futures):
            try:
                trial = fut.result()
            except Exception as exc:  # a worker died (killed, out of memory): record, go on
                trial = _failed(futures[fut], exc)
            results.append(trial)
            on_done(trial)
    except BaseException:
        for fut in futures:
            fut.cancel()
        raise
    return results


# ---------------------------------------------------------------- Dask

def run_dask(shipped: Any, jobs: Sequence[Job], client: Any, threads: Optional[int], on_done: OnDone) -> List[Trial]:
    """Run ``jobs`` as tasks on ``client``; ``shipped`` is the objective scattered to the workers."""
    from distributed import as_completed as dask_as_completed
    tag = uuid.uuid4().hex[:8]
    futures = {client.submit(run_trial, shipped, job, threads, pure=False, key=f"xgrad-trial-{tag}-{job[0]}"): job
               for job in jobs}
    results: List[Trial] = []
    try:
        for fut in dask_as_completed(list(futures)):
            if fut.status == "finished":
                trial = fut.result()
            else:  # the worker died or the task was lost: record it like a failed trial
                exc = fut.exception()
                trial = _failed(futures[fut], exc if exc is not None else RuntimeError(f"task {fut.status}"))
            results.append(trial)
            on_done(trial)
        return results
    finally:
        for fut in futures:
            fut.release()


class Runner:
    """Runs batches of jobs on one backend. A process pool (or the objective scattered to a Dask
    cluster) is set up on first use and kept for later batches (coarse-to-fine rounds), then
    released on exit. With ``progress`` a tqdm bar counts finished trials and shows the best score."""

    def __init__(self, objective: Callable, n_jobs: int, client: Any, threads: Optional[int], owner: str,
                 mode: str = "max", progress: bool = False, total: Optional[int] = None) -> None:
        self.objective, self.n_jobs, self.client, self.threads, self.owner = objective, n_jobs, client, threads, owner
        self.mode, self.progress, self.total = mode, progress, total
        self._pool: Optional[ProcessPoolExecutor] = None
        self._shipped: Any = None
        self._bar: Any = None
        self._best = math.nan

    def __enter__(self) -> "Runner":
        return self

    def __exit__(self, *exc: Any) -> None:
        if self._pool is not None:
            self._pool.shutdown(wait=True, cancel_futures=True)
            self._pool = None
        if self._shipped is not None:
            self._shipped.release()
            self._shipped = None
        if self._bar is not None:
            self._bar.close()
            self._bar = None

    def _process_pool(self) -> ProcessPoolExecutor:
        if self._pool is None:
            payload = dumps_objective(self.objective, self.owner)
            threads = self.threads if self.threads is not None else default_threads(self.n_jobs)
            self._pool = ProcessPoolExecutor(max_workers=self.n_jobs, mp_context=_mp_context(),
                                             initializer=_init_worker, initargs=(payload, threads))
        return self._pool

    def _on_done(self, trial: Trial) -> None:
        if not self.progress:
            return
        if self._bar is None:
            from tqdm.auto import tqdm
            self._bar = tqdm(total=self.total, desc=self.owner, unit="trial")
        if trial.ok and (math.isnan(self._best) or
                         (trial.score > self._best if self.mode == "max" else trial.score < self._best)):
            self._best = trial.score
        self._bar.update(1)
        if not math.isnan(self._best):
            self._bar.set_postfix(best=f"{self._best:.4g}")

    def run(self, jobs: Sequence[Job]) -> List[Trial]:
        """Run ``jobs`` and return their trials in index order."""
        if not jobs:
            return []
        if self.client is not None:
            if self._shipped is None:
                # sent once to every worker rather than with every task (a notebook objective carries its data)
                self._shipped = self.client.scatter(self.objective, broadcast=True, hash=False)
            trials = run_dask(self._shipped, jobs, self.client, self.threads, self._on_done)
        elif self.n_jobs > 1 and (len(jobs) > 1 or self._pool is not None):
            pool = self._process_pool()
            trials = _collect({pool.submit(_run_in_worker, job): job for job in jobs}, self._on_done)
        else:
            trials = []
            for job in jobs:
                # threads_per_trial is for workers: in this process the user's own setting stays
                trials.append(run_trial(self.objective, job))
                self._on_done(trials[-1])
        return sorted(trials, key=lambda t: t.index)
