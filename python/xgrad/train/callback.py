"""The callback protocol of ``xgrad.train.Trainer``.

A callback is any object with some of these methods; the trainer calls each one it has, in this
order, passing itself (``trainer.model``, ``trainer.optimizer``, ``trainer.scheduler``,
``trainer.history``, ``trainer.epoch``, ``trainer.iteration``, ``trainer.last_loss``; setting
``trainer.stop_training = True`` ends the run after the current epoch, setting
``trainer.max_steps = trainer.iteration`` ends it after the current batch)::

    on_fit_begin(trainer)
      on_epoch_begin(trainer)
        on_before_step(trainer)   # gradients computed, optimizer.step() not yet called
        on_after_step(trainer)    # parameters updated
        on_batch_end(trainer)
      on_epoch_end(trainer)       # validation metrics of this epoch are in trainer.history
    on_fit_end(trainer)

Subclass ``Callback`` to get no-op defaults for the hooks you do not need.
"""
from __future__ import annotations

from typing import Any


class Callback:
    """Base class with a no-op for every hook of the training loop (see the module docstring)."""

    def on_fit_begin(self, trainer: Any) -> None:
        """Once, when ``fit`` starts (also after ``resume``)."""

    def on_epoch_begin(self, trainer: Any) -> None:
        """Before the first batch of an epoch (``trainer.epoch``: epochs completed so far)."""

    def on_before_step(self, trainer: Any) -> None:
        """After ``loss.backward()``, before ``optimizer.step()``: gradients are in ``p.grad``."""

    def on_after_step(self, trainer: Any) -> None:
        """Right after ``optimizer.step()``: the parameters hold their new values."""

    def on_batch_end(self, trainer: Any) -> None:
        """After a batch is recorded (``trainer.iteration``, ``trainer.last_loss`` updated)."""

    def on_epoch_end(self, trainer: Any) -> None:
        """After validation and the scheduler step; the epoch's metrics are in ``trainer.history``."""

    def on_fit_end(self, trainer: Any) -> None:
        """Once, when ``fit`` has run its epochs (not after an exception)."""
