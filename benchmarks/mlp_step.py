"""One training step of a 784-512-512-10 ReLU MLP (batch 128, float32, softmax cross-entropy, SGD
lr=0.01 momentum=0.9): xgrad vs a hand-written NumPy step vs PyTorch CPU, same thread count.

    python benchmarks/mlp_step.py --threads 1
    python benchmarks/mlp_step.py --threads 2 --repeat 300

A step is forward + loss, backward, optimizer update (+ zero_grad). All three start from the same
weights and data; the script first checks they compute the same loss and the same updated weights,
then times each step with the phases (forward / backward / update) measured inside the same step.
Libraries are interleaved in rounds; a round disturbed by other processes is re-run.

Threads: --threads N is applied to every library (env vars before import, then threadpoolctl,
xgrad._core.set_blas_num_threads, torch.set_num_threads). OMP_WAIT_POLICY is PASSIVE by default;
at N > 1 that handicaps PyTorch (see the caveat printed), so also run --omp-wait-policy UNSET.
ACTIVE makes PyTorch's spinning workers steal the cores from OpenBLAS (xgrad, NumPy).
See benchmarks/gemm_shapes.py for the BLAS-only part of the step.
"""
import _common

THREADS = _common.early_thread_env(default=1)  # before numpy/torch load their thread pools

import argparse  # noqa: E402
import statistics  # noqa: E402
import time  # noqa: E402

import numpy as np  # noqa: E402

import xgrad  # noqa: E402

SIZES = (784, 512, 512, 10)
BATCH = 128
LR = 0.01
MOMENTUM = 0.9


def make_problem(seed: int):
    """Weights in PyTorch's layout (out, in) drawn like nn.Linear's default init, and one batch."""
    rng = np.random.default_rng(seed)
    params = []
    for fan_in, fan_out in zip(SIZES[:-1], SIZES[1:]):
        bound = 1.0 / np.sqrt(fan_in)
        W = rng.uniform(-bound, bound, size=(fan_out, fan_in)).astype(np.float32)
        b = rng.uniform(-bound, bound, size=(fan_out,)).astype(np.float32)
        params += [W, b]
    X = rng.standard_normal((BATCH, SIZES[0]), dtype=np.float32)
    y = rng.integers(0, SIZES[-1], size=BATCH, dtype=np.int64)
    return params, X, y


# ------------------------------------------------------------------------------------------ xgrad

class XgradStep:
    name = "xgrad"

    def __init__(self, params, X, y):
        nn = xgrad.nn
        self.model = nn.Sequential(nn.Linear(784, 512), nn.ReLU(), nn.Linear(512, 512), nn.ReLU(),
                                   nn.Linear(512, 10))
        self.model.load_state_dict({k: v for k, v in zip(
            ["0.weight", "0.bias", "2.weight", "2.bias", "4.weight", "4.bias"], params)})
        self.loss_fn = nn.CrossEntropyLoss()
        self.opt = xgrad.optim.SGD(self.model.parameters(), lr=LR, momentum=MOMENTUM)
        self.X = xgrad.tensor(X)  # adopts the array, no copy
        self.y = y

    def step(self, t):
        t[0] = time.perf_counter()
        loss = self.loss_fn(self.model(self.X), self.y)
        t[1] = time.perf_counter()
        loss.backward()
        t[2] = time.perf_counter()
        self.opt.step()
        self.opt.zero_grad()
        t[3] = time.perf_counter()
        return loss

    def loss_value(self):
        with xgrad.no_grad():
            return float(self.loss_fn(self.model(self.X), self.y).item())

    def weights(self):
        return [np.array(p.numpy()) for p in self.model.parameters()]


# ------------------------------------------------------------------------------------------ NumPy

