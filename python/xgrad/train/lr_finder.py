"""The learning-rate range test (Smith 2017, "Cyclical Learning Rates", section 3.3; fastai's
``lr_find``): train for a few hundred mini-batches while the learning rate grows exponentially
from ``start_lr`` to ``end_lr``, record the loss at each rate, and read a good rate off the curve.

    result = xgrad.train.lr_finder(model, nn.CrossEntropyLoss(), optim.SGD(model.parameters(), lr=1),
                                   train_loader, start_lr=1e-6, end_lr=10, num_iter=200)
    result.suggestion      # the rate where the smoothed loss falls fastest
    result.plot()          # loss against the rate, log scale, the suggestion marked

The lectures' advice on learning rates is a coarse-to-fine search on a log scale (CS231n): the range
test is its cheapest coarse stage, one short run instead of one run per rate. The model and the
optimizer are restored afterwards (``restore=True``), so the test leaves no trace.
"""
from __future__ import annotations

import math
from dataclasses import dataclass
from typing import Any, Callable, Iterable, Optional

import numpy as np

from .._tensor import Tensor, tensor

__all__ = ["LRFinderResult", "lr_finder", "exponential_rates"]


def exponential_rates(start_lr: float, end_lr: float, num_iter: int) -> np.ndarray:
    """``lr_i = start_lr * (end_lr / start_lr) ** (i / (num_iter - 1))`` for i = 0 .. num_iter - 1."""
    i = np.arange(num_iter, dtype=np.float64)
    return start_lr * (end_lr / start_lr) ** (i / max(num_iter - 1, 1))


@dataclass
class LRFinderResult:
    """What the range test recorded. ``lrs[i]`` is the rate of update i, ``losses[i]`` the
    mini-batch loss before that update, ``smoothed[i]`` its bias-corrected exponential moving
    average (``beta``); the test stops early once the smoothed loss exceeds ``diverge_factor``
    times its minimum, or is not finite."""

    lrs: np.ndarray
    losses: np.ndarray
    smoothed: np.ndarray
    suggestion: float        # steepest descent of the smoothed loss against log10(lr)
    min_loss_lr: float       # the rate at the smallest smoothed loss
    diverged: bool

    @property
    def min_loss_lr_over_10(self) -> float:
        """fastai's other rule of thumb: a tenth of the rate at the minimum."""
        return self.min_loss_lr / 10

    def plot(self, ax: Any = None, skip_start: int = 5, skip_end: int = 3) -> Any:
        """Smoothed (and raw) loss against the rate on a log axis, the suggestion marked."""
        import matplotlib.pyplot as plt

        if ax is None:
            _, ax = plt.subplots(figsize=(7, 4))
        end = max(len(self.lrs) - skip_end, skip_start + 1)
        lrs, raw, smooth = self.lrs[skip_start:end], self.losses[skip_start:end], self.smoothed[skip_start:end]
        ax.plot(lrs, raw, color="0.75", lw=0.8, label="mini-batch loss")
        ax.plot(lrs, smooth, color="C0", lw=1.8, label="smoothed loss")
        ax.axvline(self.suggestion, color="C3", ls="--", lw=1.2, label=f"steepest descent: lr {self.suggestion:.2g}")
        ax.axvline(self.min_loss_lr, color="0.4", ls=":", lw=1.2, label=f"minimum: lr {self.min_loss_lr:.2g}")
        ax.set_xscale("log")
        finite = smooth[np.isfinite(smooth)]
        if finite.size:
            low, high = finite.min(), finite[0] if finite[0] > finite.min() else finite.max()
            ax.set_ylim(low - 0.1 * (high - low + 1e-12), high + 0.5 * (high - low + 1e-12))
        ax.set_xlabel("learning rate (log scale)")
        ax.set_ylabel("training loss")
        ax.set_title("learning-rate range test")
        ax.legend(fontsize=8)
        return ax


def _batches(loader: Iterable[Any]):
    """The loader's batches, again and again (a range test may be longer than an epoch)."""
    while True:
        empty = True
        for batch in loader:
            empty = False
            yield batch
        if empty:
            raise ValueError("lr_finder: the training loader yields no batch")


