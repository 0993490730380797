"""Layers, losses and the Module system (PyTorch's names)."""
from . import functional, init, regularizers, utils
from .activation import LogSoftmax, ReLU, Sigmoid, Softmax, Tanh
from .linear import Linear
from .loss import CrossEntropyLoss
from .module import Module, ModuleList, RemovableHandle, Sequential
from .parameter import Parameter

__all__ = [
    "functional", "init", "regularizers", "utils", "Module", "Sequential", "ModuleList", "RemovableHandle", "Parameter", "Linear",
    "ReLU", "Sigmoid", "Tanh", "Softmax", "LogSoftmax", "CrossEntropyLoss",
]
