"""One table of every differentiable op. Each row drives, in test_ops.py: forward vs NumPy in
float32 and float64, float64 gradcheck, broadcasting cases, non-contiguous (strided view) inputs,
and forward + gradient vs PyTorch where installed.

The ops registered in the core (``xgrad._tensor.registered.REGISTRY``: exp, relu, gelu, softmax,
...) get their rows from their registration: the function Python sees (the Tensor method where
the op is one), PyTorch's function of the same name with the same keyword arguments, inputs drawn
from the registered domain; one row with the defaults, one per choice of a string parameter and
one per entry of OTHER_VALUES. What the registry cannot say is written here, independently of the
C++: the NumPy formula of each op (NUMPY_REFERENCE) and the shapes of tensor parameters
(TENSOR_PARAMETERS). test_ops.py fails for a registered op without them.

Everything else (arithmetic, reductions, shape, indexing, matmul, losses) is a hand-written row
(HAND_WRITTEN); the layers' ops are in nn_registry.py."""
from __future__ import annotations

import functools
import importlib
from math import erf
from typing import Any, Callable, Dict, List, Tuple

import numpy as np

import xgrad
from op_cases import LABELS, OpCase, Shape, np_log_softmax, np_softmax
from xgrad._tensor.registered import REGISTRY

# ---------------------------------------------------------------- registered ops


def np_gelu(x, approximate="none"):
    if approximate == "tanh":
        return 0.5 * x * (1 + np.tanh(np.sqrt(2 / np.pi) * (x + 0.044715 * x ** 3)))
    return 0.5 * x * (1 + np.vectorize(erf)(x / np.sqrt(2)))


def np_softplus(x, beta=1.0, threshold=20.0):
    return np.where(beta * x > threshold, x, np.log1p(np.exp(beta * x)) / beta)


def np_prelu(x, weight):
    a = weight.reshape((1, -1) + (1,) * (x.ndim - 2)) if weight.size > 1 else weight.reshape(())
    return np.where(x > 0, x, a * x)


#: The NumPy formula of every registered op, with its own defaults (a wrong default in the core
#: fails the defaults row).
NUMPY_REFERENCE: Dict[str, Callable[..., np.ndarray]] = {
    "relu": lambda x: np.maximum(x, 0),
    "sigmoid": lambda x: 1 / (1 + np.exp(-x)),
    "tanh": np.tanh,
    "leaky_relu": lambda x, negative_slope=0.01: np.where(x > 0, x, negative_slope * x),
    "elu": lambda x, alpha=1.0: np.where(x > 0, x, alpha * np.expm1(x)),
    "gelu": np_gelu,
    "silu": lambda x: x / (1 + np.exp(-x)),
    "softplus": np_softplus,
    "prelu": np_prelu,
    "mish": lambda x: x * np.tanh(np.log1p(np.exp(x))),
    "neg": np.negative,
    "exp": np.exp,
    "log": np.log,
    "sqrt": np.sqrt,
    "abs": np.abs,
    "softmax": lambda x, dim=-1: np_softmax(x, dim),
    "log_softmax": lambda x, dim=-1: np_log_softmax(x, dim),
}

#: The input shapes of every registered op.
INPUT_SHAPES: List[Shape] = [(3, 4), (2, 3, 5)]

#: Registered ops with tensor parameters: one dict per variant, giving each tensor parameter's
#: shape as a function of the input's shape. A case per input shape and variant.
TENSOR_PARAMETERS: Dict[str, List[Dict[str, Callable[[Shape], Shape]]]] = {
    "prelu": [{"weight": lambda shape: (1,)},           # one slope shared by all channels
              {"weight": lambda shape: (shape[1],)}],   # one per channel (dim 1)
}

#: Non-default values of numeric parameters: one more row each, beside the defaults row.
OTHER_VALUES: Dict[str, List[Dict[str, Any]]] = {
    "leaky_relu": [{"negative_slope": 0.1}],
    "elu": [{"alpha": 1.3}],
    "softplus": [{"beta": 2.0, "threshold": 1.0}],  # linear for x > 0.5: both branches are drawn
    "softmax": [{"dim": 0}, {"dim": 1}],
    "log_softmax": [{"dim": 0}, {"dim": 1}],
}

#: The registry's input domains as the draws of op_cases.draw.
DOMAINS = {"real": "normal", "positive": "positive", "nonzero": "away_from_zero"}


