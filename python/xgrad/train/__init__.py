"""The training loop (a CS231n-Solver-like ``Trainer``), its callbacks and checkpoints."""
from .callback import Callback

__all__ = ["Callback"]
