"""One table of every differentiable op. Each row drives, in test_ops.py: forward vs NumPy in
float32 and float64, float64 gradcheck, broadcasting cases, non-contiguous (strided view) inputs,
and forward + gradient vs PyTorch where installed. Adding an op = adding one row here."""
from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any, Callable, List, Optional, Sequence, Tuple

import numpy as np

import xgrad

Shape = Tuple[int, ...]


def _np_softmax(x, axis):
    e = np.exp(x - x.max(axis=axis, keepdims=True))
    return e / e.sum(axis=axis, keepdims=True)


def _np_log_softmax(x, axis):
    m = x.max(axis=axis, keepdims=True)
    return x - m - np.log(np.exp(x - m).sum(axis=axis, keepdims=True))


LABELS = np.array([2, 0, 3, 1, 3])


def _np_cross_entropy(x):
    lp = _np_log_softmax(x, 1)
    return -lp[np.arange(len(x)), LABELS[: len(x)]].mean()


@dataclass
class OpCase:
    """name: test id. fn: applied to xgrad tensors (and to torch tensors when torch_fn is None and
    same_in_torch). reference: the NumPy reference on float64 arrays. shapes: one tuple of input
    shapes per case (broadcasting cases included). domain: how inputs are drawn."""
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


def draw(shape: Shape, domain: str, rng: np.random.Generator) -> np.ndarray:
    if domain == "positive":
        return rng.uniform(0.5, 2.0, size=shape)
    if domain == "away_from_zero":  # kinks (relu, abs, clip, max) stay far from centred differences
        return rng.uniform(0.2, 1.0, size=shape) * rng.choice([-1.0, 1.0], size=shape)
    if domain == "distinct":  # no ties for max/min
        n = int(np.prod(shape)) if shape else 1
        return (rng.permutation(n).reshape(shape) * 0.1 + rng.uniform(0, 0.01, size=shape)).astype(np.float64)
    return rng.standard_normal(shape)


def _np_var(x, axis, ddof, keepdims=False):
    return np.var(x, axis=axis, ddof=ddof, keepdims=keepdims)


