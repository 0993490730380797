"""tools/bench_summary.py on synthetic result files shaped like the ones benchmarks/*.py write
(the payloads they pass to _common.write_result): rows, ratios, stale files, unknown schemas, failures."""
import importlib.util
import json
import os
import sys
import time
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent


@pytest.fixture(scope="module")
def bs():
    spec = importlib.util.spec_from_file_location("bench_summary", ROOT / "tools" / "bench_summary.py")
    module = importlib.util.module_from_spec(spec)
    sys.modules["bench_summary"] = module
    try:
        spec.loader.exec_module(module)
    finally:
        del sys.modules["bench_summary"]
    return module


SINCE = float(int(time.time()) - 1000)  # the run "started" here
FRESH = SINCE + 10
OLD = SINCE - 3600

MACHINE = {
    "cpu": "Test CPU", "isa": "avx2+fma", "nproc": 2, "affinity": 2, "python": "3.11.7",
    "python_executable": "/usr/bin/python3", "xgrad": "0.1.0", "xgrad_source": "/src", "xgrad_core": "/src/_core.so",
    "xgrad_git": "abc1234", "xgrad_blas": {"corename": "Haswell", "blas_threads": 1, "threads": 1, "simd": True,
                                           "simd_variant": "avx2", "simd_arch": "fma3+avx2"},
    "numpy": "2.4.6", "xgrad_core_built": "2026-01-01 00:00", "numpy_blas": "openblas 0.3.31 (Haswell)",
    "torch": "2.13.0+cpu", "torch_blas": "MKL", "torch_cpu_capability": "AVX2",
}
MACHINE_NO_TORCH = {k: v for k, v in MACHINE.items() if not k.startswith("torch")} | {"torch": "not used"}
THREADS = {"requested": 1, "xgrad_openblas": 1, "env": {"OMP_NUM_THREADS": "1"}, "threadpools": [],
           "torch_intraop": 1}


def s(median):
    """_common.summary's shape."""
    return {"median": median, "q1": median * 0.9, "q3": median * 1.1, "min": median * 0.8, "n": 3}


