"""Property-based tests (hypothesis) of the core's ops against NumPy, over random shapes (0-d and
0-size dimensions included), both dtypes and memory layouts.

Every op of the core's registry (``xgrad._tensor.registered.REGISTRY``, each variant of
``op_registry.variants``, NumPy formulas from ``op_registry.NUMPY_REFERENCE``) and the hand-written
ops reachable generically (arithmetic with broadcasting and scalars, pow, clip, maximum/minimum,
reductions over random axes with keepdim, reshape, transpose, permute, expand, squeeze/unsqueeze,
flatten, basic and integer-array indexing, cat/stack, matmul of random compatible shapes) is a
``Row``. For each row two properties, each a test per row:

- forward: in float32 and float64, every input laid out as a contiguous array, a permuted
  (transposed) view, a sliced view with steps (and an integer index on an extra axis: an offset),
  or a broadcast view (stride 0, through ``expand``), the result equals the NumPy reference on the
  same values (exactly for the ops that only move data). Where NumPy refuses the arguments (an axis
  out of range, shapes that do not fit), xgrad must raise ValueError, IndexError or TypeError, or,
  where PyTorch accepts them (``softmax`` of a 0-d tensor), agree with PyTorch;
- gradient: in float64 the gradient that reaches every leaf (through its view) equals the
  reference vector-Jacobian product: central differences of the NumPy reference, or the exact rule
  where differences cannot see it (max/min over ties split the gradient evenly, like torch.amax).

The elements outside a sliced view are NaN: an op that reads past its view fails.

Inputs are float32-representable numbers bounded to each op's domain (``op_registry.DOMAINS``:
positive for log/sqrt, away from 0 for the kinks of relu/abs/...); where the reference is not
differentiable at a drawn point (softplus's threshold), the example is rejected.

Minimal counterexamples hypothesis found are pinned in ``COUNTEREXAMPLES`` (each an explicit
``hypothesis.example`` of its row's test): they fail until the core is fixed.

Runs derandomised with a modest number of examples (the whole file in well under a minute on two
cores); ``XGRAD_PROPERTY_EXAMPLES=500`` explores more, with a fresh random seed each run."""
from __future__ import annotations

import math
import os
import warnings
from dataclasses import dataclass
from typing import Any, Callable, Dict, List, Optional, Sequence, Tuple

import hypothesis.extra.numpy as hnp
import hypothesis.strategies as st
import numpy as np
import pytest
from hypothesis import HealthCheck, assume, example, given, note, reject, settings

import op_registry
import xgrad
from conftest import torch
from subprocess_cases import run_python
from op_registry import DOMAINS, NUMPY_REFERENCE, TENSOR_PARAMETERS
from xgrad._tensor.registered import REGISTRY

Shape = Tuple[int, ...]
nan = float("nan")  # Case reprs print NaN sentinels as `nan`

_EXPLORE = os.environ.get("XGRAD_PROPERTY_EXAMPLES")
FORWARD_EXAMPLES = int(_EXPLORE) if _EXPLORE else 12
GRADIENT_EXAMPLES = int(_EXPLORE) if _EXPLORE else 6
SETTINGS = dict(deadline=None, database=None, derandomize=not _EXPLORE, print_blob=False,
                suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large])

MAX_NUMEL = 48  # elements of a view input; keeps centred differences cheap


# ---------------------------------------------------------------- layouts: how an input sits in memory

class Layout:
    """The leaf tensor holds the base array; the op sees ``view(base)``.

    contiguous: the base itself. permuted: ``base.permute(*perm)``. sliced: ``base[key]`` with one
    ``(start, stop, step)`` per axis, then, if ``select`` is set, an integer index into an extra
    last axis of the base. broadcast: ``base.expand(*shape)``."""

    def __init__(self, kind: str = "contiguous", perm: Tuple[int, ...] = (),
                 slices: Tuple[Tuple[int, int, int], ...] = (), select: Optional[int] = None, shape: Shape = ()):
        self.kind, self.perm, self.slices, self.select, self.shape = kind, perm, slices, select, shape

    def key(self) -> tuple:
        key = tuple(slice(*s) for s in self.slices)
        return key + (self.select,) if self.select is not None else key

    def view(self, base):
        """The view of a NumPy array or an xgrad tensor."""
        if self.kind == "contiguous":
            return base
        if self.kind == "permuted":
            return base.transpose(self.perm) if isinstance(base, np.ndarray) else base.permute(*self.perm)
        if self.kind == "sliced":
            return base[self.key()]
        if self.kind == "broadcast":
            return np.broadcast_to(base, self.shape) if isinstance(base, np.ndarray) else base.expand(*self.shape)
        raise ValueError(self.kind)

    def vjp(self, grad_view: np.ndarray, base_shape: Shape) -> np.ndarray:
        """The gradient on the base given the gradient on the view."""
        if self.kind == "contiguous":
            return grad_view
        if self.kind == "permuted":
            return grad_view.transpose(np.argsort(self.perm)) if self.perm else grad_view
        if self.kind == "sliced":
            out = np.zeros(base_shape)
            out[self.key()] = grad_view
            return out
        lead = grad_view.ndim - len(base_shape)
        out = grad_view.sum(axis=tuple(range(lead))) if lead else grad_view
        axes = tuple(i for i, n in enumerate(base_shape) if n == 1 and out.shape[i] != 1)
        return out.sum(axis=axes, keepdims=True) if axes else out

    def __repr__(self) -> str:
        fields = {"perm": self.perm, "slices": self.slices, "select": self.select, "shape": self.shape}
        args = [repr(self.kind)] + [f"{k}={v!r}" for k, v in fields.items() if v not in ((), None)]
        return f"Layout({', '.join(args)})"


