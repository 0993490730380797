"""xgrad's one random generator (like ``torch.random``): seeding it, saving and restoring its
state, and the draws every random part of xgrad makes from it (init, dropout, augmentation,
shuffling). ``xgrad.manual_seed(n)`` makes a run repeatable bit for bit."""
from __future__ import annotations

from typing import Any

import numpy as np

from . import _checks as check
from . import _core
from ._tensor.creation import _make
from ._tensor.dtypes import Tensor


def manual_seed(seed: int) -> None:
    """Seed the one generator behind every random draw (init, dropout, augmentation, shuffling)."""
    # The state is 64 bits: a seed >= 2**64 masked into it would silently equal a smaller one.
    _core.manual_seed(check.seed(seed, "seed", "manual_seed"))


def get_rng_state() -> bytes:
    """The generator's state, to restore with ``set_rng_state`` (checkpoints resume bit for bit)."""
    return _core.get_rng_state()


def set_rng_state(state: bytes) -> None:
    """Restore a state returned by ``get_rng_state``."""
    if not isinstance(state, (bytes, bytearray)):
        raise check.type_error("set_rng_state", "state", "the bytes returned by get_rng_state()", state)
    _core.set_rng_state(bytes(state))


def randn(*size: Any, dtype: Any = None, requires_grad: bool = False, device: Any = None) -> Tensor:
    """Samples of N(0, 1) from xgrad's generator (``xgrad.manual_seed`` makes them repeatable)."""
    return _make(_core.randn, size, dtype, requires_grad, device=device, op="randn")


def rand(*size: Any, dtype: Any = None, requires_grad: bool = False, device: Any = None) -> Tensor:
    """Samples of U[0, 1) from xgrad's generator."""
    return _make(_core.rand, size, dtype, requires_grad, device=device, op="rand")


def randperm(n: int) -> np.ndarray:
    """A random permutation of ``0..n-1`` as a NumPy int64 array, from xgrad's generator (used for
    shuffling; ``xgrad.manual_seed`` makes it repeatable)."""
    return _core.randperm(check.nonnegative_int(n, "n", "randperm"))


def randint(low: int, high: int, size: int) -> np.ndarray:
    """``size`` integers uniform in ``[low, high)`` as a NumPy int64 array, from xgrad's generator."""
    low = check.integer(low, "low", "randint")
    high = check.integer(high, "high", "randint")
    if high <= low:
        raise ValueError(f"randint: high must be > low, got low={low}, high={high}")
    return _core.randint(low, high, check.nonnegative_int(size, "size", "randint"))
