"""Hyperparameter search: grid, random and coarse-to-fine (CS231n "Neural Networks 3").

    import xgrad
    from xgrad.search import LogUniform, random_search, coarse_to_fine

    def objective(params):                      # train briefly, return the validation accuracy
        ...
        return val_acc                          # or {"score": val_acc, "train_acc": ...}

    space = {"lr": LogUniform(1e-4, 1e0), "reg": LogUniform(1e-6, 1e-1), "hidden": [32, 64]}
    results = random_search(objective, space, n_trials=20, seed=0, n_jobs=2)
    print(results.to_markdown(top=5)); results.best.params

The lectures' procedure: sample the learning rate and regularisation strength log-uniformly (random
search, not a grid: Bergstra & Bengio 2012), train each configuration for a short time, then narrow
the ranges around the best ones and train longer (``coarse_to_fine``).

Execution backends: ``n_jobs=1`` (this process), ``n_jobs=k`` worker processes
(``concurrent.futures.ProcessPoolExecutor`` with the ``forkserver`` context), or ``client=`` a
``dask.distributed.Client``. An objective defined in a notebook cell works with every backend: it
is sent to the workers with cloudpickle (by value), since a freshly started worker process cannot
import a function from the notebook's ``__main__``. Each trial runs after
``xgrad.manual_seed(trial.seed)``, a seed derived from the search's seed and the trial's index, so
results are identical on every backend and in any order.
"""
from .execution import derive_seed
from .results import SearchResults, Trial
from .space import Choice, Distribution, IntUniform, LogUniform, Uniform
from .strategies import coarse_to_fine, grid_search, random_search

__all__ = [
    "grid_search", "random_search", "coarse_to_fine", "LogUniform", "Uniform", "IntUniform", "Choice",
    "Distribution", "SearchResults", "Trial", "derive_seed",
]
