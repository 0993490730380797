"""The portable build: one core per SIMD level (CMakeLists.txt), the fastest one the CPU runs loaded at
import (xgrad/_simd.py), each variant correct on its own, and the lower variants free of the
instructions they must not use, down to running on an emulated CPU without AVX."""
from __future__ import annotations

import importlib.util
import os
import re
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

import xgrad
from xgrad import _simd

from subprocess_cases import TESTS, child_env, describe_exit

LOADED = xgrad._core.build_info["variant"]
BUILT = _simd.built_variants()
RUNNABLE = _simd.runnable_variants()
# The forward-vs-NumPy and gradient checks of every op and layer: what a variant must pass.
CORRECTNESS_FILES = ["test_ops.py", "test_gradcheck.py", "test_layers.py", "test_numerics.py",
                     "test_optim_torch.py", "test_optim_rules.py"]   # the rules fuse (or not) per variant


def module_path(variant: str) -> Path:
    spec = importlib.util.find_spec(f"xgrad._core_{variant}")
    assert spec is not None and spec.origin, variant
    return Path(spec.origin)


def variant_free_env() -> dict:
    """The child environment without a forced SIMD variant, and without OPENBLAS_CORETYPE: a
    machine that pins OpenBLAS to its own kernel (e.g. Haswell) would make NumPy's OpenBLAS
    execute AVX2 on an emulated CPU that has none (SIGILL in numpy's import-time sanity check)."""
    return {k: v for k, v in child_env().items() if k not in ("XGRAD_SIMD", "OPENBLAS_CORETYPE")}


def run_python(code: str, env_extra: dict, prefix=(), timeout: float = 600) -> subprocess.CompletedProcess:
    env = variant_free_env()
    env.update(env_extra)
    return subprocess.run([*prefix, sys.executable, "-c", code], env=env, capture_output=True, text=True,
                          timeout=timeout)


# --- choosing a variant (pure) ---

def test_choose_variant_takes_the_fastest_the_cpu_runs():
    assert _simd.choose_variant(["baseline", "avx2", "avx512"], lambda v: True, None) == "avx512"
    assert _simd.choose_variant(["baseline", "avx2", "avx512"], lambda v: v != "avx512", None) == "avx2"
    assert _simd.choose_variant(["avx512", "baseline"], lambda v: v == "baseline", None) == "baseline"
    assert _simd.choose_variant(["native"], lambda v: True, None) == "native"


def test_choose_variant_honours_a_request_and_explains_a_bad_one():
    assert _simd.choose_variant(["baseline", "avx2", "avx512"], lambda v: True, "baseline") == "baseline"
    with pytest.raises(ImportError, match=r"XGRAD_SIMD='sse9' is not a SIMD variant; known: native, avx512"):
        _simd.choose_variant(["baseline"], lambda v: True, "sse9")
    with pytest.raises(ImportError, match=r"XGRAD_SIMD='native', but this installation holds only the avx2, baseline"):
        _simd.choose_variant(["baseline", "avx2"], lambda v: True, "native")
    with pytest.raises(ImportError, match=r"XGRAD_SIMD='avx512' needs x86-64-v4.*this CPU lacks; it runs: avx2, baseline"):
        _simd.choose_variant(["baseline", "avx2", "avx512"], lambda v: v != "avx512", "avx512")


def test_choose_variant_without_a_usable_core_says_what_to_do():
    with pytest.raises(ImportError, match="no compiled core found"):
        _simd.choose_variant([], lambda v: True, None)
    with pytest.raises(ImportError, match="runs none of the built cores .avx512.; rebuild with XGRAD_NATIVE=ON"):
        _simd.choose_variant(["avx512"], lambda v: False, None)


# --- what this installation loaded ---

def test_the_loaded_core_is_the_fastest_runnable_one_or_the_requested_one():
    assert BUILT, "no _core_<variant> module found"
    assert LOADED == (os.environ.get("XGRAD_SIMD") or RUNNABLE[0])
    assert Path(xgrad._core.__file__) == module_path(LOADED)
    assert xgrad.blas_info()["simd_variant"] == LOADED


