"""Augmentation throughput: images/second of a CIFAR training pipeline (random horizontal flip +
random crop 32 with padding 4 + colour jitter 0.4/0.4/0.4) and of a random rotation (+-15°,
bilinear, fill 0) on batches of 128 3x32x32 float32 images (the shared CIFAR-10 subset when
present, else uniform noise):

    python benchmarks/augment.py --threads 1
    python benchmarks/augment.py --rounds 5 --repeat 50

Implementations, all drawing a fresh parameter set per image:
- xgrad: ``xgrad.data.augment`` (C++ kernels, parameters drawn in C++ from xgrad's generator);
- numpy: the same transforms vectorised over the batch as a careful NumPy user writes them
  (np.pad + one fancy-index gather for the crops, colour operations grouped by their random
  order, a batched bilinear gather for rotation);
- scipy: ``scipy.ndimage.affine_transform`` (order=1) per image and channel, rotation only;
- torch: rotation as ``F.affine_grid`` + ``F.grid_sample`` on the whole batch (the batched way in
  PyTorch without torchvision);
- torchvision: its transforms per image, as a DataLoader worker calls them (only if importable).

Before timing, every implementation is run with xgrad's drawn parameters on one batch and its
result compared with xgrad's (max |difference| printed), so the rows do the same work. The
parameter draw is timed as part of each pipeline.
"""
import _common

THREADS = _common.early_thread_env(default=1)  # before numpy/torch load their thread pools

import argparse  # noqa: E402
import math  # noqa: E402
import os  # noqa: E402
import statistics  # noqa: E402
import time  # noqa: E402

import numpy as np  # noqa: E402

import xgrad  # noqa: E402
from xgrad.data import augment as A  # noqa: E402

BATCH = 128
PAD = 4
JITTER = 0.4
DEGREES = 15.0


def load_batch(seed):
    """128 CIFAR images in [0, 1] (NCHW float32) and where they came from."""
    try:
        splits = xgrad.data.load_cifar10(os.environ.get("XGRAD_DATA"), download=False)
        rng = np.random.default_rng(seed)
        idx = rng.choice(len(splits.x_train), BATCH, replace=False)
        return np.ascontiguousarray(splits.x_train[idx]), "CIFAR-10 (shared subset or full)"
    except FileNotFoundError as e:
        print(f"note: CIFAR-10 not found ({str(e).splitlines()[0]}); using uniform noise")
        return np.random.default_rng(seed).random((BATCH, 3, 32, 32), dtype=np.float32), "uniform noise"


# ------------------------------------------------------------------------------------------ xgrad

XGRAD_PIPELINE = A.Compose([A.RandomHorizontalFlip(), A.RandomCrop(32, padding=PAD),
                            A.ColorJitter(JITTER, JITTER, JITTER)])
XGRAD_ROTATION = A.RandomRotation(DEGREES)


def xgrad_pipeline_params(x):
    """The parameters xgrad's pipeline draws, in its order, for the agreement check."""
    flip, crop, jitter = XGRAD_PIPELINE.transforms
    p = {"flip": flip.get_params(x.shape)["flip"]}
    p.update(crop.get_params(x.shape))
    p.update(jitter.get_params(x.shape))
    return p


def xgrad_pipeline_apply(x, p):
    y = A.hflip(x, p["flip"])
    y = A.crop(y, 32, PAD, p["top"], p["left"])
    return A.adjust_color(y, p["brightness"], p["contrast"], p["saturation"], p["order"])


# ------------------------------------------------------------------------------------------ NumPy

_GRAY = np.array([0.2989, 0.587, 0.114], dtype=np.float32)


def numpy_draw(rng, n, h, w):
    lo, hi = max(0.0, 1 - JITTER), 1 + JITTER
    return {"flip": rng.random(n) < 0.5,
            "top": rng.integers(0, 2 * PAD + 1, n), "left": rng.integers(0, 2 * PAD + 1, n),
            "order": np.argsort(rng.random((n, 3)), axis=1),
            "brightness": rng.uniform(lo, hi, n), "contrast": rng.uniform(lo, hi, n),
            "saturation": rng.uniform(lo, hi, n)}


