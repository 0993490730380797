"""Data augmentation for NCHW image batches, the lectures' cheapest regulariser ("Training Neural
Networks 2": flips, random crops, translations, rotations, scale/stretch and shear, colour jitter,
cutout, mixup).

Every random transform draws its own parameters for each sample of the batch from xgrad's one
generator (``xgrad.manual_seed`` repeats them bit for bit) and applies them with a C++ kernel
(the GIL is released). A NumPy array in gives a NumPy array out, a Tensor in gives a Tensor out
(without autograd history: augmentation acts on data). Batches are float32 or float64 of shape
``(N, C, H, W)``; colour jitter expects values in [0, 1], as torchvision does for float images.

    aug = Compose([RandomCrop(32, padding=4), RandomHorizontalFlip(), ColorJitter(0.4, 0.4, 0.4)])
    loader = xgrad.data.DataLoader((x_train, y_train), batch_size=128, shuffle=True, transform=aug)

Each class exposes ``get_params(shape)`` (the parameters it would draw, as NumPy arrays) and each
has a functional form below taking explicit parameters (``hflip``, ``crop``, ``translate``,
``affine``, ``rotate``, ``adjust_color``, ``cutout``), so ``t(x)`` equals
``f(x, **t.get_params(x.shape))`` after the same seed.
"""
from __future__ import annotations

import numbers
from typing import Any, Callable, Dict, Optional, Sequence, Tuple, Union

import numpy as np

from .. import _core
from .._tensor import Tensor
from .._tensor.creation import tensor
from ..random import randint, randperm

_aug = _core.augment


def _randint_closed(n: int, low: int, high: int) -> np.ndarray:
    """``n`` integers uniform in ``[low, high]``, both ends included (crop offsets, shifts, centres)."""
    return randint(low, high + 1, n)

Batch = Union[np.ndarray, Tensor]
Params = Dict[str, np.ndarray]

__all__ = [
    "RandomHorizontalFlip", "RandomCrop", "RandomTranslate", "RandomRotation", "RandomAffine", "ColorJitter",
    "Cutout", "Compose", "mixup", "hflip", "crop", "translate", "affine", "rotate", "adjust_color", "cutout",
]


# ------------------------------------------------------------------------------------------ helpers

def _to_core(x: Any, name: str) -> Tuple[Tensor, bool]:
    """(contiguous-or-adoptable tensor, came_from_numpy) for a rank-4 float batch."""
    if isinstance(x, Tensor):
        if x.ndim != 4:
            raise ValueError(f"{name}: expected a 4-D batch (N, C, H, W), got shape {tuple(x.shape)}")
        return x, False
    if isinstance(x, np.ndarray):
        if x.dtype not in (np.float32, np.float64):
            raise TypeError(f"{name}: expected a float32 or float64 batch, got dtype {x.dtype} "
                            f"(for 8-bit images use x.astype(np.float32) / 255)")
        if x.ndim != 4:
            raise ValueError(f"{name}: expected a 4-D batch (N, C, H, W), got shape {x.shape}")
        return tensor(x), True  # adopts a C-contiguous array without a copy
    raise TypeError(f"{name}: expected a NumPy array or an xgrad.Tensor, got {type(x).__name__}")


def _from_core(t: Tensor, numpy: bool) -> Batch:
    return t.numpy() if numpy else t


def _shape4(shape: Any, name: str) -> Tuple[int, int, int, int]:
    shape = tuple(int(s) for s in shape)
    if len(shape) != 4:
        raise ValueError(f"{name}: expected a 4-D batch shape (N, C, H, W), got {shape}")
    return shape  # type: ignore[return-value]


