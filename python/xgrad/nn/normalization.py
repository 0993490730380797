"""Normalisation layers: BatchNorm1d/2d, LayerNorm, GroupNorm, InstanceNorm2d."""
from __future__ import annotations

from typing import Any, Optional

from .. import _checks as check
from .. import _core
from .._tensor.dtypes import Tensor, _dtype, float32
from . import functional as F
from .module import Module
from .parameter import Parameter


class _NormBase(Module):
    _expected_dims: tuple = ()
    _layout = ""

    def __init__(self, num_features: int, eps: float, momentum: Optional[float], affine: bool,
                 track_running_stats: bool, dtype: Any):
        super().__init__()
        owner = type(self).__name__
        self.num_features = check.positive_int(num_features, "num_features", owner)
        self.eps = check.number(eps, "eps", owner, low=0.0)
        # None: the cumulative average 1/t of the batch statistics
        self.momentum = check.optional_number(momentum, "momentum", owner, low=0.0, high=1.0)
        self.affine = check.flag(affine, "affine", owner)
        self.track_running_stats = check.flag(track_running_stats, "track_running_stats", owner)
        dt = _dtype(dtype) or float32
        if self.affine:
            self.weight = Parameter(_core.ones([self.num_features], dt))
            self.bias = Parameter(_core.zeros([self.num_features], dt))
        else:
            self.register_parameter("weight", None)
            self.register_parameter("bias", None)
        if self.track_running_stats:
            self.register_buffer("running_mean", _core.zeros([self.num_features], dt))
            self.register_buffer("running_var", _core.ones([self.num_features], dt))
            self.register_buffer("num_batches_tracked", _core.zeros([], dt))
        else:
            self.register_buffer("running_mean", None)
            self.register_buffer("running_var", None)
            self.register_buffer("num_batches_tracked", None)

    def reset_running_stats(self) -> None:
        if self.track_running_stats:
            self.running_mean.numpy()[...] = 0
            self.running_var.numpy()[...] = 1
            self.num_batches_tracked.numpy()[...] = 0

    def _check_input(self, x: Tensor) -> None:
        F._check_tensor(x, type(self).__name__)
        if x.ndim not in self._expected_dims:
            raise ValueError(f"{type(self).__name__}: expected a {' or '.join(f'{d}-D' for d in self._expected_dims)} "
                             f"input {self._layout}, got shape {tuple(x.shape)}")
        if x.shape[1] != self.num_features:
            raise ValueError(f"{type(self).__name__}: expected {self.num_features} channels (dim 1), got input of "
                             f"shape {tuple(x.shape)}")

    def _momentum(self) -> float:
        """The running-average factor of this step; momentum=None is the cumulative average 1/t."""
        if self.training and self.track_running_stats:
            self.num_batches_tracked.numpy()[...] += 1
            if self.momentum is None:
                return 1.0 / float(self.num_batches_tracked.item())
        return 0.0 if self.momentum is None else float(self.momentum)

    def extra_repr(self) -> str:
        return (f"{self.num_features}, eps={self.eps}, momentum={self.momentum}, affine={self.affine}, "
                f"track_running_stats={self.track_running_stats}")


class _BatchNorm(_NormBase):
    def __init__(self, num_features: int, eps: float = 1e-5, momentum: Optional[float] = 0.1, affine: bool = True,
                 track_running_stats: bool = True, dtype: Any = None, running_stats: str = "pytorch"):
        super().__init__(num_features, eps, momentum, affine, track_running_stats, dtype)
        if running_stats not in ("pytorch", "ai-edu"):
            raise ValueError(f"{type(self).__name__}: running_stats must be 'pytorch' or 'ai-edu', got {running_stats!r}")
        if running_stats == "ai-edu" and self.momentum is None:
            raise ValueError(f"{type(self).__name__}: running_stats='ai-edu' needs a momentum (not None)")
        self.running_stats = running_stats
        self.reset_running_stats()

    def reset_running_stats(self) -> None:
        super().reset_running_stats()
        if self.track_running_stats and getattr(self, "running_stats", "pytorch") == "ai-edu":
            self.running_var.numpy()[...] = 0   # the course's np.zeros

    def forward(self, x: Tensor) -> Tensor:
        self._check_input(x)
        use_batch_stats = self.training or not self.track_running_stats
        if self.running_stats == "ai-edu" and self.training and self.track_running_stats:
            return self._forward_ai_edu(x)
        return F.batch_norm(x, self.running_mean, self.running_var, self.weight, self.bias, use_batch_stats,
                            self._momentum(), self.eps)

    def _forward_ai_edu(self, x: Tensor) -> Tensor:
        """Training step with the course's running statistics (see the class docstring)."""
        import numpy as np

        m = self._momentum()
        out = F.batch_norm(x, None, None, self.weight, self.bias, True, m, self.eps)
        xn = x.detach().numpy().astype(np.float64)
        axes = (0,) + tuple(range(2, xn.ndim))
        mean, var = xn.mean(axis=axes), xn.var(axis=axes) + self.eps   # biased variance + eps
        rm, rv = self.running_mean.numpy(), self.running_var.numpy()
        rm[...] = (1 - m) * rm + m * mean
        rv[...] = (1 - m) * rv + m * var
        return out


