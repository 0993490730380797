"""The compute backend: threads for OpenBLAS and xgrad's parallel loops, and what was compiled in."""
from __future__ import annotations

from . import _checks as check
from . import _core


def set_num_threads(n: int) -> None:
    """Threads for OpenBLAS and for xgrad's parallel loops (optimizer updates); default: all
    hardware threads. Like ``torch.set_num_threads``."""
    _core.set_num_threads(check.integer(n, "n", "set_num_threads", low=1, high=2 ** 31 - 1))


def get_num_threads() -> int:
    """Threads xgrad's parallel loops use (see ``set_num_threads``)."""
    return _core.get_num_threads()


def blas_info() -> dict:
    """The BLAS kernel and threads in use, and whether xsimd vectorisation is compiled in."""
    return {"corename": _core.blas_corename(), "blas_threads": _core.blas_num_threads(),
            "threads": _core.get_num_threads(), "simd": bool(_core.simd)}