class NumpyStep:
    """The step written by hand, CS231n style: weights stored (in, out) so the forward pass is
    X @ W; in-place elementwise ops; gradients written into preallocated buffers with out=;
    momentum SGD (PyTorch's form v = mu v + g; p -= lr v) in place."""

    name = "numpy"

    def __init__(self, params, X, y):
        # (out, in) -> (in, out), contiguous, so forward gemms are plain X @ W.
        self.p = []
        for i in range(0, len(params), 2):
            self.p += [np.ascontiguousarray(params[i].T), params[i + 1].copy()]
        self.g = [np.zeros_like(a) for a in self.p]
        self.v = [np.zeros_like(a) for a in self.p]
        self.tmp = [np.empty_like(a) for a in self.p]
        self.X, self.y = X, y
        self.rows = np.arange(X.shape[0])

    def forward_backward(self, t=None):
        W1, b1, W2, b2, W3, b3 = self.p
        dW1, db1, dW2, db2, dW3, db3 = self.g
        X, y, rows = self.X, self.y, self.rows
        n = X.shape[0]
        # forward
        h1 = X @ W1
        h1 += b1
        np.maximum(h1, 0, out=h1)
        h2 = h1 @ W2
        h2 += b2
        np.maximum(h2, 0, out=h2)
        s = h2 @ W3
        s += b3
        # softmax cross-entropy, stable: loss = mean(log sum exp(s - m) - (s_y - m))
        s -= s.max(axis=1, keepdims=True)
        correct = s[rows, y]  # fancy indexing copies
        np.exp(s, out=s)
        sumexp = s.sum(axis=1, keepdims=True)
        loss = float(np.mean(np.log(sumexp[:, 0]) - correct))
        if t is not None:
            t[1] = time.perf_counter()
        # backward: dscores = (softmax - onehot) / n, built in place in s
        s /= sumexp
        s[rows, y] -= 1.0
        s /= n
        np.matmul(h2.T, s, out=dW3)
        s.sum(axis=0, out=db3)
        dh2 = s @ W3.T
        dh2 *= h2 > 0  # ReLU gate (h2 > 0 exactly where the pre-activation was > 0)
        np.matmul(h1.T, dh2, out=dW2)
        dh2.sum(axis=0, out=db2)
        dh1 = dh2 @ W2.T
        dh1 *= h1 > 0
        np.matmul(X.T, dh1, out=dW1)
        dh1.sum(axis=0, out=db1)
        return loss

    def update(self):
        for p, g, v, tmp in zip(self.p, self.g, self.v, self.tmp):
            v *= MOMENTUM  # first step: v = 0 * 0.9 + g = g, as in PyTorch
            v += g
            np.multiply(v, LR, out=tmp)
            p -= tmp

    def step(self, t):
        t[0] = time.perf_counter()
        loss = self.forward_backward(t)
        t[2] = time.perf_counter()
        self.update()
        t[3] = time.perf_counter()
        return loss

    def loss_value(self):
        saved = [a.copy() for a in self.g]
        loss = self.forward_backward()
        for a, b in zip(self.g, saved):
            a[...] = b
        return loss

    def weights(self):
        out = []
        for i in range(0, len(self.p), 2):
            out += [self.p[i].T.copy(), self.p[i + 1].copy()]
        return out


# ------------------------------------------------------------------------------------------ PyTorch

class TorchStep:
    name = "torch"

    def __init__(self, torch, params, X, y):
        nn = torch.nn
        self.torch = torch
        self.model = nn.Sequential(nn.Linear(784, 512), nn.ReLU(), nn.Linear(512, 512), nn.ReLU(),
                                   nn.Linear(512, 10))
        with torch.no_grad():
            for p, a in zip(self.model.parameters(), params):
                p.copy_(torch.from_numpy(a))
        self.loss_fn = nn.CrossEntropyLoss()
        # Default options, as a user would write it (on CPU tensors torch picks the per-parameter
        # loop, not foreach/fused).
        self.opt = torch.optim.SGD(self.model.parameters(), lr=LR, momentum=MOMENTUM)
        self.X = torch.from_numpy(X)
        self.y = torch.from_numpy(y)

    def step(self, t):
        t[0] = time.perf_counter()
        loss = self.loss_fn(self.model(self.X), self.y)
        t[1] = time.perf_counter()
        loss.backward()
        t[2] = time.perf_counter()
        self.opt.step()
        self.opt.zero_grad()
        t[3] = time.perf_counter()
        return loss

    def loss_value(self):
        with self.torch.no_grad():
            return float(self.loss_fn(self.model(self.X), self.y))

    def weights(self):
        return [p.detach().numpy().copy() for p in self.model.parameters()]


# ------------------------------------------------------------------------------------------ main