class BatchNorm1d(_BatchNorm):
    """Batch normalisation of (N, C) or (N, C, L) per feature/channel c:
    ``y = (x - mu_c) / sqrt(var_c + eps) * gamma_c + beta_c``.

    Training: mu, var over the batch (and L); running_mean/var updated as
    ``running = (1 - momentum) * running + momentum * batch_stat`` (unbiased variance; momentum=None
    is a cumulative average). Evaluation (``model.eval()``): the running statistics are used.
    gamma (``weight``) starts at 1, beta (``bias``) at 0.

    ``running_stats="ai-edu"``: the running statistics as ai-edu's code (chapter 15.6) keeps them:
    they start at 0 (mean and variance) and the variance kept is the biased batch variance plus
    eps, ``running_var = (1 - momentum) * running_var + momentum * (var_biased + eps)``, so
    evaluation divides by ``sqrt(running_var + eps)`` (eps twice), as the course's does.
    The course's momentum 0.9 on the old value is ``momentum=0.1`` here."""
    _expected_dims = (2, 3)
    _layout = "(N, C) or (N, C, L)"


class BatchNorm2d(_BatchNorm):
    """Spatial batch normalisation of (N, C, H, W): statistics per channel over N, H and W (the
    "spatial batchnorm" of CS231n). Same update rules as BatchNorm1d."""
    _expected_dims = (4,)
    _layout = "(N, C, H, W)"


class InstanceNorm2d(_NormBase):
    """Instance normalisation of (N, C, H, W): each (sample, channel) plane normalised by its own
    mean and variance, ``y = (x - mu_nc) / sqrt(var_nc + eps) * gamma_c + beta_c``. PyTorch's
    defaults: no affine parameters, no running statistics (with ``track_running_stats=True``
    evaluation uses running averages of the per-instance statistics)."""
    _expected_dims = (4,)
    _layout = "(N, C, H, W)"

    def __init__(self, num_features: int, eps: float = 1e-5, momentum: Optional[float] = 0.1, affine: bool = False,
                 track_running_stats: bool = False, dtype: Any = None):
        super().__init__(num_features, eps, momentum, affine, track_running_stats, dtype)

    def forward(self, x: Tensor) -> Tensor:
        self._check_input(x)
        if self.training or not self.track_running_stats:
            track = self.training and self.track_running_stats
            return F.instance_norm(x, self.running_mean if track else None, self.running_var if track else None,
                                   self.weight, self.bias, True, self._momentum(), self.eps)
        return F.instance_norm(x, self.running_mean, self.running_var, self.weight, self.bias, False, 0.0, self.eps)


class LayerNorm(Module):
    """Layer normalisation: each sample normalised over its last dims ``normalized_shape``,
    ``y = (x - mean) / sqrt(var + eps) * gamma + beta`` with gamma, beta of shape normalized_shape.
    No running statistics: training and evaluation compute the same thing."""

    def __init__(self, normalized_shape: Any, eps: float = 1e-5, elementwise_affine: bool = True, bias: bool = True,
                 dtype: Any = None):
        super().__init__()
        self.normalized_shape = F.sizes(normalized_shape, "normalized_shape", "LayerNorm")
        self.eps = check.number(eps, "eps", "LayerNorm", low=0.0)
        self.elementwise_affine = check.flag(elementwise_affine, "elementwise_affine", "LayerNorm")
        bias = check.flag(bias, "bias", "LayerNorm")
        dt = _dtype(dtype) or float32
        if self.elementwise_affine:
            self.weight = Parameter(_core.ones(list(self.normalized_shape), dt))
            if bias:
                self.bias = Parameter(_core.zeros(list(self.normalized_shape), dt))
            else:
                self.register_parameter("bias", None)
        else:
            self.register_parameter("weight", None)
            self.register_parameter("bias", None)

    def forward(self, x: Tensor) -> Tensor:
        F._check_tensor(x, "LayerNorm")
        k = len(self.normalized_shape)
        if x.ndim < k or tuple(x.shape[x.ndim - k:]) != self.normalized_shape:
            raise ValueError(f"LayerNorm: input of shape {tuple(x.shape)} does not end with normalized_shape "
                             f"{self.normalized_shape}")
        return F.layer_norm(x, self.normalized_shape, self.weight, self.bias, self.eps)

    def extra_repr(self) -> str:
        return f"{self.normalized_shape}, eps={self.eps}, elementwise_affine={self.elementwise_affine}"


class GroupNorm(Module):
    """Group normalisation of (N, C, ...): statistics per sample over groups of C / num_groups
    channels; gamma, beta (C,). num_groups=1 is layer norm over (C, H, W); num_groups=C is
    instance norm. Independent of the batch size, so it works with batch 1."""

    def __init__(self, num_groups: int, num_channels: int, eps: float = 1e-5, affine: bool = True,
                 dtype: Any = None):
        super().__init__()
        self.num_groups = check.positive_int(num_groups, "num_groups", "GroupNorm")
        self.num_channels = check.positive_int(num_channels, "num_channels", "GroupNorm")
        if self.num_channels % self.num_groups:
            raise ValueError(f"GroupNorm: num_channels ({num_channels}) must be divisible by num_groups "
                             f"({num_groups})")
        self.eps = check.number(eps, "eps", "GroupNorm", low=0.0)
        self.affine = check.flag(affine, "affine", "GroupNorm")
        dt = _dtype(dtype) or float32
        if self.affine:
            self.weight = Parameter(_core.ones([self.num_channels], dt))
            self.bias = Parameter(_core.zeros([self.num_channels], dt))
        else:
            self.register_parameter("weight", None)
            self.register_parameter("bias", None)

    def forward(self, x: Tensor) -> Tensor:
        F._check_tensor(x, "GroupNorm")
        if x.ndim < 2 or x.shape[1] != self.num_channels:
            raise ValueError(f"GroupNorm: expected input (N, {self.num_channels}, ...), got shape {tuple(x.shape)}")
        return F.group_norm(x, self.num_groups, self.weight, self.bias, self.eps)

    def extra_repr(self) -> str:
        return f"{self.num_groups}, {self.num_channels}, eps={self.eps}, affine={self.affine}"