def numpy_pipeline_apply(x, p):
    n, c, h, w = x.shape
    y = np.where(p["flip"][:, None, None, None], x[..., ::-1], x)
    padded = np.pad(y, ((0, 0), (0, 0), (PAD, PAD), (PAD, PAD)))
    rows = p["top"][:, None] + np.arange(h)  # (n, h)
    cols = p["left"][:, None] + np.arange(w)  # (n, w)
    y = padded[np.arange(n)[:, None, None, None], np.arange(c)[None, :, None, None],
               rows[:, None, :, None], cols[:, None, None, :]]
    f32 = np.float32
    b = p["brightness"].astype(f32)[:, None, None, None]
    k = p["contrast"].astype(f32)[:, None, None, None]
    s = p["saturation"].astype(f32)[:, None, None, None]
    # torchvision applies the three in a random order per image: group the images by order.
    codes = p["order"] @ np.array([9, 3, 1])
    out = np.empty_like(y)
    for code in np.unique(codes):
        idx = np.nonzero(codes == code)[0]
        img = y[idx]
        for op in p["order"][idx[0]]:
            if op == 0:
                img = np.clip(img * b[idx], 0, 1)
            elif op == 1:
                mean = np.tensordot(_GRAY, img, axes=([0], [1])).mean(axis=(1, 2))[:, None, None, None]
                img = np.clip(k[idx] * img + (1 - k[idx]) * mean, 0, 1)
            else:
                gray = np.tensordot(_GRAY, img, axes=([0], [1]))[:, None]
                img = np.clip(s[idx] * img + (1 - s[idx]) * gray, 0, 1)
        out[idx] = img
    return out


def rotation_inverse(angle_deg, h, w):
    """Inverse maps (n, 2, 3) in pixel coordinates for a counter-clockwise rotation about the
    centre (the same convention as xgrad.data.augment.affine)."""
    th = np.radians(angle_deg)
    c, s = np.cos(th), np.sin(th)
    cx, cy = (w - 1) / 2, (h - 1) / 2
    # forward R = [[c, s], [-s, c]] (y down), inverse R^T = [[c, -s], [s, c]]
    m = np.empty((len(th), 2, 3))
    m[:, 0, 0], m[:, 0, 1] = c, -s
    m[:, 1, 0], m[:, 1, 1] = s, c
    m[:, 0, 2] = cx - (c * cx - s * cy)
    m[:, 1, 2] = cy - (s * cx + c * cy)
    return m


def numpy_rotate(x, angle):
    n, c, h, w = x.shape
    m = rotation_inverse(angle, h, w)
    ys, xs = np.mgrid[0:h, 0:w]
    gx, gy = xs.ravel().astype(np.float64), ys.ravel().astype(np.float64)
    sx = m[:, 0, 0, None] * gx + m[:, 0, 1, None] * gy + m[:, 0, 2, None]  # (n, hw)
    sy = m[:, 1, 0, None] * gx + m[:, 1, 1, None] * gy + m[:, 1, 2, None]
    x0, y0 = np.floor(sx), np.floor(sy)
    wx, wy = (sx - x0).astype(np.float32), (sy - y0).astype(np.float32)
    x0, y0 = x0.astype(np.int64), y0.astype(np.int64)
    flat = x.reshape(n, c, h * w)
    out = np.zeros((n, c, h * w), dtype=x.dtype)
    for dy, wyy in ((0, 1 - wy), (1, wy)):
        for dx, wxx in ((0, 1 - wx), (1, wx)):
            xi, yi = x0 + dx, y0 + dy
            ok = (xi >= 0) & (xi < w) & (yi >= 0) & (yi < h)
            q = np.where(ok, yi * w + xi, 0)
            vals = np.take_along_axis(flat, np.broadcast_to(q[:, None, :], (n, c, h * w)), axis=2)
            out += (wxx * wyy * ok)[:, None, :] * vals
    return out.reshape(n, c, h, w)


def scipy_rotate(ndimage, x, angle):
    n, c, h, w = x.shape
    m = rotation_inverse(angle, h, w)
    out = np.empty_like(x)
    for i in range(n):
        # ndimage indexes (row, col): swap the (x, y) map into (y, x)
        mat = np.array([[m[i, 1, 1], m[i, 1, 0]], [m[i, 0, 1], m[i, 0, 0]]])
        off = np.array([m[i, 1, 2], m[i, 0, 2]])
        for ch in range(c):
            out[i, ch] = ndimage.affine_transform(x[i, ch], mat, offset=off, order=1, mode="grid-constant", cval=0.0,
                                                  prefilter=False)
    return out