def test_the_portable_build_holds_every_level_on_x86_64():
    if "native" in BUILT:
        pytest.skip("a single-variant native build (XGRAD_NATIVE=ON), as make sanitize makes")
    if _cpu_machine() != "x86_64":
        assert BUILT == ["baseline"]
    else:
        assert BUILT == ["avx512", "avx2", "baseline"]
        assert "baseline" in RUNNABLE


def _cpu_machine() -> str:
    from xgrad import _cpu
    return _cpu.machine


@pytest.mark.parametrize("variant", [v for v in BUILT if v != LOADED])
def test_every_other_built_variant_passes_the_op_and_layer_checks(variant):
    """The suite runs on the loaded variant; each other built one gets the op, gradient and layer checks
    in a child process that loads it with XGRAD_SIMD (or, if this CPU cannot run it, refuses it)."""
    env = dict(child_env(), XGRAD_SIMD=variant, XGRAD_QUICK="1")
    if variant not in RUNNABLE:
        child = subprocess.run([sys.executable, "-c", "import xgrad"], env=env, capture_output=True, text=True)
        assert child.returncode == 1 and f"XGRAD_SIMD='{variant}' needs" in child.stderr, child.stderr[-2000:]
        return
    files = [str(TESTS / f) for f in CORRECTNESS_FILES]
    child = subprocess.run([sys.executable, "-m", "pytest", "-q", "-x", "-p", "no:cacheprovider", *files],
                           env=env, capture_output=True, text=True, timeout=900)
    assert child.returncode == 0, f"{variant}: {describe_exit(child.returncode)}\n{child.stdout[-4000:]}"
    assert re.search(r"\d+ passed", child.stdout), child.stdout[-2000:]
    probe = subprocess.run([sys.executable, "-c", "import xgrad; print(xgrad._core.build_info['variant'])"],
                           env=env, capture_output=True, text=True)
    assert probe.stdout.strip() == variant


# --- instructions each variant may use ---

def _instructions(path: Path) -> list:
    out = subprocess.run(["objdump", "-d", "--no-show-raw-insn", str(path)], capture_output=True, text=True,
                         check=True).stdout
    return [line.split("\t", 1)[1] for line in out.splitlines() if line.startswith(" ") and "\t" in line]


needs_objdump = pytest.mark.skipif(shutil.which("objdump") is None, reason="objdump (binutils) is not installed")


@needs_objdump
def test_baseline_core_and_cpu_probe_use_no_avx_instructions():
    """VEX/EVEX-encoded instructions (AVX and later) fault on an x86-64 CPU without AVX: the baseline
    core and the module that probes the CPU hold none (OpenBLAS picks its kernels at run time itself)."""
    if "baseline" not in BUILT or _cpu_machine() != "x86_64":
        pytest.skip(f"no x86-64 baseline variant in this build ({', '.join(BUILT)})")
    from xgrad import _cpu
    for path in (module_path("baseline"), Path(_cpu.__file__)):
        vex = [i for i in _instructions(path) if re.match(r"v\w+\s.*%[xyz]mm", i) or "%ymm" in i or "%zmm" in i]
        assert not vex, f"{path.name} uses AVX instructions, e.g. {vex[:3]}"


@needs_objdump
def test_avx2_core_uses_no_avx512_registers_and_avx512_core_does():
    if not {"avx2", "avx512"} <= set(BUILT):
        pytest.skip(f"this build has not both the avx2 and avx512 variants ({', '.join(BUILT)})")
    avx2 = _instructions(module_path("avx2"))
    assert not [i for i in avx2 if "%zmm" in i or re.search(r"%k[1-7]", i)], "avx2 core uses AVX-512"
    assert sum("%ymm" in i for i in avx2) > 1000  # and it is vectorised for AVX2 at all
    assert sum("%zmm" in i for i in _instructions(module_path("avx512"))) > 1000


# --- on a CPU without AVX (emulated) ---

