"""Forward + backward time of a small CNN on CIFAR-size input, xgrad vs PyTorch in the same run.

    python benchmarks/cnn_step.py [--threads 1] [--reps 30]

Model (float32, batch 64, 3x32x32): conv3x3 32 -> ReLU -> maxpool 2 -> conv3x3 64 -> ReLU ->
maxpool 2 -> flatten -> linear 10, cross-entropy loss. Also Conv2d alone (the second conv) and
BatchNorm2d alone (training mode). Median milliseconds; ratio = xgrad / PyTorch. The figures are
also written to benchmarks/results/cnn_step_t<threads>.json."""
from __future__ import annotations

import argparse
import os
import statistics
import time

import numpy as np

import _common
import xgrad
import xgrad.nn as xnn
import xgrad.nn.functional as XF


def interleaved_ms(fx, ft, reps: int, warmup: int = 3):
    """Medians of fx and ft timed alternately, so load from other processes hits both alike."""
    if ft is None:
        return median_ms(fx, reps, warmup), None
    for _ in range(warmup):
        fx(), ft()
    tx, tt = [], []
    for _ in range(reps):
        for fn, acc in ((fx, tx), (ft, tt)):
            t0 = time.perf_counter()
            fn()
            acc.append((time.perf_counter() - t0) * 1e3)
    return statistics.median(tx), statistics.median(tt)


def median_ms(fn, reps: int, warmup: int = 3) -> float:
    for _ in range(warmup):
        fn()
    times = []
    for _ in range(reps):
        t0 = time.perf_counter()
        fn()
        times.append((time.perf_counter() - t0) * 1e3)
    return statistics.median(times)


