"""Where the cost of a training step goes as the batch and the width grow: the MLP 784-W-W-10
(SGD momentum) and the CNN conv3x3(C)-ReLU-pool-conv3x3(2C)-ReLU-pool-Linear(10) on 3x32x32
inputs, forward + backward + update, batch 32 to 512, xgrad and PyTorch in the same run. Prints a
table (ms per step, µs per sample, GFLOP/s of the layers' multiply-adds) and draws time per sample
against batch size, one line per width, to benchmarks/results/scaling_t<threads>.png.

    python benchmarks/scaling.py --threads 1
    python benchmarks/scaling.py --threads 1 --quick      # fewer sizes and repetitions
"""
from __future__ import annotations

import _common

THREADS = _common.early_thread_env()

import argparse  # noqa: E402
import os  # noqa: E402
import statistics  # noqa: E402
import time  # noqa: E402

import numpy as np  # noqa: E402

import xgrad  # noqa: E402
from xgrad import nn  # noqa: E402

BATCHES = (32, 64, 128, 256, 512)
MLP_WIDTHS = (128, 512, 1024)
CNN_WIDTHS = (16, 32, 64)  # C: the first convolution's output channels, the second has 2C


def mlp_flops(batch, width):
    # forward and the two products of each backward, but the first layer's input gradient (the
    # input needs none, and neither library computes it)
    first, rest = 784 * width, width * width + width * 10
    return 2 * batch * (2 * first + 3 * rest)


def cnn_flops(batch, c):
    first, rest = 3 * c * 9 * 32 * 32, c * 2 * c * 9 * 16 * 16 + 2 * c * 8 * 8 * 10
    return 2 * batch * (2 * first + 3 * rest)


def xgrad_models(kind, width):
    if kind == "mlp":
        return nn.Sequential(nn.Linear(784, width), nn.ReLU(), nn.Linear(width, width), nn.ReLU(), nn.Linear(width, 10))
    return nn.Sequential(nn.Conv2d(3, width, 3, padding=1), nn.ReLU(), nn.MaxPool2d(2),
                         nn.Conv2d(width, 2 * width, 3, padding=1), nn.ReLU(), nn.MaxPool2d(2),
                         nn.Flatten(), nn.Linear(2 * width * 8 * 8, 10))


def torch_models(torch, kind, width):
    tnn = torch.nn
    if kind == "mlp":
        return tnn.Sequential(tnn.Linear(784, width), tnn.ReLU(), tnn.Linear(width, width), tnn.ReLU(),
                              tnn.Linear(width, 10))
    return tnn.Sequential(tnn.Conv2d(3, width, 3, padding=1), tnn.ReLU(), tnn.MaxPool2d(2),
                          tnn.Conv2d(width, 2 * width, 3, padding=1), tnn.ReLU(), tnn.MaxPool2d(2),
                          tnn.Flatten(), tnn.Linear(2 * width * 8 * 8, 10))


def step_fns(torch, kind, width, batch, rng):
    shape = (batch, 784) if kind == "mlp" else (batch, 3, 32, 32)
    x = rng.standard_normal(shape).astype(np.float32)
    y = rng.integers(0, 10, batch)
    model = xgrad_models(kind, width)
    opt = xgrad.optim.SGD(model.parameters(), lr=0.01, momentum=0.9)
    loss_fn = nn.CrossEntropyLoss()
    xt, yt = xgrad.tensor(x), xgrad.tensor(y)

    def xgrad_step():
        loss = loss_fn(model(xt), yt)
        opt.zero_grad()
        loss.backward()
        opt.step()

    fns = {"xgrad": xgrad_step}
    if torch is not None:
        tmodel = torch_models(torch, kind, width)
        topt = torch.optim.SGD(tmodel.parameters(), lr=0.01, momentum=0.9)
        tloss = torch.nn.CrossEntropyLoss()
        tx, ty = torch.from_numpy(x), torch.from_numpy(y)

        def torch_step():
            loss = tloss(tmodel(tx), ty)
            topt.zero_grad()
            loss.backward()
            topt.step()
        fns["torch"] = torch_step
    return fns


def timed(fns, reps):
    """Median ms per function, interleaved step by step."""
    for f in fns.values():
        f(), f()
    samples = {k: [] for k in fns}
    for _ in range(reps):
        for k, f in fns.items():
            t = time.perf_counter()
            f()
            samples[k].append((time.perf_counter() - t) * 1e3)
    return {k: statistics.median(v) for k, v in samples.items()}


