"""What the two op tables (op_registry.py, nn_registry.py) share: the row type, how inputs are
drawn, the class labels of the loss rows and the log-softmax reference. test_ops.py runs every row
of both tables."""
from __future__ import annotations

from dataclasses import dataclass
from typing import Any, Callable, List, Optional, Tuple

import numpy as np

Shape = Tuple[int, ...]

#: Class labels of the loss rows (the first len(x) of them for x of len(x) rows).
LABELS = np.array([2, 0, 3, 1, 3])


@dataclass
class OpCase:
    """name: test id. fn: applied to xgrad tensors (and to torch tensors when torch_fn is None and
    same_in_torch). reference: the NumPy reference on float64 arrays. shapes: one tuple of input
    shapes per case (broadcasting cases included). domain: how inputs are drawn. no_torch: why
    the row has no PyTorch counterpart ("" if it has one)."""
    name: str
    fn: Callable[..., Any]
    reference: Callable[..., np.ndarray]
    shapes: List[Tuple[Shape, ...]]
    domain: str = "normal"        # normal | positive | away_from_zero | distinct
    grad: bool = True
    same_in_torch: bool = True    # fn also works on torch tensors
    torch_fn: Optional[Callable[..., Any]] = None
    noncontiguous: bool = True    # also run on strided views
    rtol32: float = 2e-5
    no_torch: str = ""


def draw(shape: Shape, domain: str, rng: np.random.Generator) -> np.ndarray:
    if domain == "positive":
        return rng.uniform(0.5, 2.0, size=shape)
    if domain == "away_from_zero":  # kinks (relu, abs, clip, max) stay far from centred differences
        return rng.uniform(0.2, 1.0, size=shape) * rng.choice([-1.0, 1.0], size=shape)
    if domain == "distinct":  # no ties for max/min
        n = int(np.prod(shape)) if shape else 1
        return (rng.permutation(n).reshape(shape) * 0.1 + rng.uniform(0, 0.01, size=shape)).astype(np.float64)
    if domain != "normal":
        raise ValueError(f"draw: unknown domain {domain!r}")
    return rng.standard_normal(shape)


def np_log_softmax(x: np.ndarray, axis: int = -1) -> np.ndarray:
    m = x.max(axis=axis, keepdims=True)
    return x - m - np.log(np.exp(x - m).sum(axis=axis, keepdims=True))


def np_softmax(x: np.ndarray, axis: int = -1) -> np.ndarray:
    e = np.exp(x - x.max(axis=axis, keepdims=True))
    return e / e.sum(axis=axis, keepdims=True)

