"""The Python face of ``xgrad.Tensor``, one concern per module.

The tensor type itself is C++ (``xgrad._core.Tensor``); this package normalises arguments and hands
over to one C++ op per call:

- ``dtypes``: the Tensor type, its dtypes (float32, float64, int64, int32, uint8, bool) and the dtype
  normaliser;
- ``operands``: operand coercion and argument normalisation (shapes, ``dim``/``axis``, ``keepdim``);
- ``creation``: ``tensor``, ``zeros``, ``full``, ``arange``, ...;
- ``registered``: the ops registered in the C++ core (exp, tanh, relu, softmax, ...): functions
  and methods bound from the core's registry;
- ``ops``: the ops whose arguments Python normalises (arithmetic with scalars, reductions, shape,
  linear algebra), also methods;
- ``indexing``: ``t[key]`` and ``t[key] = value``;
- ``representation``: repr, NumPy conversion, pickling;
- ``methods``: the one place that attaches methods, operators and properties to the type.

Random draws live in ``xgrad.random``.
"""
from .creation import arange, empty, from_numpy, full, full_like, ones, ones_like, tensor, zeros, zeros_like
from .dtypes import Tensor, bool_, dtype, float32, float64, int32, int64, uint8
from .ops import (
    ValuesIndices, add, amax, amin, argmax, argmin, argsort, bincount, bitwise_and, bitwise_not, bitwise_or,
    bitwise_xor, broadcast_to, cat, clamp, clip, concatenate, div, eq, expand, flatten, gather, ge, gt, isfinite,
    isinf, isnan, le, logical_and, logical_not, logical_or, logical_xor, lt, matmul, max, maximum, mean, min,
    minimum, mul, ne, one_hot, permute, pow, reshape, sort, squeeze, stack, std, sub, sum, topk, transpose,
    unsqueeze, var, where,
)
from .registered import *  # noqa: F401,F403  (exp, tanh, relu, softmax, ...: the core's registry)
from .representation import _rebuild_tensor  # noqa: F401  (pickles written before the split name it here)
from . import methods

methods.install()