def plot(rows, path, threads):
    import matplotlib
    matplotlib.use("Agg")
    import matplotlib.pyplot as plt
    fig, axes = plt.subplots(1, 2, figsize=(12, 4.2))
    for ax, kind, title in ((axes[0], "mlp", "MLP 784-W-W-10"), (axes[1], "cnn", "CNN conv(C)-conv(2C) on 3x32x32")):
        widths = sorted({r["width"] for r in rows if r["kind"] == kind})
        for i, w in enumerate(widths):
            sel = sorted((r for r in rows if r["kind"] == kind and r["width"] == w), key=lambda r: r["batch"])
            color = f"C{i}"
            label = f"W={w}" if kind == "mlp" else f"C={w}"
            ax.plot([r["batch"] for r in sel], [r["xgrad_ms"] * 1e3 / r["batch"] for r in sel], "-o", color=color,
                    label=f"xgrad {label}")
            if sel and sel[0].get("torch_ms"):
                ax.plot([r["batch"] for r in sel], [r["torch_ms"] * 1e3 / r["batch"] for r in sel], "--", color=color,
                        label=f"torch {label}")
        ax.set_xscale("log", base=2)
        ax.set_yscale("log")
        ax.set_xlabel("batch size")
        ax.set_ylabel("µs per sample (fwd + bwd + SGD step)")
        ax.set_title(f"{title}, {threads} thread(s)")
        ax.legend(fontsize=7, ncol=2)
    fig.tight_layout()
    fig.savefig(path, dpi=110)


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--threads", type=int, default=1)
    ap.add_argument("--reps", type=int, default=15)
    ap.add_argument("--quick", action="store_true", help="batches 32, 128, 512; the middle width; 5 repetitions")
    ap.add_argument("--no-torch", action="store_true")
    args = ap.parse_args()
    torch = _common.import_torch(args.no_torch)
    _common.set_threads(args.threads, torch=torch)
    print(_common.machine_line(_common.machine(torch)))
    batches = (32, 128, 512) if args.quick else BATCHES
    plans = [("mlp", w) for w in ((512,) if args.quick else MLP_WIDTHS)] + \
            [("cnn", c) for c in ((32,) if args.quick else CNN_WIDTHS)]
    reps = 5 if args.quick else args.reps
    rng = np.random.default_rng(0)
    rows = []
    for kind, width in plans:
        for batch in batches:
            times = timed(step_fns(torch, kind, width, batch, rng), reps)
            flops = mlp_flops(batch, width) if kind == "mlp" else cnn_flops(batch, width)
            rows.append({"kind": kind, "width": width, "batch": batch, "xgrad_ms": times["xgrad"],
                         "torch_ms": times.get("torch"), "gflop": flops / 1e9})
            r = rows[-1]
            print(f"  {kind} width {width:5d} batch {batch:4d}: xgrad {r['xgrad_ms']:8.2f} ms"
                  + (f"  torch {r['torch_ms']:8.2f} ms" if r["torch_ms"] else ""), flush=True)
    headers = ["model", "width", "batch", "xgrad ms", "torch ms", "xgrad / torch", "xgrad µs/sample",
               "xgrad GFLOP/s", "torch GFLOP/s"]
    table = [["MLP" if r["kind"] == "mlp" else "CNN", r["width"], r["batch"], f"{r['xgrad_ms']:.2f}",
              f"{r['torch_ms']:.2f}" if r["torch_ms"] else "-",
              f"{r['xgrad_ms'] / r['torch_ms']:.2f}" if r["torch_ms"] else "-",
              f"{r['xgrad_ms'] * 1e3 / r['batch']:.1f}", f"{r['gflop'] / r['xgrad_ms'] * 1e3:.0f}",
              f"{r['gflop'] / r['torch_ms'] * 1e3:.0f}" if r["torch_ms"] else "-"] for r in rows]
    print(f"\n### Training step against batch size and width, float32, {args.threads} thread(s)\n")
    print(_common.markdown_table(headers, table))
    print("\nGFLOP/s: the layers' multiply-adds (forward, and the backward products but the first layer's input "
          "gradient), whatever the algorithm does")
    path = os.path.join(_common.RESULTS_DIR, f"scaling_t{args.threads}.png")
    os.makedirs(_common.RESULTS_DIR, exist_ok=True)
    plot(rows, path, args.threads)
    print("plot:", path)
    print("wrote", _common.write_result(f"scaling_t{args.threads}", {"threads": args.threads, "rows": rows,
                                                                      "machine": _common.machine(torch)}))


if __name__ == "__main__":
    main()
