"""The portable build's SIMD variants against each other: the same workloads run by each built variant
of the core (XGRAD_SIMD=<variant>, one child process each, rounds interleaved so a busy core hurts all
alike), as medians and ratios against the avx2 variant (the flags of the former -march=x86-64-v3
build). ``--also NAME=DIR`` adds another xgrad tree (DIR holds its package, e.g. a worktree's
python/), to compare with an earlier build.

    python benchmarks/simd_variants.py --threads 1 --rounds 5
    python benchmarks/simd_variants.py --also before=/tmp/old/python
"""
from __future__ import annotations

import _common

THREADS = _common.early_thread_env()

import argparse  # noqa: E402
import json  # noqa: E402
import os  # noqa: E402
import statistics  # noqa: E402
import subprocess  # noqa: E402
import sys  # noqa: E402

HERE = os.path.dirname(os.path.abspath(__file__))


def workloads():
    """name -> (callable, description); built inside the child, after xgrad is imported."""
    import numpy as np
    import xgrad
    from xgrad import nn, optim
    import xgrad.nn.functional as F

    xgrad.manual_seed(0)
    rng = np.random.default_rng(0)
    big = xgrad.tensor(rng.standard_normal(1 << 20).astype(np.float32))
    other = xgrad.tensor(rng.standard_normal(1 << 20).astype(np.float32))
    logits = xgrad.tensor(rng.standard_normal((512, 1000)).astype(np.float32), requires_grad=True)
    labels = xgrad.tensor(rng.integers(0, 1000, 512))

    def softmax_ce():
        F.cross_entropy(logits, labels).backward()

    adam_params = [nn.Parameter(xgrad.tensor(rng.standard_normal(1 << 20).astype(np.float32)))]
    for p in adam_params:
        p.grad = xgrad.tensor(rng.standard_normal(1 << 20).astype(np.float32))
    adam = optim.Adam(adam_params, lr=1e-3)

    conv = nn.Conv2d(32, 64, 3, padding=1)
    conv_x = xgrad.tensor(rng.standard_normal((32, 32, 16, 16)).astype(np.float32), requires_grad=True)

    def conv_step():
        conv(conv_x).sum().backward()

    bn = nn.BatchNorm1d(1024)
    bn_x = xgrad.tensor(rng.standard_normal((512, 1024)).astype(np.float32), requires_grad=True)

    def bn_step():
        bn(bn_x).sum().backward()

    mlp = nn.Sequential(nn.Linear(784, 512), nn.ReLU(), nn.Linear(512, 512), nn.ReLU(), nn.Linear(512, 10))
    sgd = optim.SGD(mlp.parameters(), lr=0.01, momentum=0.9)
    mlp_x = xgrad.tensor(rng.standard_normal((128, 784)).astype(np.float32))
    mlp_y = xgrad.tensor(rng.integers(0, 10, 128))

    def mlp_step():
        sgd.zero_grad()
        F.cross_entropy(mlp(mlp_x), mlp_y).backward()
        sgd.step()

    return {
        "exp 1M": (lambda: big.exp(), "float32 exp of 2^20 elements"),
        "tanh 1M": (lambda: big.tanh(), "float32 tanh of 2^20 elements"),
        "sigmoid 1M": (lambda: big.sigmoid(), "float32 sigmoid of 2^20 elements"),
        "add 1M": (lambda: big + other, "float32 add of 2^20 elements"),
        "softmax-CE 512x1000 fwd+bwd": (softmax_ce, "cross_entropy forward and backward"),
        "Adam step 1M": (adam.step, "one Adam update of 2^20 parameters"),
        "Conv2d 32->64 3x3 fwd+bwd": (conv_step, "batch 32, 16x16"),
        "BatchNorm1d(1024) fwd+bwd": (bn_step, "batch 512"),
        "MLP 784-512-512-10 step": (mlp_step, "batch 128, SGD momentum"),
    }


def child(repeat: int) -> None:
    import xgrad
    _common.set_threads(THREADS, verbose=False)
    results = {"variant": xgrad._core.build_info.get("variant", "single (pre-dispatch build)"),
               "simd_arch": xgrad._core.build_info["simd_arch"], "ms": {}}
    for name, (fn, _) in workloads().items():
        results["ms"][name] = _common.median_ms(fn, warmup=5, repeat=repeat)
    print(json.dumps(results))


def run_child(env_extra: dict, repeat: int) -> dict:
    env = dict(os.environ, **env_extra)
    out = subprocess.run([sys.executable, os.path.abspath(__file__), "--child", "--threads", str(THREADS),
                          "--repeat", str(repeat)], env=env, capture_output=True, text=True)
    if out.returncode != 0:
        raise SystemExit(f"child {env_extra} failed:\n{out.stderr[-3000:]}")
    return json.loads(out.stdout.strip().splitlines()[-1])


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--threads", type=int, default=1)
    parser.add_argument("--rounds", type=int, default=3)
    parser.add_argument("--repeat", type=int, default=30)
    parser.add_argument("--also", action="append", default=[], metavar="NAME=DIR")
    parser.add_argument("--child", action="store_true", help=argparse.SUPPRESS)
    parser.add_argument("--omp-wait-policy", default="PASSIVE", help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.child:
        child(args.repeat)
        return

    import xgrad
    from xgrad import _simd
    info = _common.machine()
    print(_common.machine_line(info))
    runs = {v: {"XGRAD_SIMD": v} for v in _simd.runnable_variants()}
    for spec in args.also:
        name, _, tree = spec.partition("=")
        runs[name] = {"PYTHONPATH": os.path.abspath(tree), "XGRAD_SIMD": ""}
    print(f"variants: {', '.join(runs)}; {args.rounds} interleaved rounds, median of {args.repeat} per round, "
          f"{THREADS} thread(s)")
    samples = {name: [] for name in runs}
    arch = {}
    for r in range(args.rounds):
        _common.wait_for_quiet(30, verbose=False)
        for name, env in runs.items():
            result = run_child(env, args.repeat)
            samples[name].append(result["ms"])
            arch[name] = result["simd_arch"]
    workload_names = list(samples[next(iter(runs))][0])
    medians = {name: {w: statistics.median(s[w] for s in samples[name]) for w in workload_names} for name in runs}
    reference = "avx2" if "avx2" in runs else next(iter(runs))
    headers = ["workload"] + [f"{n} ({arch[n]}) ms" for n in runs] + [f"{n} / {reference}" for n in runs
                                                                        if n != reference]
    rows = []
    for w in workload_names:
        row = [w] + [f"{medians[n][w]:.3f}" for n in runs]
        row += [f"{medians[n][w] / medians[reference][w]:.2f}" for n in runs if n != reference]
        rows.append(row)
    print(_common.markdown_table(headers, rows))
    path = _common.write_result("simd_variants", {
        "machine": info, "threads": THREADS, "rounds": args.rounds, "repeat": args.repeat, "reference": reference,
        "simd_arch": arch, "median_ms": medians, "samples_ms": samples,
        "default_variant": xgrad._core.build_info["variant"]})
    print(f"wrote {path}")


if __name__ == "__main__":
    main()