def arr(values: Sequence[float], shape: Shape) -> np.ndarray:
    """A float64 array from flat values (how a Case prints its arrays)."""
    return np.array(values, dtype=np.float64).reshape(shape)


class Input:
    """One input of a case: the leaf's values (float64, float32-representable) and its layout."""

    def __init__(self, base: np.ndarray, layout: Optional[Layout] = None):
        self.base, self.layout = base, layout or Layout()

    def values(self) -> np.ndarray:
        """The values the op sees, as a contiguous float64 array."""
        return np.array(self.layout.view(self.base), dtype=np.float64, order="C")

    def __repr__(self) -> str:
        layout = "" if self.layout.kind == "contiguous" else f", {self.layout!r}"
        return f"Input(arr({self.base.ravel().tolist()!r}, {self.base.shape!r}){layout})"


class Case:
    """One example: the row's name, the inputs, the keyword arguments and the dtype. Its repr is
    the code that builds it (paste a falsifying example into COUNTEREXAMPLES_*)."""

    def __init__(self, row: str, inputs: Tuple[Input, ...], kwargs: Optional[Dict[str, Any]] = None,
                 dtype: str = "float64"):
        self.row, self.inputs, self.kwargs, self.dtype = row, tuple(inputs), dict(kwargs or {}), dtype

    def __repr__(self) -> str:
        return f"Case({self.row!r}, ({''.join(repr(i) + ', ' for i in self.inputs)}), {self.kwargs!r}, {self.dtype!r})"


# ---------------------------------------------------------------- value and shape strategies

def _f32(lo: float, hi: float) -> st.SearchStrategy:
    return st.floats(float(np.float32(lo)), float(np.float32(hi)), width=32)  # float32-representable: both dtypes see the same numbers


ELEMENTS = {
    "normal": _f32(-3, 3),
    "positive": _f32(0.5, 2),
    "away_from_zero": st.one_of(_f32(-1, -0.2), _f32(0.2, 1)),
    # multiples of 1/4: ties are exact (max/min, maximum/minimum), never closer than a difference step
    "grid": st.integers(-8, 8).map(lambda k: k / 4),
}


def small(shape: Shape) -> bool:
    return math.prod(shape) <= MAX_NUMEL


def shapes(min_dims: int = 0, max_dims: int = 4) -> st.SearchStrategy:
    """Shapes of at most MAX_NUMEL elements, with 0-d and 0-size shapes drawn often."""
    nonempty = hnp.array_shapes(min_dims=max(min_dims, 1), max_dims=max_dims, min_side=1, max_side=4)
    with_zero = hnp.array_shapes(min_dims=max(min_dims, 1), max_dims=max_dims, min_side=0, max_side=4).filter(
        lambda s: 0 in s)
    options = [nonempty, nonempty, with_zero] + ([st.just(())] if min_dims == 0 else [])
    return st.one_of(*options).filter(small)


@st.composite
def layouts(draw, shape: Shape) -> Tuple[Layout, Shape]:
    """A layout whose view has `shape`, and the shape of its base."""
    kind = draw(st.sampled_from(["contiguous", "permuted", "sliced", "broadcast"]))
    ndim = len(shape)
    if kind == "permuted":
        reversed_axes = tuple(range(ndim))[::-1]  # .T
        perm = tuple(draw(st.one_of(st.just(reversed_axes), st.permutations(range(ndim)))))
        inverse = np.argsort(perm)
        return Layout("permuted", perm=perm), tuple(shape[i] for i in inverse)
    if kind == "sliced":
        slices, base_shape = [], []
        for n in shape:
            step, start, extra = draw(st.integers(1, 3)), draw(st.integers(0, 2)), draw(st.integers(0, 2))
            stop = start + (n - 1) * step + 1 if n else start
            slices.append((start, stop, step))
            base_shape.append(stop + extra)
        select = None
        if draw(st.booleans()):
            extent = draw(st.integers(1, 3))
            select = draw(st.integers(-extent, extent - 1))
            base_shape.append(extent)
        if math.prod(base_shape) > 512:
            return Layout(), shape
        return Layout("sliced", slices=tuple(slices), select=select), tuple(base_shape)
    if kind == "broadcast":
        lead = draw(st.integers(0, ndim))
        base_shape = tuple(1 if n != 1 and draw(st.booleans()) else n for n in shape[lead:])
        return Layout("broadcast", shape=tuple(shape)), base_shape
    return Layout(), shape


