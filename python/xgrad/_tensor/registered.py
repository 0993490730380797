"""The ops registered in the C++ core, each beside its forward and backward
(``cpp/include/xgrad/ops/registry.hpp``): ``exp``, ``tanh``, ``relu``, ``gelu``, ``softmax``, ...

The core binds every registered op as a function of ``xgrad._core`` with its Python signature and
formula as docstring, and, where it is registered as a method, as a method of ``Tensor``. Here
they become ``xgrad.<name>`` (``__all__``); ``xgrad.nn.functional`` takes the ones registered for it
from ``FUNCTIONAL``. The type stubs (``registered.pyi``, ``_core.pyi``) are generated from the same
registry when the core is built.
"""
from .. import _core

#: name -> the registry entry: formula, parameters (name, kind, default, choices), where Python
#: exposes it, PyTorch's name for it.
REGISTRY = {op["name"]: op for op in _core.registered_ops()}

__all__ = [name for name, op in REGISTRY.items() if op["function"]]
FUNCTIONAL = {name: getattr(_core, name) for name, op in REGISTRY.items() if op["functional"]}

globals().update({name: getattr(_core, name) for name in __all__})