def payloads():
    """file stem -> payload, one per benchmark, as each script builds it."""
    return {
        "mlp_step_t1": {
            "benchmark": "mlp_step",
            "config": {"sizes": [784, 512, 512, 10], "batch": 128, "lr": 0.01, "momentum": 0.9, "dtype": "float32",
                       "repeat": 3, "warmup": 1, "rounds": 1, "seed": 0, "libs": "xgrad,numpy,torch",
                       "omp_wait_policy": "PASSIVE"},
            "threads": THREADS, "machine": MACHINE, "agreement": {"ok": True},
            "results_ms": {"xgrad": {"step": s(8.0), "forward": s(2.0), "backward": s(3.0), "update": s(0.5)},
                           "numpy": {"step": s(4.0), "forward": s(2.5), "backward": s(1.0), "update": s(0.25)},
                           "torch": {"step": s(10.0), "forward": s(4.0), "backward": s(5.0), "update": s(2.0)}},
            "per_round_step_ms": {}, "blocks": [], "ratios": {"xgrad/numpy": 2.0, "xgrad/torch": 0.8},
        },
        "mnist_epoch_t1": {
            "benchmark": "mnist_epoch",
            "config": {"sizes": [784, 256, 128, 10], "batch": 128, "lr": 1e-3, "optimizer": "Adam", "batchnorm": True,
                       "rounds": 2, "seed": 0, "data": "MNIST", "omp_wait_policy": "PASSIVE"},
            "threads": THREADS, "machine": MACHINE, "agreement": {"ok": True},
            "results": {"xgrad Trainer": {"epoch_s": [1.0, 1.0], "median_epoch_s": 1.0, "samples_per_s": 60000.0},
                        "xgrad loop": {"epoch_s": [0.9, 0.9], "median_epoch_s": 0.9, "samples_per_s": 66666.7},
                        "torch loop": {"epoch_s": [2.0, 2.0], "median_epoch_s": 2.0, "samples_per_s": 30000.0}},
            "blocks": [],
        },
        "op_overhead_t1": {
            "benchmark": "op_overhead", "config": {"inner": 200, "repeat": 51, "numel": 4},
            "threads": THREADS, "machine": MACHINE,
            "results_us": {"add": {"numpy_fwd": 0.5, "xgrad_fwd_nograd": 1.0, "xgrad_fwd_graph": 1.5,
                                   "xgrad_fwd_bwd": 4.0, "xgrad_core_fwd_bwd": 3.0, "torch_fwd_nograd": 2.0,
                                   "torch_fwd_graph": 3.0, "torch_fwd_bwd": 16.0},
                           "_reference": {"python_lambda_call": 0.05}},
        },
        "gemm_shapes_t1": {
            "benchmark": "gemm_shapes", "threads": THREADS, "machine": MACHINE, "omp_wait_policy": "PASSIVE",
            "results_ms": [{"gemm": "fwd  X @ W1^T   128x784 . 784x512", "gflop": 0.1, "xgrad": 1.0, "numpy": 1.25,
                            "torch": 2.0, "xgrad_other_load": 0.0, "numpy_other_load": 0.0, "torch_other_load": 0.0},
                           {"gemm": "bwd  g3 @ W3    128x10 . 10x512", "gflop": 0.001, "xgrad": 0.5, "numpy": 0.75,
                            "torch": 1.0, "xgrad_other_load": 0.0, "numpy_other_load": 0.0, "torch_other_load": 0.0}],
            "totals_ms": {"xgrad": 1.5, "numpy": 2.0, "torch": 3.0},
        },
        "augment_t1": {
            "benchmark": "augment",
            "config": {"batch": 128, "padding": 4, "jitter": 0.4, "degrees": 15.0, "repeat": 2, "warmup": 1,
                       "rounds": 1, "seed": 0, "data": "uniform noise"},
            "threads": THREADS, "machine": MACHINE, "agreement": {"pipeline numpy": 0.0},
            "results_ms": {"pipeline/xgrad": s(3.0), "pipeline/numpy": s(9.0), "rotation/xgrad": s(2.0),
                           "rotation/numpy": s(16.0), "rotation/scipy": s(25.0), "rotation/torch": s(4.0)},
            "blocks": [], "torchvision": "absent",
        },
        "conv_algorithms_t1": {  # no "benchmark" field: known by its file name
            "threads": 1, "machine": MACHINE,
            "rows": [{"shape": [64, 32, 16, 16, 64], "gemm_ms": 20.0, "winograd_ms": 16.0, "torch_ms": 10.0,
                      "auto": "winograd", "gflop": 0.7, "auto_ms": 16.0}],
        },
        "simd_variants": {
            "machine": MACHINE_NO_TORCH, "threads": 1, "rounds": 3, "repeat": 30, "reference": "avx2",
            "simd_arch": {"avx512": "avx512bw", "avx2": "fma3+avx2"},
            "median_ms": {"avx512": {"exp 1M": 0.15}, "avx2": {"exp 1M": 0.25}},
            "samples_ms": {}, "default_variant": "avx512",
        },
        "cnn_step_t1": {
            "benchmark": "cnn_step", "config": {"batch": 64, "dtype": "float32", "reps": 30, "warmup": 3},
            "threads": {"requested": 1, "xgrad_openblas": 1, "torch_intraop": 1, "omp_wait_policy": "PASSIVE"},
            "machine": MACHINE,
            "results_ms": [{"workload": "CNN step fwd+bwd (64x3x32x32)", "xgrad": 30.0, "torch": 40.0},
                           {"workload": "BatchNorm2d(32) fwd+bwd (64x32x32x32)", "xgrad": 3.0, "torch": None}],
            "breakdown_ms": None,
        },
        "cnn_epoch_t1": {
            "threads": 1, "rounds": 2, "epochs": 2, "machine": MACHINE,
            "workloads": {"cnn": {"title": "CIFAR-size CNN epoch", "xgrad": {"epoch_s": 1.5, "peak_rss_mb": 150.0},
                                  "torch": {"epoch_s": 2.0, "peak_rss_mb": 500.0}}},
        },
        "scaling_t1": {
            "threads": 1, "machine": MACHINE,
            "rows": [{"kind": "mlp", "width": 512, "batch": 32, "xgrad_ms": 2.0, "torch_ms": 8.0, "gflop": 0.1}],
        },
        "optim_step_t1-2": {
            "benchmark": "optim_step", "config": {"n": 1000, "reps": 2, "dtype": "float32", "bytes_per_param": {}},
            "threads": {"requested": [1, 2], "omp_wait_policy": "PASSIVE"}, "machine": MACHINE,
            "steps": [{"update": "adam", "implementation": "xgrad", "threads": 2, "ms": 1.0, "gb_per_s": 1.0},
                      {"update": "adam", "implementation": "torch default", "threads": 2, "ms": 4.0, "gb_per_s": 1.0},
                      {"update": "adam", "implementation": "torch foreach=True", "threads": 2, "ms": 2.0,
                       "gb_per_s": 1.0}],
            "trace": {"problem": "rosenbrock", "start": [-1.5, 2.0], "steps": 10000, "lr": 1e-3, "threads": 2,
                      "median_of": 20, "ms": {"adam": 1.25}},
        },
    }


