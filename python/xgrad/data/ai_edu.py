"""Microsoft ai-edu's own files for its chapter 15 (optimisation): the course's data and saved
initial weights, and its shuffle, so the chapter's published numbers can be reproduced exactly.

The files are byte-exact copies from the public repository microsoft/ai-edu (MIT licence), looked
for in an ``ai-edu/`` folder of the data roots (``root``, ``$XGRAD_DATA``, the cache folder,
``/usr/share/datasets``); ``ai-edu/README.md`` there gives each experiment's recipe.
"""
from __future__ import annotations

import os
from typing import Optional, Tuple, Union

import numpy as np

from .datasets import DatasetNotFoundError, search_paths

__all__ = ["ai_edu_dir", "load_ch04", "load_ch09", "load_ch09_init", "CourseShuffle"]

PathLike = Union[str, os.PathLike]


def ai_edu_dir(root: Optional[PathLike] = None) -> str:
    """The ``ai-edu/`` folder of the first data root that has one."""
    tried = []
    for _, place in search_paths(root):
        folder = os.path.join(place, "ai-edu")
        tried.append(folder)
        if os.path.isfile(os.path.join(folder, "X04.dat")):
            return folder
    raise DatasetNotFoundError("xgrad.data.ai_edu: the ai-edu chapter 15 files (X04.dat, ...) not found. "
                               "Searched:\n" + "\n".join(f"  {t}" for t in tried)
                               + "\nPass root=<folder holding ai-edu/>, or set $XGRAD_DATA.")


def load_ch04(root: Optional[PathLike] = None) -> Tuple[np.ndarray, np.ndarray]:
    """ai-edu's 200-sample linear-regression set (y ≈ 2x + 3) used by chapter 15.4, in file
    order: ``x, y``, float64 arrays of shape (200,)."""
    folder = ai_edu_dir(root)
    return np.load(os.path.join(folder, "X04.dat")), np.load(os.path.join(folder, "Y04.dat"))


def load_ch09(root: Optional[PathLike] = None) -> Tuple[np.ndarray, np.ndarray, np.ndarray, np.ndarray]:
    """ai-edu's chapter-9 curve (1,000 training and 200 test samples of one input, one output) used
    by chapters 15.2 and 15.3, in file order: ``x_train, y_train, x_test, y_test``, float64 arrays
    of shape (n, 1)."""
    folder = ai_edu_dir(root)
    train = np.load(os.path.join(folder, "ch09.train.npz"))
    test = np.load(os.path.join(folder, "ch09.test.npz"))
    return train["data"], train["label"], test["data"], test["label"]


def load_ch09_init(level: str, root: Optional[PathLike] = None) -> Tuple[np.ndarray, np.ndarray]:
    """The saved Xavier weights of the course's 1-3-1 network for chapter 15's ``level2`` (15.2)
    or ``level3`` (15.3) scripts: ``w1`` of shape (1, 3) and ``w2`` of shape (3, 1), applied as
    ``x @ w`` (the course's biases start at 0)."""
    if level not in ("level2", "level3"):
        raise ValueError(f"load_ch09_init: level must be 'level2' or 'level3', got {level!r}")
    folder = os.path.join(ai_edu_dir(root), "init", level)
    w1 = np.load(os.path.join(folder, "w_1_3_Xavier_init.npz"))["weights"]
    w2 = np.load(os.path.join(folder, "w_3_1_Xavier_init.npz"))["weights"]
    return w1, w2


class CourseShuffle:
    """ai-edu's ``DataReader.Shuffle``, once per epoch::

        s = np.random.randint(0, 100); np.random.seed(s); X = np.random.permutation(X)
        np.random.seed(s); Y = np.random.permutation(Y)

    on a private legacy ``RandomState`` (the global NumPy state is left alone). The first ``s``
    is ``first_seed`` (65 for chapter 15.4's published run); each later one is drawn from the
    state the previous shuffle left, so one object carries the course's seed chain across runs
    made one after another in one process."""

    def __init__(self, first_seed: Optional[int] = None):
        self._state = np.random.RandomState()
        self._next: Optional[int] = first_seed
        self.seeds: list[int] = []   # every s used, in order

    def __call__(self, x: np.ndarray, y: np.ndarray) -> Tuple[np.ndarray, np.ndarray]:
        s = self._next if self._next is not None else int(self._state.randint(0, 100))
        self._next = None
        self.seeds.append(s)
        self._state.seed(s)
        xp = self._state.permutation(x)
        self._state.seed(s)
        yp = self._state.permutation(y)
        return xp, yp
