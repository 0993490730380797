"""Callbacks that end training: EarlyStopping (no improvement for `patience` epochs) and TerminateOnNaN."""
from __future__ import annotations

import math
from collections import OrderedDict
from typing import Any, Dict, Optional

import numpy as np

from .. import _checks as check

from .callback import Callback

_MONITORS = ("val_loss", "val_acc", "train_loss", "train_acc")


class EarlyStopping(Callback):
    """Stop training when ``monitor`` has not improved by more than ``min_delta`` for ``patience``
    epochs (CS231n: keep the model with the best validation accuracy; stop when it plateaus).

    Args:
        monitor: one of "val_loss", "val_acc", "train_loss", "train_acc" (a History per-epoch array).
        patience: epochs without improvement tolerated before stopping.
        min_delta: an epoch improves only if it beats the best by more than this.
        mode: "min", "max" or "auto" (max for accuracies, min for losses).
        restore_best_weights: at the end of training copy back the weights of the best epoch.

    After the run: ``best`` (best value), ``best_epoch`` (1-based), ``stopped_epoch`` (1-based, 0 if
    it never stopped the run)."""

    def __init__(self, monitor: str = "val_loss", patience: int = 3, min_delta: float = 0.0,
                 mode: str = "auto", restore_best_weights: bool = False):
        check.choice(monitor, "monitor", "EarlyStopping", _MONITORS)
        patience = check.nonnegative_int(patience, "patience", "EarlyStopping")
        # NaN would make every comparison False: no epoch would ever improve and the run would stop
        min_delta = check.number(min_delta, "min_delta", "EarlyStopping", low=0.0)
        check.choice(mode, "mode", "EarlyStopping", ("auto", "min", "max"))
        restore_best_weights = check.flag(restore_best_weights, "restore_best_weights", "EarlyStopping")
        self.monitor, self.patience, self.min_delta = monitor, int(patience), float(min_delta)
        self.mode = ("max" if monitor.endswith("acc") else "min") if mode == "auto" else mode
        self.restore_best_weights = bool(restore_best_weights)
        self.best = math.inf if self.mode == "min" else -math.inf
        self.best_epoch = 0
        self.wait = 0
        self.stopped_epoch = 0
        self._best_state: Optional["OrderedDict[str, np.ndarray]"] = None

    def _improved(self, value: float) -> bool:
        if self.mode == "min":
            return value < self.best - self.min_delta
        return value > self.best + self.min_delta

    def on_epoch_end(self, trainer: Any) -> None:
        """Compare the epoch's ``monitor`` value with the best so far; stop after ``patience``
        epochs without improvement."""
        values = getattr(trainer.history, self.monitor)
        value = float(values[-1])
        if math.isnan(value):
            raise ValueError(f"EarlyStopping: monitor {self.monitor!r} is NaN at epoch {len(values)} "
                             f"(no validation loader passed to fit, or the loss diverged)")
        if self._improved(value):
            self.best, self.best_epoch, self.wait = value, len(values), 0
            if self.restore_best_weights:
                self._best_state = trainer.model.state_dict()
        else:
            self.wait += 1
            if self.wait >= self.patience:
                self.stopped_epoch = len(values)
                trainer.stop_training = True

    def on_fit_end(self, trainer: Any) -> None:
        """With ``restore_best_weights``, load the best epoch's weights into the model."""
        if self.restore_best_weights and self._best_state is not None:
            trainer.model.load_state_dict(self._best_state)

    def state_dict(self) -> Dict[str, Any]:
        """The counters (and best weights if kept), so a resumed run stops where the original would."""
        return {"best": self.best, "best_epoch": self.best_epoch, "wait": self.wait,
                "stopped_epoch": self.stopped_epoch,
                "best_state": None if self._best_state is None else dict(self._best_state)}

    def load_state_dict(self, state: Dict[str, Any]) -> None:
        """Restore what ``state_dict`` returned."""
        self.best, self.best_epoch = float(state["best"]), int(state["best_epoch"])
        self.wait, self.stopped_epoch = int(state["wait"]), int(state["stopped_epoch"])
        best = state.get("best_state")
        self._best_state = None if best is None else OrderedDict(best)

    def __repr__(self) -> str:
        return (f"EarlyStopping(monitor={self.monitor!r}, patience={self.patience}, min_delta={self.min_delta}, "
                f"mode={self.mode!r})")


class TerminateOnNaN(Callback):
    """Stop training after the first batch whose loss is NaN or infinite (Keras' callback of that
    name): that batch's step is taken and recorded, then the epoch ends there (the step budget
    ``trainer.max_steps`` is set to the current iteration) and the run stays stopped
    (``trainer.stop_training``). A diverged run wastes no more steps, and its ``history.loss``
    ends with the step that diverged.

    After the run: ``stopped_iteration`` (the 1-based step whose loss was not finite; 0 if none)."""

    def __init__(self) -> None:
        self.stopped_iteration = 0

    def on_batch_end(self, trainer: Any) -> None:
        """End the run if this batch's loss (``trainer.last_loss``) is not finite."""
        if not math.isfinite(trainer.last_loss):
            self.stopped_iteration = trainer.iteration
            trainer.max_steps = trainer.iteration
            trainer.stop_training = True

    def __repr__(self) -> str:
        return "TerminateOnNaN()" if not self.stopped_iteration else f"TerminateOnNaN(stopped at step {self.stopped_iteration})"