def write(folder, stem, payload, when, timestamp=None):
    """What _common.write_result does, with the file's time (mtime and "timestamp" field) set to ``when``."""
    path = folder / f"{stem}.json"
    payload = dict(payload, timestamp=time.strftime("%Y-%m-%dT%H:%M:%S", time.localtime(timestamp or when)),
                   argv=[f"benchmarks/{stem}.py"])
    path.write_text(json.dumps(payload))
    os.utime(path, (when, when))
    return path


@pytest.fixture
def run(tmp_path):
    """A results folder holding one fresh file per benchmark, plus stale, unknown and broken ones."""
    for stem, payload in payloads().items():
        write(tmp_path, stem, payload, FRESH)
    # an earlier run: old mtime and timestamp; and one copied since (new mtime, old timestamp)
    old = dict(payloads()["gemm_shapes_t1"], totals_ms={"xgrad": 99.0, "numpy": 1.0, "torch": 1.0})
    write(tmp_path, "gemm_shapes_t2", old, OLD)
    write(tmp_path, "mlp_step_t2", payloads()["mlp_step_t1"], FRESH, timestamp=OLD)
    write(tmp_path, "mnist_epoch_t2", payloads()["mnist_epoch_t1"], OLD)
    # this run, but not understood
    write(tmp_path, "mystery", {"benchmark": "mystery", "seconds": 1.0}, FRESH)
    write(tmp_path, "op_overhead_t2", {"benchmark": "op_overhead", "threads": THREADS}, FRESH)
    (tmp_path / "broken.json").write_text("{not json")
    os.utime(tmp_path / "broken.json", (FRESH, FRESH))
    return tmp_path


def find(rows, benchmark, workload_part):
    hits = [r for r in rows if r["benchmark"] == benchmark and workload_part in r["workload"]]
    assert len(hits) == 1, (workload_part, [r["workload"] for r in rows if r["benchmark"] == benchmark])
    return hits[0]


