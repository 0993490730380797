"""The compute backend: threads for OpenBLAS and xgrad's parallel loops, and what was compiled in."""
from __future__ import annotations

import contextlib
import os
from typing import Iterator, Sequence, Union

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


_CONV_ALGORITHMS = ("auto", "gemm", "winograd")


def set_conv_algorithm(name: str) -> None:
    """How ``conv2d`` computes the convolutions Winograd can do (3x3 kernel, stride 1, dilation 1,
    groups 1), forward and backward: ``"auto"`` (default: Winograd F(2x2, 3x3) where
    ``benchmarks/conv_algorithms.py`` measured it faster than im2col + gemm: at least 16 input and
    16 output channels on one thread, 128 and 128 on more, see ``set_num_threads``), ``"gemm"`` or
    ``"winograd"``. Every other convolution uses gemm.
    Both round alike: against a float64 result, float32 forward, dx and dw are within about 5e-7 of
    the largest value for 64 channels, by either algorithm (tests/test_backend.py bounds it at 1e-5)."""
    _core.set_conv_algorithm(check.choice(name, "name", "set_conv_algorithm", _CONV_ALGORITHMS))


def get_conv_algorithm() -> str:
    """The setting of ``set_conv_algorithm``: "auto", "gemm" or "winograd"."""
    return _core.conv_algorithm()


@contextlib.contextmanager
def conv_algorithm(name: str) -> Iterator[None]:
    """``with xgrad.backend.conv_algorithm("gemm"): ...`` runs the block under that setting and
    restores the previous one (forward and the backward run inside the block use it)."""
    previous = get_conv_algorithm()
    set_conv_algorithm(name)
    try:
        yield
    finally:
        set_conv_algorithm(previous)


def conv_algorithm_for(input_shape: Sequence[int], weight_shape: Sequence[int], stride: Union[int, Sequence[int]] = 1,
                       padding: Union[int, Sequence[int]] = 0, dilation: Union[int, Sequence[int]] = 1,
                       groups: int = 1) -> str:
    """The algorithm ``conv2d`` runs for these shapes under the current setting: "gemm" or "winograd"."""
    owner = "conv_algorithm_for"
    dims = lambda shape, name: [check.integer(d, name, owner, low=0) for d in shape]
    pair = lambda v, name: ([check.integer(a, name, owner) for a in v] if isinstance(v, (tuple, list))
                            else [check.integer(v, name, owner)] * 2)
    return _core.conv_algorithm_for(dims(input_shape, "input_shape"), dims(weight_shape, "weight_shape"),
                                    pair(stride, "stride"), pair(padding, "padding"), pair(dilation, "dilation"),
                                    check.integer(groups, "groups", owner))


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
