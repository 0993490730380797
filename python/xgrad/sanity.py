"""The lectures' sanity checks before a long training run (CS231n "Neural Networks 3"):

1. ``check_initial_loss``: with small random weights the softmax classifier's first loss is
   ``ln C`` (every class gets probability 1/C); the multiclass SVM's is ``margin * (C - 1) / C``
   with xgrad's (PyTorch's) normalisation. Adding regularisation must raise it.
2. ``overfit_small_subset``: with regularisation off, a model must drive the loss of a tiny subset
   (e.g. 20 examples) to ~0 and reach 100% training accuracy; if it cannot, something is broken.

    res = xgrad.sanity.check_initial_loss(model, x, y)
    print(res)              # loss 2.3031, expected ln 10 = 2.3026 -> ok
    fit = xgrad.sanity.overfit_small_subset(model, x[:20], y[:20], steps=200)
    assert fit.passed
"""
from __future__ import annotations

import math
from dataclasses import dataclass, field
from typing import Any, Callable, Iterator, Optional, Union

import numpy as np

from ._tensor import Tensor, tensor
from .autograd import no_grad
from .nn.dropout import DropConnect, Dropout, StochasticDepth
from .nn.loss import CrossEntropyLoss, MultiMarginLoss
from .nn.module import Module
from .random import randperm

__all__ = ["InitialLossResult", "OverfitResult", "check_initial_loss", "overfit_small_subset", "expected_initial_loss"]


def _inputs(x: Any, who: str) -> Tensor:
    if isinstance(x, Tensor):
        return x
    arr = np.asarray(x)
    if arr.dtype.kind not in "fiub":
        raise TypeError(f"{who}: x must be a float array or Tensor, got dtype {arr.dtype}")
    if arr.dtype.kind != "f":
        arr = arr.astype(np.float32)
    return tensor(np.ascontiguousarray(arr))


def _labels(y: Any, n: int, who: str) -> np.ndarray:
    labels = np.asarray(y.numpy() if isinstance(y, Tensor) else y)
    if labels.ndim != 1 or labels.shape[0] != n:
        raise ValueError(f"{who}: y must be 1-D with one label per example ({n}), got shape {labels.shape}")
    if labels.dtype.kind not in "iu":
        if labels.dtype.kind == "f" and np.all(labels == np.round(labels)):
            labels = labels.astype(np.int64)
        else:
            raise TypeError(f"{who}: y must hold integer class indices, got dtype {labels.dtype}")
    return labels.astype(np.int64, copy=False)


def _scalar(value: Any) -> float:
    return float(value.item()) if isinstance(value, Tensor) else float(np.asarray(value))


def _logits_shape_check(out: Any, n: int, who: str) -> np.ndarray:
    arr = np.asarray(out)
    if arr.ndim != 2 or arr.shape[0] != n:
        raise ValueError(f"{who}: the model must return class scores of shape (N={n}, C), got {arr.shape}")
    return arr


def _check_mean_reduction(loss_fn: Any, who: str) -> None:
    # chance level is a per-example value: a summed loss is N times it, an unreduced one a vector
    reduction = getattr(loss_fn, "reduction", "mean")
    if reduction != "mean":
        raise ValueError(f"{who}: loss_fn must average over the batch (reduction='mean'), got "
                         f"{type(loss_fn).__name__}(reduction={reduction!r})")


def expected_initial_loss(num_classes: int, loss_fn: Any = None, target: Any = None) -> float:
    """The loss of a classifier whose scores are all (nearly) equal: ``ln C`` for cross-entropy,
    ``margin * (C - 1) / C`` for ``MultiMarginLoss`` (hinge or squared hinge: ``margin^p``);
    per example, so ``loss_fn`` must use ``reduction='mean'``. A ``MultiMarginLoss`` with a class
    ``weight`` scales each example's hinge by ``weight[y]``: give the labels as ``target`` (N,) and
    the value is multiplied by ``mean(weight[target])``."""
    if int(num_classes) < 2:
        raise ValueError(f"expected_initial_loss: num_classes must be >= 2, got {num_classes}")
    _check_mean_reduction(loss_fn, "expected_initial_loss")
    c = int(num_classes)
    if loss_fn is None or isinstance(loss_fn, CrossEntropyLoss):
        # uniform predictions cost ln C against any target distribution, label smoothing included
        # (a class weight too: the loss is a weight-normalised mean of equal terms)
        return math.log(c)
    if isinstance(loss_fn, MultiMarginLoss):
        hinge = loss_fn.margin ** loss_fn.p * (c - 1) / c
        if loss_fn.weight is None:
            return hinge
        if target is None:
            raise ValueError("expected_initial_loss: MultiMarginLoss has a class weight, so the chance level "
                             "depends on the labels; pass target=<labels (N,)>")
        w = np.asarray(loss_fn.weight.numpy() if isinstance(loss_fn.weight, Tensor) else loss_fn.weight,
                       dtype=np.float64).reshape(-1)
        labels = _labels(target, len(np.asarray(target).reshape(-1)), "expected_initial_loss")
        if w.size != c or (labels.size and (labels.min() < 0 or labels.max() >= c)):
            raise ValueError(f"expected_initial_loss: weight has {w.size} entries and target spans "
                             f"[{labels.min()}, {labels.max()}], expected {c} classes")
        return hinge * float(w[labels].mean())
    raise TypeError(f"expected_initial_loss: no known chance-level loss for {type(loss_fn).__name__} "
                    f"(CrossEntropyLoss and MultiMarginLoss are known; compare by hand for others)")