def _per_sample(values: Any, n: int, name: str, what: str, dtype: Any) -> list:
    """One value per sample as a list for the C++ call (a scalar is repeated). NaN/Inf (which
    blank or poison an image without a word) and fractional offsets (which a cast would
    truncate) are refused."""
    raw = np.asarray(values)
    if raw.dtype.kind not in "biuf":
        raise TypeError(f"{name}: {what} must be numbers, got {values!r}")
    if raw.dtype.kind == "f":
        bad = ~np.isfinite(raw)
        if np.dtype(dtype).kind in "iu":
            bad |= np.isfinite(raw) & (raw != np.round(raw))
        if bad.any():
            first = raw.reshape(-1)[np.argmax(bad.reshape(-1))]
            kind = "finite" if np.dtype(dtype).kind == "f" else "whole numbers"
            raise ValueError(f"{name}: {what} must be {kind}, got {float(first)}"
                             + (f" (sample {int(np.argmax(bad))})" if raw.ndim == 1 else ""))
    a = raw.astype(dtype)
    if a.ndim == 0:
        a = np.full(n, a, dtype=dtype)
    if a.shape != (n,):
        raise ValueError(f"{name}: {what} must have one entry per sample ({n},), got shape {a.shape}")
    return a.tolist()


def _number(v: Any, name: str, what: str) -> float:
    if isinstance(v, bool) or not isinstance(v, (numbers.Real, np.floating, np.integer)):
        raise TypeError(f"{name}: {what} must be a number, got {v!r}")
    if not np.isfinite(v):
        raise ValueError(f"{name}: {what} must be finite, got {v!r}")
    return float(v)


def _pair(v: Any, name: str, what: str) -> Tuple[int, int]:
    """An int or an (h, w) pair of ints."""
    if isinstance(v, (numbers.Integral, np.integer)) and not isinstance(v, bool):
        return int(v), int(v)
    if isinstance(v, (tuple, list)) and len(v) == 2 and all(
            isinstance(u, (numbers.Integral, np.integer)) and not isinstance(u, bool) for u in v):
        return int(v[0]), int(v[1])
    raise TypeError(f"{name}: {what} must be an int or a pair of ints, got {v!r}")


def _symmetric_range(v: Any, name: str, what: str, center: float = 0.0,
                     low_bound: Optional[float] = None) -> Tuple[float, float]:
    """torchvision's convention: a number v means [center - v, center + v] (v >= 0), a pair is
    the range itself."""
    if isinstance(v, (tuple, list)):
        if len(v) != 2:
            raise ValueError(f"{name}: {what} must be a number or a (min, max) pair, got {v!r}")
        lo, hi = _number(v[0], name, what), _number(v[1], name, what)
        if lo > hi:
            raise ValueError(f"{name}: {what} range must have min <= max, got {v!r}")
    else:
        d = _number(v, name, what)
        if d < 0:
            raise ValueError(f"{name}: {what} must be >= 0 when a single number, got {d}")
        lo, hi = center - d, center + d
        if low_bound is not None:
            lo = max(low_bound, lo)
    if low_bound is not None and lo < low_bound:
        raise ValueError(f"{name}: {what} range must lie in [{low_bound}, inf), got ({lo}, {hi})")
    return lo, hi


# ------------------------------------------------------------------------------------------ functional

def hflip(x: Batch, flip: Any) -> Batch:
    """Mirror image i left-right where ``flip[i]`` is true: ``out[i] = x[i, :, :, ::-1]``.
    x: (N, C, H, W); flip: (N,) bools (or one bool for all)."""
    t, np_in = _to_core(x, "hflip")
    n = t.shape[0]
    return _from_core(_aug.hflip(t, _per_sample(flip, n, "hflip", "flip", np.uint8)), np_in)


def crop(x: Batch, size: Any, padding: int, top: Any, left: Any) -> Batch:
    """Zero-pad every side by ``padding``, then cut the ``size`` window whose top-left corner is
    ``(top[i], left[i])`` in padded coordinates: equals ``np.pad(x, ((0,0),(0,0),(p,p),(p,p)))
    [i, :, top:top+h, left:left+w]``. x: (N, C, H, W) -> (N, C, h, w)."""
    t, np_in = _to_core(x, "crop")
    h, w = _pair(size, "crop", "size")
    n = t.shape[0]
    out = _aug.crop(t, h, w, int(padding), _per_sample(top, n, "crop", "top", np.int64),
                    _per_sample(left, n, "crop", "left", np.int64))
    return _from_core(out, np_in)


