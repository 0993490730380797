"""Data preprocessing of CS231n "Neural Networks 2": mean subtraction, standardisation, min-max
scaling, PCA, PCA whitening and ZCA whitening.

Each transform is fitted on the training data only (``fit``), then the same statistics are applied
to training, validation and test data (``transform``): "any preprocessing statistics (e.g. the data
mean) must only be computed on the training data, and then applied to the validation / test data".

Statistics are computed in float64; results are float32 unless the input is float64. Inputs are
NumPy arrays or ``xgrad.Tensor``s of shape ``(N, D)`` or images ``(N, C, H, W)``; ``axis`` chooses
per-feature statistics (one per column, or per pixel and channel: the "mean image") or per-channel
ones (one per colour channel over all pixels, as VGG subtracts the mean RGB).
"""
from __future__ import annotations

from typing import Any, Dict, Optional, Tuple, Union

import numpy as np

from .. import _checks as check

__all__ = ["NotFittedError", "MeanSubtraction", "Standardize", "MinMaxScaler", "PCA", "PCAWhitening", "ZCAWhitening"]


def _to_numpy(x: Any, where: str) -> np.ndarray:
    import xgrad

    if isinstance(x, xgrad.Tensor):
        x = x.detach().numpy()
    arr = np.asarray(x)
    if not (np.issubdtype(arr.dtype, np.floating) or np.issubdtype(arr.dtype, np.integer)):
        raise TypeError(f"{where}: expected a numeric array, got dtype {arr.dtype}")
    if arr.ndim < 2:
        raise ValueError(f"{where}: expected samples along the first axis, shape (N, D) or (N, C, H, W), "
                         f"got shape {arr.shape}")
    return arr


def _training_data(x: Any, where: str) -> np.ndarray:
    """``_to_numpy`` plus the checks a fit needs: statistics of no samples, or of NaN/Inf, would be
    NaN and silently spoil every later transform."""
    arr = _to_numpy(x, where)
    if arr.shape[0] == 0:
        raise ValueError(f"{where}: got no samples (shape {arr.shape}); fit needs training data")
    # min and max propagate NaN and show Inf without a temporary the size of the data
    if np.issubdtype(arr.dtype, np.floating) and not (np.isfinite(arr.min()) and np.isfinite(arr.max())):
        bad = np.argwhere(~np.isfinite(arr))[0]
        raise ValueError(f"{where}: the training data holds NaN or Inf (first at index {tuple(int(i) for i in bad)}, "
                         f"value {arr[tuple(bad)]}); statistics would be NaN")
    return arr


def _eps(where: str, eps: Any) -> float:
    if isinstance(eps, bool) or not isinstance(eps, (int, float, np.integer, np.floating)):
        raise TypeError(f"{where}: eps must be a number, got {type(eps).__name__} {eps!r}")
    if not np.isfinite(eps) or eps < 0:
        raise ValueError(f"{where}: eps must be a finite number >= 0, got {eps!r}")
    return float(eps)


def _out_dtype(x: np.ndarray) -> np.dtype:
    return np.dtype(np.float64) if x.dtype == np.float64 else np.dtype(np.float32)


class NotFittedError(ValueError, AttributeError):
    """``transform`` (or ``inverse_transform``) was called before ``fit`` (as scikit-learn's)."""