def test_rows_and_ratios(bs, run):
    out = bs.summarise(str(run), SINCE)
    rows, others = out["rows"], out["other_rows"]

    step = find(rows, "mlp_step", ": train step")
    assert (step["xgrad"], step["numpy"], step["torch"]) == (8.0, 4.0, 10.0)
    assert step["xgrad_over_torch"] == pytest.approx(0.8) and step["xgrad_over_numpy"] == pytest.approx(2.0)
    assert step["unit"] == "ms" and step["threads"] == 1
    upd = find(rows, "mlp_step", "update + zero_grad")
    assert upd["xgrad_over_torch"] == pytest.approx(0.25) and upd["xgrad_over_numpy"] == pytest.approx(2.0)
    assert len([r for r in rows if r["benchmark"] == "mlp_step"]) == 4

    trainer = find(rows, "mnist_epoch", "xgrad Trainer vs torch")
    assert trainer["xgrad_over_torch"] == pytest.approx(0.5) and trainer["numpy"] is None and trainer["unit"] == "s"
    assert find(rows, "mnist_epoch", "xgrad hand loop vs")["xgrad_over_torch"] == pytest.approx(0.45)
    assert find(others, "mnist_epoch", "MNIST")["ratio"] == pytest.approx(1.0 / 0.9)

    ops = [r for r in rows if r["benchmark"] == "op_overhead"]
    assert len(ops) == 3 and all(r["unit"] == "us" for r in ops)  # the "_reference" entry is no row
    assert find(ops, "op_overhead", "fwd + sum + backward")["xgrad_over_torch"] == pytest.approx(0.25)
    nograd = find(ops, "op_overhead", "no_grad")
    assert nograd["xgrad_over_numpy"] == pytest.approx(2.0) and nograd["xgrad_over_torch"] == pytest.approx(0.5)
    assert find(ops, "op_overhead", "graph recorded")["xgrad_over_numpy"] is None

    gemms = [r for r in rows if r["benchmark"] == "gemm_shapes"]
    assert len(gemms) == 3  # two gemms and their sum
    total = find(gemms, "gemm_shapes", "sum of the 2 gemms")
    assert total["xgrad_over_torch"] == pytest.approx(0.5) and total["xgrad_over_numpy"] == pytest.approx(0.75)
    assert find(gemms, "gemm_shapes", "g3 @ W3")["xgrad_over_numpy"] == pytest.approx(2 / 3)

    pipe = find(rows, "augment", "colour jitter")
    assert pipe["torch"] is None and pipe["xgrad_over_numpy"] == pytest.approx(1 / 3)
    rot = find(rows, "augment", "rotation")
    assert rot["xgrad_over_torch"] == pytest.approx(0.5) and rot["xgrad_over_numpy"] == pytest.approx(0.125)
    scipy = find(others, "augment", "rotation")
    assert scipy["against"] == "scipy" and scipy["ratio"] == pytest.approx(0.08)

    conv = find(rows, "conv_algorithms", "(64, 32, 16, 16, 64)")
    assert conv["xgrad"] == 16.0 and conv["xgrad_over_torch"] == pytest.approx(1.6)
    assert find(others, "conv_algorithms", "(64, 32, 16, 16, 64)")["ratio"] == pytest.approx(0.8)

    simd = find(others, "simd_variants", "exp 1M")
    assert "avx512" in simd["label"] and "avx2" in simd["against"] and simd["ratio"] == pytest.approx(0.6)

    assert find(rows, "cnn_step", "CNN step")["xgrad_over_torch"] == pytest.approx(0.75)
    bn = find(rows, "cnn_step", "BatchNorm2d")
    assert bn["torch"] is None and bn["xgrad_over_torch"] is None

    epoch = find(rows, "cnn_epoch", "CIFAR-size CNN epoch: epoch")
    assert epoch["unit"] == "s" and epoch["xgrad_over_torch"] == pytest.approx(0.75)
    memory = find(rows, "cnn_epoch", "peak resident memory")
    assert memory["unit"] == "MB" and memory["xgrad_over_torch"] == pytest.approx(0.3)

    assert find(rows, "scaling", "W = 512, batch 32")["xgrad_over_torch"] == pytest.approx(0.25)

    default = find(rows, "optim_step", "PyTorch default")
    foreach = find(rows, "optim_step", "PyTorch foreach=True")
    assert default["threads"] == 2 and default["xgrad_over_torch"] == pytest.approx(0.25)
    assert foreach["xgrad_over_torch"] == pytest.approx(0.5)
    trace = find(others, "optim_step", "trace('adam'")
    assert trace["figure"] == 1.25 and trace["ratio"] is None


def test_stale_files_are_ignored(bs, run):
    out = bs.summarise(str(run), SINCE)
    summarised = {x["file"] for x in out["rows"] + out["other_rows"]} | {n["file"] for n in out["not_understood"]}
    assert not any(name in f for f in summarised for name in ("gemm_shapes_t2", "mlp_step_t2", "mnist_epoch_t2"))
    assert sorted(out["stale_ignored"]) == ["gemm_shapes_t2.json", "mlp_step_t2.json", "mnist_epoch_t2.json"]
    # the stale total (xgrad 99 ms) would have given a second "sum of the 2 gemms" row
    assert len([r for r in out["rows"] if "sum of the" in r["workload"]]) == 1