@st.composite
def inputs(draw, shape: Shape, domain: str) -> Input:
    layout, base_shape = draw(layouts(shape))
    if layout.kind != "sliced":
        return Input(draw(hnp.arrays(np.float64, base_shape, elements=ELEMENTS[domain])), layout)
    # only the view's elements are drawn; the rest of the base is NaN
    base = np.full(base_shape, np.nan)
    base[layout.key()] = draw(hnp.arrays(np.float64, shape, elements=ELEMENTS[domain]))
    return Input(base, layout)


# ---------------------------------------------------------------- rows

@dataclass
class Row:
    """name: test id. fn(*tensors, **kwargs) -> Tensor. reference(*arrays, **kwargs) -> ndarray.
    arguments: a strategy of (input shapes, kwargs). domains: one per input (the last repeats).
    exact: the op only moves data (forward compared bit for bit). grad: None for central
    differences of the reference, else the exact VJP (arrays, kwargs, g) -> gradients.
    ties: central differences are right at ties (half each side), so do not reject them.
    scale(arrays, kwargs): how large the rounding error of the forward may be, in units of the
    dtype's tolerance. torch(*tensors, **kwargs): PyTorch's op, asked where NumPy refuses."""
    name: str
    fn: Callable[..., Any]
    reference: Callable[..., np.ndarray]
    arguments: st.SearchStrategy
    domains: Tuple[str, ...] = ("normal",)
    exact: bool = False
    grad: Optional[Callable[..., List[np.ndarray]]] = None
    differentiable: bool = True
    ties: bool = False
    scale: Optional[Callable[..., float]] = None
    torch: Optional[Callable[..., Any]] = None

    def domain(self, i: int) -> str:
        return self.domains[min(i, len(self.domains) - 1)]

    def __repr__(self) -> str:
        return f"Row({self.name!r})"


def _magnitude(arrays) -> float:
    return max([1.0] + [float(np.max(np.abs(a))) for a in arrays if a.size])


def _torch_call(name: str):
    def call(*tensors, **kwargs):
        return getattr(torch, name)(*tensors, **kwargs)
    return call


# registered ops: one row per variant (defaults, each string choice, OTHER_VALUES) and per shape of
# the tensor parameters

def _registered_rows() -> List[Row]:
    rows = []
    for name, entry in REGISTRY.items():
        call = op_registry.registered(name)
        reference = NUMPY_REFERENCE[name]
        tensors = op_registry.tensor_parameters(entry)
        parameter_variants = TENSOR_PARAMETERS.get(name, [{}]) if tensors else [{}]
        for row_name, kwargs in op_registry.variants(entry):
            torch_kwargs = {**op_registry.keyword_defaults(entry), **kwargs}
            for k, variant in enumerate(parameter_variants):
                def arguments(variant=variant, kwargs=kwargs, tensors=tensors):
                    def with_parameters(shape):
                        try:
                            params = [tuple(variant[p](shape)) for p in tensors]
                        except IndexError:  # a per-channel weight needs a channel axis
                            return st.nothing()
                        return st.just(([shape] + params, dict(kwargs)))
                    return shapes().flatmap(with_parameters)

                def torch_fn(*ts, _qualified=entry["torch"], _kwargs=torch_kwargs, **_):
                    return op_registry.torch_function(_qualified)(*ts, **_kwargs)

                rows.append(Row(
                    f"{row_name}_{k}" if len(parameter_variants) > 1 else row_name,
                    lambda *ts, _call=call, **kw: _call(*ts, **kw),
                    lambda *arrays, _ref=reference, **kw: _ref(*arrays, **kw),
                    arguments(), domains=(DOMAINS[entry["domain"]], "normal"),
                    torch=torch_fn if entry["torch"] and torch is not None else None))
    return rows


# arithmetic

@st.composite
def _broadcastable(draw, count: int = 2):
    drawn = draw(hnp.mutually_broadcastable_shapes(num_shapes=count, min_dims=0, max_dims=4, min_side=0,
                                                   max_side=4).filter(lambda b: small(b.result_shape)))
    return list(drawn.input_shapes), {}


def _with_scalar(domain: str):
    return shapes().flatmap(lambda s: ELEMENTS[domain].map(lambda v: ([s], {"scalar": v})))