class _Fitted:
    """Shared plumbing: the fitted flag, the shape check and ``fit_transform``."""

    _fitted_shape: Optional[Tuple[int, ...]] = None

    def _name(self) -> str:
        return type(self).__name__

    def _check_fitted(self, method: str) -> None:
        if self._fitted_shape is None:
            raise NotFittedError(f"{self._name()}.{method}: call fit(x_train) first (statistics come from "
                               f"the training data only)")

    def _check_shape(self, x: np.ndarray, method: str, shape: Optional[Tuple[int, ...]] = None) -> None:
        expected = self._fitted_shape if shape is None else shape
        if tuple(x.shape[1:]) != tuple(expected):
            raise ValueError(f"{self._name()}.{method}: fitted on samples of shape {tuple(expected)}, got "
                             f"an array of shape {x.shape} (samples of shape {tuple(x.shape[1:])})")

    def fit(self, x: Any) -> "_Fitted":  # pragma: no cover - every subclass overrides
        raise NotImplementedError

    def transform(self, x: Any) -> np.ndarray:  # pragma: no cover
        raise NotImplementedError

    def fit_transform(self, x: Any) -> np.ndarray:
        """``fit(x)`` then ``transform(x)``."""
        return self.fit(x).transform(x)

    def __repr__(self) -> str:
        state = "fitted" if self._fitted_shape is not None else "not fitted"
        return f"{self._name()}({self._params()}) [{state}]"

    def _params(self) -> str:
        return ""


# --------------------------------------------------------------------------------------------
# Elementwise scalers: per feature or per channel
# --------------------------------------------------------------------------------------------

class _AxisScaler(_Fitted):
    def __init__(self, axis: str = "feature") -> None:
        if axis not in ("feature", "channel"):
            raise ValueError(f"{type(self).__name__}: axis must be 'feature' or 'channel', got {axis!r}")
        self.axis = axis

    def _reduce_axes(self, x: np.ndarray) -> Tuple[int, ...]:
        # Per feature: over samples only. Per channel: over samples and every axis after the channel.
        return (0,) if self.axis == "feature" else (0,) + tuple(range(2, x.ndim))

    def _stat_view(self, stat: np.ndarray, x: np.ndarray) -> np.ndarray:
        """A fitted statistic shaped to broadcast against ``x``, in the output dtype (so float32
        data is processed in float32, without a float64 copy of the whole array)."""
        stat = stat.astype(_out_dtype(x), copy=False)
        if self.axis == "feature":
            return stat[None]
        return stat.reshape((1, -1) + (1,) * (x.ndim - 2))

    def _check_apply(self, x: np.ndarray, method: str) -> None:
        self._check_fitted(method)
        if self.axis == "feature":
            self._check_shape(x, method)
        elif x.ndim != len(self._fitted_shape) + 1 or x.shape[1] != self._fitted_shape[0]:
            raise ValueError(f"{self._name()}.{method}: fitted per channel on samples of shape "
                             f"{self._fitted_shape}, got an array of shape {x.shape}: expected "
                             f"{x.ndim if x.ndim == len(self._fitted_shape) + 1 else len(self._fitted_shape) + 1} "
                             f"dimensions with {self._fitted_shape[0]} channels on axis 1")

    def _params(self) -> str:
        return f"axis={self.axis!r}"


class MeanSubtraction(_AxisScaler):
    """Zero-centre the data: ``x' = x - mean(x_train)``.

    ``axis="feature"``: one mean per feature (for images, the mean image of shape (C, H, W));
    ``axis="channel"``: one mean per channel of (N, C, ...) data over all samples and pixels.
    Attribute after ``fit``: ``mean_`` (shape (D,), (C, H, W) or (C,)).
    """

    def fit(self, x: Any) -> "MeanSubtraction":
        """Compute the mean of ``x`` (the training data). Returns self."""
        x = _training_data(x, f"{self._name()}.fit")
        self.mean_ = x.mean(axis=self._reduce_axes(x), dtype=np.float64)
        self._fitted_shape = tuple(x.shape[1:])
        return self

    def transform(self, x: Any) -> np.ndarray:
        """``x - mean_``, same shape as ``x``."""
        x = _to_numpy(x, f"{self._name()}.transform")
        self._check_apply(x, "transform")
        return (x - self._stat_view(self.mean_, x)).astype(_out_dtype(x), copy=False)

    def inverse_transform(self, x: Any) -> np.ndarray:
        """``x + mean_``: back to the original scale."""
        x = _to_numpy(x, f"{self._name()}.inverse_transform")
        self._check_apply(x, "inverse_transform")
        return (x + self._stat_view(self.mean_, x)).astype(_out_dtype(x), copy=False)