def _suggest(lrs: np.ndarray, smoothed: np.ndarray, skip_start: int, skip_end: int) -> float:
    """The rate where d(smoothed loss) / d(log10 lr) is most negative (fastai's 'steep')."""
    end = len(lrs) - skip_end
    if end - skip_start < 3:
        skip_start, end = 0, len(lrs)
    x, y = np.log10(lrs[skip_start:end]), smoothed[skip_start:end]
    ok = np.isfinite(y)
    x, y = x[ok], y[ok]
    if len(x) < 3:
        return float(lrs[int(np.nanargmin(smoothed))]) if np.isfinite(smoothed).any() else float(lrs[0])
    slope = np.gradient(y, x)
    return float(10 ** x[int(np.argmin(slope))])


def lr_finder(model: Any, loss_fn: Callable[[Any, Any], Tensor], optimizer: Any, train_loader: Iterable[Any],
              start_lr: float = 1e-7, end_lr: float = 10.0, num_iter: int = 100, beta: float = 0.98,
              diverge_factor: float = 4.0, restore: bool = True, skip_start: int = 5,
              skip_end: int = 3) -> LRFinderResult:
    """Run the learning-rate range test and return its curve and a suggested rate.

    Every group's rate is set to ``exponential_rates(start_lr, end_lr, num_iter)[i]`` before
    update i (one mini-batch each, the loader cycled as needed). The suggestion is the rate of
    steepest descent of the smoothed loss against log10(lr), ignoring the first ``skip_start``
    and the last ``skip_end`` points; the lectures' next step is a finer search around it.
    ``restore=True`` puts the model's parameters and buffers and the optimizer's state and rates
    back as they were."""
    if not (start_lr > 0 and end_lr > start_lr and math.isfinite(end_lr)):
        raise ValueError(f"lr_finder: need 0 < start_lr < end_lr (finite), got start_lr={start_lr!r}, end_lr={end_lr!r}")
    if isinstance(num_iter, bool) or not isinstance(num_iter, (int, np.integer)) or num_iter < 2:
        raise ValueError(f"lr_finder: num_iter must be an int >= 2, got {num_iter!r}")
    if not 0 <= beta < 1:
        raise ValueError(f"lr_finder: beta must be in [0, 1), got {beta!r}")
    if not diverge_factor > 1:
        raise ValueError(f"lr_finder: diverge_factor must be > 1, got {diverge_factor!r}")

    saved_model = ({k: np.array(v.numpy() if isinstance(v, Tensor) else v, copy=True)
                    for k, v in model.state_dict().items()} if restore else None)
    saved_optimizer = optimizer.state_dict() if restore else None
    was_training = getattr(model, "training", True)

    rates = exponential_rates(start_lr, end_lr, int(num_iter))
    lrs, losses, smoothed = [], [], []
    average, best, diverged = 0.0, math.inf, False
    model.train()
    batches = _batches(train_loader)
    try:
        with np.errstate(all="ignore"):
            for i, lr in enumerate(rates):
                for group in optimizer.param_groups:
                    group["lr"] = float(lr)
                xb, yb = next(batches)
                optimizer.zero_grad()
                loss = loss_fn(model(xb), yb)
                value = float(loss.item())
                lrs.append(float(lr))
                losses.append(value)
                average = beta * average + (1 - beta) * value
                smooth = average / (1 - beta ** (i + 1))
                smoothed.append(smooth)
                if not math.isfinite(smooth) or smooth > diverge_factor * best:
                    diverged = True
                    break
                best = min(best, smooth)
                loss.backward()
                optimizer.step()
    finally:
        if restore:
            model.load_state_dict({k: tensor(v) for k, v in saved_model.items()})
            optimizer.load_state_dict(saved_optimizer)
        model.train(was_training)

    lrs_a, losses_a, smoothed_a = np.array(lrs), np.array(losses), np.array(smoothed)
    finite = np.where(np.isfinite(smoothed_a), smoothed_a, np.inf)
    return LRFinderResult(lrs=lrs_a, losses=losses_a, smoothed=smoothed_a,
                          suggestion=_suggest(lrs_a, smoothed_a, skip_start, skip_end),
                          min_loss_lr=float(lrs_a[int(np.argmin(finite))]), diverged=diverged)
