"""Grad mode, anomaly detection, and user-defined differentiable functions (``xgrad.Function``)."""
from __future__ import annotations

import contextlib
import threading
from typing import Any, Optional, Tuple

import numpy as np

from . import _checks as check
from . import _core
from ._tensor.creation import tensor
from ._tensor.dtypes import Tensor, _NUMPY_OF, float32


class _GradMode(contextlib.ContextDecorator):
    # The modes are per thread in the core; so is the stack of values to restore, since one
    # decorated function may run in several threads at once.
    def __init__(self, enabled: bool):
        self._enabled = enabled
        self._local = threading.local()

    @property
    def _previous(self) -> list:
        if not hasattr(self._local, "stack"):
            self._local.stack = []
        return self._local.stack

    def __enter__(self):
        self._previous.append(_core.is_grad_enabled())
        _core.set_grad_enabled(self._enabled)
        return self

    def __exit__(self, *exc):
        _core.set_grad_enabled(self._previous.pop())
        return False


def no_grad() -> _GradMode:
    """Context manager (and decorator) in which ops record no graph: for evaluation and updates.

    >>> with xgrad.no_grad():
    ...     predictions = model(x)
    """
    return _GradMode(False)


def inference_mode(mode: bool = True) -> _GradMode:
    """PyTorch's ``inference_mode``: a context manager (and decorator) for evaluation. In xgrad it
    is ``no_grad`` (``inference_mode(False)`` changes nothing): no graph is recorded; unlike
    PyTorch, tensors made inside may later enter a graph, since xgrad keeps no inference flag."""
    return _GradMode(False) if mode else _GradMode(_core.is_grad_enabled())


def enable_grad() -> _GradMode:
    """Context manager that turns graph recording back on inside ``no_grad``."""
    return _GradMode(True)


class set_grad_enabled(_GradMode):
    """``set_grad_enabled(False)`` as a call or a context manager, like PyTorch's."""

    def __init__(self, mode: bool):
        mode = check.flag(mode, "mode", "set_grad_enabled")  # "no" would be truthy: grad on
        super().__init__(mode)
        self._previous.append(_core.is_grad_enabled())
        _core.set_grad_enabled(mode)

    def __enter__(self):
        return self


def is_grad_enabled() -> bool:
    """Whether ops currently record the graph."""
    return _core.is_grad_enabled()


class detect_anomaly(contextlib.ContextDecorator):
    """Within this context, the first op whose output or gradient holds NaN/Inf raises a
    RuntimeError naming the op (opt-in: it checks every value, so it is slow). Like ``no_grad``, it
    acts on the thread that enters it."""

    def __init__(self, mode: bool = True):
        self._mode = check.flag(mode, "mode", "detect_anomaly")
        self._local = threading.local()

    def __enter__(self):
        if not hasattr(self._local, "stack"):
            self._local.stack = []
        self._local.stack.append(_core.is_anomaly_enabled())
        _core.set_detect_anomaly(self._mode)
        return self

    def __exit__(self, *exc):
        _core.set_detect_anomaly(self._local.stack.pop())
        return False


def set_detect_anomaly(mode: bool) -> None:
    """Turn the NaN/Inf check of ``detect_anomaly`` on or off for the calling thread."""
    _core.set_detect_anomaly(check.flag(mode, "mode", "set_detect_anomaly"))


def backward(tensor_: Tensor, gradient: Any = None, retain_graph: bool = False) -> None:
    """Same as ``tensor_.backward(gradient, retain_graph)``."""
    if not isinstance(tensor_, Tensor):
        raise check.type_error("backward", "tensor", "an xgrad Tensor", tensor_)
    tensor_.backward(gradient, check.flag(retain_graph, "retain_graph", "backward"))


class FunctionCtx:
    """What ``forward`` hands to ``backward``: ``save_for_backward(*arrays)`` and any attributes."""

    def __init__(self) -> None:
        self.saved_tensors: Tuple[Any, ...] = ()
        self.needs_input_grad: Tuple[bool, ...] = ()

    def save_for_backward(self, *arrays: Any) -> None:
        self.saved_tensors = arrays


class Function:
    """A differentiable op written in NumPy: subclass it, define two static methods, call ``apply``.

    ``forward(ctx, *inputs)`` receives NumPy arrays in place of the tensor inputs (other arguments
    unchanged) and returns an array. ``backward(ctx, grad_output)`` receives the output's gradient
    as an array and returns one gradient (array or None) per input of ``forward``.

    >>> class Cube(xgrad.Function):
    ...     @staticmethod
    ...     def forward(ctx, x):
    ...         ctx.save_for_backward(x)
    ...         return x ** 3
    ...     @staticmethod
    ...     def backward(ctx, g):
    ...         (x,) = ctx.saved_tensors
    ...         return 3 * x ** 2 * g
    >>> y = Cube.apply(xgrad.tensor([2.0], requires_grad=True))
    """

    @staticmethod
    def forward(ctx: FunctionCtx, *args: Any) -> np.ndarray:
        raise NotImplementedError("subclasses of xgrad.Function define forward(ctx, *inputs)")

    @staticmethod
    def backward(ctx: FunctionCtx, grad_output: np.ndarray) -> Any:
        raise NotImplementedError("subclasses of xgrad.Function define backward(ctx, grad_output)")

    @classmethod
    def apply(cls, *args: Any) -> Tensor:
        name = cls.__name__
        tensor_positions = [i for i, a in enumerate(args) if isinstance(a, Tensor)]
        if not tensor_positions:
            raise TypeError(f"{name}.apply: at least one argument must be an xgrad.Tensor")
        dtypes = {args[i].dtype for i in tensor_positions}
        out_dtype = _core.dtype.float64 if _core.dtype.float64 in dtypes else float32
        ctx = FunctionCtx()
        ctx.needs_input_grad = tuple(isinstance(a, Tensor) and a.requires_grad for a in args)
        np_args = [a.numpy() if isinstance(a, Tensor) else a for a in args]
        with _GradMode(False):
            result = cls.forward(ctx, *np_args)
        result = np.array(result, dtype=_NUMPY_OF[out_dtype], copy=True)  # never alias an input
        out = tensor(result, dtype=out_dtype)
        inputs = [args[i] for i in tensor_positions]
        if not (_core.is_grad_enabled() and any(t.requires_grad for t in inputs)):
            return out

        def backward_fn(grad: Tensor):
            grads = cls.backward(ctx, grad.numpy())
            if not isinstance(grads, tuple):
                grads = (grads,)
            if len(grads) != len(args):
                raise RuntimeError(f"{name}.backward returned {len(grads)} gradients, expected {len(args)} "
                                   f"(one per argument of forward, None for non-tensors)")
            result_grads = []
            for i in tensor_positions:
                g = grads[i]
                if g is None:
                    result_grads.append(None)
                    continue
                g = np.asarray(g, dtype=_NUMPY_OF[args[i].dtype])
                if g.shape != tuple(args[i].shape):
                    raise ValueError(f"{name}.backward: gradient for argument {i} has shape {g.shape}, "
                                     f"expected {tuple(args[i].shape)}")
                result_grads.append(tensor(np.array(g, copy=True), dtype=args[i].dtype))
            return result_grads

        _core.attach_function(out, name, inputs, backward_fn)
        return out
