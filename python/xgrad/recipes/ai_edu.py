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

__all__ = ["RaceResult", "COURSE_15_4", "OPTIMIZERS_15_4", "optimizer_race", "linear_regression_run"]

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