@dataclass
class InitialLossResult:
    """What ``check_initial_loss`` found. ``loss`` = ``data_loss`` + ``penalty``; ``expected`` is
    the chance-level data loss (``ln C`` for softmax); ``ok`` whether ``data_loss`` is within
    ``tolerance`` (relative) of it; ``verdict`` says what a mismatch means."""

    loss: float
    data_loss: float
    penalty: float
    expected: float
    num_classes: int
    tolerance: float
    ok: bool
    verdict: str

    @property
    def ln_c(self) -> float:
        """``ln C`` (the softmax chance-level loss), whatever the loss function."""
        return math.log(self.num_classes)

    def __str__(self) -> str:
        pen = f" + penalty {self.penalty:.4f} = {self.loss:.4f}" if self.penalty else ""
        return (f"initial loss: data {self.data_loss:.4f}{pen}; expected {self.expected:.4f} "
                f"(C = {self.num_classes}, ln C = {self.ln_c:.4f}) -> {'ok' if self.ok else 'NOT ok'}: {self.verdict}")


def check_initial_loss(model: Module, x: Any, y: Any, num_classes: Optional[int] = None, loss_fn: Any = None,
                       penalty: Union[None, float, Callable[[], Any], Tensor] = None,
                       tolerance: float = 0.1) -> InitialLossResult:
    """Sanity check 1: the first loss of a freshly initialised classifier is the chance-level loss,
    ``ln C`` for softmax cross-entropy ("loss ≈ -ln(1/C)").

    Args:
        model: maps x (N, ...) to class scores (N, C); run in eval mode without gradients (its
            train/eval mode is restored afterwards).
        x, y: a batch (NumPy or Tensor) and its integer labels (N,).
        num_classes: C (default: the model output's last dimension).
        loss_fn: ``CrossEntropyLoss()`` by default; ``MultiMarginLoss`` expects ``(C - 1) / C``;
            with ``reduction='mean'`` (the chance level is per example).
        penalty: a regularisation term to add to the data loss (a number, a Tensor, or a callable
            returning one, e.g. ``lambda: nn.regularizers.l2_penalty(model, 1e-3)``): the total
            must go *up* with it, as the lectures' second check says.
        tolerance: relative tolerance on the data loss.

    Returns an ``InitialLossResult`` (loss, data_loss, penalty, expected, num_classes, ok, verdict)."""
    who = "check_initial_loss"
    if not isinstance(model, Module) and not callable(model):
        raise TypeError(f"{who}: model must be an xgrad.nn.Module or callable, got {type(model).__name__}")
    if not tolerance > 0:
        raise ValueError(f"{who}: tolerance must be > 0, got {tolerance}")
    inputs = _inputs(x, who)
    if inputs.ndim == 0 or inputs.shape[0] == 0:
        # the mean loss of no examples is NaN, which would read as "weights far too large"
        raise ValueError(f"{who}: x must hold at least one example along its first dimension, "
                         f"got shape {tuple(inputs.shape)}")
    n = int(inputs.shape[0])
    labels = _labels(y, n, who)
    loss_fn = CrossEntropyLoss() if loss_fn is None else loss_fn
    _check_mean_reduction(loss_fn, who)
    was_training = getattr(model, "training", None)
    if isinstance(model, Module):
        model.eval()
    try:
        with no_grad():
            out = model(inputs)
            scores = _logits_shape_check(out, n, who)
            c = int(num_classes) if num_classes is not None else int(scores.shape[1])
            if c != scores.shape[1]:
                raise ValueError(f"{who}: num_classes={c} but the model returns {scores.shape[1]} scores per example")
            # cross-entropy skips targets equal to its ignore_index (PyTorch's -100 by default)
            ignore = loss_fn.ignore_index if isinstance(loss_fn, CrossEntropyLoss) else None
            counted = labels if ignore is None else labels[labels != ignore]
            if counted.size == 0:
                raise ValueError(f"{who}: every label equals the loss's ignore_index={ignore}; nothing to check")
            if counted.min() < 0 or counted.max() >= c:
                raise ValueError(f"{who}: labels must lie in [0, {c - 1}], got range [{counted.min()}, {counted.max()}]")
            data_loss = _scalar(loss_fn(out, labels))
            pen = penalty() if callable(penalty) else penalty
            pen_value = 0.0 if pen is None else _scalar(pen)
    finally:
        if isinstance(model, Module) and was_training is not None:
            model.train(was_training)
    expected = expected_initial_loss(c, loss_fn, labels)
    ok = bool(np.isfinite(data_loss) and abs(data_loss - expected) <= tolerance * expected)
    if not np.isfinite(data_loss):
        verdict = ("the loss is not finite: the scores overflow (weights far too large) or the inputs hold "
                   "NaN/Inf")
    elif ok:
        verdict = "the data loss is at chance level, as expected for small random weights"
    elif data_loss > expected:
        verdict = (f"the data loss is {data_loss / expected:.2f}x chance level: the initial scores are too large "
                   f"(weights initialised with too large a scale, or inputs not normalised) or the loss "
                   f"already includes a regularisation term; use smaller initial weights")
    else:
        verdict = ("the data loss is below chance level: the model is not freshly initialised, the labels leak "
                   "into the inputs, or num_classes/loss_fn do not match the task")
    if pen_value:
        verdict += (f"; regularisation adds {pen_value:.4f} (the total must rise with the regularisation "
                    f"strength)" if pen_value > 0 else f"; the penalty is negative ({pen_value:.4f}): a bug")
    return InitialLossResult(loss=data_loss + pen_value, data_loss=data_loss, penalty=pen_value, expected=expected,
                             num_classes=c, tolerance=float(tolerance), ok=ok, verdict=verdict)