def _binary_rows() -> List[Row]:
    import operator
    rows = []
    for name, op, domains in [("add", operator.add, ("normal",)), ("sub", operator.sub, ("normal",)),
                              ("mul", operator.mul, ("normal",)),
                              ("div", operator.truediv, ("normal", "away_from_zero"))]:
        rows.append(Row(name, lambda a, b, _op=op: _op(a, b), lambda a, b, _op=op: _op(a, b), _broadcastable(),
                        domains=domains))
        rows.append(Row(f"{name}_scalar", lambda a, scalar, _op=op: _op(a, scalar),
                        lambda a, scalar, _op=op: _op(a, scalar), _with_scalar(domains[-1])))
        rows.append(Row(f"r{name}_scalar", lambda a, scalar, _op=op: _op(scalar, a),
                        lambda a, scalar, _op=op: _op(scalar, a), _with_scalar("normal"), domains=domains[-1:]))
    rows += [
        Row("maximum", lambda a, b: a.maximum(b), np.maximum, _broadcastable(), domains=("grid",), ties=True),
        Row("minimum", lambda a, b: a.minimum(b), np.minimum, _broadcastable(), domains=("grid",), ties=True),
        Row("pow", lambda a, exponent: a ** exponent, lambda a, exponent: a ** exponent,
            shapes().flatmap(lambda s: st.sampled_from([2.0, 3.0, 0.5, -1.5, 1.0, 0.0, -1.0]).map(
                lambda p: ([s], {"exponent": p}))), domains=("positive",)),
        Row("rpow", lambda a, base: base ** a, lambda a, base: base ** a,
            shapes().flatmap(lambda s: st.sampled_from([2.0, 0.5, 3.0]).map(lambda b: ([s], {"base": b})))),
        Row("clip", lambda a, lo, hi: a.clip(lo, hi), lambda a, lo, hi: np.clip(a, lo, hi),
            shapes().flatmap(lambda s: st.tuples(st.integers(-8, 8), st.integers(0, 8)).map(
                lambda b: ([s], {"lo": b[0] / 4 + 0.125, "hi": (b[0] + b[1]) / 4 + 0.125}))), domains=("grid",)),
    ]
    return rows


# reductions

def _axes(ndim: int) -> st.SearchStrategy:
    """None, an int or a tuple of ints, negative ones included; now and then out of range or
    repeated (NumPy refuses those: xgrad must raise)."""
    if ndim == 0:
        return st.sampled_from([None, 0, -1])
    axis = st.integers(-ndim, ndim - 1)
    return st.one_of(st.none(), axis, st.integers(-ndim - 1, ndim),
                     st.lists(axis, min_size=1, max_size=ndim).map(tuple))


def _reduction_arguments(extra: Callable[[], st.SearchStrategy] = lambda: st.just({})):
    return shapes().flatmap(lambda s: st.tuples(_axes(len(s)), st.booleans(), extra()).map(
        lambda a: ([s], {"dim": a[0], "keepdim": a[1], **a[2]})))


def _reduced_count(shape: Shape, dim) -> int:
    if dim is None:
        return math.prod(shape)
    dims = (dim,) if isinstance(dim, int) else dim
    return math.prod(shape[d] for d in {d % len(shape) for d in dims}) if shape else 1


def _extreme_vjp(numpy_fn):
    """max/min: the gradient goes to the extreme elements, split evenly on ties (torch.amax)."""
    def vjp(arrays, kwargs, g):
        (a,) = arrays
        dim = kwargs["dim"]
        m = numpy_fn(a, axis=dim, keepdims=True)
        mask = (a == m).astype(np.float64)
        count = mask.sum(axis=dim, keepdims=True)
        g_kept = g if kwargs["keepdim"] else np.reshape(g, m.shape)
        return [mask / count * g_kept]
    return vjp


def _reduction_rows() -> List[Row]:
    def reduction(numpy_fn):
        return lambda a, dim, keepdim, **kw: numpy_fn(a, axis=dim, keepdims=keepdim, **kw)

    def count_scale(arrays, kwargs):
        return _magnitude(arrays) * max(1, _reduced_count(arrays[0].shape, kwargs["dim"]))

    def var_reference(a, dim, keepdim, correction):
        if a.ndim and dim is not None and _reduced_count(a.shape, dim) - correction <= 0:
            raise ValueError("no degrees of freedom")  # xgrad raises; NumPy's nan/inf would be a warning
        if a.size - correction <= 0 and dim is None:
            raise ValueError("no degrees of freedom")
        return np.var(a, axis=dim, keepdims=keepdim, ddof=correction)

    return [
        Row("sum", lambda a, dim, keepdim: a.sum(dim, keepdim=keepdim), reduction(np.sum), _reduction_arguments(),
            scale=count_scale, torch=lambda a, dim, keepdim: a.sum(dim, keepdim=keepdim) if dim is not None
            else a.sum()),
        Row("mean", lambda a, dim, keepdim: a.mean(dim, keepdim=keepdim), reduction(np.mean),
            _reduction_arguments(), scale=count_scale,
            torch=lambda a, dim, keepdim: a.mean(dim, keepdim=keepdim) if dim is not None else a.mean()),
        Row("max", lambda a, dim, keepdim: a.amax(dim, keepdim=keepdim), reduction(np.max), _reduction_arguments(),
            domains=("grid",), exact=True, grad=_extreme_vjp(np.max),
            torch=lambda a, dim, keepdim: a.amax(() if dim is None else dim, keepdim=keepdim)),
        Row("min", lambda a, dim, keepdim: a.amin(dim, keepdim=keepdim), reduction(np.min), _reduction_arguments(),
            domains=("grid",), exact=True, grad=_extreme_vjp(np.min),
            torch=lambda a, dim, keepdim: a.amin(() if dim is None else dim, keepdim=keepdim)),
        Row("var", lambda a, dim, keepdim, correction: a.var(dim, keepdim=keepdim, correction=correction),
            var_reference, _reduction_arguments(lambda: st.sampled_from([0, 1]).map(lambda c: {"correction": c})),
            scale=lambda arrays, kwargs: count_scale(arrays, kwargs) * _magnitude(arrays),
            torch=lambda a, dim, keepdim, correction: a.var(dim, keepdim=keepdim, correction=correction)),
    ]


