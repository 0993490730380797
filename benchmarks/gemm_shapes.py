"""The eight float32 gemms of one 784-512-512-10 MLP step (batch 128), timed alone with each
library's BLAS: xgrad (its OpenBLAS, through ``xgrad._core.matmul`` on transposed views, which go
to gemm with transpose flags), NumPy (its bundled scipy-openblas), PyTorch (MKL). Their sum is the
BLAS floor of a step; a step's time minus this floor is everything else (elementwise ops, loss,
reductions, allocation, autograd, Python).

    python benchmarks/gemm_shapes.py --threads 1

Shapes in PyTorch's layout (W is (out, in)); "g_k" is the gradient at layer k's output.
"""
import _common

THREADS = _common.early_thread_env(default=1)

import argparse  # noqa: E402

import numpy as np  # noqa: E402

import xgrad  # noqa: E402
from xgrad import _core  # noqa: E402

B = 128
# name, A shape, B shape, transpose A?, transpose B?  (product = op(A) @ op(B))
GEMMS = [
    ("fwd  X @ W1^T   128x784 . 784x512", (B, 784), (512, 784), False, True),
    ("fwd  h1 @ W2^T  128x512 . 512x512", (B, 512), (512, 512), False, True),
    ("fwd  h2 @ W3^T  128x512 . 512x10", (B, 512), (10, 512), False, True),
    ("bwd  g3^T @ h2  10x128 . 128x512", (B, 10), (B, 512), True, False),
    ("bwd  g3 @ W3    128x10 . 10x512", (B, 10), (10, 512), False, False),
    ("bwd  g2^T @ h1  512x128 . 128x512", (B, 512), (B, 512), True, False),
    ("bwd  g2 @ W2    128x512 . 512x512", (B, 512), (512, 512), False, False),
    ("bwd  g1^T @ X   512x128 . 128x784", (B, 512), (B, 784), True, False),
]


def main():
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--threads", type=int, default=1)
    ap.add_argument("--repeat", type=int, default=300)
    ap.add_argument("--no-torch", action="store_true")
    ap.add_argument("--wait-quiet", type=float, default=60.0,
                    help="seconds to wait for other processes to go idle before timing (default 60)")
    ap.add_argument("--omp-wait-policy", default="PASSIVE", type=str.upper,
                    choices=["PASSIVE", "ACTIVE", "UNSET"])
    ap.add_argument("--retries", type=int, default=4)
    ap.add_argument("--max-other-load", type=float, default=0.10)
    ap.add_argument("--name", default=None)
    args = ap.parse_args()

    torch = _common.import_torch(args.no_torch)
    threads = _common.set_threads(THREADS, torch=torch)
    info = _common.machine(torch)
    print("machine:", _common.machine_line(info))
    busy_before = _common.wait_for_quiet(args.wait_quiet)

    rng = np.random.default_rng(0)
    xgrad.set_grad_enabled(False)
    libs = ["xgrad", "numpy"] + (["torch"] if torch is not None else [])
    calls = []  # per gemm: {lib: callable}
    results = []
    for name, sa, sb, ta, tb in GEMMS:
        a = rng.standard_normal(sa, dtype=np.float32)
        b = rng.standard_normal(sb, dtype=np.float32)
        xa, xb = xgrad.tensor(a), xgrad.tensor(b)
        xa_op = xa.T if ta else xa
        xb_op = xb.T if tb else xb
        na = a.T if ta else a
        nb = b.T if tb else b
        out = np.empty((na.shape[0], nb.shape[1]), np.float32)
        ref = na @ nb
        got = np.asarray(_core.matmul(xa_op, xb_op))
        assert np.allclose(got, ref, rtol=1e-4, atol=1e-3), name
        c = {"xgrad": (lambda xa_op=xa_op, xb_op=xb_op: _core.matmul(xa_op, xb_op)),
             "numpy": (lambda na=na, nb=nb, out=out: np.matmul(na, nb, out=out))}
        if torch is not None:
            ta_t, tb_t = torch.from_numpy(a), torch.from_numpy(b)
            ta_op = ta_t.t() if ta else ta_t
            tb_op = tb_t.t() if tb else tb_t
            tout = torch.empty(out.shape)
            c["torch"] = lambda ta_op=ta_op, tb_op=tb_op, tout=tout: torch.mm(ta_op, tb_op, out=tout)
        calls.append(c)
        results.append({"gemm": name, "gflop": 2.0 * na.shape[0] * na.shape[1] * nb.shape[1] / 1e9})
    # Library by library (so one library's idle worker threads never sit next to another's),
    # re-running a measurement that other processes disturbed.
    disturbed = 0
    for lib in libs:
        for r, c in zip(results, calls):
            for attempt in range(args.retries + 1):
                meter = _common.OtherLoad()
                ms = _common.median_ms(c[lib], 20, args.repeat)
                other = meter.fraction()
                if other <= args.max_other_load or attempt == args.retries:
                    break
                disturbed += 1
                _common.wait_for_quiet(args.wait_quiet, verbose=False)
            r[lib] = ms
            r[lib + "_other_load"] = other
    tot = {lib: sum(r[lib] for r in results) for lib in libs}
    rows = []
    for r in results:
        row = [r["gemm"], r["xgrad"], r["numpy"]]
        if torch is not None:
            row += [r["torch"], r["xgrad"] / r["torch"]]
        row += [r["gflop"] / (r["xgrad"] / 1e3)]
        rows.append(row)
    xgrad.set_grad_enabled(True)
    busy_after = _common.cpu_busy()
    total = ["sum of the 8 gemms", tot["xgrad"], tot["numpy"]]
    if torch is not None:
        total += [tot["torch"], tot["xgrad"] / tot["torch"]]
    gflop = sum(r["gflop"] for r in results)
    total += [gflop / (tot["xgrad"] / 1e3)]
    rows.append(total)

    print(f"\n### The gemms of one MLP step, float32, {THREADS} thread(s), ms (median of {args.repeat})\n")
    headers = ["gemm", "xgrad (OpenBLAS)", "numpy (scipy-openblas)"]
    if torch is not None:
        headers += ["torch (MKL)", "xgrad / torch"]
    headers += ["xgrad GFLOP/s"]
    print(_common.markdown_table(headers, rows))
    print("\nxgrad's time includes its output allocation (caching allocator) and the pybind11 call; "
          "NumPy and PyTorch write into a preallocated out=.")
    print("machine:", _common.machine_line(info))
    print(f"other load on the CPUs: {busy_before:.0%} before, {busy_after:.0%} after the timing; "
          f"{disturbed} disturbed measurement(s) re-run")
    path = _common.write_result(args.name or f"gemm_shapes_t{THREADS}", {
        "benchmark": "gemm_shapes", "threads": threads, "machine": info, "results_ms": results,
        "totals_ms": tot, "other_cpu_load": {"before": busy_before, "after": busy_after},
        "omp_wait_policy": args.omp_wait_policy,
    })
    print(f"wrote {path}")


if __name__ == "__main__":
    main()