def translate(x: Batch, dy: Any, dx: Any) -> Batch:
    """Shift image i by ``dy[i]`` rows down and ``dx[i]`` columns right (integers; negative moves
    up/left), filling uncovered pixels with 0: ``out[i, :, r, s] = x[i, :, r - dy, s - dx]``."""
    t, np_in = _to_core(x, "translate")
    n = t.shape[0]
    return _from_core(_aug.translate(t, _per_sample(dy, n, "translate", "dy", np.int64),
                                     _per_sample(dx, n, "translate", "dx", np.int64)), np_in)


def affine(x: Batch, angle: Any = 0.0, translate: Tuple[Any, Any] = (0.0, 0.0), scale: Any = 1.0,
           shear: Tuple[Any, Any] = (0.0, 0.0), stretch: Any = 1.0) -> Batch:
    """Rotate, translate, scale/stretch and shear each image about its centre with one bilinear
    resampling (outside pixels count as 0). Per sample (scalars apply to all):

    ``out(p) = x(A^-1 (p - c - t) + c)``, ``A = R(angle) Sh(shear) diag(scale*sqrt(stretch),
    scale/sqrt(stretch))``, ``c = ((W-1)/2, (H-1)/2)``; angle in degrees, counter-clockwise on
    screen (as ``np.rot90`` and torchvision's rotate); ``translate = (tx, ty)`` in pixels (right,
    down); ``shear = (shear_x, shear_y)`` in degrees: ``x' = x + tan(shear_x) y`` then
    ``y' = y + tan(shear_y) x'``; ``stretch`` is the width/height aspect change."""
    t, np_in = _to_core(x, "affine")
    n, _, height, width = t.shape
    name = "affine"
    s = np.asarray(_per_sample(scale, n, name, "scale", np.float64))
    r = np.asarray(_per_sample(stretch, n, name, "stretch", np.float64))
    if np.any(~(s > 0)) or np.any(~(r > 0)):
        raise ValueError(f"affine: scale and stretch must be > 0, got scale {s.tolist()}, stretch {r.tolist()}")
    if not (isinstance(translate, (tuple, list)) and len(translate) == 2):
        raise ValueError(f"affine: translate must be a (tx, ty) pair, got {translate!r}")
    if not (isinstance(shear, (tuple, list)) and len(shear) == 2):
        raise ValueError(f"affine: shear must be a (shear_x, shear_y) pair, got {shear!r}")
    root = np.sqrt(r)
    mats = _aug.affine_inverse_matrices(
        int(height), int(width), _per_sample(angle, n, name, "angle", np.float64),
        _per_sample(translate[0], n, name, "tx", np.float64), _per_sample(translate[1], n, name, "ty", np.float64),
        (s * root).tolist(), (s / root).tolist(),
        _per_sample(shear[0], n, name, "shear_x", np.float64), _per_sample(shear[1], n, name, "shear_y", np.float64))
    return _from_core(_aug.affine(t, mats), np_in)


def rotate(x: Batch, angle: Any) -> Batch:
    """Rotate image i by ``angle[i]`` degrees counter-clockwise about its centre (bilinear, fill 0)."""
    return affine(x, angle=angle)