@dataclass
class OverfitResult:
    """What ``overfit_small_subset`` found: the loss and training accuracy of every step (on that
    step's batch, before its update), the final training accuracy (eval mode) and loss, the first
    step at which the whole subset reached the target accuracy (full batch only: None if never, and
    None with minibatches, where no step sees the whole subset), ``passed`` and a ``verdict``."""

    losses: np.ndarray
    accuracies: np.ndarray
    final_accuracy: float
    final_loss: float
    steps_to_target: Optional[int]
    target_accuracy: float
    passed: bool
    verdict: str
    warnings: list = field(default_factory=list)

    def __str__(self) -> str:
        return (f"overfit {len(self.losses)} steps: final train accuracy {self.final_accuracy:.3f}, loss "
                f"{self.final_loss:.4g} -> {'passed' if self.passed else 'FAILED'}: {self.verdict}")


def _subset_batches(inputs: Tensor, labels: np.ndarray, batch_size: int, order: np.ndarray) -> Iterator[tuple]:
    """Endless (x, y) batches of the subset: the whole of it every time, or ``batch_size`` rows at a
    time cycling through ``order`` (wrapping around its end)."""
    n = len(labels)
    if batch_size == n:
        while True:
            yield inputs, labels
    x_np = np.asarray(inputs)
    start = 0
    while True:
        idx = np.take(order, np.arange(start, start + batch_size), mode="wrap")
        yield tensor(np.ascontiguousarray(x_np[idx])), labels[idx]
        start = (start + batch_size) % n


