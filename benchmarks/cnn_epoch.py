"""Whole epochs and their peak memory: the CIFAR-size CNN (two conv3x3-BN-ReLU-maxpool blocks, 32
and 64 channels, then Linear 10; SGD momentum 0.9, lr 0.01, batch 64, shuffled, float32) on the
shared CIFAR-10 subset (4,000 training images; a data set's size, not a CIFAR-10 result), and the
MNIST BN-MLP epoch of mnist_epoch.py. xgrad through its Trainer and DataLoader, PyTorch as a hand
loop over tensors. Each (library, workload) runs in its own child process, so that its peak
resident memory (VmHWM: interpreter, library, the training arrays and the run) is its own; the
arrays are loaded once by xgrad.data and handed to both as .npy files; the children run alternately over
--rounds, and each reports the median of its timed epochs after one warm-up epoch.

    python benchmarks/cnn_epoch.py --threads 1
    python benchmarks/cnn_epoch.py --threads 2 --rounds 3
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
import tempfile  # noqa: E402

CHILD = r'''
import json, statistics, sys, time
import numpy as np
lib, workload, epochs, threads, data = sys.argv[1], sys.argv[2], int(sys.argv[3]), int(sys.argv[4]), sys.argv[5]
x, y = np.load(data + ".x.npy"), np.load(data + ".y.npy")   # as xgrad.data loaded them, in the parent
times = []
if lib == "xgrad":
    import xgrad
    from xgrad import nn
    xgrad.set_num_threads(threads)
    xgrad.manual_seed(0)
    if workload == "cnn":
        model = nn.Sequential(nn.Conv2d(3, 32, 3, padding=1), nn.BatchNorm2d(32), nn.ReLU(), nn.MaxPool2d(2),
                              nn.Conv2d(32, 64, 3, padding=1), nn.BatchNorm2d(64), nn.ReLU(), nn.MaxPool2d(2),
                              nn.Flatten(), nn.Linear(64 * 8 * 8, 10))
        opt, batch = xgrad.optim.SGD(model.parameters(), lr=0.01, momentum=0.9), 64
    else:
        model = nn.Sequential(nn.Linear(784, 256), nn.BatchNorm1d(256), nn.ReLU(), nn.Linear(256, 128),
                              nn.BatchNorm1d(128), nn.ReLU(), nn.Linear(128, 10))
        opt, batch = xgrad.optim.Adam(model.parameters(), lr=1e-3), 128
    trainer = xgrad.train.Trainer(model, nn.CrossEntropyLoss(), opt, progress=False)
    loader = xgrad.data.DataLoader((x, y), batch_size=batch, shuffle=True)
    for e in range(epochs + 1):
        t = time.perf_counter(); trainer.fit(loader, epochs=trainer.epoch + 1); times.append(time.perf_counter() - t)
    loss = float(trainer.history.train_loss[-1])
else:
    import torch
    torch.set_num_threads(threads)
    torch.manual_seed(0)
    tnn = torch.nn
    if workload == "cnn":
        model = tnn.Sequential(tnn.Conv2d(3, 32, 3, padding=1), tnn.BatchNorm2d(32), tnn.ReLU(), tnn.MaxPool2d(2),
                               tnn.Conv2d(32, 64, 3, padding=1), tnn.BatchNorm2d(64), tnn.ReLU(), tnn.MaxPool2d(2),
                               tnn.Flatten(), tnn.Linear(64 * 8 * 8, 10))
        opt, batch = torch.optim.SGD(model.parameters(), lr=0.01, momentum=0.9), 64
    else:
        model = tnn.Sequential(tnn.Linear(784, 256), tnn.BatchNorm1d(256), tnn.ReLU(), tnn.Linear(256, 128),
                               tnn.BatchNorm1d(128), tnn.ReLU(), tnn.Linear(128, 10))
        opt, batch = torch.optim.Adam(model.parameters(), lr=1e-3), 128
    loss_fn = tnn.CrossEntropyLoss()
    xt, yt = torch.from_numpy(x), torch.from_numpy(y)
    for e in range(epochs + 1):
        t = time.perf_counter()
        order = torch.randperm(len(xt))
        total = 0.0
        for i in range(0, len(order), batch):
            idx = order[i:i + batch]
            loss = loss_fn(model(xt[idx]), yt[idx])
            opt.zero_grad(); loss.backward(); opt.step()
            total += float(loss.item()) * len(idx)
        times.append(time.perf_counter() - t)
        loss = total / len(xt)
# VmHWM, not ru_maxrss: Linux keeps ru_maxrss across fork + exec, so it would report the parent's peak
peak_kb = next(int(l.split()[1]) for l in open("/proc/self/status") if l.startswith("VmHWM:"))
print(json.dumps({"epoch_s": statistics.median(times[1:]), "epochs": times[1:], "last_loss": loss,
                  "peak_rss_mb": peak_kb / 1024}))
'''

WORKLOADS = {"cnn": "CIFAR-size CNN epoch (4,000 images of the shared subset, batch 64, SGD momentum)",
             "mlp": "MNIST BN-MLP epoch (60,000 images, batch 128, Adam)"}


def save_data(folder):
    """The training arrays, loaded once by xgrad.data and saved as .npy, so that the PyTorch child
    does not import xgrad (its memory would count against PyTorch)."""
    import numpy as np
    import xgrad
    cifar, mnist = xgrad.data.load_cifar10(), xgrad.data.load_mnist()
    paths = {}
    for w, (x, y) in {"cnn": (cifar.x_train, cifar.y_train),
                      "mlp": (mnist.x_train.reshape(len(mnist.x_train), -1), mnist.y_train)}.items():
        paths[w] = os.path.join(folder, w)
        np.save(paths[w] + ".x.npy", np.ascontiguousarray(x, dtype=np.float32))
        np.save(paths[w] + ".y.npy", np.asarray(y, dtype=np.int64))
    return paths


def run_child(lib, workload, epochs, threads, data):
    env = dict(os.environ)
    out = subprocess.run([sys.executable, "-c", CHILD, lib, workload, str(epochs), str(threads), data], env=env,
                         capture_output=True, text=True, timeout=1800)
    if out.returncode != 0:
        raise SystemExit(f"{lib} {workload} failed:\n{out.stderr[-3000:]}")
    return json.loads(out.stdout.strip().splitlines()[-1])


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--threads", type=int, default=1)
    ap.add_argument("--rounds", type=int, default=2, help="child runs per (library, workload), alternated")
    ap.add_argument("--epochs", type=int, default=2, help="timed epochs per child, after one warm-up epoch")
    ap.add_argument("--no-torch", action="store_true")
    args = ap.parse_args()
    torch = _common.import_torch(args.no_torch)
    print(_common.machine_line(_common.machine(torch)))
    libs = ["xgrad"] + ([] if torch is None else ["torch"])
    results = {(lib, w): [] for w in WORKLOADS for lib in libs}
    scratch = tempfile.TemporaryDirectory(prefix="xgrad-cnn-epoch-")
    data = save_data(scratch.name)
    for r in range(args.rounds):
        for w in WORKLOADS:
            for lib in libs:
                res = run_child(lib, w, args.epochs, args.threads, data[w])
                results[(lib, w)].append(res)
                print(f"  round {r + 1} {w:3s} {lib:5s} epoch {res['epoch_s']:.2f} s, peak RSS {res['peak_rss_mb']:.0f} MB, "
                      f"loss {res['last_loss']:.3f}", flush=True)
    rows, payload = [], {"threads": args.threads, "rounds": args.rounds, "epochs": args.epochs, "workloads": {}}
    for w, title in WORKLOADS.items():
        entry = {}
        for lib in libs:
            runs = results[(lib, w)]
            entry[lib] = {"epoch_s": statistics.median(e for run in runs for e in run["epochs"]),
                          "peak_rss_mb": max(run["peak_rss_mb"] for run in runs)}
        payload["workloads"][w] = {"title": title, **entry}
        x = entry["xgrad"]
        t = entry.get("torch")
        rows.append([title, f"{x['epoch_s']:.2f}", f"{t['epoch_s']:.2f}" if t else "-",
                     f"{x['epoch_s'] / t['epoch_s']:.2f}" if t else "-", f"{x['peak_rss_mb']:.0f}",
                     f"{t['peak_rss_mb']:.0f}" if t else "-", f"{x['peak_rss_mb'] / t['peak_rss_mb']:.2f}" if t else "-"])
    print(f"\n### Whole epochs and peak memory, {args.threads} thread(s)\n")
    print(_common.markdown_table(["workload", "xgrad epoch s", "torch epoch s", "time xgrad / torch",
                                  "xgrad peak RSS MB", "torch peak RSS MB", "RSS xgrad / torch"], rows))
    print("\nmedian epoch over", args.rounds, "child runs x", args.epochs, "timed epochs; peak RSS: the largest of the "
          "runs, whole process (interpreter, library and data included)")
    payload["machine"] = _common.machine(torch)
    print("wrote", _common.write_result(f"cnn_epoch_t{args.threads}", payload))


if __name__ == "__main__":
    main()