# shape ops

@st.composite
def _reshape_target(draw, shape: Shape):
    numel = math.prod(shape)
    ndim = draw(st.integers(0 if numel == 1 else 1, 4))
    if numel == 0:
        target = [draw(st.integers(0, 3)) for _ in range(ndim)]
        target[draw(st.integers(0, ndim - 1))] = 0
    else:
        target = [1] * ndim
        rest, p = numel, 2
        while rest > 1:  # each prime factor goes to a random axis
            while rest % p == 0:
                rest //= p
                target[draw(st.integers(0, ndim - 1))] *= p
            p += 1
    if target and draw(st.booleans()):
        target[draw(st.integers(0, len(target) - 1))] = -1
    return tuple(target)


@st.composite
def _expand_target(draw, shape: Shape):
    lead = [draw(st.integers(0, 3)) for _ in range(draw(st.integers(0, 2)))]
    rest = [draw(st.sampled_from([1, 0, 2, 3, -1])) if n == 1 else draw(st.sampled_from([n, -1])) for n in shape]
    return tuple(lead + rest)


def _expand_reference(a, shape):
    lead = len(shape) - a.ndim
    return np.broadcast_to(a, tuple(a.shape[i - lead] if s == -1 else s for i, s in enumerate(shape)))


@st.composite
def _basic_key(draw, shape: Shape):
    """A NumPy basic index: ints (negative too), slices with positive steps and bounds past either
    end, None, and at most one Ellipsis."""
    key, axis = [], 0
    for n in shape:
        if draw(st.integers(0, 5)) == 0:
            key.append(None)
        if draw(st.integers(0, 7)) == 0:
            break
        if n and draw(st.booleans()):
            key.append(draw(st.integers(-n, n - 1)))
        else:
            bound = st.one_of(st.none(), st.integers(-n - 2, n + 2))
            key.append(slice(draw(bound), draw(bound), draw(st.sampled_from([None, 1, 2, 3]))))
        axis += 1
    if draw(st.integers(0, 3)) == 0:
        key.insert(draw(st.integers(0, len(key))), Ellipsis)
    return tuple(key)


@st.composite
def _array_key(draw, shape: Shape):
    axis = draw(st.integers(0, len(shape) - 1))
    n = shape[axis]
    index_shape = draw(hnp.array_shapes(min_dims=0, max_dims=2, min_side=0 if n else 0, max_side=3))
    if not n:
        index_shape = tuple(0 for _ in index_shape) or (0,)
    index = draw(hnp.arrays(np.int64, index_shape, elements=st.integers(-n, n - 1))) if n else \
        np.zeros(index_shape, dtype=np.int64)
    return (slice(None),) * axis + (index,)


def _concat_arguments(stack: bool):
    @st.composite
    def draw_args(draw):
        shape = draw(shapes(max_dims=3))
        count = draw(st.integers(1, 3))
        ndim = len(shape)
        axis = draw(st.integers(-ndim - 1, ndim) if stack else st.integers(-max(ndim, 1), max(ndim, 1) - 1))
        if stack or not ndim:
            return [shape] * count, {"dim": axis}
        sizes = [draw(st.integers(0, 3)) for _ in range(count)]
        return [shape[:axis % ndim] + (s,) + shape[axis % ndim + 1:] for s in sizes], {"dim": axis}
    return draw_args()


def _one_input(keyword: str, values: Callable[[Shape], st.SearchStrategy], **shape_args):
    return shapes(**shape_args).flatmap(lambda s: values(s).map(lambda v: ([s], {keyword: v})))


