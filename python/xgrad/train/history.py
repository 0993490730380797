"""``History``: what a training run recorded, as NumPy arrays ready for matplotlib."""
from __future__ import annotations

import math
from collections.abc import Mapping
from typing import Dict, List

import numpy as np

_PER_EPOCH = ("train_loss", "train_acc", "val_loss", "val_acc", "lr")


class History:
    """The record of ``Trainer.fit`` (the CS231n Solver's ``loss_history``, ``train_acc_history``,
    ``val_acc_history``).

    Attributes (NumPy float64 arrays):
        loss:        (iterations,) training loss of every mini-batch, in order (computed before
                     that batch's update).
        acc:         (iterations,) training accuracy of every mini-batch (its argmax hit rate,
                     before its update; lam-weighted with mixup); NaN when labels are not class
                     indices.
        train_loss:  (epochs,) mean training loss of each epoch (weighted by batch size).
        train_acc:   (epochs,) training accuracy of each epoch, counted on the training batches as
                     they were seen (train mode, e.g. with dropout on); NaN when labels are not
                     class indices.
        val_loss, val_acc: (epochs,) on the validation loader in eval mode; NaN without one.
        lr:          (epochs,) learning rate of the first parameter group during each epoch.
        epochs:      (epochs,) int64 epoch numbers 1, 2, ...

    ``len(history)`` is the number of epochs; ``history.as_dict()`` gives every array by name."""

    def __init__(self) -> None:
        self._loss: List[float] = []
        self._acc: List[float] = []
        self._epoch: Dict[str, List[float]] = {k: [] for k in _PER_EPOCH}

    # ------------------------------------------------------------ recording (used by the Trainer)
    def record_iteration(self, loss: float, acc: float = float("nan")) -> None:
        """Append one mini-batch's training loss to ``loss`` and its accuracy to ``acc`` (NaN if
        not given)."""
        self._loss.append(float(loss))
        self._acc.append(float(acc))

    def record_epoch(self, **values: float) -> None:
        """Append one epoch's metrics (keywords among train_loss, train_acc, val_loss, val_acc,
        lr; a metric not given is NaN for that epoch)."""
        unknown = set(values) - set(_PER_EPOCH)
        if unknown:
            raise ValueError(f"History.record_epoch: unknown metric(s) {sorted(unknown)} (known: {list(_PER_EPOCH)})")
        for k in _PER_EPOCH:
            self._epoch[k].append(float(values.get(k, float("nan"))))

    # ------------------------------------------------------------ the arrays
    @property
    def loss(self) -> np.ndarray:
        """(iterations,) training loss of every mini-batch."""
        return np.asarray(self._loss, dtype=np.float64)

    @property
    def acc(self) -> np.ndarray:
        """(iterations,) training accuracy of every mini-batch (NaN when labels are not class indices)."""
        return np.asarray(self._acc, dtype=np.float64)

    @property
    def train_loss(self) -> np.ndarray:
        """(epochs,) mean training loss of each epoch, weighted by batch size."""
        return np.asarray(self._epoch["train_loss"], dtype=np.float64)

    @property
    def train_acc(self) -> np.ndarray:
        """(epochs,) training accuracy of each epoch (NaN when labels are not class indices)."""
        return np.asarray(self._epoch["train_acc"], dtype=np.float64)

    @property
    def val_loss(self) -> np.ndarray:
        """(epochs,) validation loss of each epoch (NaN without a validation loader)."""
        return np.asarray(self._epoch["val_loss"], dtype=np.float64)

    @property
    def val_acc(self) -> np.ndarray:
        """(epochs,) validation accuracy of each epoch (NaN without a validation loader)."""
        return np.asarray(self._epoch["val_acc"], dtype=np.float64)

    @property
    def lr(self) -> np.ndarray:
        """(epochs,) learning rate of the first parameter group during each epoch."""
        return np.asarray(self._epoch["lr"], dtype=np.float64)

    @property
    def epochs(self) -> np.ndarray:
        """(epochs,) int64 epoch numbers 1, 2, ... (the x axis of the per-epoch curves)."""
        return np.arange(1, len(self) + 1, dtype=np.int64)

    def __len__(self) -> int:
        return len(self._epoch["train_loss"])

    def __getitem__(self, name: str) -> np.ndarray:
        if name not in ("loss", "acc", "epochs") + _PER_EPOCH:
            raise KeyError(f"History: no metric {name!r} (known: loss, acc, epochs, {', '.join(_PER_EPOCH)})")
        return getattr(self, name)

    def as_dict(self) -> Dict[str, np.ndarray]:
        """Every array by name (what a checkpoint stores)."""
        return {"loss": self.loss, "acc": self.acc, "epochs": self.epochs,
                **{k: getattr(self, k) for k in _PER_EPOCH}}

    @classmethod
    def from_dict(cls, arrays: Dict[str, np.ndarray]) -> "History":
        """Rebuild a History from ``as_dict()`` (checkpoints; one written before ``acc`` existed
        gets NaN accuracies)."""
        if not isinstance(arrays, Mapping):
            raise TypeError(f"History.from_dict: expected a dict of arrays (History.as_dict()), got "
                            f"{type(arrays).__name__}")
        missing = [k for k in ("loss", *_PER_EPOCH) if k not in arrays]
        if missing:
            raise ValueError(f"History.from_dict: missing {', '.join(missing)}")

        def numbers(key: str) -> List[float]:
            values = np.asarray(arrays[key])
            if values.dtype.kind not in "biuf":
                raise TypeError(f"History.from_dict: {key} must be an array of numbers, got dtype {values.dtype}")
            return [float(v) for v in values.ravel()]

        h = cls()
        h._loss = numbers("loss")
        h._acc = [math.nan] * len(h._loss) if arrays.get("acc") is None else numbers("acc")
        if len(h._acc) != len(h._loss):
            raise ValueError(f"History.from_dict: {len(h._acc)} iteration accuracies for {len(h._loss)} "
                             f"iteration losses")
        for k in _PER_EPOCH:
            h._epoch[k] = numbers(k)
        lengths = {len(v) for v in h._epoch.values()}
        if len(lengths) != 1:
            raise ValueError(f"History.from_dict: per-epoch arrays have different lengths "
                             f"{ {k: len(v) for k, v in h._epoch.items()} }")
        return h

    def __repr__(self) -> str:
        if not len(self):
            return f"History(0 epochs, {len(self._loss)} iterations)"
        last = {k: self._epoch[k][-1] for k in _PER_EPOCH}
        shown = ", ".join(f"{k}={v:.4g}" for k, v in last.items() if v == v)
        return f"History({len(self)} epochs, {len(self._loss)} iterations; last: {shown})"