class Standardize(_AxisScaler):
    """Normalise each dimension: ``x' = (x - mean) / std`` with the training data's mean and
    (population, ddof=0) standard deviation, as scikit-learn's ``StandardScaler``; a constant
    dimension (variance at rounding level, scikit-learn's test) is only centred.

    Attributes after ``fit``: ``mean_``, ``var_``, ``scale_`` (the std used as divisor).
    """

    def fit(self, x: Any) -> "Standardize":
        """Compute mean and std of ``x`` (the training data). Returns self."""
        x = _training_data(x, f"{self._name()}.fit")
        axes = self._reduce_axes(x)
        self.mean_ = x.mean(axis=axes, dtype=np.float64)
        self.var_ = x.var(axis=axes, dtype=np.float64)
        # A constant dimension's variance is rounding noise; dividing by its root would blow the
        # noise up. scikit-learn's test (relative to the mean and the sample count, so features of
        # any scale, 1e-16 included, are still scaled) decides which ones are left at 1.
        eps = np.finfo(np.float64).eps
        n = x.size // max(self.mean_.size, 1)
        constant = self.var_ <= n * eps * self.var_ + (n * self.mean_ * eps) ** 2
        self.scale_ = np.where(constant, 1.0, np.sqrt(self.var_))
        self._fitted_shape = tuple(x.shape[1:])
        return self

    def transform(self, x: Any) -> np.ndarray:
        """``(x - mean_) / scale_``, same shape as ``x``."""
        x = _to_numpy(x, f"{self._name()}.transform")
        self._check_apply(x, "transform")
        return ((x - self._stat_view(self.mean_, x)) / self._stat_view(self.scale_, x)).astype(_out_dtype(x), copy=False)

    def inverse_transform(self, x: Any) -> np.ndarray:
        """``x * scale_ + mean_``."""
        x = _to_numpy(x, f"{self._name()}.inverse_transform")
        self._check_apply(x, "inverse_transform")
        return (x * self._stat_view(self.scale_, x) + self._stat_view(self.mean_, x)).astype(_out_dtype(x), copy=False)


class MinMaxScaler(_AxisScaler):
    """Scale each dimension linearly so the training data's min and max map to ``feature_range``
    (the lecture's [-1, 1] by default): ``x' = lo + (x - min) (hi - lo) / (max - min)``, as
    scikit-learn's ``MinMaxScaler`` (a constant dimension maps to ``lo``). Test data may fall
    outside the range.

    Attributes after ``fit``: ``data_min_``, ``data_max_``, ``scale_``, ``min_`` with
    ``x' = x * scale_ + min_``.
    """

    def __init__(self, feature_range: Tuple[float, float] = (-1.0, 1.0), axis: str = "feature") -> None:
        super().__init__(axis)
        try:
            lo, hi = (float(v) for v in feature_range)
        except (TypeError, ValueError):
            raise ValueError(f"MinMaxScaler: feature_range must be (low, high), got {feature_range!r}") from None
        if not (np.isfinite(lo) and np.isfinite(hi) and lo < hi):
            raise ValueError(f"MinMaxScaler: feature_range must have low < high, both finite, got {feature_range!r}")
        self.feature_range = (lo, hi)

    def fit(self, x: Any) -> "MinMaxScaler":
        """Record min and max of ``x`` (the training data). Returns self."""
        x = _training_data(x, f"{self._name()}.fit")
        axes = self._reduce_axes(x)
        self.data_min_ = x.min(axis=axes).astype(np.float64)
        self.data_max_ = x.max(axis=axes).astype(np.float64)
        data_range = self.data_max_ - self.data_min_
        data_range = np.where(data_range == 0, 1.0, data_range)
        lo, hi = self.feature_range
        self.scale_ = (hi - lo) / data_range
        self.min_ = lo - self.data_min_ * self.scale_
        self._fitted_shape = tuple(x.shape[1:])
        return self

    def transform(self, x: Any) -> np.ndarray:
        """``x * scale_ + min_``."""
        x = _to_numpy(x, f"{self._name()}.transform")
        self._check_apply(x, "transform")
        return (x * self._stat_view(self.scale_, x) + self._stat_view(self.min_, x)).astype(_out_dtype(x), copy=False)

    def inverse_transform(self, x: Any) -> np.ndarray:
        """``(x - min_) / scale_``."""
        x = _to_numpy(x, f"{self._name()}.inverse_transform")
        self._check_apply(x, "inverse_transform")
        return ((x - self._stat_view(self.min_, x)) / self._stat_view(self.scale_, x)).astype(_out_dtype(x), copy=False)

    def _params(self) -> str:
        return f"feature_range={self.feature_range}, axis={self.axis!r}"