def tensor_parameters(entry: Dict[str, Any]) -> List[str]:
    return [p["name"] for p in entry["params"] if p["kind"] == "tensor"]


def variants(entry: Dict[str, Any]) -> List[Tuple[str, Dict[str, Any]]]:
    """(row name, keyword arguments) of the rows of a registered op: its defaults (no keyword),
    each choice of each string parameter, then each entry of OTHER_VALUES."""
    name = entry["name"]
    rows: List[Tuple[str, Dict[str, Any]]] = [(name, {})]
    for p in entry["params"]:
        rows += [(f"{name}_{p['name']}_{choice}", {p["name"]: choice}) for choice in p["choices"]]
    for kwargs in OTHER_VALUES.get(name, []):
        rows.append((name + "".join(f"_{k}_{v}" for k, v in kwargs.items()), dict(kwargs)))
    return rows


def keyword_defaults(entry: Dict[str, Any]) -> Dict[str, Any]:
    """The registered defaults of the op's non-tensor parameters."""
    return {p["name"]: p["default"] for p in entry["params"] if p["kind"] != "tensor"}


def parameter_shapes(name: str, input_shape: Shape) -> List[Tuple[Shape, ...]]:
    """The shapes of the op's tensor parameters for an input of `input_shape`, one tuple per
    variant ([()] for an op without tensor parameters)."""
    names = tensor_parameters(REGISTRY[name])
    if not names:
        return [()]
    return [tuple(tuple(variant[p](input_shape)) for p in names) for variant in TENSOR_PARAMETERS[name]]


def registered(name: str) -> Callable[..., Any]:
    """Op `name` as Python sees it: the Tensor method where it is one, else xgrad.<name>, else
    xgrad.nn.functional.<name>."""
    entry = REGISTRY[name]
    if entry["method"]:
        return lambda x, *tensors, **kwargs: getattr(x, name)(*tensors, **kwargs)
    owner = xgrad if entry["function"] else xgrad.nn.functional
    return lambda *tensors, **kwargs: getattr(owner, name)(*tensors, **kwargs)  # looked up when called


def torch_function(qualified: str) -> Callable[..., Any]:
    """The PyTorch function named `qualified` ("torch.nn.functional.gelu"); imports torch."""
    root, *path = qualified.split(".")
    return functools.reduce(getattr, path, importlib.import_module(root))


def missing_from_tables() -> List[str]:
    """What a registered op needs from this file and lacks: the messages of test_ops'
    test_every_registered_op_has_its_rows."""
    messages = []
    for name, entry in REGISTRY.items():
        if name not in NUMPY_REFERENCE:
            messages.append(f"add a NumPy reference for '{name}' to tests/op_registry.py (NUMPY_REFERENCE)")
        if tensor_parameters(entry) and name not in TENSOR_PARAMETERS:
            messages.append(f"add the shapes of the tensor parameters of '{name}' "
                            f"({', '.join(tensor_parameters(entry))}) to tests/op_registry.py (TENSOR_PARAMETERS)")
        if entry["domain"] not in DOMAINS:
            messages.append(f"map the domain {entry['domain']!r} of '{name}' to an input draw in "
                            f"tests/op_registry.py (DOMAINS)")
    return messages


def _registered_row(entry: Dict[str, Any], row_name: str, kwargs: Dict[str, Any]) -> OpCase:
    name = entry["name"]
    call, reference = registered(name), NUMPY_REFERENCE[name]
    torch_kwargs = {**keyword_defaults(entry), **kwargs}  # torch.softmax has no default dim

    def fn(*tensors):
        return call(*tensors, **kwargs)

    def torch_fn(*tensors):
        return torch_function(entry["torch"])(*tensors, **torch_kwargs)

    shapes = [(shape,) + params for shape in INPUT_SHAPES for params in parameter_shapes(name, shape)]
    return OpCase(row_name, fn, lambda *arrays: reference(*arrays, **kwargs), shapes,
                  domain=DOMAINS[entry["domain"]], same_in_torch=False,
                  torch_fn=torch_fn if entry["torch"] else None,
                  no_torch="" if entry["torch"] else f"'{name}' is registered without a PyTorch name")


