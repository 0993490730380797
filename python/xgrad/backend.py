"""The compute backend: threads for OpenBLAS and xgrad's parallel loops, and what was compiled in."""
from __future__ import annotations

import os

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
    """The BLAS kernel and threads in use, whether xsimd vectorisation is compiled in, and which SIMD
    variant of the core was loaded (``simd_variant``: baseline, avx2, avx512 or native; see ``python -m xgrad``)."""
    return {"corename": _core.blas_corename(), "blas_threads": _core.blas_num_threads(),
            "threads": _core.get_num_threads(), "simd": bool(_core.simd),
            "simd_variant": _core.build_info["variant"], "simd_arch": _core.build_info["simd_arch"]}


def _threads_from_environment() -> None:
    """``XGRAD_NUM_THREADS=n`` sets both xgrad's loops and OpenBLAS at import (``OPENBLAS_NUM_THREADS``
    alone sets only OpenBLAS): how ``tools/run_lectures.py --threads n`` runs a notebook with n threads."""
    value = os.environ.get("XGRAD_NUM_THREADS")
    if value:
        try:
            n = int(value)
        except ValueError:
            raise ValueError(f"XGRAD_NUM_THREADS must be a positive integer, got {value!r}") from None
        set_num_threads(n)


_threads_from_environment()