def adjust_color(x: Batch, brightness: Any = None, contrast: Any = None, saturation: Any = None,
                 order: Any = None) -> Batch:
    """torchvision's colour adjustments on images in [0, 1] with factors per sample (None: off),
    each result clamped to [0, 1]:

    brightness b: ``b x``; contrast c: ``c x + (1 - c) mean(gray(x))``; saturation s:
    ``s x + (1 - s) gray(x)``, ``gray = 0.2989 R + 0.587 G + 0.114 B``. ``order`` (N, 3) gives the
    sequence per image as indices 0 brightness, 1 contrast, 2 saturation (default 0, 1, 2).
    Saturation needs 3 channels; contrast on 1 channel uses the mean of the channel."""
    t, np_in = _to_core(x, "adjust_color")
    n = t.shape[0]
    if order is None:
        order = np.tile(np.arange(3, dtype=np.int64), (n, 1))
    order = np.asarray(order, dtype=np.int64)
    if order.shape != (n, 3):
        raise ValueError(f"adjust_color: order must have shape ({n}, 3), got {order.shape}")

    def factors(v: Any, what: str) -> list:
        return [] if v is None else _per_sample(v, n, "adjust_color", what, np.float64)

    out = _aug.color_jitter(t, factors(brightness, "brightness"), factors(contrast, "contrast"),
                            factors(saturation, "saturation"), order.reshape(-1).tolist())
    return _from_core(out, np_in)


def cutout(x: Batch, size: int, cy: Any, cx: Any) -> Batch:
    """Zero the ``size`` x ``size`` square of image i with rows ``[cy - size//2, cy - size//2 + size)``
    and likewise columns around ``cx``, clipped at the borders (DeVries & Taylor 2017)."""
    t, np_in = _to_core(x, "cutout")
    n = t.shape[0]
    return _from_core(_aug.cutout(t, int(size), _per_sample(cy, n, "cutout", "cy", np.int64),
                                  _per_sample(cx, n, "cutout", "cx", np.int64)), np_in)


# ------------------------------------------------------------------------------------------ transforms

class _Transform:
    """A random transform: ``get_params(shape)`` draws per-sample parameters from xgrad's
    generator, the functional form applies them."""

    name = "transform"

    def get_params(self, shape: Sequence[int]) -> Params:
        """The per-sample parameters this transform would draw for a batch of ``shape``
        (N, C, H, W), as NumPy arrays keyed by the functional form's argument names."""
        raise NotImplementedError

    def _apply(self, x: Batch, params: Params) -> Batch:
        raise NotImplementedError

    def __call__(self, x: Batch) -> Batch:
        """Transform the batch ``x`` (N, C, H, W) with fresh per-sample parameters; NumPy in,
        NumPy out; Tensor in, Tensor out (no autograd history)."""
        # Checks and converts once (before any draw); the functional form then gets a Tensor.
        t, np_in = _to_core(x, self.name)
        return _from_core(self._apply(t, self.get_params(tuple(t.shape))), np_in)

    def __repr__(self) -> str:
        args = ", ".join(f"{k}={v!r}" for k, v in self._repr_args().items())
        return f"{type(self).__name__}({args})"

    def _repr_args(self) -> Dict[str, Any]:
        return {}


class RandomHorizontalFlip(_Transform):
    """Mirror each image left-right with probability ``p`` (a fresh coin per sample).
    (N, C, H, W) -> (N, C, H, W)."""

    name = "RandomHorizontalFlip"

    def __init__(self, p: float = 0.5):
        p = _number(p, self.name, "p")
        if not 0.0 <= p <= 1.0:
            raise ValueError(f"RandomHorizontalFlip: p must be in [0, 1], got {p}")
        self.p = p

    def get_params(self, shape: Sequence[int]) -> Params:
        """Draw ``{"flip": (N,) bool}`` for a batch of shape (N, C, H, W): one coin of probability ``p`` per image."""
        n = _shape4(shape, self.name)[0]
        return {"flip": np.asarray(_aug.bernoulli(n, self.p), dtype=bool)}

    def _apply(self, x: Batch, params: Params) -> Batch:
        return hflip(x, params["flip"])

    def _repr_args(self) -> Dict[str, Any]:
        return {"p": self.p}