def torch_rotate(torch, x_t, angle):
    """Batched bilinear rotation with affine_grid/grid_sample (align_corners=True: pixel centres at
    -1 and 1, the same grid as xgrad's pixel coordinates)."""
    n, c, h, w = x_t.shape
    m = rotation_inverse(angle, h, w)
    sx, sy = (w - 1) / 2, (h - 1) / 2
    theta = np.empty((n, 2, 3))
    theta[:, 0, 0] = m[:, 0, 0]
    theta[:, 0, 1] = m[:, 0, 1] * sy / sx
    theta[:, 0, 2] = m[:, 0, 0] + m[:, 0, 1] * sy / sx + m[:, 0, 2] / sx - 1
    theta[:, 1, 0] = m[:, 1, 0] * sx / sy
    theta[:, 1, 1] = m[:, 1, 1]
    theta[:, 1, 2] = m[:, 1, 0] * sx / sy + m[:, 1, 1] + m[:, 1, 2] / sy - 1
    grid = torch.nn.functional.affine_grid(torch.from_numpy(theta).to(x_t.dtype), list(x_t.shape), align_corners=True)
    return torch.nn.functional.grid_sample(x_t, grid, mode="bilinear", padding_mode="zeros", align_corners=True)


# ------------------------------------------------------------------------------------------ main

