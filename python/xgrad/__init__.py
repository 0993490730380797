"""xgrad: a tensor and autograd engine with a C++ core, for reproducing the classic lectures on
training neural networks on a CPU and checking every gradient.

    import xgrad
    x = xgrad.tensor([[1.0, 2.0]], requires_grad=True)
    (x * x).sum().backward()
    x.grad                      # tensor([[2., 4.]], dtype=float32)
"""
from . import _core
from ._tensor import (
    Tensor, abs, add, arange, argmax, argmin, broadcast_to, cat, clamp, clip, concatenate, div, dtype, empty,
    exp, expand, flatten, float32, float64, from_numpy, full, full_like, log, log_softmax, manual_seed, matmul,
    max, maximum, mean, min, minimum, mul, neg, ones, ones_like, permute, pow, rand, randint, randn, randperm, relu, reshape,
    sigmoid, softmax, sqrt, squeeze, stack, std, sub, sum, tanh, tensor, transpose, unsqueeze, var, where,
    zeros, zeros_like,
)
from .autograd import (
    Function, FunctionCtx, detect_anomaly, enable_grad, is_grad_enabled, no_grad, set_detect_anomaly,
    set_grad_enabled,
)
from .gradcheck import GradcheckError, GradcheckReport, gradcheck, numerical_gradient, relative_error
from . import data, nn, optim  # noqa: E402  (they import the names above)
from .serialization import load, save  # noqa: E402
from . import monitor, sanity, viz  # noqa: E402  (viz imports matplotlib only inside its functions)
from . import train, ensemble  # noqa: E402  (training loop and ensembles use nn/optim/save)
from . import search  # noqa: E402  (hyperparameter search; dask is imported only for client=)

__version__ = "0.1.0"


def get_rng_state() -> bytes:
    """The generator's state, to restore with ``set_rng_state`` (checkpoints resume bit for bit)."""
    return _core.get_rng_state()


def set_rng_state(state: bytes) -> None:
    """Restore a state returned by ``get_rng_state``."""
    _core.set_rng_state(state)


def set_num_threads(n: int) -> None:
    """Threads for OpenBLAS and for xgrad's parallel loops (optimizer updates); default: all
    hardware threads. Like ``torch.set_num_threads``."""
    _core.set_num_threads(int(n))


def get_num_threads() -> int:
    """Threads xgrad's parallel loops use (see ``set_num_threads``)."""
    return _core.get_num_threads()


def blas_info() -> dict:
    """The BLAS kernel and threads in use, and whether xsimd vectorisation is compiled in."""
    return {"corename": _core.blas_corename(), "blas_threads": _core.blas_num_threads(),
            "threads": _core.get_num_threads(), "simd": bool(_core.simd)}