# --------------------------------------------------------------------------------------------
# PCA and whitening: on flattened samples (N, D), D = prod of the sample shape
# --------------------------------------------------------------------------------------------

class _Eigen(_Fitted):
    """Eigen-decomposition of the training covariance ``Sigma = Xc^T Xc / (N - 1)`` (Xc centred),
    eigenvalues descending, each eigenvector's largest-magnitude entry made positive so results
    do not flip sign between runs or machines."""

    def _eigen(self, x: Any) -> Dict[str, Any]:
        """The fitted attributes of the eigen-decomposition, as a dict: a fit assigns them only
        once every check has passed, so a failed fit (or refit) leaves the object as it was."""
        x = _training_data(x, f"{self._name()}.fit")
        n = len(x)
        if n < 2:
            raise ValueError(f"{self._name()}.fit: needs at least 2 samples to estimate a covariance, got shape {x.shape}")
        flat = x.reshape(n, -1).astype(np.float64)
        mean = flat.mean(axis=0)
        xc = flat - mean
        cov = xc.T @ xc / (n - 1)
        evals, evecs = np.linalg.eigh(cov)
        order = np.argsort(evals)[::-1]
        evals = np.clip(evals[order], 0.0, None)  # tiny negative values are rounding noise
        evecs = evecs[:, order]
        signs = np.sign(evecs[np.argmax(np.abs(evecs), axis=0), np.arange(evecs.shape[1])])
        evecs = evecs * np.where(signs == 0, 1.0, signs)
        return {"mean_": mean, "n_samples_": n, "_fitted_shape": tuple(x.shape[1:]),
                "_eigenvalues": evals, "_eigenvectors": evecs}

    def _flat(self, x: Any, method: str) -> Tuple[np.ndarray, np.dtype]:
        x = _to_numpy(x, f"{self._name()}.{method}")
        self._check_fitted(method)
        self._check_shape(x, method)
        return x.reshape(len(x), -1).astype(np.float64), _out_dtype(x)


def _check_n_components(n_components: Any, owner: str) -> Union[int, float, None]:
    """None, an integer >= 1 (checked against the features at fit) or a fraction in (0, 1)."""
    if n_components is None:
        return None
    if isinstance(n_components, (float, np.floating)):
        # A float is always a fraction (as in scikit-learn): PCA(1.0) must not mean one component.
        if not 0.0 < n_components < 1.0:
            raise ValueError(f"{owner}: a float n_components is a fraction of variance in (0, 1), got "
                             f"{n_components!r} (pass an int for a number of components)")
        return float(n_components)
    if check.is_integer(n_components):
        return check.positive_int(n_components, "n_components", owner)
    raise check.type_error(owner, "n_components", "None, a positive integer or a fraction in (0, 1)", n_components)


def _n_components(where: str, n_components: Any, d: int, evals: np.ndarray) -> int:
    if n_components is None:
        return d
    if isinstance(n_components, (float, np.floating)):
        # A float is always a fraction (as in scikit-learn): PCA(1.0) must not mean one component.
        if not 0.0 < n_components < 1.0:
            raise ValueError(f"{where}: a float n_components is a fraction of variance in (0, 1), got "
                             f"{n_components!r} (pass an int for a number of components)")
        ratio = np.cumsum(evals) / max(evals.sum(), np.finfo(np.float64).tiny)
        # Rounding can leave ratio[-1] just below 1, and data without variance leaves it at 0:
        # never more components than features.
        return min(int(np.searchsorted(ratio, n_components) + 1), d)
    if isinstance(n_components, bool) or int(n_components) != n_components or not 1 <= int(n_components) <= d:
        raise ValueError(f"{where}: n_components must be an integer in [1, {d}] (the number of features), "
                         f"a fraction in (0, 1) or None, got {n_components!r}")
    return int(n_components)