QEMU = shutil.which("qemu-x86_64")
needs_qemu = pytest.mark.skipif(QEMU is None, reason="qemu-user is not installed (apt-get install qemu-user; "
                                                   "make test installs it)")
WORKLOAD = """
import numpy as np, xgrad
from xgrad import nn
xgrad.manual_seed(0)
x = xgrad.tensor(np.linspace(-3, 3, 2 * 3 * 8 * 8, dtype=np.float32).reshape(2, 3, 8, 8), requires_grad=True)
net = nn.Sequential(nn.Conv2d(3, 4, 3, padding=1), nn.BatchNorm2d(4), nn.ReLU(), nn.Flatten(), nn.Linear(256, 5))
loss = nn.functional.cross_entropy(net(x.tanh().exp()), xgrad.tensor([1, 3]))
loss.backward()
print(xgrad._core.build_info["variant"], repr(float(loss)), repr(float(x.grad.abs().sum())))
"""


@needs_qemu
@pytest.mark.parametrize("cpu, expected", [("Nehalem", "baseline"), ("Haswell", "avx2")])
def test_an_older_cpu_loads_the_variant_it_runs_and_computes_the_same(cpu, expected):
    if _cpu_machine() != "x86_64" or not {"baseline", "avx2"} <= set(BUILT):
        pytest.skip(f"needs the x86-64 portable build ({', '.join(BUILT)})")
    emulated = run_python(WORKLOAD, {}, prefix=(QEMU, "-cpu", cpu))
    assert emulated.returncode == 0, f"{cpu}: {describe_exit(emulated.returncode)}\n{emulated.stderr[-3000:]}"
    variant, loss, grad = emulated.stdout.split()
    assert variant == expected
    native = run_python(WORKLOAD, {"XGRAD_SIMD": expected})
    assert native.returncode == 0, native.stderr[-3000:]
    n_variant, n_loss, n_grad = native.stdout.split()
    # the same code on the same data; only OpenBLAS's kernel (chosen per CPU) may round differently
    assert float(loss) == pytest.approx(float(n_loss), rel=1e-5)
    assert float(grad) == pytest.approx(float(n_grad), rel=1e-4)


@needs_qemu
def test_a_cpu_without_avx2_refuses_the_avx2_core_with_an_import_error():
    if "avx2" not in BUILT:
        pytest.skip(f"no avx2 variant in this build ({', '.join(BUILT)})")
    child = run_python("import xgrad", {"XGRAD_SIMD": "avx2"}, prefix=(QEMU, "-cpu", "Nehalem"))
    assert child.returncode == 1, describe_exit(child.returncode)
    assert "XGRAD_SIMD='avx2' needs x86-64-v3: AVX2, FMA, which this CPU lacks; it runs: baseline" in child.stderr


@needs_qemu
@pytest.mark.slow
def test_every_op_matches_numpy_on_a_cpu_without_avx():
    """test_ops.py (every op's forward against NumPy across dtypes) under an emulated Nehalem: the
    baseline core is correct where it is the only one that runs (about a minute under emulation)."""
    if "baseline" not in BUILT or _cpu_machine() != "x86_64":
        pytest.skip(f"no x86-64 baseline variant in this build ({', '.join(BUILT)})")
    env = variant_free_env()
    env["XGRAD_QUICK"] = "1"
    probe = subprocess.run([QEMU, "-cpu", "Nehalem", sys.executable, "-c", "import xgrad; print(xgrad._core.__file__)"],
                           env=env, capture_output=True, text=True, timeout=300)
    assert Path(probe.stdout.strip()) == module_path("baseline"), probe.stderr[-2000:]
    child = subprocess.run([QEMU, "-cpu", "Nehalem", sys.executable, "-m", "pytest", "-q", "-x", "-p",
                            "no:cacheprovider", str(TESTS / "test_ops.py")], env=env, capture_output=True,
                           text=True, timeout=1200)
    assert child.returncode == 0, f"{describe_exit(child.returncode)}\n{child.stdout[-4000:]}"
    assert re.search(r"\d+ passed", child.stdout), child.stdout[-2000:]
