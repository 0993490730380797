"""ai-edu chapter 15 (网络优化), run as the course's code runs it (recipes in
``$XGRAD_DATA/ai-edu/README.md``).

``optimizer_race()`` is 15.4: fit y = w·x + b (w = b = 0) to the course's 200 samples with batch 5,
shuffling at the start of every epoch, and count the updates until the loss on all 200 samples,
Σ(z − y)² / (2·200), is below 0.005. The course's figures: SGD 148, Momentum 128, RMSProp 130,
Adam 107 (0-based index of the update that got below).
"""
from __future__ import annotations

from dataclasses import dataclass
from typing import Callable, Dict, Optional, Sequence

import numpy as np

from .. import optim
from .._tensor import float64, tensor, zeros
from ..data.ai_edu import CourseShuffle, load_ch04

__all__ = ["RaceResult", "COURSE_15_4", "OPTIMIZERS_15_4", "optimizer_race", "linear_regression_run",
           "CurveFitSetting", "CurveFitRun", "RULES_15_2_3", "SETTINGS_15_2", "SETTINGS_15_3", "COURSE_15_2",
           "curve_fit_runs",
           "COURSE_15_6", "BatchNormMnistResult", "batch_norm_mnist"]

# The course's published iteration counts (15.4's table).
COURSE_15_4 = {"SGD": 148, "Momentum": 128, "RMSProp": 130, "Adam": 107}

# The course's update rules in xgrad's options.
OPTIMIZERS_15_4: Dict[str, Callable[[Sequence], optim.Optimizer]] = {
    # w -= 0.2 g
    "SGD": lambda p: optim.SGD(p, lr=0.2),
    # v = 0.9 v - lr g;  w += v
    "Momentum": lambda p: optim.SGD(p, lr=0.02, momentum=0.9, momentum_form="velocity"),
    # r = 0.9 r + 0.1 g²;  w -= lr g / sqrt(r + 1e-6)
    "RMSProp": lambda p: optim.RMSprop(p, lr=0.05, alpha=0.9, eps=1e-6, eps_inside_sqrt=True),
    # bias-corrected Adam, eps outside the square root
    "Adam": lambda p: optim.Adam(p, lr=0.2, betas=(0.9, 0.999), eps=1e-8),
}


@dataclass
class RaceResult:
    name: str
    iterations: Optional[int]  # 0-based index of the update that got below the target; None: never
    w: float
    b: float
    loss: float
    losses: np.ndarray        # full-set loss after every update
    seeds: list               # the shuffle seeds s of this run's epochs


def linear_regression_run(name: str, make_optimizer: Callable, shuffle: CourseShuffle, x: np.ndarray,
                          y: np.ndarray, batch_size: int = 5, target: float = 0.005,
                          max_epochs: int = 1000) -> RaceResult:
    """One optimizer of 15.4 from w = b = 0 and the file order of the data."""
    w = zeros(1, dtype=float64, requires_grad=True)
    b = zeros(1, dtype=float64, requires_grad=True)
    opt = make_optimizer([w, b])
    x_all, y_all = x.astype(np.float64), y.astype(np.float64)
    n = len(x_all)
    per_epoch = n // batch_size
    losses = []
    first_seed = len(shuffle.seeds)
    xs, ys = x_all, y_all
    for epoch in range(max_epochs):
        xs, ys = shuffle(xs, ys)
        for it in range(per_epoch):
            xb = tensor(xs[it * batch_size:(it + 1) * batch_size], dtype=float64)
            yb = tensor(ys[it * batch_size:(it + 1) * batch_size], dtype=float64)
            opt.zero_grad()
            loss = ((xb * w + b - yb) ** 2).sum() / (2 * batch_size)
            loss.backward()
            opt.step()
            wv, bv = float(w.item()), float(b.item())
            full = float(np.sum((x_all * wv + bv - y_all) ** 2) / (2 * n))
            losses.append(full)
            if full < target:
                return RaceResult(name, epoch * per_epoch + it, wv, bv, full, np.array(losses),
                                  shuffle.seeds[first_seed:])
    return RaceResult(name, None, float(w.item()), float(b.item()), losses[-1], np.array(losses),
                      shuffle.seeds[first_seed:])


def optimizer_race(first_seed: int = 65, root=None,
                   names: Sequence[str] = ("SGD", "Momentum", "RMSProp", "Adam")) -> Dict[str, RaceResult]:
    """15.4's four runs one after another, continuing the course's shuffle-seed chain from
    ``first_seed`` (65: the published run), each from w = b = 0 and the file order."""
    x, y = load_ch04(root)
    shuffle = CourseShuffle(first_seed)
    return {name: linear_regression_run(name, OPTIMIZERS_15_4[name], shuffle, x, y) for name in names}