def check_agreement(impls):
    """Same loss at step 0 and same weights after one step, on identical weights and data."""
    print("\nagreement check (identical weights and batch):")
    losses = {m.name: m.loss_value() for m in impls}
    for name, v in losses.items():
        print(f"  step-0 loss  {name:6s} {v:.7f}")
    t = [0.0] * 4
    for m in impls:
        m.step(t)
    ref = impls[0].weights()
    report = {"loss0": losses, "max_abs_weight_diff_after_step1": {}}
    for m in impls[1:]:
        d = max(float(np.max(np.abs(a - b))) for a, b in zip(ref, m.weights()))
        report["max_abs_weight_diff_after_step1"][m.name] = d
        print(f"  max |W_{impls[0].name} - W_{m.name}| after one step: {d:.2e}")
    spread = max(losses.values()) - min(losses.values())
    report["loss0_spread"] = spread
    ok = spread < 1e-4 and all(d < 1e-5 for d in report["max_abs_weight_diff_after_step1"].values())
    report["ok"] = ok
    print(f"  loss spread {spread:.1e}: {'OK' if ok else 'MISMATCH: the comparison is not like for like'}")
    return report


def main():
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--threads", type=int, default=1, help="threads for every library (default 1)")
    ap.add_argument("--repeat", type=int, default=200, help="timed steps per library (default 200)")
    ap.add_argument("--warmup", type=int, default=30)
    ap.add_argument("--rounds", type=int, default=3,
                    help="interleaved rounds: each library runs --repeat steps per round (default 3)")
    ap.add_argument("--seed", type=int, default=0)
    ap.add_argument("--retries", type=int, default=4,
                    help="re-runs of a (round, library) block disturbed by other processes (default 4)")
    ap.add_argument("--max-other-load", type=float, default=0.10,
                    help="fraction of the CPUs other processes may use during a kept block (default 0.10)")
    ap.add_argument("--no-torch", action="store_true")
    ap.add_argument("--libs", default="xgrad,numpy,torch",
                    help="comma-separated subset to time (default all; the agreement check always uses all)")
    ap.add_argument("--omp-wait-policy", default="PASSIVE", choices=["PASSIVE", "ACTIVE", "UNSET"],
                    type=str.upper, help="OMP_WAIT_POLICY for PyTorch's OpenMP pool (default PASSIVE)")
    ap.add_argument("--wait-quiet", type=float, default=60.0,
                    help="seconds to wait for other processes to go idle before timing (default 60)")
    ap.add_argument("--name", default=None, help="result file name (default mlp_step_t<threads>)")
    args = ap.parse_args()

    torch = _common.import_torch(args.no_torch)
    threads = _common.set_threads(THREADS, torch=torch)
    info = _common.machine(torch)
    print("machine:", _common.machine_line(info))

    params, X, y = make_problem(args.seed)
    impls = [XgradStep(params, X, y), NumpyStep(params, X, y)]
    if torch is not None:
        impls.append(TorchStep(torch, params, X, y))
    agreement = check_agreement(impls)
    busy_before = _common.wait_for_quiet(args.wait_quiet)
    wanted = set(args.libs.split(","))
    impls = [m for m in impls if m.name in wanted]

    # Interleave libraries over several rounds so slow drift (turbo, noisy neighbours) hits all alike.
    # Each (round, library) block is checked for CPU time used by other processes meanwhile; a
    # contaminated block is thrown away and re-run (up to --retries times) after waiting for quiet.
    pooled = {m.name: {"step": [], "forward": [], "backward": [], "update": []} for m in impls}
    per_round = {m.name: [] for m in impls}
    blocks = []
    for r in range(args.rounds):
        for m in impls:
            for attempt in range(args.retries + 1):
                t = [0.0] * 4
                for _ in range(args.warmup):
                    m.step(t)
                meter = _common.OtherLoad()
                block = {"step": [], "forward": [], "backward": [], "update": []}
                for _ in range(args.repeat):
                    m.step(t)
                    block["step"].append(t[3] - t[0])
                    block["forward"].append(t[1] - t[0])
                    block["backward"].append(t[2] - t[1])
                    block["update"].append(t[3] - t[2])
                other = meter.fraction()
                med = 1e3 * statistics.median(block["step"])
                clean = other <= args.max_other_load
                blocks.append({"round": r, "lib": m.name, "attempt": attempt, "other_load": other,
                               "median_ms": med, "kept": clean or attempt == args.retries})
                if clean or attempt == args.retries:
                    if not clean:
                        print(f"  warning: round {r} {m.name}: other processes used {other:.0%} of the CPUs "
                              f"on the last attempt; kept anyway")
                    break
                print(f"  round {r} {m.name}: other processes used {other:.0%} of the CPUs, re-running",
                      flush=True)
                _common.wait_for_quiet(args.wait_quiet, verbose=False)
            for k, v in block.items():
                pooled[m.name][k].extend(v)
            per_round[m.name].append(med)
    busy_after = _common.cpu_busy()
    res = {name: {k: _common.summary(v) for k, v in d.items()} for name, d in pooled.items()}

    x_ms = res["xgrad"]["step"]["median"] if "xgrad" in res else float("nan")
    rows = []
    for m in impls:
        r = res[m.name]
        rows.append([m.name, r["step"]["median"], f"{r['step']['q1']:.2f}–{r['step']['q3']:.2f}",
                     r["forward"]["median"], r["backward"]["median"], r["update"]["median"],
                     x_ms / r["step"]["median"]])
    n_samples = args.rounds * args.repeat
    print(f"\n### MLP step 784-512-512-10, batch {BATCH}, float32, SGD momentum — {THREADS} thread(s)\n")
    print(_common.markdown_table(
        ["library", "step ms (median)", "IQR ms", "forward+loss ms", "backward ms", "update+zero_grad ms",
         "xgrad / this"], rows))
    print(f"\nmedian of {n_samples} steps per library ({args.rounds} interleaved rounds x {args.repeat}, "
          f"{args.warmup} warm-up steps per round); phase columns are medians of each phase, so they "
          f"need not add up exactly. NumPy's 'forward' ends after the loss, its 'backward' is the hand "
          f"backward pass.")
    print("per-round step medians (ms): " + "; ".join(
        f"{k} " + ", ".join(f"{v:.2f}" for v in vs) for k, vs in per_round.items()))
    ratios = {f"xgrad/{m.name}": x_ms / res[m.name]["step"]["median"] for m in impls if m.name != "xgrad"}
    print("ratios: " + ", ".join(f"{k} = {v:.2f}" for k, v in ratios.items()))
    if THREADS > 1 and torch is not None and args.omp_wait_policy == "PASSIVE":
        print("CAVEAT: with OMP_WAIT_POLICY=PASSIVE PyTorch's OpenMP workers sleep after every parallel "
              "region and must be woken for the next one; on this kind of VM that made PyTorch's step "
              "about 2x slower at 2 threads. Compare with --omp-wait-policy UNSET (libgomp's default), "
              "which did not slow xgrad or NumPy down in the same process.")
    print("machine:", _common.machine_line(info))
    print(f"other load on the CPUs: {busy_before:.0%} before, {busy_after:.0%} after the timing; "
          f"max during kept blocks {max(b['other_load'] for b in blocks if b['kept']):.0%}, "
          f"{sum(not b['kept'] for b in blocks)} disturbed block(s) re-run")
    alloc = xgrad._core.allocator_stats()
    print(f"xgrad allocator after the run: {alloc}")

    default_name = f"mlp_step_t{THREADS}" + ("" if args.libs == "xgrad,numpy,torch" else "_" + args.libs.replace(",", "-")) \
        + ("" if args.omp_wait_policy == "PASSIVE" else "_omp" + args.omp_wait_policy.lower())
    path = _common.write_result(args.name or default_name, {
        "benchmark": "mlp_step", "config": {"sizes": SIZES, "batch": BATCH, "lr": LR, "momentum": MOMENTUM,
                                            "dtype": "float32", "repeat": args.repeat, "warmup": args.warmup,
                                            "rounds": args.rounds, "seed": args.seed,
                                            "libs": args.libs, "omp_wait_policy": args.omp_wait_policy},
        "threads": threads, "machine": info, "agreement": agreement, "results_ms": res,
        "per_round_step_ms": per_round, "blocks": blocks, "ratios": ratios, "xgrad_allocator": alloc,
        "other_cpu_load": {"before": busy_before, "after": busy_after},
    })
    print(f"wrote {path}")


if __name__ == "__main__":
    main()
