"""Layers, losses and the Module system (PyTorch's names)."""
from . import functional, init, regularizers, utils
from . import activation
from .activation import *  # noqa: F401,F403  (Activation, ReLU, Tanh, LeakyReLU, GELU, ..., Softmax)
from .dropout import DropConnect, Dropout, StochasticDepth
from .residual import Residual, ResidualBlock
from .linear import Linear
from .embedding import Embedding
from .loss import (BCELoss, BCEWithLogitsLoss, CrossEntropyLoss, FocalLoss, L1Loss, MSELoss, MultiMarginLoss, NLLLoss,
                   SmoothL1Loss)
from .module import Module, ModuleList, RemovableHandle, Sequential
from .parameter import Parameter
from .conv import Conv2d
from .flatten import Flatten
from .normalization import BatchNorm1d, BatchNorm2d, GroupNorm, InstanceNorm2d, LayerNorm
from .pooling import AdaptiveAvgPool2d, AvgPool2d, FractionalMaxPool2d, MaxPool2d

__all__ = activation.__all__ + [
    "functional", "init", "regularizers", "utils", "Module", "Sequential", "ModuleList", "RemovableHandle",
    "Parameter", "Linear", "Embedding", "CrossEntropyLoss",
    "Conv2d", "Flatten", "MaxPool2d", "AvgPool2d", "AdaptiveAvgPool2d", "FractionalMaxPool2d",
    "BatchNorm1d", "BatchNorm2d", "LayerNorm", "GroupNorm", "InstanceNorm2d",
    "Dropout", "DropConnect",
    "StochasticDepth", "Residual", "ResidualBlock", "NLLLoss", "MultiMarginLoss", "FocalLoss", "L1Loss", "MSELoss",
    "SmoothL1Loss", "BCELoss", "BCEWithLogitsLoss",
]