def _shape_rows() -> List[Row]:
    axis_of = lambda s: st.integers(-len(s) - 1, len(s))  # noqa: E731 (out of range now and then)
    return [
        Row("reshape", lambda a, shape: a.reshape(shape), lambda a, shape: a.reshape(shape),
            _one_input("shape", _reshape_target), exact=True),
        Row("transpose", lambda a, dims: a.transpose(*dims), lambda a, dims: np.swapaxes(a, *dims),
            _one_input("dims", lambda s: st.tuples(axis_of(s), axis_of(s))), exact=True,
            torch=lambda a, dims: a.transpose(*dims)),
        Row("permute", lambda a, dims: a.permute(*dims), lambda a, dims: np.transpose(a, dims),
            _one_input("dims", lambda s: st.permutations(range(len(s))).flatmap(
                lambda p: st.tuples(*[st.sampled_from([d, d - len(s)]) for d in p]) if p else st.just(()))),
            exact=True),
        Row("T", lambda a: a.T, lambda a: a.T, shapes().map(lambda s: ([s], {})), exact=True),
        Row("expand", lambda a, shape: a.expand(*shape), _expand_reference, _one_input("shape", _expand_target),
            exact=True),
        Row("unsqueeze", lambda a, dim: a.unsqueeze(dim), lambda a, dim: np.expand_dims(a, dim),
            _one_input("dim", lambda s: st.integers(-len(s) - 2, len(s) + 1)), exact=True,
            torch=lambda a, dim: a.unsqueeze(dim)),
        Row("squeeze", lambda a, dim: a.squeeze(dim), lambda a, dim: np.squeeze(a, dim) if a.shape[dim] == 1 else a,
            _one_input("dim", lambda s: st.integers(-len(s), len(s) - 1), min_dims=1), exact=True),
        Row("flatten", lambda a, start, end: a.flatten(start, end),
            lambda a, start, end: a.reshape(a.shape[:start % a.ndim] + (math.prod(a.shape[start % a.ndim:end % a.ndim + 1]),)
                                            + a.shape[end % a.ndim + 1:]),  # not -1: NumPy cannot infer it next to a 0
            shapes(min_dims=1).flatmap(lambda s: st.tuples(st.integers(-len(s), len(s) - 1),
                                                          st.integers(-len(s), len(s) - 1)).map(
                lambda se: ([s], {"start": se[0], "end": se[1]}))).filter(
                lambda c: c[1]["start"] % len(c[0][0]) <= c[1]["end"] % len(c[0][0])), exact=True),
        Row("getitem", lambda a, key: a[key], lambda a, key: a[key], _one_input("key", _basic_key), exact=True),
        Row("getitem_array", lambda a, key: a[key], lambda a, key: a[key],
            _one_input("key", _array_key, min_dims=1), exact=True),
        Row("cat", lambda *ts, dim: xgrad.cat(list(ts), dim), lambda *arrays, dim: np.concatenate(arrays, dim),
            _concat_arguments(stack=False), exact=True),
        Row("stack", lambda *ts, dim: xgrad.stack(list(ts), dim), lambda *arrays, dim: np.stack(arrays, dim),
            _concat_arguments(stack=True), exact=True),
        Row("matmul", lambda a, b: a @ b, np.matmul,
            hnp.mutually_broadcastable_shapes(signature="(m?,n),(n,p?)->(m?,p?)", max_dims=4, min_side=0,
                                              max_side=4).filter(
                lambda b: all(small(s) for s in b.input_shapes) and small(b.result_shape)).map(
                lambda b: (list(b.input_shapes), {})),
            scale=lambda arrays, kwargs: _magnitude(arrays) ** 2 * max(1, arrays[1].shape[-2 if arrays[1].ndim > 1
                                                                                          else 0])),
    ]


ROWS: Dict[str, Row] = {row.name: row for row in _registered_rows() + _binary_rows() + _reduction_rows() +
                        _shape_rows()}
GRADIENT_ROWS = [name for name, row in ROWS.items() if row.differentiable]


@st.composite
def cases(draw, row: Row, dtypes=("float32", "float64")) -> Case:
    input_shapes, kwargs = draw(row.arguments)
    drawn = tuple(draw(inputs(shape, row.domain(i))) for i, shape in enumerate(input_shapes))
    return Case(row.name, drawn, kwargs, draw(st.sampled_from(dtypes)))


# ---------------------------------------------------------------- what the properties compare

REFUSALS = (ValueError, IndexError, TypeError)


def numpy_result(row: Row, arrays: List[np.ndarray], kwargs: Dict[str, Any]):
    """(result, None) or (None, the exception NumPy raised)."""
    with np.errstate(all="ignore"), warnings.catch_warnings():
        warnings.simplefilter("ignore")
        try:
            return np.asarray(row.reference(*arrays, **kwargs), dtype=np.float64), None
        except REFUSALS as e:
            return None, e