def overfit_small_subset(model: Module, x: Any, y: Any, steps: int = 200, optimizer: Any = None,
                         loss_fn: Any = None, lr: float = 1e-3, batch_size: Optional[int] = None,
                         target_accuracy: float = 1.0, loss_threshold: Optional[float] = None) -> OverfitResult:
    """Sanity check 2: train on a tiny subset (e.g. 20 examples) with regularisation off until the
    model memorises it — training accuracy ~100%, loss near 0. Failing means a bug (in the model,
    the loss or the update) or a learning rate far off.

    The training is an ``xgrad.train.Trainer`` run of ``steps`` steps (``fit(batches, epochs=1,
    max_steps=steps)`` with a ``TerminateOnNaN`` callback); the losses and accuracies are its
    ``history.loss`` and ``history.acc``, so a hand-written Trainer run on the same batches gives
    the same numbers.

    Args:
        model: the classifier, trained in place (train mode; its mode is restored afterwards).
        x, y: the subset and its integer labels.
        steps: optimizer steps (full batch unless ``batch_size`` is given; minibatches then cycle
            in a fixed order drawn from xgrad's generator, wrapping around the subset's end). A
            loss that becomes NaN/Inf ends the run at that step.
        optimizer: default ``xgrad.optim.Adam(model.parameters(), lr=lr)`` without weight decay; one
            whose ``step`` needs a closure (``LBFGS``, ``Newton``) gets one recomputing the batch loss.
        loss_fn: default ``CrossEntropyLoss()``.
        target_accuracy: the training accuracy to reach (1.0: every example right).
        loss_threshold: also require the final loss below this (default: none).

    Returns an ``OverfitResult``; ``warnings`` lists regularisation found switched on (weight decay,
    dropout), which the lecture says to turn off for this check."""
    who = "overfit_small_subset"
    if not isinstance(model, Module):
        raise TypeError(f"{who}: model must be an xgrad.nn.Module, got {type(model).__name__}")
    steps = int(steps)
    if steps < 1:
        raise ValueError(f"{who}: steps must be >= 1, got {steps}")
    if not 0 < target_accuracy <= 1:
        raise ValueError(f"{who}: target_accuracy must be in (0, 1], got {target_accuracy}")
    inputs = _inputs(x, who)
    n = int(inputs.shape[0])
    if n < 1:
        raise ValueError(f"{who}: got an empty subset")
    labels = _labels(y, n, who)
    if batch_size is not None and not 1 <= int(batch_size) <= n:
        raise ValueError(f"{who}: batch_size must be in [1, {n}], got {batch_size}")
    from . import optim
    from .train import TerminateOnNaN, Trainer

    if optimizer is None:
        optimizer = optim.Adam(model.parameters(), lr=lr)
    loss_fn = CrossEntropyLoss() if loss_fn is None else loss_fn
    warnings = []
    decays = sorted({g.get("weight_decay", 0.0) for g in optimizer.param_groups if g.get("weight_decay", 0.0)})
    if decays:
        warnings.append(f"weight_decay={decays} is on in the optimizer (turn regularisation off for this check)")
    drop = [type(m).__name__ for m in model.modules() if isinstance(m, (Dropout, DropConnect, StochasticDepth))
            and getattr(m, "p", 0)]
    if drop:
        warnings.append(f"the model has {', '.join(sorted(set(drop)))} (regularisation: use p=0 for this check)")

    was_training = model.training
    bs = n if batch_size is None else int(batch_size)
    order = np.arange(n) if bs == n else randperm(n)
    stop = TerminateOnNaN()
    trainer = Trainer(model, loss_fn, optimizer, callbacks=[stop], progress=False)
    try:
        history = trainer.fit(_subset_batches(inputs, labels, bs, order), epochs=1, max_steps=steps)
        model.eval()
        with no_grad():
            out = model(inputs)
            final_loss = _scalar(loss_fn(out, labels))
            final_acc = float(np.mean(np.asarray(out).argmax(axis=1) == labels))
    finally:
        model.train(was_training)
    losses, accs = history.loss, history.acc
    diverged = stop.stopped_iteration > 0
    steps_to_target = None
    if bs == n:  # only a full-batch step sees the whole subset; a diverged step does not count
        reached = np.flatnonzero(accs[:len(accs) - diverged] >= target_accuracy)
        steps_to_target = int(reached[0]) + 1 if reached.size else None
    ok_loss = loss_threshold is None or final_loss <= loss_threshold
    passed = bool(not diverged and final_acc >= target_accuracy and ok_loss)
    ran = losses[np.isfinite(losses)]
    if diverged:
        verdict = "the loss became NaN/Inf: the learning rate is far too high (or a numerical bug)"
    elif passed:
        verdict = (f"memorised all {n} examples" if target_accuracy == 1.0 else
                   f"reached {final_acc:.3f} >= {target_accuracy} training accuracy") + \
                  (f" (first at step {steps_to_target})" if steps_to_target else "")
    elif ran.size > 1 and ran[-1] >= 0.95 * ran[0]:
        verdict = (f"the loss barely moved ({ran[0]:.4g} -> {ran[-1]:.4g}): the learning rate is too low, the "
                   f"gradients do not reach the parameters, or the model does not depend on them")
    elif ran.size > 1 and ran[-1] > ran[0]:
        verdict = f"the loss went up ({ran[0]:.4g} -> {ran[-1]:.4g}): the learning rate is too high"
    elif final_acc >= target_accuracy:
        verdict = (f"accuracy reached but the loss {final_loss:.4g} is above loss_threshold={loss_threshold}: "
                   f"train longer")
    else:
        verdict = (f"training accuracy {final_acc:.3f} < {target_accuracy}: train longer, raise the learning "
                   f"rate, or check the model has the capacity to memorise {n} examples")
    if warnings and not passed:
        verdict += "; " + "; ".join(warnings)
    return OverfitResult(losses=losses, accuracies=accs,
                         final_accuracy=final_acc, final_loss=final_loss, steps_to_target=steps_to_target,
                         target_accuracy=float(target_accuracy), passed=passed, verdict=verdict, warnings=warnings)