def registered_rows() -> List[OpCase]:
    """The rows of every registered op that has what it needs here (missing_from_tables)."""
    rows = []
    for name, entry in REGISTRY.items():
        if name in NUMPY_REFERENCE and entry["domain"] in DOMAINS and (
                not tensor_parameters(entry) or name in TENSOR_PARAMETERS):
            rows += [_registered_row(entry, row_name, kwargs) for row_name, kwargs in variants(entry)]
    return rows


REGISTERED: List[OpCase] = registered_rows()

# ---------------------------------------------------------------- hand-written rows


def _np_cross_entropy(x):
    return -np_log_softmax(x, 1)[np.arange(len(x)), LABELS[: len(x)]].mean()


HAND_WRITTEN: List[OpCase] = [
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
    OpCase("neg_operator", lambda a: -a, np.negative, [((3, 4),)]),
    OpCase("pow_2", lambda a: a ** 2, lambda a: a ** 2, [((3, 4),)]),
    OpCase("pow_3", lambda a: a ** 3, lambda a: a ** 3, [((3, 4),)]),
    OpCase("pow_frac", lambda a: a ** 1.5, lambda a: a ** 1.5, [((3, 4),)], domain="positive"),
    OpCase("pow_neg", lambda a: a ** -0.5, lambda a: a ** -0.5, [((3, 4),)], domain="positive"),
    OpCase("rpow", lambda a: 2.0 ** a, lambda a: 2.0 ** a, [((3, 4),)]),
    # elementwise max/min, selection, clipping (exp, log, relu, ...: registered, generated above)
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
    OpCase("linear_nobias", lambda x, w: xgrad.nn.functional.linear(x, w), lambda x, w: x @ w.T,
           [((5, 4), (3, 4)), ((2, 5, 4), (3, 4))], same_in_torch=False,
           torch_fn=lambda x, w: __import__("torch").nn.functional.linear(x, w)),
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
    OpCase("max_axis", lambda a: a.amax(1), lambda a: a.max(1), [((3, 4),), ((2, 3, 4),)], domain="distinct",
           same_in_torch=False, torch_fn=lambda a: a.amax(1)),
    OpCase("max_dim_values", lambda a: a.max(1).values, lambda a: a.max(1), [((3, 4),), ((2, 3, 4),)],
           domain="distinct", torch_fn=lambda a: a.max(1).values),
    OpCase("min_dim_keepdim_values", lambda a: a.min(0, keepdim=True).values, lambda a: a.min(0, keepdims=True),
           [((3, 4),)], domain="distinct", torch_fn=lambda a: a.min(0, keepdim=True).values),
    OpCase("sort_values", lambda a: a.sort(-1).values, lambda a: np.sort(a, -1), [((3, 4),), ((2, 3, 4),)],
           domain="distinct", torch_fn=lambda a: a.sort(-1).values),
    OpCase("sort_descending_dim0", lambda a: a.sort(0, descending=True).values, lambda a: -np.sort(-a, 0),
           [((3, 4),)], domain="distinct", torch_fn=lambda a: a.sort(0, descending=True).values),
    OpCase("topk_values", lambda a: a.topk(2).values, lambda a: -np.sort(-a, -1)[..., :2], [((3, 4),)],
           domain="distinct", torch_fn=lambda a: a.topk(2).values),
    OpCase("gather_dim1", lambda a: a.gather(1, xgrad.tensor([[0, 0], [2, 1], [3, 3]])),
           lambda a: np.take_along_axis(a, np.array([[0, 0], [2, 1], [3, 3]]), 1), [((3, 4),)],
           torch_fn=lambda a: a.gather(1, __import__("torch").tensor([[0, 0], [2, 1], [3, 3]]))),
    OpCase("min_axes_keepdims", lambda a: a.amin((0, 2), keepdim=True), lambda a: a.min((0, 2), keepdims=True),
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
    # losses (softmax and log_softmax are registered: generated above)
    OpCase("cross_entropy", lambda a: xgrad.nn.functional.cross_entropy(a, LABELS[: a.shape[0]]),
           _np_cross_entropy, [((5, 4),), ((1, 4),)], same_in_torch=False,
           torch_fn=lambda a: __import__("torch").nn.functional.cross_entropy(
               a, __import__("torch").tensor(LABELS[: a.shape[0]]))),
]

OPS: List[OpCase] = REGISTERED + HAND_WRITTEN
