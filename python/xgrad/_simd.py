"""Which compiled core to load: the build makes one per SIMD level (CMakeLists.txt, XGRAD_VARIANTS),
and at import xgrad loads the fastest one this CPU runs. ``XGRAD_SIMD=<variant>`` picks one by hand
(to compare variants, or to rule one out when reporting a bug).

    python -c "import xgrad; print(xgrad._core.build_info['variant'])"
    XGRAD_SIMD=baseline python -m xgrad
"""
from __future__ import annotations

import importlib.machinery
import importlib.util
import os
import sys
from types import ModuleType
from typing import Callable, Dict, Iterable, List, Optional

# Fastest first. "native" is a single-machine build (XGRAD_NATIVE=ON): it runs where it was built.
VARIANTS = ("native", "avx512", "avx2", "baseline")
# The -march level each variant is compiled for; the CPU must support it (xgrad._cpu.supports).
REQUIRES: Dict[str, Optional[str]] = {"native": None, "avx512": "x86-64-v4", "avx2": "x86-64-v3", "baseline": None}
DESCRIPTION = {
    "native": "-march=native of the build machine",
    "avx512": "x86-64-v4: AVX-512 F/BW/DQ/VL",
    "avx2": "x86-64-v3: AVX2, FMA",
    "baseline": "x86-64: SSE2",
}


def built_variants() -> List[str]:
    """The variants this installation holds, fastest first."""
    return [v for v in VARIANTS if importlib.util.find_spec(f"{__package__}._core_{v}") is not None]


def cpu_runs(variant: str) -> bool:
    """True if this CPU can execute the given variant of the core."""
    level = REQUIRES[variant]
    if level is None:
        return True
    from . import _cpu
    return bool(_cpu.supports(level))


def runnable_variants() -> List[str]:
    """The built variants this CPU runs, fastest first."""
    return [v for v in built_variants() if cpu_runs(v)]


def choose_variant(built: Iterable[str], runs: Callable[[str], bool], requested: Optional[str]) -> str:
    """The variant to load: ``requested`` (``XGRAD_SIMD``) if given, else the fastest built one the CPU
    runs. Raises ImportError saying what is wrong and what would work."""
    built = [v for v in VARIANTS if v in set(built)]
    if not built:
        raise ImportError("xgrad: no compiled core found (xgrad/_core_<variant>.*.so); was xgrad built? "
                          "See the README's Install section.")
    runnable = [v for v in built if runs(v)]
    if requested:
        if requested not in VARIANTS:
            raise ImportError(f"xgrad: XGRAD_SIMD={requested!r} is not a SIMD variant; known: {', '.join(VARIANTS)} "
                              f"(built here: {', '.join(built)})")
        if requested not in built:
            raise ImportError(f"xgrad: XGRAD_SIMD={requested!r}, but this installation holds only the "
                              f"{', '.join(built)} core(s)")
        if requested not in runnable:
            raise ImportError(f"xgrad: XGRAD_SIMD={requested!r} needs {DESCRIPTION[requested]}, which this CPU "
                              f"lacks; it runs: {', '.join(runnable) or 'none'}")
        return requested
    if not runnable:
        raise ImportError(f"xgrad: this CPU runs none of the built cores ({', '.join(built)}); rebuild with "
                          "XGRAD_NATIVE=ON or with the baseline variant")
    return runnable[0]


def load_core() -> ModuleType:
    """Imports the chosen variant as ``xgrad._core`` (every variant's module is named _core inside)."""
    name = f"{__package__}._core"
    if name in sys.modules:
        return sys.modules[name]
    variant = choose_variant(built_variants(), cpu_runs, os.environ.get("XGRAD_SIMD") or None)
    spec = importlib.util.find_spec(f"{__package__}._core_{variant}")
    assert spec is not None and spec.origin is not None
    loader = importlib.machinery.ExtensionFileLoader(name, spec.origin)
    core_spec = importlib.util.spec_from_file_location(name, spec.origin, loader=loader)
    assert core_spec is not None
    module = importlib.util.module_from_spec(core_spec)
    sys.modules[name] = module
    try:
        loader.exec_module(module)
    except BaseException:
        del sys.modules[name]
        raise
    return module


# Loaded when xgrad is imported; the rest of the package imports it as xgrad._core.
core: ModuleType = load_core()
