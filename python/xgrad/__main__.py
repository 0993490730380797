"""``python -m xgrad``: what a bug report needs to say about this installation."""
from __future__ import annotations

import os
import platform
import sys

import numpy as np

import xgrad
from xgrad import _core, _simd


def report() -> str:
    """Version, commit, build type and flags, SIMD level, BLAS library and kernel, threads."""
    build = dict(_core.build_info)
    blas = xgrad.blas_info()
    built, runnable = _simd.built_variants(), _simd.runnable_variants()
    chosen = f"; chosen by XGRAD_SIMD={os.environ['XGRAD_SIMD']}" if os.environ.get("XGRAD_SIMD") else ""
    lines = [
        f"xgrad {xgrad.__version__} (commit {build['commit'] or 'unknown'}) at {xgrad.__file__.rsplit('/', 1)[0]}",
        f"core: {build['build_type']} build by {build['compiler']}, -march={build['march'] or '(compiler default)'}"
        f"{', sanitized' if build['sanitized'] else ''} ({_core.__file__})",
        f"SIMD: variant {build['variant']} ({_simd.DESCRIPTION.get(build['variant'], '?')}), {build['simd_arch']} "
        f"kernels (xsimd {'on' if blas['simd'] else 'off'}); built: {', '.join(built)}; this CPU runs: "
        f"{', '.join(runnable)}{chosen}",
        f"BLAS: OpenBLAS, kernel {blas['corename']}, {blas['blas_threads']} thread(s)",
        f"threads: {blas['threads']} for xgrad's parallel loops",
        f"Python {platform.python_version()} ({sys.executable}), NumPy {np.__version__}, {platform.platform()}",
    ]
    return "\n".join(lines)


if __name__ == "__main__":
    print(report())