class RandomCrop(_Transform):
    """Zero-pad each side by ``padding``, then cut a ``size`` window at a uniformly random position
    per sample (the CIFAR recipe: ``RandomCrop(32, padding=4)``). (N, C, H, W) -> (N, C, h, w)."""

    name = "RandomCrop"

    def __init__(self, size: Union[int, Tuple[int, int]], padding: int = 0):
        self.size = _pair(size, self.name, "size")
        if self.size[0] < 1 or self.size[1] < 1:
            raise ValueError(f"RandomCrop: size must be positive, got {size!r}")
        if isinstance(padding, bool) or not isinstance(padding, (numbers.Integral, np.integer)):
            raise TypeError(f"RandomCrop: padding must be an int, got {padding!r}")
        if padding < 0:
            raise ValueError(f"RandomCrop: padding must be >= 0, got {padding}")
        self.padding = int(padding)

    def get_params(self, shape: Sequence[int]) -> Params:
        """Draw ``{"top": (N,) int64, "left": (N,) int64}``: window corners in padded coordinates,
        uniform in ``[0, H + 2 padding - h]`` and ``[0, W + 2 padding - w]``, for a batch of shape (N, C, H, W)."""
        n, _, height, width = _shape4(shape, self.name)
        h, w, p = self.size[0], self.size[1], self.padding
        if h > height + 2 * p or w > width + 2 * p:
            raise ValueError(f"RandomCrop: crop size {self.size} is larger than the padded image "
                             f"({height + 2 * p}, {width + 2 * p}) of input shape {tuple(shape)} with padding {p}")
        top = _randint_closed(n, 0, height + 2 * p - h)
        left = _randint_closed(n, 0, width + 2 * p - w)
        return {"top": top, "left": left}

    def _apply(self, x: Batch, params: Params) -> Batch:
        return crop(x, self.size, self.padding, params["top"], params["left"])

    def _repr_args(self) -> Dict[str, Any]:
        return {"size": self.size, "padding": self.padding}


class RandomTranslate(_Transform):
    """Shift each image by whole pixels, ``dy`` and ``dx`` uniform in ``[-max_shift, max_shift]``
    (an int, or a pair (rows, columns)), filling with 0. Equals ``RandomCrop(H, padding=max_shift)``
    for square shifts, without changing the size."""

    name = "RandomTranslate"

    def __init__(self, max_shift: Union[int, Tuple[int, int]]):
        self.max_shift = _pair(max_shift, self.name, "max_shift")
        if min(self.max_shift) < 0:
            raise ValueError(f"RandomTranslate: max_shift must be >= 0, got {max_shift!r}")

    def get_params(self, shape: Sequence[int]) -> Params:
        """Draw ``{"dy": (N,) int64, "dx": (N,) int64}``, uniform in ``[-max_shift, max_shift]``, for a
        batch of shape (N, C, H, W)."""
        n = _shape4(shape, self.name)[0]
        my, mx = self.max_shift
        return {"dy": _randint_closed(n, -my, my),
                "dx": _randint_closed(n, -mx, mx)}

    def _apply(self, x: Batch, params: Params) -> Batch:
        return translate(x, params["dy"], params["dx"])

    def _repr_args(self) -> Dict[str, Any]:
        return {"max_shift": self.max_shift}


class RandomRotation(_Transform):
    """Rotate each image about its centre by an angle uniform in ``[-degrees, degrees]`` (or in a
    given ``(min, max)`` range), counter-clockwise positive, bilinear, corners filled with 0."""

    name = "RandomRotation"

    def __init__(self, degrees: Union[float, Tuple[float, float]]):
        self.degrees = _symmetric_range(degrees, self.name, "degrees")

    def get_params(self, shape: Sequence[int]) -> Params:
        """Draw ``{"angle": (N,) float64}`` in degrees, uniform in the range, for a batch of shape (N, C, H, W)."""
        n = _shape4(shape, self.name)[0]
        return {"angle": np.asarray(_aug.uniform(n, *self.degrees))}

    def _apply(self, x: Batch, params: Params) -> Batch:
        return rotate(x, params["angle"])

    def _repr_args(self) -> Dict[str, Any]:
        return {"degrees": self.degrees}