class PCA(_Eigen):
    """Principal component analysis: project the centred data on the top ``k`` eigenvectors of its
    covariance, ``x_rot = (x - mean) U_k`` (CS231n: ``Xrot_reduced = np.dot(X, U[:, :100])``).

    Args:
        n_components: k, an integer in [1, D]; a float in (0, 1) keeps the fewest components that
            explain at least that fraction of the variance (other floats raise); None keeps all D.

    Attributes after ``fit``: ``mean_`` (D,), ``components_`` (k, D) (rows are the principal axes,
    as scikit-learn), ``explained_variance_`` (k,) eigenvalues of the covariance (divisor N - 1),
    ``explained_variance_ratio_``. Images are flattened: ``transform`` maps (N, C, H, W) to (N, k),
    ``inverse_transform`` maps back to (N, C, H, W). Signs: each axis's largest entry is positive.
    """

    def __init__(self, n_components: Union[int, float, None] = None) -> None:
        self.n_components = _check_n_components(n_components, self._name())

    def fit(self, x: Any) -> "PCA":
        """Compute mean and principal axes of ``x`` (the training data). Returns self."""
        self.__dict__.update(self._fit_state(x))
        return self

    def _fit_state(self, x: Any) -> Dict[str, Any]:
        state = self._eigen(x)
        evals = state["_eigenvalues"]
        k = _n_components(f"{self._name()}.fit", self.n_components, len(evals), evals)
        total = evals.sum()
        state.update(n_components_=k, components_=state["_eigenvectors"][:, :k].T.copy(),
                     explained_variance_=evals[:k].copy(),
                     explained_variance_ratio_=evals[:k] / total if total > 0 else np.zeros(k))
        return state

    def transform(self, x: Any) -> np.ndarray:
        """``(x - mean_) @ components_.T``: (N, ...) -> (N, k)."""
        flat, dtype = self._flat(x, "transform")
        return ((flat - self.mean_) @ self.components_.T).astype(dtype)

    def inverse_transform(self, x: Any) -> np.ndarray:
        """``x_rot @ components_ + mean_``, reshaped to the fitted sample shape (the best rank-k
        reconstruction in squared error)."""
        z, dtype = self._coords(x, "inverse_transform")
        return (z @ self.components_ + self.mean_).reshape((len(z),) + self._fitted_shape).astype(dtype)

    def _coords(self, x: Any, method: str) -> Tuple[np.ndarray, np.dtype]:
        z = _to_numpy(x, f"{self._name()}.{method}")
        self._check_fitted(method)
        if z.ndim != 2 or z.shape[1] != self.n_components_:
            raise ValueError(f"{self._name()}.{method}: expected coordinates of shape (N, {self.n_components_}), "
                             f"got {z.shape}")
        return z.astype(np.float64), _out_dtype(z)

    def _params(self) -> str:
        return f"n_components={self.n_components!r}"


