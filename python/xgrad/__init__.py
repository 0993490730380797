"""xgrad: a tensor and autograd engine with a C++ core, for reproducing the classic lectures on
training neural networks on a CPU and checking every gradient.

    import xgrad
    x = xgrad.tensor([[1.0, 2.0]], requires_grad=True)
    (x * x).sum().backward()
    x.grad                      # tensor([[2., 4.]], dtype=float32)
"""
from ._simd import core as _core  # the fastest compiled core this CPU runs, or XGRAD_SIMD's
from ._version import __version__
from ._tensor import (
    Tensor, ValuesIndices, add, amax, amin, arange, argmax, argmin, argsort, bincount, bitwise_and, bitwise_not,
    bitwise_or, bitwise_xor, bool_, broadcast_to, cat, clamp, clip, concatenate, div, dtype, empty, eq, expand,
    flatten, float32, float64, from_numpy, full, full_like, gather, ge, gt, int32, int64, isfinite, isinf, isnan,
    le, logical_and, logical_not, logical_or, logical_xor, lt, matmul, max, maximum, mean, min, minimum, mul, ne,
    one_hot, ones, ones_like, permute, pow, reshape, sort, squeeze, stack, std, sub, sum, tensor, topk, transpose,
    uint8, unsqueeze, var, where, zeros, zeros_like,
)
from .device import device
from ._tensor.registered import *  # noqa: F401,F403  (exp, log, tanh, relu, softmax, ...: the core's op registry)
from .random import get_rng_state, manual_seed, rand, randint, randn, randperm, set_rng_state
from .backend import blas_info, get_num_threads, set_num_threads
from .autograd import (
    Function, FunctionCtx, detect_anomaly, enable_grad, inference_mode, is_grad_enabled, no_grad, set_detect_anomaly,
    set_grad_enabled,
)
from .gradcheck import GradcheckError, GradcheckReport, gradcheck, numerical_gradient, relative_error
from . import data, nn, optim  # noqa: E402  (they import the names above)
from .serialization import load, save  # noqa: E402
from . import monitor, sanity, viz  # noqa: E402  (viz imports matplotlib only inside its functions)
from . import train, ensemble  # noqa: E402  (training loop and ensembles use nn/optim/save)
from . import search  # noqa: E402  (hyperparameter search; dask is imported only for client=)
from . import claims  # noqa: E402  (comparative claims over seeds: mean ± std, holds or not)
from . import recipes  # noqa: E402  (lectures' experiments as their own code runs them)

from ._tensor.dtypes import __getattr__  # noqa: E402,F401  (xgrad.bool, xgrad.long, ...: see there)