class RandomAffine(_Transform):
    """Random rotation, translation, scale, stretch and shear in one bilinear resampling
    (torchvision's RandomAffine, plus ``stretch``). Per sample:

    - ``degrees``: angle uniform in [-d, d] (or a (min, max) range);
    - ``translate=(a, b)``: shifts uniform in [-a W, a W] and [-b H, b H], rounded to pixels;
    - ``scale=(lo, hi)``: zoom factor uniform in the range;
    - ``shear``: s -> x shear angle in [-s, s]; (lo, hi) -> x shear in that range;
      (xlo, xhi, ylo, yhi) -> x and y shear angles (degrees);
    - ``stretch=(lo, hi)``: aspect change width/height, log-uniform in the range (so 1/r and r
      are equally likely).

    (N, C, H, W) -> (N, C, H, W); outside pixels are 0."""

    name = "RandomAffine"

    def __init__(self, degrees: Union[float, Tuple[float, float]] = 0,
                 translate: Optional[Tuple[float, float]] = None,
                 scale: Optional[Tuple[float, float]] = None,
                 shear: Union[None, float, Sequence[float]] = None,
                 stretch: Optional[Tuple[float, float]] = None):
        name = self.name
        self.degrees = _symmetric_range(degrees, name, "degrees")
        if translate is not None:
            if not (isinstance(translate, (tuple, list)) and len(translate) == 2):
                raise ValueError(f"RandomAffine: translate must be a pair of fractions (a, b), got {translate!r}")
            translate = (_number(translate[0], name, "translate"), _number(translate[1], name, "translate"))
            if not all(0.0 <= v <= 1.0 for v in translate):
                raise ValueError(f"RandomAffine: translate fractions must be in [0, 1], got {translate!r}")
        self.translate = translate
        if scale is not None:
            if not (isinstance(scale, (tuple, list)) and len(scale) == 2):
                raise ValueError(f"RandomAffine: scale must be a (min, max) pair, got {scale!r}")
            scale = (_number(scale[0], name, "scale"), _number(scale[1], name, "scale"))
            if not 0.0 < scale[0] <= scale[1]:
                raise ValueError(f"RandomAffine: scale must satisfy 0 < min <= max, got {scale!r}")
        self.scale = scale
        self.shear: Optional[Tuple[float, float, float, float]] = None
        if shear is not None:
            if isinstance(shear, (tuple, list)) and len(shear) == 4:
                sx = _symmetric_range(tuple(shear[:2]), name, "shear")
                sy = _symmetric_range(tuple(shear[2:]), name, "shear")
            else:
                sx, sy = _symmetric_range(shear, name, "shear"), (0.0, 0.0)
            if max(abs(v) for v in sx + sy) >= 90:
                raise ValueError(f"RandomAffine: shear angles must be in (-90, 90) degrees, got {shear!r}")
            self.shear = sx + sy
        if stretch is not None:
            if not (isinstance(stretch, (tuple, list)) and len(stretch) == 2):
                raise ValueError(f"RandomAffine: stretch must be a (min, max) pair, got {stretch!r}")
            stretch = (_number(stretch[0], name, "stretch"), _number(stretch[1], name, "stretch"))
            if not 0.0 < stretch[0] <= stretch[1]:
                raise ValueError(f"RandomAffine: stretch must satisfy 0 < min <= max, got {stretch!r}")
        self.stretch = stretch

    def get_params(self, shape: Sequence[int]) -> Params:
        """Draw ``angle``, ``tx``, ``ty`` (pixels), ``scale``, ``stretch``, ``shear_x``, ``shear_y``
        (degrees), each (N,) float64 (identity values for the parts switched off), for a batch of
        shape (N, C, H, W)."""
        n, _, height, width = _shape4(shape, self.name)
        zeros, ones = np.zeros(n), np.ones(n)
        angle = np.asarray(_aug.uniform(n, *self.degrees))
        tx, ty = zeros, zeros
        if self.translate is not None:
            max_dx, max_dy = self.translate[0] * width, self.translate[1] * height
            tx = np.round(np.asarray(_aug.uniform(n, -max_dx, max_dx)))
            ty = np.round(np.asarray(_aug.uniform(n, -max_dy, max_dy)))
        scale = ones if self.scale is None else np.asarray(_aug.uniform(n, *self.scale))
        stretch = ones
        if self.stretch is not None:
            stretch = np.exp(np.asarray(_aug.uniform(n, np.log(self.stretch[0]), np.log(self.stretch[1]))))
        shear_x, shear_y = zeros, zeros
        if self.shear is not None:
            shear_x = np.asarray(_aug.uniform(n, self.shear[0], self.shear[1]))
            shear_y = np.asarray(_aug.uniform(n, self.shear[2], self.shear[3]))
        return {"angle": angle, "tx": tx, "ty": ty, "scale": scale, "stretch": stretch,
                "shear_x": shear_x, "shear_y": shear_y}

    def _apply(self, x: Batch, params: Params) -> Batch:
        return affine(x, params["angle"], (params["tx"], params["ty"]), params["scale"],
                      (params["shear_x"], params["shear_y"]), params["stretch"])

    def _repr_args(self) -> Dict[str, Any]:
        return {"degrees": self.degrees, "translate": self.translate, "scale": self.scale, "shear": self.shear,
                "stretch": self.stretch}


