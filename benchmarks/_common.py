"""Shared helpers for the benchmarks in this folder.

Thread counts must be fixed before NumPy or PyTorch load their BLAS/OpenMP runtimes, so every
script starts with::

    import _common
    THREADS = _common.early_thread_env()   # reads --threads N from sys.argv, sets env vars
    import numpy as np                      # only now
    ...
    threads = _common.set_threads(THREADS, torch=torch_or_None)   # and prints them

This module imports nothing heavy at module level for that reason.
"""
from __future__ import annotations

import json
import os
import platform
import statistics
import subprocess
import sys
import time
from typing import Any, Callable, Dict, List, Optional, Sequence

HERE = os.path.dirname(os.path.abspath(__file__))
RESULTS_DIR = os.path.join(HERE, "results")


# ------------------------------------------------------------------------------------------ threads

def early_thread_env(default: int = 1) -> int:
    """Read ``--threads N`` (and ``--omp-wait-policy P``) from sys.argv and export the variables
    that OpenBLAS, MKL and OpenMP read when they load. Must run before numpy/torch are imported."""
    n = default
    policy = "PASSIVE"
    argv = sys.argv[1:]
    for i, a in enumerate(argv):
        if a == "--threads" and i + 1 < len(argv):
            n = int(argv[i + 1])
        elif a.startswith("--threads="):
            n = int(a.split("=", 1)[1])
        elif a == "--omp-wait-policy" and i + 1 < len(argv):
            policy = argv[i + 1].upper()
        elif a.startswith("--omp-wait-policy="):
            policy = a.split("=", 1)[1].upper()
    if "numpy" in sys.modules or "torch" in sys.modules:
        print("warning: numpy/torch imported before early_thread_env(); env vars may be ignored",
              file=sys.stderr)
    for var in ("OMP_NUM_THREADS", "OPENBLAS_NUM_THREADS", "MKL_NUM_THREADS"):
        os.environ[var] = str(n)
    # PASSIVE (default here): idle OpenMP workers sleep instead of spinning, so they do not steal
    # the core that OpenBLAS's pthreads (or the Python thread) need. --omp-wait-policy ACTIVE or
    # UNSET to compare (UNSET leaves libgomp's default: spin a while, then sleep).
    if policy == "UNSET":
        os.environ.pop("OMP_WAIT_POLICY", None)
    else:
        os.environ["OMP_WAIT_POLICY"] = policy
    return n


def set_threads(n: int, torch: Any = None, verbose: bool = True) -> Dict[str, Any]:
    """Set the thread count of every library explicitly (env vars were set by early_thread_env),
    then read back and print what each one actually uses."""
    import xgrad

    xgrad.set_num_threads(n)
    limiter = None
    try:
        from threadpoolctl import threadpool_limits

        # Covers NumPy's bundled scipy-openblas and xgrad's system OpenBLAS alike. Kept alive for
        # the whole run (it restores the old limits when garbage-collected only if used as a
        # context manager; here we simply keep a reference).
        limiter = threadpool_limits(limits=n)
    except ImportError:
        pass
    if torch is not None:
        torch.set_num_threads(n)
    report: Dict[str, Any] = {
        "requested": n,
        "xgrad_openblas": xgrad._core.blas_num_threads(),
        "env": {k: os.environ.get(k) for k in ("OMP_NUM_THREADS", "OPENBLAS_NUM_THREADS", "MKL_NUM_THREADS",
                                                "OMP_WAIT_POLICY", "OPENBLAS_CORETYPE")},
    }
    try:
        from threadpoolctl import threadpool_info

        report["threadpools"] = [
            {"lib": os.path.basename(p.get("filepath", "?")), "api": p.get("internal_api"),
             "threads": p.get("num_threads"), "arch": p.get("architecture"), "version": p.get("version")}
            for p in threadpool_info()
        ]
    except ImportError:
        report["threadpools"] = "threadpoolctl not installed (env vars only)"
    if torch is not None:
        report["torch_intraop"] = torch.get_num_threads()
    set_threads._limiter = limiter  # keep the limiter alive
    if verbose:
        print(f"threads: requested {n}; xgrad OpenBLAS {report['xgrad_openblas']}"
              + (f"; torch intra-op {report['torch_intraop']}" if torch is not None else ""))
        if isinstance(report["threadpools"], list):
            for p in report["threadpools"]:
                print(f"  {p['lib']} ({p['api']}, {p['arch'] or '-'}): {p['threads']} threads")
        print("  env: " + " ".join(f"{k}={v}" for k, v in report["env"].items() if v is not None))
    return report


# ------------------------------------------------------------------------------------------ timing

def time_samples(fn: Callable[[], Any], warmup: int, repeat: int, inner: int = 1) -> List[float]:
    """Seconds per call: ``repeat`` samples, each the mean over ``inner`` back-to-back calls
    (inner > 1 for microsecond ops, so the clock's own cost does not dominate)."""
    for _ in range(warmup):
        fn()
    out = []
    clock = time.perf_counter
    for _ in range(repeat):
        t0 = clock()
        for _ in range(inner):
            fn()
        out.append((clock() - t0) / inner)
    return out