def torch_result(row: Row, arrays: List[np.ndarray], kwargs: Dict[str, Any]):
    if row.torch is None:
        return None
    try:
        return row.torch(*[torch.tensor(a) for a in arrays], **kwargs).numpy()
    except (RuntimeError, IndexError, ValueError, TypeError):
        return None


def leaves(case: Case, requires_grad: bool = False):
    dtype = np.float32 if case.dtype == "float32" else np.float64
    tensors = [xgrad.tensor(i.base.astype(dtype), requires_grad=requires_grad) for i in case.inputs]
    return tensors, [i.layout.view(t) for i, t in zip(case.inputs, tensors)]


def forward_property(case: Case) -> None:
    row = ROWS[case.row]
    arrays = [i.values() for i in case.inputs]
    if case.dtype == "float32":
        arrays = [a.astype(np.float32).astype(np.float64) for a in arrays]  # the values are float32-exact
    expected, refusal = numpy_result(row, arrays, case.kwargs)
    _, views = leaves(case)
    if refusal is not None:
        # NumPy refuses the arguments: xgrad may refuse them too (a Python error, never a crash),
        # or accept them as PyTorch does, with PyTorch's result
        try:
            out = row.fn(*views, **case.kwargs)
        except REFUSALS:
            return
        expected = torch_result(row, arrays, case.kwargs)
        assert expected is not None, (f"NumPy refuses ({type(refusal).__name__}: {refusal}) and so does PyTorch, "
                                      f"but xgrad returned {out!r}")
    else:
        out = row.fn(*views, **case.kwargs)
    assert isinstance(out, xgrad.Tensor), type(out)
    assert out.dtype == (xgrad.float32 if case.dtype == "float32" else xgrad.float64), out.dtype
    assert tuple(out.shape) == expected.shape, f"shape {tuple(out.shape)}, NumPy's {expected.shape}"
    got = np.asarray(out.numpy(), dtype=np.float64)
    if row.exact:
        np.testing.assert_array_equal(got, expected)
        return
    tol = 2e-5 if case.dtype == "float32" else 1e-12
    scale = row.scale(arrays, case.kwargs) if row.scale else _magnitude(arrays)
    np.testing.assert_allclose(got, expected, rtol=tol, atol=tol * scale, equal_nan=True)


def upstream(shape: Shape) -> np.ndarray:
    """The gradient fed to backward: magnitudes in [0.5, 1.5], so a kink shows in differences."""
    rng = np.random.default_rng(12345)
    return rng.uniform(0.5, 1.5, shape) * rng.choice([-1.0, 1.0], shape)


def central_differences(row: Row, arrays: List[np.ndarray], kwargs: Dict[str, Any], g: np.ndarray,
                        h: float = 1e-6) -> List[np.ndarray]:
    """d/d(arrays) of sum(reference(arrays) * g); rejects the example where the reference has a
    kink at a drawn point (one-sided slopes differ), unless the row's ties are meant (half each)."""
    arrays = [np.array(a, dtype=np.float64, order="C") for a in arrays]  # perturbed through flat views

    def f() -> float:
        with np.errstate(all="ignore"):
            return float(np.sum(np.asarray(row.reference(*arrays, **kwargs)) * g))

    f0 = f()
    grads = []
    for a in arrays:
        grad = np.zeros(a.shape)
        flat, out = a.reshape(-1), grad.reshape(-1)
        for j in range(flat.size):
            old = flat[j]
            flat[j] = old + h
            plus = f()
            flat[j] = old - h
            minus = f()
            flat[j] = old
            out[j] = (plus - minus) / (2 * h)
            forward_slope, backward_slope = (plus - f0) / h, (f0 - minus) / h
            if not row.ties and abs(forward_slope - backward_slope) > 1e-4 * (1 + abs(forward_slope)):
                reject()  # the reference is not differentiable here
        grads.append(grad)
    return grads


def gradient_property(case: Case) -> None:
    row = ROWS[case.row]
    arrays = [i.values() for i in case.inputs]
    expected_out, refusal = numpy_result(row, arrays, case.kwargs)
    assume(refusal is None)
    tensors, views = leaves(case, requires_grad=True)
    out = row.fn(*views, **case.kwargs)
    g = upstream(expected_out.shape)
    out.backward(xgrad.tensor(g, dtype=xgrad.float64))
    grads = row.grad(arrays, case.kwargs, g) if row.grad else central_differences(row, arrays, case.kwargs, g)
    size = float(np.sum(np.abs(expected_out * g))) if expected_out.size else 0.0
    for k, (inp, t, grad_view) in enumerate(zip(case.inputs, tensors, grads)):
        expected = inp.layout.vjp(grad_view, inp.base.shape)
        assert t.grad is not None, f"input {k} (a leaf the output depends on) has no .grad after backward"
        assert tuple(t.grad.shape) == inp.base.shape
        np.testing.assert_allclose(t.grad.numpy(), expected, rtol=1e-6, atol=1e-7 + 1e-9 * size,
                                   err_msg=f"gradient of input {k}")


