"""The ops of the core's registry that ``xgrad.nn.functional`` exposes (relu, leaky_relu, gelu,
softmax, ...): the functions bound from each op's registration (see ``xgrad/_tensor/registered.py``)."""
from .._tensor.registered import FUNCTIONAL

__all__ = list(FUNCTIONAL)
globals().update(FUNCTIONAL)