def median_ms(fn: Callable[[], Any], warmup: int = 20, repeat: int = 200, inner: int = 1) -> float:
    """Median wall time of ``fn()`` in milliseconds."""
    return 1e3 * statistics.median(time_samples(fn, warmup, repeat, inner))


def summary(samples_s: Sequence[float], scale: float = 1e3) -> Dict[str, float]:
    """Median and quartiles of samples given in seconds, scaled (1e3: ms, 1e6: us)."""
    s = sorted(samples_s)
    q = statistics.quantiles(s, n=4) if len(s) >= 2 else [s[0]] * 3
    return {"median": scale * statistics.median(s), "q1": scale * q[0], "q3": scale * q[2],
            "min": scale * s[0], "n": len(s)}


# ------------------------------------------------------------------------------------------ load

def _cpu_times():
    with open("/proc/stat") as f:
        v = [int(x) for x in f.readline().split()[1:]]
    idle = v[3] + (v[4] if len(v) > 4 else 0)
    return sum(v), idle


def cpu_busy(seconds: float = 0.5) -> float:
    """Fraction of all cores busy over ``seconds`` while this process sleeps: other people's load."""
    try:
        meter = OtherLoad()
        time.sleep(seconds)
        return meter.fraction()
    except OSError:
        return float("nan")


class OtherLoad:
    """Measures how busy the CPUs were because of *other* processes over a block of work: system
    busy time minus this process's own CPU time (all its threads), as a fraction of all CPUs.
    Resolution is a clock tick (10 ms), so use it on blocks of a few hundred ms or more."""

    def __init__(self) -> None:
        self._start = self._snap()

    @staticmethod
    def _snap():
        total, idle = _cpu_times()
        with open("/proc/self/stat") as f:
            fields = f.read().rsplit(")", 1)[1].split()
        own = int(fields[11]) + int(fields[12])  # utime + stime, clock ticks, all threads
        return total, idle, own

    def fraction(self) -> float:
        try:
            t0, i0, o0 = self._start
            t1, i1, o1 = self._snap()
            total = max(1, t1 - t0)
            return max(0.0, ((total - (i1 - i0)) - (o1 - o0)) / total)
        except (OSError, TypeError):
            return float("nan")


def wait_for_quiet(max_wait_s: float, threshold: float = 0.15, verbose: bool = True) -> float:
    """Sleep (up to ``max_wait_s``) until other processes use less than ``threshold`` of the CPUs;
    returns the last busy fraction measured. Timings taken next to a compiler are not worth much."""
    deadline = time.time() + max_wait_s
    busy = cpu_busy()
    announced = False
    while busy > threshold and time.time() < deadline:
        if verbose and not announced:
            print(f"waiting for the machine to go quiet (other load {busy:.0%} of {os.cpu_count()} CPUs)...",
                  flush=True)
            announced = True
        time.sleep(2.0)
        busy = cpu_busy()
    if verbose and busy > threshold:
        print(f"WARNING: other processes use {busy:.0%} of the CPUs: timings are unreliable", flush=True)
    return busy


# ------------------------------------------------------------------------------------------ machine

def _cpu_model() -> str:
    try:
        with open("/proc/cpuinfo") as f:
            for line in f:
                if line.startswith("model name"):
                    return line.split(":", 1)[1].strip()
    except OSError:
        pass
    return platform.processor() or "unknown CPU"


def _cpu_flags() -> str:
    try:
        with open("/proc/cpuinfo") as f:
            for line in f:
                if line.startswith("flags"):
                    flags = set(line.split(":", 1)[1].split())
                    isa = [x for x in ("avx2", "fma", "avx512f", "avx512_bf16", "amx_tile") if x in flags]
                    return "+".join(isa) or "no avx2"
    except OSError:
        pass
    return "?"


def _git_rev(src_dir: str) -> str:
    """Commit of the work tree that ``src_dir`` (the imported xgrad package) lives in, "+dirty" when
    its cpp/ or python/ has uncommitted changes (the built core may then differ from any commit)."""
    try:
        top = subprocess.run(["git", "-C", src_dir, "rev-parse", "--show-toplevel"], capture_output=True,
                             text=True, timeout=5).stdout.strip()
        rev = subprocess.run(["git", "-C", src_dir, "rev-parse", "--short", "HEAD"], capture_output=True,
                             text=True, timeout=5).stdout.strip()
        dirty = subprocess.run(["git", "-C", top, "status", "--porcelain", "--", "cpp", "python"],
                               capture_output=True, text=True, timeout=5).stdout.strip()
        return (rev or "?") + ("+dirty" if dirty else "")
    except Exception:
        return "?"


