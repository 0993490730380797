"""Forward vs NumPy, float64 gradcheck, strided inputs and PyTorch agreement for every op of the
test tables (op_registry.OPS, with a generated row per variant of every op registered in the core,
and nn_registry.NN_OPS)."""
import numpy as np
import pytest

import op_registry
import xgrad
from conftest import TORCH_MISSING, torch
from nn_registry import NN_OPS
from op_cases import OpCase, draw
from xgrad._tensor.registered import REGISTRY

OPS = op_registry.OPS + NN_OPS
CASES = [pytest.param(op, i, id=f"{op.name}-{i}") for op in OPS for i in range(len(op.shapes))]


def test_row_names_are_unique():
    names = [op.name for op in OPS]
    assert sorted({n for n in names if names.count(n) > 1}) == []


def test_every_registered_op_has_its_rows():
    """A registered op needs a NumPy reference (and the shapes of its tensor parameters) here:
    without them it would have no row, and nothing would check it."""
    missing = op_registry.missing_from_tables()
    assert not missing, "; ".join(missing)
    generated = {op.name for op in op_registry.REGISTERED}
    assert [name for name in REGISTRY if name not in generated] == []


def test_the_tables_of_op_registry_name_registered_ops():
    """A NumPy reference, parameter shapes or values for an op the core does not register would
    test nothing; OTHER_VALUES must name the op's non-tensor parameters and differ from the
    defaults (else its row repeats the defaults row)."""
    stray = sorted(set(op_registry.NUMPY_REFERENCE) - set(REGISTRY))
    assert not stray, "; ".join(f"'{n}' is not a registered op: remove its NumPy reference from "
                                f"tests/op_registry.py" for n in stray)
    for name, variants in op_registry.TENSOR_PARAMETERS.items():
        assert name in REGISTRY, f"TENSOR_PARAMETERS: '{name}' is not a registered op"
        expected = op_registry.tensor_parameters(REGISTRY[name])
        assert expected and all(sorted(v) == sorted(expected) for v in variants), (name, expected)
    for name, values in op_registry.OTHER_VALUES.items():
        assert name in REGISTRY, f"OTHER_VALUES: '{name}' is not a registered op"
        defaults = op_registry.keyword_defaults(REGISTRY[name])
        for kwargs in values:
            assert set(kwargs) <= set(defaults), (name, kwargs, defaults)
            assert any(kwargs[k] != defaults[k] for k in kwargs), (name, kwargs, defaults)


def test_registered_rows_cover_every_choice_and_domain():
    rows = {op.name: op for op in op_registry.REGISTERED}
    assert {"gelu", "gelu_approximate_none", "gelu_approximate_tanh", "softmax_dim_0", "prelu"} <= set(rows)
    assert [s[1] for s in rows["prelu"].shapes] == [(1,), (4,), (1,), (3,)]
    for name, entry in REGISTRY.items():
        assert rows[name].domain == {"real": "normal", "positive": "positive",
                                     "nonzero": "away_from_zero"}[entry["domain"]], name


def make_inputs(op: OpCase, case: int, seed: int = 0):
    rng = np.random.default_rng(seed)
    return [draw(shape, op.domain, rng) for shape in op.shapes[case]]


def strided_view(array: np.ndarray, requires_grad: bool):
    """A non-contiguous tensor with the values of `array`: a view selecting every other element of
    a larger base tensor. Returns (view, base)."""
    base = np.zeros(array.shape + (2,), dtype=array.dtype)
    base[..., 0] = array
    base_t = xgrad.tensor(base, requires_grad=requires_grad)
    view = base_t[..., 0]
    assert view.is_contiguous() is False or array.size <= 1
    return view, base_t


@pytest.mark.parametrize("dtype", [np.float32, np.float64], ids=["float32", "float64"])
@pytest.mark.parametrize("op,case", CASES)
def test_forward_matches_numpy(op, case, dtype):
    arrays = [a.astype(dtype) for a in make_inputs(op, case)]
    out = op.fn(*[xgrad.tensor(a) for a in arrays])
    expected = op.reference(*[a.astype(np.float64) for a in arrays])
    assert out.dtype == (xgrad.float32 if dtype == np.float32 else xgrad.float64)
    assert tuple(out.shape) == np.shape(expected)
    tol = op.rtol32 if dtype == np.float32 else 1e-12
    np.testing.assert_allclose(out.numpy(), expected, rtol=tol, atol=tol)


@pytest.mark.parametrize("op,case", [c for c in CASES if c.values[0].grad])
def test_gradcheck(op, case):
    inputs = [xgrad.tensor(a, requires_grad=True) for a in make_inputs(op, case)]
    report = xgrad.gradcheck(op.fn, inputs, eps=1e-6, atol=1e-7, rtol=1e-5)
    assert report.passed and len(report.inputs) == len(inputs)


@pytest.mark.parametrize("op,case", [c for c in CASES if c.values[0].noncontiguous])
def test_strided_inputs(op, case):
    """The same op on non-contiguous views: same forward, and gradcheck through the view."""
    arrays = make_inputs(op, case)
    views = [strided_view(a, requires_grad=False)[0] for a in arrays]
    np.testing.assert_allclose(op.fn(*views).numpy(), op.reference(*arrays), rtol=1e-12, atol=1e-12)
    if op.grad:
        bases = [strided_view(a, requires_grad=True)[1] for a in arrays]
        report = xgrad.gradcheck(lambda *bs: op.fn(*[b[..., 0] for b in bs]), bases, eps=1e-6, atol=1e-7,
                                 rtol=1e-5)
        assert report.passed and len(report.inputs) == len(bases)


@pytest.mark.skipif(torch is None, reason=TORCH_MISSING)
@pytest.mark.parametrize("op,case", CASES)
def test_matches_torch(op, case):
    if op.no_torch:
        pytest.skip(op.no_torch)
    fn = op.torch_fn or (op.fn if op.same_in_torch else None)
    assert fn is not None, f"registry row {op.name} needs a torch_fn"
    arrays = make_inputs(op, case)
    ours = [xgrad.tensor(a, requires_grad=op.grad) for a in arrays]
    theirs = [torch.tensor(a, requires_grad=op.grad) for a in arrays]
    out_x, out_t = op.fn(*ours), fn(*theirs)
    np.testing.assert_allclose(out_x.numpy(), out_t.detach().numpy(), rtol=1e-10, atol=1e-12)
    if op.grad:
        upstream = np.random.default_rng(1).standard_normal(tuple(out_t.shape))
        out_x.backward(xgrad.tensor(upstream))
        out_t.backward(torch.tensor(upstream))
        for x, t in zip(ours, theirs):
            np.testing.assert_allclose(x.grad.numpy(), t.grad.numpy(), rtol=1e-10, atol=1e-12)