class ColorJitter(_Transform):
    """Random brightness, contrast and saturation as torchvision's ColorJitter (images in [0, 1]):
    a number v draws the factor uniformly from [max(0, 1 - v), 1 + v], a (min, max) pair from that
    range, 0 switches the operation off; the three are applied in a random order per image.
    Formulas: see ``adjust_color``. Saturation needs RGB (3-channel) images."""

    name = "ColorJitter"

    def __init__(self, brightness: Union[float, Tuple[float, float]] = 0,
                 contrast: Union[float, Tuple[float, float]] = 0,
                 saturation: Union[float, Tuple[float, float]] = 0):
        def rng(v: Any, what: str) -> Optional[Tuple[float, float]]:
            lo, hi = _symmetric_range(v, self.name, what, center=1.0, low_bound=0.0)
            return None if lo == hi == 1.0 else (lo, hi)

        self.brightness = rng(brightness, "brightness")
        self.contrast = rng(contrast, "contrast")
        self.saturation = rng(saturation, "saturation")

    def get_params(self, shape: Sequence[int]) -> Params:
        """Draw ``{"order": (N, 3) int64}`` (a random order of the three operations per image) and an
        (N,) float64 factor for each of ``brightness``, ``contrast``, ``saturation`` that is switched
        on, for a batch of shape (N, C, H, W)."""
        n, c = _shape4(shape, self.name)[:2]
        if self.saturation is not None and c != 3:
            raise ValueError(f"ColorJitter: saturation needs 3-channel (RGB) images, got shape {tuple(shape)}; "
                             f"use saturation=0 for grayscale")
        order = np.asarray(_aug.jitter_orders(n), dtype=np.int64).reshape(n, 3)
        out: Params = {"order": order}
        for what in ("brightness", "contrast", "saturation"):
            r = getattr(self, what)
            if r is not None:
                out[what] = np.asarray(_aug.uniform(n, *r))
        return out

    def _apply(self, x: Batch, params: Params) -> Batch:
        return adjust_color(x, params.get("brightness"), params.get("contrast"), params.get("saturation"),
                            params["order"])

    def _repr_args(self) -> Dict[str, Any]:
        return {"brightness": self.brightness, "contrast": self.contrast, "saturation": self.saturation}


