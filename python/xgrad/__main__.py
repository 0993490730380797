"""``python -m xgrad``: what a bug report needs to say about this installation."""
from __future__ import annotations

import platform
import sys

import numpy as np

import xgrad
from xgrad import _core


def report() -> str:
    """Version, commit, build type and flags, SIMD level, BLAS library and kernel, threads."""
    build = dict(_core.build_info)
    blas = xgrad.blas_info()
    lines = [
        f"xgrad {xgrad.__version__} (commit {build['commit'] or 'unknown'}) at {xgrad.__file__.rsplit('/', 1)[0]}",
        f"core: {build['build_type']} build by {build['compiler']}, -march={build['march'] or '(none: baseline)'}"
        f"{', sanitized' if build['sanitized'] else ''}",
        f"SIMD: {build['simd_arch']} kernels (xsimd {'on' if blas['simd'] else 'off'})",
        f"BLAS: OpenBLAS, kernel {blas['corename']}, {blas['blas_threads']} thread(s)",
        f"threads: {blas['threads']} for xgrad's parallel loops",
        f"Python {platform.python_version()} ({sys.executable}), NumPy {np.__version__}, {platform.platform()}",
    ]
    return "\n".join(lines)


if __name__ == "__main__":
    print(report())
