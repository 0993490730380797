"""Optimizers (PyTorch's names); the update rules run in C++."""
from . import lr_scheduler
from .adadelta import Adadelta
from .adagrad import Adagrad
from .adam import Adam, AdamW
from .adamax import Adamax
from .lbfgs import LBFGS
from .nadam import NAdam
from .newton import Newton
from .optimizer import Optimizer
from .playground import FUNCTIONS, iterations_to_threshold, trace
from .rmsprop import RMSprop
from .sgd import SGD

__all__ = [
    "Optimizer", "SGD", "Adagrad", "RMSprop", "Adadelta", "Adam", "AdamW", "Adamax", "NAdam", "LBFGS", "Newton",
    "lr_scheduler", "trace", "iterations_to_threshold", "FUNCTIONS",
]