# ------------------------------------------------------------------------------------ 15.2, 15.3

@dataclass(frozen=True)
class CurveFitSetting:
    """One run of 15.2/15.3: an optimizer of the course (a key of ``RULES_15_2_3``), its learning
    rate and the saved initial weights (``level2``: 15.2's script, ``level3``: 15.3's)."""
    optimizer: str
    lr: float
    init: str

    @property
    def label(self) -> str:
        return f"{self.optimizer} lr {self.lr:g}"


# The course's rules (its formulas in chapters 15.2 and 15.3) in xgrad's options.
RULES_15_2_3: Dict[str, tuple] = {
    # w -= lr g
    "SGD": (optim.SGD, {}),
    # v = 0.9 v - lr g;  w += v
    "Momentum": (optim.SGD, {"momentum": 0.9}),
    # r += g²;  w -= lr g / (1e-6 + sqrt(r))
    "AdaGrad": (optim.Adagrad, {"eps": 1e-6}),
    # r = 0.9 r + 0.1 g²;  w -= lr g / sqrt(r + 1e-6)
    "RMSProp": (optim.RMSprop, {"alpha": 0.9, "eps": 1e-6, "eps_inside_sqrt": True}),
}

# 15.2's runs (ch15 Level2) and the course's statements about them.
SETTINGS_15_2 = (CurveFitSetting("SGD", 0.1, "level2"), CurveFitSetting("SGD", 0.3, "level2"),
                 CurveFitSetting("Momentum", 0.1, "level2"))
COURSE_15_2 = {"SGD lr 0.1": "does not reach loss 0.001 in 10,000 epochs",
               "SGD lr 0.3": "reaches it within 5,000 epochs",
               "Momentum lr 0.1": "stops after about 2,000 epochs"}
# 15.3's learning-rate tables (ch15 Level3): the course shows loss curves, no counts.
SETTINGS_15_3 = tuple(CurveFitSetting("AdaGrad", lr, "level3") for lr in (0.3, 0.5, 0.7)) + \
    tuple(CurveFitSetting("RMSProp", lr, "level3") for lr in (0.1, 0.01, 0.005))


@dataclass
class CurveFitRun:
    setting: CurveFitSetting
    first_seed: int
    stop_epoch: Optional[int]   # epochs trained when a check first saw validation loss <= target; None: never
    checks: np.ndarray          # (total iterations, validation loss) at every check up to the stop