class PCAWhitening(PCA):
    """PCA whitening: rotate into the eigenbasis and divide every dimension by its standard
    deviation, ``x_white = (x - mean) U_k / sqrt(lambda_k + eps)`` (CS231n:
    ``Xwhite = Xrot / np.sqrt(S + 1e-5)``), so the whitened training data has covariance ~ I.

    The eigenvalues ``lambda`` are those of the covariance with divisor N - 1 (scikit-learn's
    ``PCA(whiten=True)``, which is this with eps = 0; the lecture's ``/ N`` differs by the factor
    N / (N - 1)). ``eps`` keeps near-zero-variance directions (noise) from being blown up.
    """

    def __init__(self, n_components: Union[int, float, None] = None, eps: float = 1e-5) -> None:
        super().__init__(n_components)
        self.eps = _eps("PCAWhitening", eps)

    def fit(self, x: Any) -> "PCAWhitening":
        """Compute mean, principal axes and variances of ``x`` (the training data). Returns self."""
        self.__dict__.update(self._fit_state(x))
        return self

    def _fit_state(self, x: Any) -> Dict[str, Any]:
        state = super()._fit_state(x)
        variance = state["explained_variance_"]
        if self.eps == 0 and np.any(variance <= 0):
            raise ValueError(f"PCAWhitening.fit: {int(np.sum(variance <= 0))} kept components "
                             f"have zero variance; whitening them divides by 0: use eps > 0 or fewer n_components")
        state["whitening_scale_"] = 1.0 / np.sqrt(variance + self.eps)
        return state

    def transform(self, x: Any) -> np.ndarray:
        """``(x - mean_) @ components_.T / sqrt(explained_variance_ + eps)``: (N, ...) -> (N, k)."""
        flat, dtype = self._flat(x, "transform")
        return (((flat - self.mean_) @ self.components_.T) * self.whitening_scale_).astype(dtype)

    def inverse_transform(self, x: Any) -> np.ndarray:
        """Undo the scaling and the rotation; back to the fitted sample shape."""
        z, dtype = self._coords(x, "inverse_transform")
        out = (z / self.whitening_scale_) @ self.components_ + self.mean_
        return out.reshape((len(z),) + self._fitted_shape).astype(dtype)

    def _params(self) -> str:
        return f"n_components={self.n_components!r}, eps={self.eps}"


class ZCAWhitening(_Eigen):
    """ZCA ("Mahalanobis") whitening: ``x_zca = (x - mean) W`` with
    ``W = U diag(1 / sqrt(S + eps)) U^T`` (U, S the eigenvectors and eigenvalues of the training
    covariance, divisor N - 1). Like PCA whitening the covariance becomes ~ I, but the result is
    rotated back into the original space, so whitened images still look like images (edges
    enhanced). Keeps the sample shape: (N, C, H, W) in, (N, C, H, W) out.

    Attributes after ``fit``: ``mean_`` (D,), ``whitening_matrix_`` W (D, D), ``eigenvalues_`` S.
    """

    def __init__(self, eps: float = 1e-5) -> None:
        self.eps = _eps("ZCAWhitening", eps)

    def fit(self, x: Any) -> "ZCAWhitening":
        """Compute mean and whitening matrix of ``x`` (the training data). Returns self."""
        state = self._eigen(x)
        s, u = state["_eigenvalues"], state["_eigenvectors"]
        if self.eps == 0 and np.any(s <= 0):
            raise ValueError(f"ZCAWhitening.fit: the covariance has {int(np.sum(s <= 0))} zero eigenvalues "
                             f"(more features than independent samples?); use eps > 0")
        state.update(eigenvalues_=s, whitening_matrix_=(u / np.sqrt(s + self.eps)) @ u.T,
                     _coloring_matrix=(u * np.sqrt(s + self.eps)) @ u.T)
        self.__dict__.update(state)
        return self

    def transform(self, x: Any) -> np.ndarray:
        """``(x - mean_) @ W``, same shape as ``x``."""
        flat, dtype = self._flat(x, "transform")
        return ((flat - self.mean_) @ self.whitening_matrix_).reshape((len(flat),) + self._fitted_shape).astype(dtype)

    def inverse_transform(self, x: Any) -> np.ndarray:
        """``x @ W^-1 + mean_`` (W^-1 = U diag(sqrt(S + eps)) U^T)."""
        flat, dtype = self._flat(x, "inverse_transform")
        return (flat @ self._coloring_matrix + self.mean_).reshape((len(flat),) + self._fitted_shape).astype(dtype)

    def _params(self) -> str:
        return f"eps={self.eps}"