class Cutout(_Transform):
    """Cutout (DeVries & Taylor 2017): zero a ``size`` x ``size`` square per image whose centre is
    uniform over the pixels, clipped at the borders (so near an edge less is cut)."""

    name = "Cutout"

    def __init__(self, size: int):
        if isinstance(size, bool) or not isinstance(size, (numbers.Integral, np.integer)):
            raise TypeError(f"Cutout: size must be an int, got {size!r}")
        if size < 0:
            raise ValueError(f"Cutout: size must be >= 0, got {size}")
        self.size = int(size)

    def get_params(self, shape: Sequence[int]) -> Params:
        """Draw ``{"cy": (N,) int64, "cx": (N,) int64}``: square centres uniform over the pixels, for a
        batch of shape (N, C, H, W)."""
        n, _, height, width = _shape4(shape, self.name)
        if height == 0 or width == 0:
            raise ValueError(f"Cutout: images of shape {tuple(shape)} have no pixels to cut out")
        return {"cy": _randint_closed(n, 0, height - 1), "cx": _randint_closed(n, 0, width - 1)}

    def _apply(self, x: Batch, params: Params) -> Batch:
        return cutout(x, self.size, params["cy"], params["cx"])

    def _repr_args(self) -> Dict[str, Any]:
        return {"size": self.size}


class Compose:
    """Apply transforms in sequence: ``Compose([RandomCrop(32, padding=4), RandomHorizontalFlip()])``.
    Any callable ``batch -> batch`` may take part."""

    def __init__(self, transforms: Sequence[Callable[[Batch], Batch]]):
        transforms = list(transforms)
        for i, t in enumerate(transforms):
            if not callable(t):
                raise TypeError(f"Compose: transform {i} is not callable: {t!r}")
        self.transforms = transforms

    def __call__(self, x: Batch) -> Batch:
        """Apply each transform in turn to ``x``."""
        for t in self.transforms:
            x = t(x)
        return x

    def __repr__(self) -> str:
        inner = ",\n".join(f"    {t!r}" for t in self.transforms)
        return f"Compose([\n{inner}\n])"


# ------------------------------------------------------------------------------------------ mixup

def mixup(x: Batch, y: Any, alpha: float = 1.0) -> Tuple[Batch, np.ndarray, np.ndarray, float]:
    """mixup (Zhang et al. 2018): blend each sample with another of the batch.

    ``lam ~ Beta(alpha, alpha)`` (one per batch), ``perm`` a random permutation (both from xgrad's
    generator); returns ``(lam x + (1 - lam) x[perm], y, y[perm], lam)``. Train with
    ``loss = lam * CE(out, y_a) + (1 - lam) * CE(out, y_b)`` (``xgrad.train.Trainer``'s
    ``batch_transform`` does this). x: (N, ...) float array or Tensor (same kind out); y: (N,)
    labels. ``alpha = 0`` gives lam = 1 (no mixing)."""
    alpha = _number(alpha, "mixup", "alpha")
    if alpha < 0:
        raise ValueError(f"mixup: alpha must be >= 0, got {alpha}")
    is_tensor = isinstance(x, Tensor)
    if is_tensor:
        xa = x.detach().numpy()
    elif isinstance(x, np.ndarray):
        if x.dtype not in (np.float32, np.float64):
            raise TypeError(f"mixup: expected a float32 or float64 batch, got dtype {x.dtype}")
        xa = x
    else:
        raise TypeError(f"mixup: expected a NumPy array or an xgrad.Tensor, got {type(x).__name__}")
    if xa.ndim < 1 or xa.shape[0] == 0:
        raise ValueError(f"mixup: expected a non-empty batch (N, ...), got shape {xa.shape}")
    y = np.asarray(y)
    if y.ndim < 1 or y.shape[0] != xa.shape[0]:
        raise ValueError(f"mixup: y must have one label per sample ({xa.shape[0]},), got shape {y.shape}")
    lam = float(_aug.beta(alpha, alpha)) if alpha > 0 else 1.0
    perm = randperm(xa.shape[0])
    mixed = (lam * xa + (1.0 - lam) * xa[perm]).astype(xa.dtype, copy=False)
    return (tensor(mixed) if is_tensor else mixed), y, y[perm], lam