OPS: List[OpCase] = [
    # arithmetic (tensor-tensor with broadcasting, tensor-scalar both sides)
    OpCase("add", lambda a, b: a + b, np.add, [((3, 4), (3, 4)), ((3, 4), (4,)), ((2, 1, 4), (3, 1)), ((), (3,))]),
    OpCase("sub", lambda a, b: a - b, np.subtract, [((3, 4), (3, 4)), ((4,), (3, 4)), ((2, 3, 1), (1, 5))]),
    OpCase("mul", lambda a, b: a * b, np.multiply, [((3, 4), (3, 4)), ((3, 1), (1, 4)), ((5,), ())]),
    OpCase("div", lambda a, b: a / b, np.divide, [((3, 4), (3, 4)), ((3, 4), (4,)), ((2, 1), (2, 3))],
           domain="positive"),
    OpCase("add_scalar", lambda a: a + 2.5, lambda a: a + 2.5, [((3, 4),)]),
    OpCase("radd_scalar", lambda a: 2.5 + a, lambda a: 2.5 + a, [((3, 4),)]),
    OpCase("sub_scalar", lambda a: a - 1.5, lambda a: a - 1.5, [((3, 4),)]),
    OpCase("rsub_scalar", lambda a: 1.5 - a, lambda a: 1.5 - a, [((3, 4),)]),
    OpCase("mul_scalar", lambda a: a * -3.0, lambda a: a * -3.0, [((2, 3, 4),)]),
    OpCase("rmul_scalar", lambda a: -3.0 * a, lambda a: -3.0 * a, [((2, 3, 4),)]),
    OpCase("div_scalar", lambda a: a / 4.0, lambda a: a / 4.0, [((3, 4),)]),
    OpCase("rdiv_scalar", lambda a: 2.0 / a, lambda a: 2.0 / a, [((3, 4),)], domain="positive"),
    OpCase("neg", lambda a: -a, np.negative, [((3, 4),)]),
    OpCase("pow_2", lambda a: a ** 2, lambda a: a ** 2, [((3, 4),)]),
    OpCase("pow_3", lambda a: a ** 3, lambda a: a ** 3, [((3, 4),)]),
    OpCase("pow_frac", lambda a: a ** 1.5, lambda a: a ** 1.5, [((3, 4),)], domain="positive"),
    OpCase("pow_neg", lambda a: a ** -0.5, lambda a: a ** -0.5, [((3, 4),)], domain="positive"),
    OpCase("rpow", lambda a: 2.0 ** a, lambda a: 2.0 ** a, [((3, 4),)]),
    # unary
    OpCase("exp", lambda a: a.exp(), np.exp, [((3, 4),), ((2, 3, 5),)]),
    OpCase("log", lambda a: a.log(), np.log, [((3, 4),)], domain="positive"),
    OpCase("sqrt", lambda a: a.sqrt(), np.sqrt, [((3, 4),)], domain="positive"),
    OpCase("abs", lambda a: a.abs(), np.abs, [((3, 4),)], domain="away_from_zero"),
    OpCase("tanh", lambda a: a.tanh(), np.tanh, [((3, 4),)]),
    OpCase("sigmoid", lambda a: a.sigmoid(), lambda a: 1 / (1 + np.exp(-a)), [((3, 4),)]),
    OpCase("relu", lambda a: a.relu(), lambda a: np.maximum(a, 0), [((3, 4),), ((2, 3, 4),)],
           domain="away_from_zero"),
    OpCase("maximum", lambda a, b: a.maximum(b), np.maximum, [((3, 4), (3, 4)), ((3, 4), (4,))],
           domain="distinct"),
    OpCase("minimum", lambda a, b: a.minimum(b), np.minimum, [((3, 4), (3, 4)), ((2, 1), (1, 3))],
           domain="distinct"),
    OpCase("where", lambda a, b: xgrad.where(np.array([[True, False, True, False]] * 3), a, b),
           lambda a, b: np.where(np.array([[True, False, True, False]] * 3), a, b),
           [((3, 4), (3, 4)), ((3, 4), (4,))], same_in_torch=False,
           torch_fn=lambda a, b: __import__("torch").where(
               __import__("torch").tensor([[True, False, True, False]] * 3), a, b)),
    OpCase("clip", lambda a: a.clip(-0.5, 0.5), lambda a: np.clip(a, -0.5, 0.5), [((4, 5),)],
           domain="away_from_zero"),
    # matrix products
    OpCase("matmul_2d", lambda a, b: a @ b, np.matmul, [((3, 4), (4, 5)), ((1, 4), (4, 1))]),
    OpCase("matmul_batched", lambda a, b: a @ b, np.matmul, [((2, 3, 4), (2, 4, 5)), ((2, 3, 4), (4, 5)),
                                                            ((3, 4), (2, 4, 5)), ((2, 1, 3, 4), (3, 4, 2))]),
    OpCase("matmul_vector", lambda a, b: a @ b, np.matmul, [((4,), (4, 3)), ((3, 4), (4,)), ((4,), (4,)),
                                                           ((2, 3, 4), (4,))]),
    OpCase("matmul_transposed", lambda a, b: a.T @ b.T, lambda a, b: a.T @ b.T, [((4, 3), (5, 4))]),
    OpCase("linear", lambda x, w, b: xgrad.nn.functional.linear(x, w, b),
           lambda x, w, b: x @ w.T + b, [((5, 4), (3, 4), (3,)), ((2, 5, 4), (3, 4), (3,))], same_in_torch=False,
           torch_fn=lambda x, w, b: __import__("torch").nn.functional.linear(x, w, b)),
    # reductions
    OpCase("sum_all", lambda a: a.sum(), np.sum, [((3, 4),), ((2, 3, 4),)]),
    OpCase("sum_axis", lambda a: a.sum(1), lambda a: a.sum(1), [((3, 4),), ((2, 3, 4),)]),
    OpCase("sum_axes_keepdims", lambda a: a.sum((0, 2), keepdim=True), lambda a: a.sum((0, 2), keepdims=True),
           [((2, 3, 4),)]),
    OpCase("sum_negative_axis", lambda a: a.sum(-1), lambda a: a.sum(-1), [((2, 3, 4),)]),
    OpCase("mean_all", lambda a: a.mean(), np.mean, [((3, 4),)]),
    OpCase("mean_axis_keepdims", lambda a: a.mean(0, keepdim=True), lambda a: a.mean(0, keepdims=True),
           [((3, 4),), ((2, 3, 4),)]),
    OpCase("max_all", lambda a: a.max(), np.max, [((3, 4),)], domain="distinct", same_in_torch=False,
           torch_fn=lambda a: a.amax()),
    OpCase("max_axis", lambda a: a.max(1), lambda a: a.max(1), [((3, 4),), ((2, 3, 4),)], domain="distinct",
           same_in_torch=False, torch_fn=lambda a: a.amax(1)),
    OpCase("min_axes_keepdims", lambda a: a.min((0, 2), keepdim=True), lambda a: a.min((0, 2), keepdims=True),
           [((2, 3, 4),)], domain="distinct", same_in_torch=False, torch_fn=lambda a: a.amin((0, 2), keepdim=True)),
    OpCase("var_all", lambda a: a.var(), lambda a: np.var(a, ddof=1), [((3, 4),)]),
    OpCase("var_axis_biased", lambda a: a.var(0, correction=0), lambda a: np.var(a, axis=0), [((5, 3),)]),
    OpCase("var_axes_keepdims", lambda a: a.var((1, 2), keepdim=True),
           lambda a: np.var(a, axis=(1, 2), ddof=1, keepdims=True), [((2, 3, 4),)]),
    # shape
    OpCase("reshape", lambda a: a.reshape(4, 3), lambda a: a.reshape(4, 3), [((3, 4),), ((2, 6),)]),
    OpCase("reshape_infer", lambda a: a.reshape(-1, 2), lambda a: a.reshape(-1, 2), [((2, 3, 4),)]),
    OpCase("transpose", lambda a: a.transpose(0, 1), lambda a: a.swapaxes(0, 1), [((3, 4),), ((2, 3, 4),)]),
    OpCase("permute", lambda a: a.permute(2, 0, 1), lambda a: a.transpose(2, 0, 1), [((2, 3, 4),)]),
    OpCase("flatten", lambda a: a.flatten(1), lambda a: a.reshape(a.shape[0], -1), [((2, 3, 4),)]),
    OpCase("unsqueeze", lambda a: a.unsqueeze(1), lambda a: np.expand_dims(a, 1), [((3, 4),)]),
    OpCase("expand", lambda a: a.expand(2, 3, 4), lambda a: np.broadcast_to(a, (2, 3, 4)), [((3, 1),), ((4,),)]),
    OpCase("index_int", lambda a: a[1], lambda a: a[1], [((3, 4),)]),
    OpCase("index_slice", lambda a: a[1:, ::2], lambda a: a[1:, ::2], [((4, 5),)]),
    OpCase("index_ellipsis_none", lambda a: a[..., None, 1:3], lambda a: a[..., None, 1:3], [((2, 3, 4),)]),
    OpCase("index_int_array", lambda a: a[np.array([0, 2, 2])], lambda a: a[np.array([0, 2, 2])], [((3, 4),)],
           same_in_torch=False, torch_fn=lambda a: a[__import__("torch").tensor([0, 2, 2])]),
    OpCase("index_pairs", lambda a: a[np.arange(3), np.array([1, 0, 3])],
           lambda a: a[np.arange(3), np.array([1, 0, 3])], [((3, 4),)], same_in_torch=False,
           torch_fn=lambda a: a[__import__("torch").arange(3), __import__("torch").tensor([1, 0, 3])]),
    OpCase("index_column_array", lambda a: a[:, [3, 1]], lambda a: a[:, [3, 1]], [((2, 4, 3),)]),
    OpCase("index_bool_mask", lambda a: a[np.array([True, False, True])],
           lambda a: a[np.array([True, False, True])], [((3, 4),)], same_in_torch=False,
           torch_fn=lambda a: a[__import__("torch").tensor([True, False, True])]),
    OpCase("concatenate", lambda a, b: xgrad.cat([a, b], 1), lambda a, b: np.concatenate([a, b], 1),
           [((2, 3), (2, 4))], same_in_torch=False, torch_fn=lambda a, b: __import__("torch").cat([a, b], 1)),
    OpCase("stack", lambda a, b: xgrad.stack([a, b], 1), lambda a, b: np.stack([a, b], 1),
           [((2, 3), (2, 3))], same_in_torch=False, torch_fn=lambda a, b: __import__("torch").stack([a, b], 1)),
    # softmax family and losses
    OpCase("softmax", lambda a: a.softmax(-1), lambda a: _np_softmax(a, -1), [((3, 5),), ((2, 3, 4),)]),
    OpCase("softmax_axis0", lambda a: a.softmax(0), lambda a: _np_softmax(a, 0), [((3, 5),)]),
    OpCase("log_softmax", lambda a: a.log_softmax(1), lambda a: _np_log_softmax(a, 1), [((4, 5),), ((2, 3, 4),)]),
    OpCase("cross_entropy", lambda a: xgrad.nn.functional.cross_entropy(a, LABELS[: a.shape[0]]),
           _np_cross_entropy, [((5, 4),), ((1, 4),)], same_in_torch=False,
           torch_fn=lambda a: __import__("torch").nn.functional.cross_entropy(
               a, __import__("torch").tensor(LABELS[: a.shape[0]]))),
]


def case_ids() -> List[Tuple[OpCase, int]]:
    return [(op, i) for op in OPS for i in range(len(op.shapes))]


# The layers' ops of issue 3 live in their own table (nn_registry.py) and run through the same tests.
from nn_registry import NN_OPS  # noqa: E402

OPS += NN_OPS