def test_unknown_and_broken_files_are_listed(bs, run):
    out = bs.summarise(str(run), SINCE)
    reasons = {os.path.basename(n["file"]): n["reason"] for n in out["not_understood"]}
    assert set(reasons) == {"mystery.json", "op_overhead_t2.json", "broken.json"}
    assert "no parser" in reasons["mystery.json"]
    assert "op_overhead parser" in reasons["op_overhead_t2.json"] and "results_us" in reasons["op_overhead_t2.json"]
    assert "unreadable" in reasons["broken.json"]
    md = bs.render(out)
    assert "## Result files not summarised" in md
    assert all(name in md for name in reasons)


def test_failed_and_silent_benchmarks(bs, run):
    ran = ["benchmarks/mlp_step.py", "benchmarks/mnist_epoch.py", "benchmarks/quiet.py", "benchmarks/mystery.py"]
    out = bs.summarise(str(run), SINCE, ran=ran, failed=["benchmarks/mnist_epoch.py"], command="make bench")
    status = {b["script"]: b["status"] for b in out["benchmarks"]}
    assert status["benchmarks/mlp_step.py"] == "ok"
    assert status["benchmarks/mnist_epoch.py"] == "FAILED"
    assert status["benchmarks/quiet.py"] == "ok, wrote no result file"
    assert status["benchmarks/mystery.py"].startswith("ok, result not summarised")
    # results of benchmarks that were not among the scripts are still summarised, and said to be so
    assert any(b["script"] is None and "conv_algorithms" in b["status"] for b in out["benchmarks"])
    md = bs.render(out)
    assert "**FAILED in this run: benchmarks/mnist_epoch.py**" in md
    assert "| benchmarks/mnist_epoch.py | FAILED |" in md


def test_markdown_and_json_files(bs, run):
    out_dir = run / "out"
    assert bs.main(["--since", str(SINCE), "--results", str(run), "--out", str(out_dir), "--quiet",
                    "--command", "make bench", "--ran", "benchmarks/mlp_step.py"]) == 0
    md = (out_dir / "summary.md").read_text().splitlines()
    data = json.loads((out_dir / "summary.json").read_text())
    assert md[0] == "# Benchmark summary" and md[2].startswith("Command: `make bench`")
    # the machine line at the top: one that loaded torch, so simd_variants' "torch not used" is no difference
    assert md[4] == "Machine: Test CPU [avx2+fma], nproc 2; Python 3.11.7 (/usr/bin/python3); xgrad 0.1.0 from /src " \
                    "@abc1234, core built 2026-01-01 00:00 (OpenBLAS core Haswell, SIMD variant avx2 = fma3+avx2); " \
                    "numpy 2.4.6 (openblas 0.3.31 (Haswell)); torch 2.13.0+cpu (MKL, AVX2)"
    assert data["machines_differing"] == []
    assert ("| mlp_step | MLP 784-512-512-10, batch 128, SGD momentum: train step | 1 | ms | 8.00 | 4.00 | 10.0 "
            "| 0.800 | 2.00 |  |") in md
    assert len(data["rows"]) == 4 + 2 + 3 + 3 + 2 + 1 + 2 + 2 + 2 + 1   # ..., cnn_epoch: time and memory; scaling
    # the summary files in the results folder are never read back as results
    bs.main(["--since", str(SINCE), "--results", str(out_dir), "--quiet"])
    again = json.loads((out_dir / "summary.json").read_text())
    assert again["rows"] == [] and again["not_understood"] == [] and again["stale_ignored"] == []


def test_a_different_machine_is_named(bs, run):
    write(run, "cnn_step_t2", dict(payloads()["cnn_step_t1"], machine=dict(MACHINE, cpu="Other CPU")), FRESH)
    out = bs.summarise(str(run), SINCE)
    assert [os.path.basename(d["file"]) for d in out["machines_differing"]] == ["cnn_step_t2.json"]
    assert "Other CPU" in bs.render(out)


def test_figures_are_printed_to_three_significant_digits(bs):
    assert [bs.fmt(v) for v in (123.4, 12.34, 1.234, 0.1234, 0.01234, 0.99996, 3, None, float("nan"))] == \
        ["123", "12.3", "1.23", "0.123", "0.0123", "1.00", "3", "-", "-"]