def machine(torch: Any = None) -> Dict[str, Any]:
    """What the numbers depend on: CPU, cores, and each library's BLAS."""
    import numpy as np
    import xgrad

    info: Dict[str, Any] = {
        "cpu": _cpu_model(),
        "isa": _cpu_flags(),
        "nproc": os.cpu_count(),
        "affinity": len(os.sched_getaffinity(0)) if hasattr(os, "sched_getaffinity") else None,
        "python": platform.python_version(),
        "python_executable": sys.executable,
        "xgrad": getattr(xgrad, "__version__", "?"),
        # Several work trees may share one interpreter: say which xgrad was imported.
        "xgrad_source": os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(xgrad.__file__)))),
        "xgrad_core": getattr(xgrad._core, "__file__", "?"),
        "xgrad_git": _git_rev(os.path.dirname(os.path.abspath(xgrad.__file__))),
        "xgrad_blas": xgrad.blas_info(),
        "numpy": np.__version__,
    }
    try:
        so = xgrad._core.__file__
        info["xgrad_core_built"] = time.strftime("%Y-%m-%d %H:%M", time.localtime(os.path.getmtime(so)))
    except Exception:
        pass
    # NumPy's BLAS: threadpoolctl sees the library actually loaded; show_config says what it was built with.
    numpy_blas = None
    try:
        from threadpoolctl import threadpool_info

        for p in threadpool_info():
            if p.get("user_api") == "blas" and "numpy" in p.get("filepath", ""):
                numpy_blas = f"{p.get('internal_api')} {p.get('version')} ({p.get('architecture')})"
    except ImportError:
        pass
    if numpy_blas is None:
        try:
            cfg = np.show_config(mode="dicts")
            blas = cfg["Build Dependencies"]["blas"]
            numpy_blas = f"{blas.get('name')} {blas.get('version')}"
        except Exception:
            numpy_blas = "unknown"
    info["numpy_blas"] = numpy_blas
    if torch is None:
        import importlib.util

        info["torch"] = "not used" if importlib.util.find_spec("torch") is not None else "absent"
    else:
        info["torch"] = torch.__version__
        try:
            cfg = torch.__config__.show()
            info["torch_blas"] = "MKL" if "BLAS_INFO=mkl" in cfg else ("OpenBLAS" if "BLAS_INFO=open" in cfg else "?")
            info["torch_cpu_capability"] = torch.backends.cpu.get_cpu_capability()
        except Exception:
            pass
    return info


def machine_line(info: Dict[str, Any]) -> str:
    b = info["xgrad_blas"]
    torch_part = (f"torch {info['torch']} ({info.get('torch_blas', '?')}, {info.get('torch_cpu_capability', '?')})"
                  if info["torch"] not in ("absent", "not used") else f"torch {info['torch']}")
    return (f"{info['cpu']} [{info['isa']}], nproc {info['nproc']}; Python {info['python']} ({info['python_executable']}); "
            f"xgrad {info['xgrad']} from {info['xgrad_source']} @{info['xgrad_git']}, core built {info.get('xgrad_core_built', '?')} (OpenBLAS core {b['corename']}, SIMD variant {b.get('simd_variant', '?')} = {b.get('simd_arch', '?')}); "
            f"numpy {info['numpy']} ({info['numpy_blas']}); {torch_part}")


def import_torch(skip: bool = False) -> Any:
    """torch, or None (with a printed note) when absent or skipped with --no-torch."""
    if skip:
        print("note: PyTorch skipped (--no-torch)")
        return None
    try:
        import torch
    except ImportError:
        print("note: PyTorch is not installed; its rows are skipped")
        return None
    return torch


# ------------------------------------------------------------------------------------------ output

def markdown_table(headers: Sequence[str], rows: Sequence[Sequence[Any]], align: Optional[str] = None) -> str:
    """A GitHub Markdown table; floats printed with 3 significant digits-ish. ``align`` is one
    character per column, 'l' or 'r' (default: first left, rest right)."""
    def fmt(v: Any) -> str:
        if v is None:
            return "-"
        if isinstance(v, float):
            if v != v:
                return "-"
            if abs(v) >= 100:
                return f"{v:.0f}"
            if abs(v) >= 10:
                return f"{v:.1f}"
            return f"{v:.2f}"
        return str(v)

    align = align or ("l" + "r" * (len(headers) - 1))
    lines = ["| " + " | ".join(headers) + " |",
             "|" + "|".join(":---" if a == "l" else "---:" for a in align) + "|"]
    for r in rows:
        lines.append("| " + " | ".join(fmt(v) for v in r) + " |")
    return "\n".join(lines)


def write_result(name: str, payload: Dict[str, Any]) -> str:
    """Write ``benchmarks/results/<name>.json`` (git-ignored) and return its path."""
    os.makedirs(RESULTS_DIR, exist_ok=True)
    path = os.path.join(RESULTS_DIR, f"{name}.json")
    payload = dict(payload)
    payload.setdefault("timestamp", time.strftime("%Y-%m-%dT%H:%M:%S"))
    payload.setdefault("argv", sys.argv)
    with open(path, "w") as f:
        json.dump(payload, f, indent=2, default=str)
    return path
