"""Stride-1 3x3 convolutions, forward + backward (dx and dw), by xgrad's two algorithms and by
PyTorch, in the same run: im2col + gemm, Winograd F(2x2, 3x3), torch.nn.functional.conv2d. The
shapes are the lecture workloads' layers (the CIFAR-size CNN of cnn_step.py, the 32->64 layer the
README quotes); conv.cpp's rule for "auto" was read from them at 1 and 2 threads and from two more
(8 -> 16 and 16 -> 16 channels on 32x32 images: Winograd 1.3x and 0.97x gemm's time on one thread);
--grid adds a grid over channels and image sizes to check it further. Median ms over interleaved repetitions; GFLOP/s counts the direct convolution's
3 x 2 N O C H W 9 flops of forward + backward, whatever the algorithm does.

    python benchmarks/conv_algorithms.py --threads 1
    python benchmarks/conv_algorithms.py --threads 1 --grid      # the grid behind the rule
"""
from __future__ import annotations

import _common

THREADS = _common.early_thread_env()

import argparse  # noqa: E402
import statistics  # noqa: E402
import time  # noqa: E402

import numpy as np  # noqa: E402

import xgrad  # noqa: E402
import xgrad.nn.functional as F  # noqa: E402
from xgrad import _core  # noqa: E402

LECTURE_SHAPES = [  # (N, C, H, W, O): the CNN's two convolutions, the quoted layer, a VGG-ish block
    (64, 3, 32, 32, 32), (64, 32, 16, 16, 64), (64, 32, 32, 32, 32), (64, 64, 8, 8, 128), (32, 128, 8, 8, 128),
]
GRID = [(64, c, s, s, o) for c in (4, 8, 16, 32, 64) for o in (8, 16, 32, 64) for s in (8, 16, 32)]


def timed(fns, reps):
    """Median ms of each function, the functions interleaved so that other load hits all alike."""
    for f in fns:
        f()
    samples = [[] for _ in fns]
    for _ in range(reps):
        for f, acc in zip(fns, samples):
            t = time.perf_counter()
            f()
            acc.append((time.perf_counter() - t) * 1e3)
    return [statistics.median(s) for s in samples]


def case(shape, torch, reps, rng):
    n, c, h, w, o = shape
    x = rng.standard_normal((n, c, h, w)).astype(np.float32)
    k = (rng.standard_normal((o, c, 3, 3)) / np.sqrt(9 * c)).astype(np.float32)
    xt, kt = xgrad.tensor(x, requires_grad=True), xgrad.tensor(k, requires_grad=True)

    def xgrad_step(algorithm):
        def run():
            _core.set_conv_algorithm(algorithm)
            F.conv2d(xt, kt, padding=1).sum().backward()
            xt.grad = kt.grad = None
        return run

    fns = [xgrad_step("gemm"), xgrad_step("winograd")]
    if torch is not None:
        tx, tk = torch.tensor(x, requires_grad=True), torch.tensor(k, requires_grad=True)

        def torch_step():
            torch.nn.functional.conv2d(tx, tk, padding=1).sum().backward()
            tx.grad = tk.grad = None
        fns.append(torch_step)
    times = timed(fns, reps)
    _core.set_conv_algorithm("auto")
    chosen = _core.conv_algorithm_for([n, c, h, w], [o, c, 3, 3], [1, 1], [1, 1], [1, 1], 1)
    gflop = 3 * 2 * n * o * c * h * w * 9 / 1e9
    row = {"shape": shape, "gemm_ms": times[0], "winograd_ms": times[1], "torch_ms": times[2] if torch else None,
           "auto": chosen, "gflop": gflop}
    row["auto_ms"] = row["winograd_ms"] if chosen == "winograd" else row["gemm_ms"]
    return row


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--threads", type=int, default=1)
    ap.add_argument("--reps", type=int, default=15)
    ap.add_argument("--grid", action="store_true", help="also a channel x size grid, to check the rule")
    ap.add_argument("--no-torch", action="store_true")
    args = ap.parse_args()
    torch = _common.import_torch(args.no_torch)
    _common.set_threads(args.threads, torch=torch)
    print(_common.machine_line(_common.machine(torch)))
    rng = np.random.default_rng(0)
    shapes = LECTURE_SHAPES + ([s for s in GRID if s not in LECTURE_SHAPES] if args.grid else [])
    rows = []
    for shape in shapes:
        rows.append(case(shape, torch, args.reps, rng))
        r = rows[-1]
        print(f"  {str(shape):24s} gemm {r['gemm_ms']:7.2f}  winograd {r['winograd_ms']:7.2f}"
              + (f"  torch {r['torch_ms']:7.2f}" if r["torch_ms"] else "") + f"  auto: {r['auto']}", flush=True)
    headers = ["(N, C, H, W, O)", "gemm ms", "Winograd ms", "torch ms", "auto picks", "auto / torch",
               "auto GFLOP/s", "Winograd / gemm"]
    table = [[str(r["shape"]), f"{r['gemm_ms']:.2f}", f"{r['winograd_ms']:.2f}",
              f"{r['torch_ms']:.2f}" if r["torch_ms"] else "-", r["auto"],
              f"{r['auto_ms'] / r['torch_ms']:.2f}" if r["torch_ms"] else "-",
              f"{r['gflop'] / r['auto_ms'] * 1e3:.0f}", f"{r['winograd_ms'] / r['gemm_ms']:.2f}"] for r in rows]
    print(f"\n### Conv2d 3x3 stride 1, padding 1, forward + backward, float32, {args.threads} thread(s)\n")
    print(_common.markdown_table(headers, table))
    wrong = [r for r in rows if (r["auto"] == "winograd") != (r["winograd_ms"] < r["gemm_ms"])]
    print(f"\nthe rule picks the faster algorithm in {len(rows) - len(wrong)} of {len(rows)} shapes"
          + ("" if not wrong else "; not in " + ", ".join(f"{r['shape']} ({r['winograd_ms'] / r['gemm_ms']:.2f})"
                                                         for r in wrong)))
    print("wrote", _common.write_result(f"conv_algorithms_t{args.threads}",
                                        {"threads": args.threads, "rows": rows, "machine": _common.machine(torch)}))


if __name__ == "__main__":
    main()