def curve_fit_runs(settings: Sequence[CurveFitSetting], first_seeds: Sequence[int], max_epochs: int = 10000,
                   target: float = 0.001, batch_size: int = 10, check_every: int = 5000,
                   root=None) -> list:
    """15.2/15.3 as the course's ch15 Level2/Level3 scripts run them: Linear(1, 3) -> Sigmoid ->
    Linear(3, 1) on the chapter-9 curve (1,000 samples) from the saved Xavier weights (biases 0),
    loss Σ(z - y)² / (2 m), batch 10, epoch 0 in file order and the course's shuffle after every
    epoch (one seed chain per first seed), the loss on the 200 test samples checked every
    ``check_every`` iterations; a run stops at the first check with loss <= ``target``.

    Every (setting, first seed) pair is an independent network, and all are trained together as
    one batched graph (weights stacked on a leading run axis, batched matmuls): each run's
    gradient is that of its own batch loss, so the runs do not interact, and 10,000 epochs of
    dozens of runs cost little more than one run. A setting leaves the graph once all its runs
    have stopped. Returns one ``CurveFitRun`` per pair, settings outer, seeds inner."""
    from ..autograd import no_grad
    from ..data.ai_edu import load_ch09, load_ch09_init
    from .._tensor.ops import cat

    for s_ in settings:
        if s_.optimizer not in RULES_15_2_3:
            raise ValueError(f"curve_fit_runs: unknown optimizer {s_.optimizer!r} "
                             f"(known: {', '.join(RULES_15_2_3)})")
    x_train, y_train, x_test, y_test = load_ch09(root)
    n = len(x_train)
    if n % batch_size:
        raise ValueError(f"curve_fit_runs: batch_size {batch_size} does not divide the {n} samples")
    per_epoch = n // batch_size
    seeds = list(first_seeds)
    n_seeds, n_runs = len(seeds), len(settings) * len(seeds)

    # one block of parameters per setting: (seeds, 1, 3), (seeds, 1, 3), (seeds, 3, 1), (seeds, 1, 1)
    blocks = []
    for s_ in settings:
        w1, w2 = load_ch09_init(s_.init, root)
        blocks.append([tensor(np.repeat(w1[None], n_seeds, 0), dtype=float64, requires_grad=True),
                       zeros(n_seeds, 1, 3, dtype=float64, requires_grad=True),
                       tensor(np.repeat(w2[None], n_seeds, 0), dtype=float64, requires_grad=True),
                       zeros(n_seeds, 1, 1, dtype=float64, requires_grad=True)])
    # one optimizer per setting, so that a setting whose runs have all stopped leaves the graph
    optimizers = []
    for s_, params in zip(settings, blocks):
        cls, options = RULES_15_2_3[s_.optimizer]
        extra = {"momentum_form": "velocity"} if cls is optim.SGD else {}
        optimizers.append(cls(params, lr=s_.lr, **options, **extra))

    def forward(x, live):
        w1, b1, w2, b2 = (cat([blocks[k][i] for k in live], 0) if len(live) > 1 else blocks[live[0]][i]
                          for i in range(4))
        return (x @ w1 + b1).sigmoid() @ w2 + b2

    xt, yt = tensor(x_test[None], dtype=float64), tensor(y_test[None], dtype=float64)
    shuffles = [CourseShuffle(s) for s in seeds]
    orders = [np.arange(n) for _ in seeds]
    stop = [None] * n_runs
    stop_at = [None] * n_runs        # the iteration of the stopping check: later checks are not the run's
    checks = []                      # (total iterations, validation loss of every run; NaN: left)
    live = list(range(len(settings)))
    total = 0
    for epoch in range(max_epochs):
        if epoch > 0:   # the course shuffles after each epoch: epoch 0 sees the file order
            orders = [sh(o, o)[0] for sh, o in zip(shuffles, orders)]
        idx = np.stack(orders)                                   # (seeds, n)
        m = len(live) * n_seeds
        xe = np.tile(x_train[idx], (len(live), 1, 1))            # (live runs, n, 1), settings outer
        ye = np.tile(y_train[idx], (len(live), 1, 1))
        xe = np.ascontiguousarray(xe.reshape(m, per_epoch, batch_size, 1).transpose(1, 0, 2, 3))
        ye = np.ascontiguousarray(ye.reshape(m, per_epoch, batch_size, 1).transpose(1, 0, 2, 3))
        for it in range(per_epoch):
            z = forward(tensor(xe[it]), live)
            # the sum over runs of each run's batch loss: every run gets its own gradient
            loss = ((z - tensor(ye[it])) ** 2).sum() / (2 * batch_size)
            for k in live:
                optimizers[k].zero_grad()
            loss.backward()
            for k in live:
                optimizers[k].step()
            total += 1
            if total % check_every == 0:
                with no_grad():
                    val = (((forward(xt, live) - yt) ** 2).sum(dim=(1, 2)) / (2 * len(x_test))).numpy()
                row = np.full(n_runs, np.nan)
                for j, k in enumerate(live):
                    row[k * n_seeds:(k + 1) * n_seeds] = val[j * n_seeds:(j + 1) * n_seeds]
                checks.append((total, row))
                for r in range(n_runs):
                    if stop[r] is None and row[r] <= target:
                        stop[r], stop_at[r] = total // per_epoch, total
        live = [k for k in live if any(stop[k * n_seeds + j] is None for j in range(n_seeds))]
        if not live:
            break
    iters = np.array([c[0] for c in checks], dtype=np.float64)
    vals = np.array([c[1] for c in checks]).reshape(len(checks), n_runs)
    runs = []
    for i, s_ in enumerate(settings):
        for j, seed in enumerate(seeds):
            r = i * n_seeds + j
            kept = ~np.isnan(vals[:, r]) & (iters <= (stop_at[r] if stop_at[r] is not None else np.inf))
            runs.append(CurveFitRun(s_, seed, stop[r], np.column_stack([iters[kept], vals[kept, r]])))
    return runs


# ------------------------------------------------------------------------------------------ 15.6

COURSE_15_6 = {"stop_iteration": 4267, "epoch": 4, "test_accuracy": 0.9663}


@dataclass
class BatchNormMnistResult:
    stop_iteration: Optional[int]   # total iteration (0-based) of the check that stopped; None: never
    epoch: int
    test_accuracy: float
    val_losses: list                # (total iteration, validation loss) at every check
    seeds: list