# ---------------------------------------------------------------- minimal counterexamples (fail until fixed)

#: row name -> Cases that failed when found (minimised by hypothesis); each runs as an explicit
#: hypothesis.example of its row's forward or gradient test.
COUNTEREXAMPLES_FORWARD: Dict[str, List[Case]] = {}
COUNTEREXAMPLES_GRADIENT: Dict[str, List[Case]] = {}


PROPERTIES = {"forward": (forward_property, FORWARD_EXAMPLES, COUNTEREXAMPLES_FORWARD, ("float32", "float64")),
              "gradient": (gradient_property, GRADIENT_EXAMPLES, COUNTEREXAMPLES_GRADIENT, ("float64",))}


def run_property(kind: str, name: str, case_log: Optional[str] = None) -> None:
    """Hypothesis runs property `kind` on row `name`: the pinned counterexamples first, then the
    drawn cases. With `case_log`, each case's repr is written there before it runs (a crash
    leaves the one that crashed)."""
    prop, max_examples, pinned, dtypes = PROPERTIES[kind]

    def logged(case: Case) -> None:
        if case_log:
            with open(case_log, "w") as f:
                f.write(repr(case))
        prop(case)

    test = given(case=cases(ROWS[name], dtypes))(logged)
    for case in reversed(pinned.get(name, [])):
        test = example(case=case)(test)
    settings(max_examples=max_examples, **SETTINGS)(test)()


def child_main(out: str, ids: Sequence[str]) -> None:
    """In the child process: run each 'kind:name' and append its result to `out` as JSON lines."""
    import json
    import traceback
    for test_id in ids:
        kind, name = test_id.split(":", 1)
        with open(out, "a") as f:
            f.write(json.dumps({"start": test_id}) + "\n")
        try:
            run_property(kind, name, case_log=out + ".case")
            result = {"id": test_id, "passed": True}
        except BaseException:  # noqa: B036 (a failure of any kind is the result)
            result = {"id": test_id, "passed": False, "message": traceback.format_exc()}
        with open(out, "a") as f:
            f.write(json.dumps(result) + "\n")


CHILD = "import sys, test_properties as p; p.child_main(sys.argv[1], sys.argv[2:])"


def run_in_children(ids: List[str], folder: str) -> Dict[str, Tuple[bool, str]]:
    """Every property of `ids` run by child processes: a child that dies (a crash in the core)
    fails the property it was running, naming the signal and the case, and a new child runs the
    rest."""
    import json
    results: Dict[str, Tuple[bool, str]] = {}
    remaining = list(ids)
    attempt = 0
    while remaining:
        attempt += 1
        out = os.path.join(folder, f"results-{attempt}.jsonl")
        child = run_python(CHILD, [out] + remaining, timeout=600)
        started = None
        if os.path.exists(out):
            with open(out) as f:
                for line in f:
                    record = json.loads(line)
                    if "start" in record:
                        started = record["start"]
                    else:
                        results[record["id"]] = (record["passed"], record.get("message", ""))
                        started = None
        if started is not None:  # the child died (or hung) inside this property
            case = open(out + ".case").read() if os.path.exists(out + ".case") else "(before the first case)"
            results[started] = (False, f"{child.summary()}\nwhile running the case:\n{case}")
        elif child.returncode != 0 and not any(i in results for i in remaining):
            for test_id in remaining:  # it could not start at all
                results[test_id] = (False, child.summary())
        remaining = [i for i in remaining if i not in results]
    return results


@pytest.fixture(scope="module")
def property_results(request, tmp_path_factory):
    """The results of every property selected in this session, run in child processes."""
    selected = [item.callspec.id for item in request.session.items
                if item.module is request.module and hasattr(item, "callspec")]
    ids = [f"{kind}:{name}" for test_id in selected for kind, name in [test_id.split("-", 1)]]
    return run_in_children(ids, str(tmp_path_factory.mktemp("properties")))


def check(property_results, kind: str, name: str) -> None:
    passed, message = property_results[f"{kind}:{name}"]
    if not passed:
        pytest.fail(message, pytrace=False)


def test_every_registered_op_has_rows():
    assert [name for name in REGISTRY if not any(r == name or r.startswith(name + "_") for r in ROWS)] == []
    assert set(COUNTEREXAMPLES_FORWARD) | set(COUNTEREXAMPLES_GRADIENT) <= set(ROWS)


@pytest.mark.parametrize("kind,name", [pytest.param("forward", n, id=f"forward-{n}") for n in ROWS])
def test_forward_matches_numpy(property_results, kind, name):
    check(property_results, kind, name)


@pytest.mark.parametrize("kind,name", [pytest.param("gradient", n, id=f"gradient-{n}") for n in GRADIENT_ROWS])
def test_gradient_matches_the_reference(property_results, kind, name):
    check(property_results, kind, name)
