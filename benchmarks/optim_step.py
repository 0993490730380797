"""One optimizer step over 10M float32 parameters (SGD with momentum, Adam): xgrad against
torch.optim (default single-tensor path and foreach=True), in the same run, threads set
explicitly; effective bandwidth = bytes the update must read and write / time. Then 10,000 steps
of the 2-D tracer on Rosenbrock.

    OMP_WAIT_POLICY=PASSIVE python benchmarks/optim_step.py [--n 10000000] [--reps 20]

The figures are also written to benchmarks/results/optim_step_t<threads>.json (e.g. optim_step_t1-2).
"""
import argparse
import os
import statistics
import time

os.environ.setdefault("OMP_WAIT_POLICY", "PASSIVE")

import numpy as np  # noqa: E402

import _common  # noqa: E402
import xgrad  # noqa: E402

try:
    import torch
except ImportError:  # the comparison is optional
    torch = None

# bytes per parameter the update has to move: float32 reads + writes
TRAFFIC = {"sgd_momentum": (3 + 2) * 4, "adam": (4 + 3) * 4}


def median_time(step, reps):
    step()  # first step allocates state
    times = []
    for _ in range(reps):
        t0 = time.perf_counter()
        step()
        times.append(time.perf_counter() - t0)
    return statistics.median(times)


def xgrad_case(kind, n):
    g = np.random.default_rng(0).standard_normal(n).astype(np.float32) * 1e-3
    p = xgrad.tensor(np.random.default_rng(1).standard_normal(n).astype(np.float32), requires_grad=True)
    p.grad = xgrad.tensor(g)
    opt = xgrad.optim.SGD([p], lr=1e-3, momentum=0.9) if kind == "sgd_momentum" else xgrad.optim.Adam([p], lr=1e-3)
    return opt.step


def torch_case(kind, n, foreach):
    g = torch.from_numpy(np.random.default_rng(0).standard_normal(n).astype(np.float32) * 1e-3)
    p = torch.from_numpy(np.random.default_rng(1).standard_normal(n).astype(np.float32)).requires_grad_()
    p.grad = g
    if kind == "sgd_momentum":
        opt = torch.optim.SGD([p], lr=1e-3, momentum=0.9, foreach=foreach)
    else:
        opt = torch.optim.Adam([p], lr=1e-3, foreach=foreach)
    return opt.step


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--n", type=int, default=10_000_000)
    ap.add_argument("--reps", type=int, default=20)
    ap.add_argument("--threads", type=int, nargs="+", default=[1, 2],
                    help="thread counts; each library is pinned to the same count (xgrad.set_num_threads, "
                         "torch.set_num_threads)")
    args = ap.parse_args()

    info = xgrad.blas_info()
    print(f"xgrad {xgrad.__version__}: OpenBLAS core {info['corename']}, simd={info['simd']}; update loops split "
          f"over xgrad.set_num_threads() threads, at least 256K elements each")
    if torch is not None:
        print(f"torch {torch.__version__}, CPU capability {torch.backends.cpu.get_cpu_capability()}, "
              f"OMP_WAIT_POLICY={os.environ.get('OMP_WAIT_POLICY')}")
    print(f"n = {args.n:,} float32 parameters, median of {args.reps} steps\n")
    print(f"{'update':14s} {'implementation':34s} {'ms/step':>9s} {'GB/s':>7s}")
    steps = []  # what the table prints, for the result file
    for kind in ("sgd_momentum", "adam"):
        rows = []
        for threads in args.threads:
            xgrad.set_num_threads(threads)
            rows.append(("xgrad", threads, f"xgrad, {threads} thread(s)",
                         median_time(xgrad_case(kind, args.n), args.reps)))
            if torch is not None:
                torch.set_num_threads(threads)
                for foreach in (None, True):
                    impl = "torch default" if foreach is None else "torch foreach=True"
                    rows.append((impl, threads, f"{impl}, {threads} thread(s)",
                                 median_time(torch_case(kind, args.n, foreach), args.reps)))
        for impl, threads, label, step_or_time in rows:
            t = step_or_time if isinstance(step_or_time, float) else median_time(step_or_time, args.reps)
            gbs = TRAFFIC[kind] * args.n / t / 1e9
            print(f"{kind:14s} {label:34s} {t * 1e3:9.2f} {gbs:7.1f}")
            steps.append({"update": kind, "implementation": impl, "threads": threads, "ms": t * 1e3,
                          "gb_per_s": gbs})

    traces = {}
    for name in ("adam", "sgd"):
        xgrad.optim.trace(name, "rosenbrock", (-1.5, 2.0), 10, lr=1e-3)
        times = []
        for _ in range(20):
            t0 = time.perf_counter()
            xgrad.optim.trace(name, "rosenbrock", (-1.5, 2.0), 10_000, lr=1e-3)
            times.append(time.perf_counter() - t0)
        traces[name] = statistics.median(times) * 1e3
        print(f"\ntrace('{name}', 'rosenbrock', 10,000 steps): {traces[name]:.2f} ms (median of 20)",
              end="")
    print()
    path = _common.write_result("optim_step_t" + "-".join(str(t) for t in args.threads), {
        "benchmark": "optim_step", "config": {"n": args.n, "reps": args.reps, "dtype": "float32",
                                              "bytes_per_param": TRAFFIC},
        "threads": {"requested": args.threads, "omp_wait_policy": os.environ.get("OMP_WAIT_POLICY")},
        "machine": _common.machine(torch), "steps": steps,
        # the traces run at the last thread count set above
        "trace": {"problem": "rosenbrock", "start": [-1.5, 2.0], "steps": 10_000, "lr": 1e-3,
                  "threads": args.threads[-1], "median_of": 20, "ms": traces},
    })
    print(f"wrote {path}")


if __name__ == "__main__":
    main()