def _mnist_float64(root=None):
    """MNIST as the course reads it: x / 255 in float64 (recovered exactly from xgrad's float32
    k / 255), flattened; labels as class indices."""
    from ..data import load_mnist

    m = load_mnist(root)
    to64 = lambda x: (np.rint(x.reshape(len(x), -1).astype(np.float64) * 255.0) / 255.0)
    return to64(m.x_train), m.y_train, to64(m.x_test), m.y_test


def batch_norm_mnist(first_seed: int = 39, root=None, max_epochs: int = 50, target: float = 0.12,
                     lr: float = 0.1, batch_size: int = 64, drop_last: bool = False,
                     bn_grad_sum: bool = True) -> BatchNormMnistResult:
    """15.6: 784-128-64-32-16-10, (Linear -> BatchNorm -> ReLU) x 4, Linear -> softmax, the
    course's saved MSRA initial weights, x / 255, validation = the first 3,000 training images,
    57,000 to train, batch 64 (the last batch of an epoch has 40), SGD lr 0.1 for every
    parameter; BatchNorm with the course's running statistics (``running_stats="ai-edu"``) and its
    gamma, beta updated with the gradient of the batch *sum* (a parameter group with
    ``grad_scale`` = the batch size); the course's shuffle at the start of every epoch from
    ``first_seed`` (39: the published run). Every 44 iterations the validation loss (eval mode)
    is checked; training stops at the first check with loss <= 0.12."""
    import math
    import os

    from .. import nn
    from ..autograd import no_grad
    from ..data.ai_edu import ai_edu_dir
    from ..nn import functional as F

    x_all, y_all, x_test, y_test = _mnist_float64(root)
    x_val, y_val = x_all[:3000], y_all[:3000]
    x_train, y_train = x_all[3000:], y_all[3000:]
    folder = os.path.join(ai_edu_dir(root), "init", "Mnist")
    sizes = [784, 128, 64, 32, 16, 10]
    layers, bn_params, other_params = [], [], []
    for i, (n_in, n_out) in enumerate(zip(sizes[:-1], sizes[1:])):
        saved = np.load(os.path.join(folder, f"w_{n_in}_{n_out}_MSRA_init.npz"))
        linear = nn.Linear(n_in, n_out, dtype=float64)
        linear.weight.numpy()[...] = saved["weights"].T      # the course computes x @ W
        linear.bias.numpy()[...] = saved["bias"].reshape(-1)
        layers.append(linear)
        other_params += [linear.weight, linear.bias]
        if i < len(sizes) - 2:
            bn = nn.BatchNorm1d(n_out, eps=1e-5, momentum=0.1, dtype=float64, running_stats="ai-edu")
            layers += [bn, nn.ReLU()]
            bn_params += [bn.weight, bn.bias]
    model = nn.Sequential(*layers)
    current = {"batch": batch_size}
    opt = optim.SGD([{"params": other_params},
                     {"params": bn_params, "grad_scale": (lambda: current["batch"]) if bn_grad_sum else 1.0}],
                    lr=lr)
    shuffle = CourseShuffle(first_seed)
    per_epoch = len(x_train) // batch_size if drop_last else math.ceil(len(x_train) / batch_size)
    check_every = int(per_epoch * 0.05)
    xt, yt = x_train, y_train
    val_losses = []

    def val_loss() -> float:
        model.eval()
        with no_grad():
            value = float(F.cross_entropy(model(tensor(x_val, dtype=float64)), y_val).item())
        model.train()
        return value

    def test_accuracy() -> float:
        model.eval()
        with no_grad():
            logits = model(tensor(x_test, dtype=float64)).numpy()
        model.train()
        return float(np.mean(np.argmax(logits, axis=1) == y_test))

    model.train()
    for epoch in range(max_epochs):
        xt, yt = shuffle(xt, yt)
        for it in range(per_epoch):
            xb, yb = xt[it * batch_size:(it + 1) * batch_size], yt[it * batch_size:(it + 1) * batch_size]
            current["batch"] = len(xb)
            opt.zero_grad()
            loss = F.cross_entropy(model(tensor(xb, dtype=float64)), yb)
            loss.backward()
            opt.step()
            total = epoch * per_epoch + it
            if (total + 1) % check_every == 0:
                val_losses.append((total, val_loss()))
                if val_losses[-1][1] <= target:
                    return BatchNormMnistResult(total, epoch, test_accuracy(), val_losses, list(shuffle.seeds))
    return BatchNormMnistResult(None, max_epochs - 1, test_accuracy(), val_losses, list(shuffle.seeds))
