"""Optimizers (PyTorch's names); the update rules run in C++."""
from .optimizer import Optimizer
from .sgd import SGD

__all__ = ["Optimizer", "SGD"]