def main():
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--threads", type=int, default=1, help="threads for every library (default 1)")
    ap.add_argument("--repeat", type=int, default=30, help="timed batches per block (default 30)")
    ap.add_argument("--warmup", type=int, default=3)
    ap.add_argument("--rounds", type=int, default=3, help="interleaved rounds (default 3)")
    ap.add_argument("--seed", type=int, default=0)
    ap.add_argument("--max-other-load", type=float, default=0.15,
                    help="fraction of the CPUs other processes may use during a kept block (default 0.15)")
    ap.add_argument("--retries", type=int, default=2)
    ap.add_argument("--wait-quiet", type=float, default=30.0)
    ap.add_argument("--no-torch", action="store_true")
    ap.add_argument("--omp-wait-policy", default="PASSIVE", choices=["PASSIVE", "ACTIVE", "UNSET"], type=str.upper)
    ap.add_argument("--name", default=None, help="result file name (default augment_t<threads>)")
    args = ap.parse_args()

    torch = _common.import_torch(args.no_torch)
    try:
        import torchvision
        import torchvision.transforms as T
    except ImportError:
        torchvision = None
        print("note: torchvision is not installed (not a dependency here); its rows are skipped. The torch "
              "row times rotation with F.affine_grid + F.grid_sample instead.")
    try:
        from scipy import ndimage
    except ImportError:
        ndimage = None
        print("note: scipy is not installed; its row is skipped")
    threads = _common.set_threads(THREADS, torch=torch)
    info = _common.machine(torch)
    print("machine:", _common.machine_line(info))

    x, source = load_batch(args.seed)
    print(f"data: {BATCH} x 3 x 32 x 32 float32 from {source}")
    xgrad.manual_seed(args.seed)
    rng = np.random.default_rng(xgrad.randint(0, 2**31 - 1, 1)[0])  # seeded from xgrad's generator

    # ---- agreement: every implementation on xgrad's drawn parameters
    agreement = {}
    p = xgrad_pipeline_params(x)
    ref = xgrad_pipeline_apply(x, p)
    agreement["pipeline numpy"] = float(np.max(np.abs(numpy_pipeline_apply(x, p) - ref)))
    angle = np.asarray(XGRAD_ROTATION.get_params(x.shape)["angle"])
    ref_rot = A.rotate(x, angle)
    agreement["rotation numpy"] = float(np.max(np.abs(numpy_rotate(x, angle) - ref_rot)))
    if ndimage is not None:
        agreement["rotation scipy"] = float(np.max(np.abs(scipy_rotate(ndimage, x, angle) - ref_rot)))
    if torch is not None:
        agreement["rotation torch"] = float(np.max(np.abs(torch_rotate(torch, torch.from_numpy(x), angle).numpy()
                                                          - ref_rot)))
    print("\nagreement with xgrad on the same parameters (max |difference|):")
    for k, v in agreement.items():
        print(f"  {k:16s} {v:.2e}")
    ok = all(v < 1e-5 for v in agreement.values())
    print("  " + ("OK" if ok else "MISMATCH: the comparison is not like for like"))
    if not ok:  # timings of different work would be meaningless: stop before measuring
        raise SystemExit("benchmarks/augment.py: implementations disagree on the same parameters (see above)")

    # ---- the timed callables: draw + apply, one batch each
    cases = [("pipeline", "xgrad", lambda: XGRAD_PIPELINE(x)),
             ("pipeline", "numpy", lambda: numpy_pipeline_apply(x, numpy_draw(rng, BATCH, 32, 32))),
             ("rotation", "xgrad", lambda: XGRAD_ROTATION(x)),
             ("rotation", "numpy", lambda: numpy_rotate(x, rng.uniform(-DEGREES, DEGREES, BATCH)))]
    if ndimage is not None:
        cases.append(("rotation", "scipy", lambda: scipy_rotate(ndimage, x, rng.uniform(-DEGREES, DEGREES, BATCH))))
    if torch is not None:
        xt = torch.from_numpy(x)
        cases.append(("rotation", "torch", lambda: torch_rotate(torch, xt, rng.uniform(-DEGREES, DEGREES, BATCH))))
    if torchvision is not None:
        xt = torch.from_numpy(x)
        tv_pipe = T.Compose([T.RandomHorizontalFlip(), T.RandomCrop(32, padding=PAD),
                             T.ColorJitter(JITTER, JITTER, JITTER)])
        tv_rot = T.RandomRotation(DEGREES, interpolation=T.InterpolationMode.BILINEAR)
        cases.append(("pipeline", "torchvision", lambda: torch.stack([tv_pipe(img) for img in xt])))
        cases.append(("rotation", "torchvision", lambda: torch.stack([tv_rot(img) for img in xt])))

    busy_before = _common.wait_for_quiet(args.wait_quiet)
    samples = {(task, lib): [] for task, lib, _ in cases}
    blocks = []
    for r in range(args.rounds):
        for task, lib, fn in cases:
            for attempt in range(args.retries + 1):
                meter = _common.OtherLoad()
                s = _common.time_samples(fn, args.warmup, args.repeat)
                other = meter.fraction()
                clean = other <= args.max_other_load
                blocks.append({"round": r, "case": f"{task}/{lib}", "attempt": attempt, "other_load": other,
                               "median_ms": 1e3 * statistics.median(s), "kept": clean or attempt == args.retries})
                if clean or attempt == args.retries:
                    if not clean:
                        print(f"  warning: round {r} {task}/{lib}: other processes used {other:.0%}; kept anyway")
                    break
                print(f"  round {r} {task}/{lib}: other processes used {other:.0%} of the CPUs, re-running",
                      flush=True)
                _common.wait_for_quiet(args.wait_quiet, verbose=False)
            samples[(task, lib)].extend(s)
    busy_after = _common.cpu_busy()

    res = {f"{task}/{lib}": _common.summary(v) for (task, lib), v in samples.items()}
    rows = []
    for task in ("pipeline", "rotation"):
        base = res[f"{task}/xgrad"]["median"]
        for (t, lib) in samples:
            if t != task:
                continue
            r = res[f"{t}/{lib}"]
            rows.append([task, lib, r["median"], f"{r['q1']:.2f}–{r['q3']:.2f}", BATCH / (r["median"] / 1e3),
                         r["median"] / base])
    print(f"\n### Augmentation of a batch of {BATCH} 3x32x32 float32 images — {THREADS} thread(s)\n")
    print("pipeline = random flip + random crop 32 (padding 4) + colour jitter (0.4, 0.4, 0.4), random order; "
          f"rotation = uniform in [-{DEGREES:g}, {DEGREES:g}] degrees, bilinear, fill 0\n")
    print(_common.markdown_table(["task", "implementation", "ms / batch (median)", "IQR ms", "images / s",
                                  "time / xgrad's"], rows))
    print(f"\nmedian of {args.rounds * args.repeat} batches per row ({args.rounds} interleaved rounds x "
          f"{args.repeat}, {args.warmup} warm-up per round); every row draws fresh parameters per image.")
    if torchvision is None:
        print("torchvision: not installed, not timed.")
    print("machine:", _common.machine_line(info))
    print(f"other load on the CPUs: {busy_before:.0%} before, {busy_after:.0%} after; "
          f"{sum(not b['kept'] for b in blocks)} disturbed block(s) re-run")
    path = _common.write_result(args.name or f"augment_t{THREADS}", {
        "benchmark": "augment", "config": {"batch": BATCH, "padding": PAD, "jitter": JITTER, "degrees": DEGREES,
                                           "repeat": args.repeat, "warmup": args.warmup, "rounds": args.rounds,
                                           "seed": args.seed, "data": source},
        "threads": threads, "machine": info, "agreement": agreement, "results_ms": res, "blocks": blocks,
        "torchvision": getattr(torchvision, "__version__", None) if torchvision is not None else "absent",
        "other_cpu_load": {"before": busy_before, "after": busy_after},
    })
    print(f"wrote {path}")


if __name__ == "__main__":
    main()