def build(nn):
    return nn.Sequential(nn.Conv2d(3, 32, 3, padding=1), nn.ReLU(), nn.MaxPool2d(2),
                         nn.Conv2d(32, 64, 3, padding=1), nn.ReLU(), nn.MaxPool2d(2),
                         nn.Flatten(), nn.Linear(64 * 8 * 8, 10))


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--threads", type=int, default=1)
    ap.add_argument("--reps", type=int, default=30)
    ap.add_argument("--breakdown", action="store_true", help="time each xgrad layer's forward and backward")
    args = ap.parse_args()
    os.environ.setdefault("OMP_WAIT_POLICY", "PASSIVE")
    try:
        import torch
    except ImportError:
        torch = None
    xgrad.set_num_threads(args.threads)
    info = xgrad.blas_info()
    print(f"xgrad: OpenBLAS core {info['corename']}, {info['threads']} BLAS thread(s), simd={info['simd']}")
    if torch is not None:
        torch.set_num_threads(args.threads)
        print(f"torch {torch.__version__}: {torch.get_num_threads()} thread(s), "
              f"OMP_WAIT_POLICY={os.environ.get('OMP_WAIT_POLICY')}")

    rng = np.random.default_rng(0)
    x_np = rng.standard_normal((64, 3, 32, 32)).astype(np.float32)
    y_np = rng.integers(0, 10, 64)
    rows = []

    # --- the CNN step
    xgrad.manual_seed(0)
    ours = build(xnn)
    x, y = xgrad.tensor(x_np), y_np

    def step_x():
        ours.zero_grad()
        XF.cross_entropy(ours(x), y).backward()

    step_t = None
    if torch is not None:
        theirs = build(torch.nn)
        theirs.load_state_dict({k: torch.tensor(v) for k, v in ours.state_dict().items()})
        xt, yt = torch.tensor(x_np), torch.tensor(y_np)

        def step_t():
            theirs.zero_grad()
            torch.nn.functional.cross_entropy(theirs(xt), yt).backward()

    t_x, t_t = interleaved_ms(step_x, step_t, args.reps)
    rows.append(("CNN step fwd+bwd (64x3x32x32)", t_x, t_t))

    # --- Conv2d alone: the second convolution, 32 -> 64 channels at 16x16
    a_np = rng.standard_normal((64, 32, 16, 16)).astype(np.float32)
    conv = xnn.Conv2d(32, 64, 3, padding=1)
    a = xgrad.tensor(a_np, requires_grad=True)

    def conv_x():
        conv.zero_grad()
        a.grad = None
        conv(a).sum().backward()

    conv_t = None
    if torch is not None:
        tconv = torch.nn.Conv2d(32, 64, 3, padding=1)
        at = torch.tensor(a_np, requires_grad=True)

        def conv_t():
            tconv.zero_grad()
            at.grad = None
            tconv(at).sum().backward()

    t_x, t_t = interleaved_ms(conv_x, conv_t, args.reps)
    rows.append(("Conv2d 32->64 3x3 fwd+bwd (64x32x16x16)", t_x, t_t))

    # --- BatchNorm2d alone (training mode)
    b_np = rng.standard_normal((64, 32, 32, 32)).astype(np.float32)
    bn = xnn.BatchNorm2d(32)
    b = xgrad.tensor(b_np, requires_grad=True)
    gb = xgrad.tensor(rng.standard_normal(b_np.shape).astype(np.float32))

    def bn_x():
        bn.zero_grad()
        b.grad = None
        bn(b).backward(gb)

    bn_t = None
    if torch is not None:
        tbn = torch.nn.BatchNorm2d(32)
        bt = torch.tensor(b_np, requires_grad=True)
        gbt = torch.tensor(gb.numpy())

        def bn_t():
            tbn.zero_grad()
            bt.grad = None
            tbn(bt).backward(gbt)

    t_x, t_t = interleaved_ms(bn_x, bn_t, args.reps)
    rows.append(("BatchNorm2d(32) fwd+bwd (64x32x32x32)", t_x, t_t))

    print(f"\n| {'benchmark':42} | xgrad ms | torch ms | ratio |")
    print(f"|{'-' * 44}|---------:|---------:|------:|")
    for name, tx, tt in rows:
        ratio = f"{tx / tt:5.2f}" if tt else "  n/a"
        tts = f"{tt:8.2f}" if tt else "     n/a"
        print(f"| {name:42} | {tx:8.2f} | {tts} | {ratio} |")

    breakdown = []
    if args.breakdown:
        print("\nxgrad per layer (forward, then backward of that layer alone), ms:")
        h = x
        for i, layer in enumerate(ours):
            inp = xgrad.tensor(np.array(h.numpy()), requires_grad=True)
            out = layer(inp)
            g = xgrad.ones(*out.shape)
            f_ms = median_ms(lambda: layer(inp), args.reps)

            def fb():
                inp.grad = None
                layer.zero_grad()
                layer(inp).backward(g)

            fb_ms = median_ms(fb, args.reps)
            print(f"  {i}: {type(layer).__name__:10} fwd {f_ms:7.2f}  bwd {fb_ms - f_ms:7.2f}")
            breakdown.append({"layer": i, "type": type(layer).__name__, "forward_ms": f_ms,
                              "backward_ms": fb_ms - f_ms})
            h = out

    threads = {"requested": args.threads, "xgrad_openblas": xgrad.blas_info()["threads"],
               "torch_intraop": torch.get_num_threads() if torch is not None else None,
               "omp_wait_policy": os.environ.get("OMP_WAIT_POLICY")}
    path = _common.write_result(f"cnn_step_t{args.threads}", {
        "benchmark": "cnn_step", "config": {"batch": 64, "dtype": "float32", "reps": args.reps, "warmup": 3},
        "threads": threads, "machine": _common.machine(torch),
        "results_ms": [{"workload": name, "xgrad": tx, "torch": tt} for name, tx, tt in rows],
        "breakdown_ms": breakdown if args.breakdown else None,
    })
    print(f"wrote {path}")


if __name__ == "__main__":
    main()
