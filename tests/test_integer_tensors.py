"""Integer and bool tensors: every kernel that runs on int64/int32/uint8/bool, across those dtypes
(and the floats), against NumPy and PyTorch; PyTorch's promotion; masks, indices and labels."""
from __future__ import annotations

import numpy as np
import pytest

import xgrad
import xgrad.nn.functional as F

torch = pytest.importorskip("torch", reason="PyTorch is the oracle of dtype promotion and index semantics")

DTYPES = {"float32": (xgrad.float32, np.float32, torch.float32), "float64": (xgrad.float64, np.float64, torch.float64),
          "int64": (xgrad.int64, np.int64, torch.int64), "int32": (xgrad.int32, np.int32, torch.int32),
          "uint8": (xgrad.uint8, np.uint8, torch.uint8), "bool": (xgrad.bool, np.bool_, torch.bool)}
INTEGERS = ["int64", "int32", "uint8"]
ALL = list(DTYPES)


def values(name: str, shape=(3, 4), seed=0) -> np.ndarray:
    rng = np.random.default_rng(seed)
    if name == "bool":
        return rng.random(shape) < 0.5
    if name == "uint8":
        return rng.integers(0, 7, shape).astype(np.uint8)
    if name in INTEGERS:
        return rng.integers(-5, 6, shape).astype(DTYPES[name][1])
    return np.round(rng.standard_normal(shape) * 3).astype(DTYPES[name][1])  # whole: ties and equalities occur


def ours(a: np.ndarray) -> xgrad.Tensor:
    return xgrad.tensor(a)


def theirs(a: np.ndarray):
    return torch.from_numpy(np.array(a))


def same(x: xgrad.Tensor, t) -> None:
    """Same dtype name, shape and values as the torch result."""
    assert x.dtype.name == str(t.dtype).replace("torch.", ""), (x.dtype.name, t.dtype)
    assert tuple(x.shape) == tuple(t.shape)
    np.testing.assert_array_equal(x.numpy(), t.numpy())


# ---------------------------------------------------------------- dtypes and promotion

@pytest.mark.parametrize("a", ALL)
@pytest.mark.parametrize("b", ALL)
def test_promote_types_is_pytorchs(a, b):
    assert xgrad._core.promote_types(DTYPES[a][0], DTYPES[b][0]).name == \
        str(torch.promote_types(DTYPES[a][2], DTYPES[b][2])).replace("torch.", "")


@pytest.mark.parametrize("name", ALL)
def test_numpy_round_trip_keeps_dtype_and_values(name):
    a = values(name)
    t = ours(a)
    assert t.dtype == DTYPES[name][0] and t.numpy().dtype == a.dtype
    np.testing.assert_array_equal(t.numpy(), a)
    np.testing.assert_array_equal(np.asarray(memoryview(t)), a)  # the buffer protocol's format
    shared = xgrad.from_numpy(a)
    a.flat[0] = 1
    assert shared.numpy().flat[0] == a.flat[0]


@pytest.mark.parametrize("data", [[1, 2, 3], [True, False], [1, 2.5], 7, True, 2.5, [[1], [2]]])
def test_creation_rules_are_pytorchs(data):
    assert xgrad.tensor(data).dtype.name == str(torch.tensor(data).dtype).replace("torch.", "")


@pytest.mark.parametrize("name", ALL)
def test_item_returns_the_python_type_of_the_dtype(name):
    v = ours(values(name, (1,))).item()
    assert type(v) is type(theirs(values(name, (1,))).item())


@pytest.mark.parametrize("name", ALL)
@pytest.mark.parametrize("target", ALL)
def test_casts_match_torch(name, target):
    a = values(name)
    if target == "uint8" and name in ("float32", "float64"):
        # a negative float to uint8 is undefined in C++ (PyTorch gives what its CPU does, 254 for
        # -2.0 here); xgrad saturates to 0: checked apart. Integers wrap in both, as C++ defines.
        np.testing.assert_array_equal(ours(a).to(xgrad.uint8).numpy(), np.clip(a, 0, 255).astype(np.uint8))
        a = np.abs(a)
    same(ours(a).to(DTYPES[target][0]), theirs(a).to(DTYPES[target][2]))


def test_integer_tensors_carry_no_gradient():
    for name in INTEGERS + ["bool"]:
        with pytest.raises(RuntimeError, match="only tensors of floating point dtype can require"):
            xgrad.tensor(values(name), requires_grad=True)
    x = xgrad.tensor([1.5, -2.7], requires_grad=True)
    assert not x.long().requires_grad


@pytest.mark.parametrize("op", ["exp", "log", "tanh", "relu", "sigmoid", "softmax", "mean", "var"])
@pytest.mark.parametrize("name", INTEGERS + ["bool"])
def test_float_only_ops_name_themselves_and_the_dtype(op, name):
    with pytest.raises(TypeError, match=rf"{op}: expected a floating-point tensor \(float32 or float64\), got {name}"):
        getattr(ours(values(name)), op)()


# ---------------------------------------------------------------- arithmetic

ARITHMETIC = {"add": lambda a, b: a + b, "sub": lambda a, b: a - b, "mul": lambda a, b: a * b,
              "div": lambda a, b: a / b, "maximum": lambda a, b: a.maximum(b) if hasattr(a, "maximum") else None}


@pytest.mark.parametrize("op", ["add", "sub", "mul", "div"])
@pytest.mark.parametrize("a", ALL)
@pytest.mark.parametrize("b", ["int64", "int32", "uint8", "float32", "bool"])
def test_tensor_arithmetic_promotes_as_pytorch(op, a, b):
    x, y = values(a, seed=1), values(b, (4,), seed=2)
    if op == "div":
        y = np.where(y == 0, 1, y).astype(y.dtype) if b != "bool" else np.ones(4, bool)
    fn = ARITHMETIC[op]
    try:
        expected = fn(theirs(x), theirs(y))
    except RuntimeError:  # PyTorch refuses (bool - bool): so do we, with a TypeError naming it
        with pytest.raises(TypeError, match=op):
            fn(ours(x), ours(y))
        return
    out = fn(ours(x), ours(y))
    assert out.dtype.name == str(expected.dtype).replace("torch.", "")
    np.testing.assert_allclose(out.numpy().astype(np.float64), expected.numpy().astype(np.float64), rtol=1e-6)


@pytest.mark.parametrize("op", ["add", "sub", "mul", "div"])
@pytest.mark.parametrize("a", ALL)
@pytest.mark.parametrize("scalar", [2, 2.5, True])
def test_arithmetic_with_python_numbers_promotes_as_pytorch(op, a, scalar):
    x = values(a, seed=3)
    fn = ARITHMETIC[op]
    try:
        expected = fn(theirs(x), scalar)
    except RuntimeError:
        with pytest.raises(TypeError):
            fn(ours(x), scalar)
        return
    out = fn(ours(x), scalar)
    assert out.dtype.name == str(expected.dtype).replace("torch.", ""), (a, scalar)
    np.testing.assert_allclose(out.numpy().astype(np.float64), expected.numpy().astype(np.float64), rtol=1e-6)


@pytest.mark.parametrize("name", ["int64", "int32"])
def test_integer_pow_neg_abs_stay_integer(name):
    x = values(name)
    same(ours(x) ** 2, theirs(x) ** 2)
    same(-ours(x), -theirs(x))
    same(abs(ours(x)), abs(theirs(x)))
    assert (ours(x) ** 0.5).dtype == xgrad.float32


# ---------------------------------------------------------------- comparisons and logic

COMPARISONS = {"gt": lambda a, b: a > b, "ge": lambda a, b: a >= b, "lt": lambda a, b: a < b,
               "le": lambda a, b: a <= b, "eq": lambda a, b: a == b, "ne": lambda a, b: a != b}


@pytest.mark.parametrize("op", list(COMPARISONS))
@pytest.mark.parametrize("a", ALL)
@pytest.mark.parametrize("b", ["float32", "int64", "uint8", "bool"])
def test_comparisons_give_bool_tensors(op, a, b):
    x, y = values(a, seed=4), values(b, (4,), seed=5)
    fn = COMPARISONS[op]
    same(fn(ours(x), ours(y)), fn(theirs(x), theirs(y)))


@pytest.mark.parametrize("op", list(COMPARISONS))
@pytest.mark.parametrize("a", ALL)
@pytest.mark.parametrize("scalar", [0, 1, 2.5, -1])
def test_comparisons_with_numbers(op, a, scalar):
    x = values(a, seed=6)
    fn = COMPARISONS[op]
    if a == "uint8" and scalar < 0:
        # PyTorch wraps -1 to 255 first; xgrad compares the values, as NumPy does
        np.testing.assert_array_equal(fn(ours(x), scalar).numpy(), fn(x.astype(np.int64), scalar))
        return
    same(fn(ours(x), scalar), fn(theirs(x), scalar))


@pytest.mark.parametrize("op", ["logical_and", "logical_or", "logical_xor"])
@pytest.mark.parametrize("a", ALL)
@pytest.mark.parametrize("b", ["bool", "int64", "float32"])
def test_logical_ops(op, a, b):
    x, y = values(a, seed=7), values(b, (4,), seed=8)
    same(getattr(xgrad, op)(ours(x), ours(y)), getattr(torch, op)(theirs(x), theirs(y)))
    same(xgrad.logical_not(ours(x)), torch.logical_not(theirs(x)))


@pytest.mark.parametrize("op", ["__and__", "__or__", "__xor__"])
@pytest.mark.parametrize("a", INTEGERS + ["bool"])
@pytest.mark.parametrize("b", INTEGERS + ["bool"])
def test_bitwise_operators(op, a, b):
    x, y = values(a, seed=9), values(b, (4,), seed=10)
    same(getattr(ours(x), op)(ours(y)), getattr(theirs(x), op)(theirs(y)))


@pytest.mark.parametrize("a", INTEGERS + ["bool"])
def test_invert(a):
    x = values(a)
    same(~ours(x), ~theirs(x))


def test_mask_combinations_read_as_in_pytorch():
    x = np.array([[-2.0, 0.5, 3.0], [np.nan, 1.0, -1.0]])
    m = (ours(x) > 0) & ~ours(x).isnan() | (ours(x) == -2)
    same(m, (theirs(x) > 0) & ~theirs(x).isnan() | (theirs(x) == -2))


@pytest.mark.parametrize("op", ["isnan", "isinf", "isfinite"])
@pytest.mark.parametrize("name", ALL)
def test_classification(op, name):
    x = values(name)
    if name.startswith("float"):
        x = x.copy()
        x.flat[:3] = [np.nan, np.inf, -np.inf]
    same(getattr(ours(x), op)(), getattr(theirs(x), op)())


@pytest.mark.parametrize("cond", ["bool", "int64", "float32"])
@pytest.mark.parametrize("a", ["float32", "int64", "uint8"])
def test_where_takes_any_condition(cond, a):
    c, x, y = values(cond, seed=11), values(a, seed=12), values(a, (4,), seed=13)
    same(xgrad.where(ours(c), ours(x), ours(y)), torch.where(theirs(c).bool(), theirs(x), theirs(y)))


# ---------------------------------------------------------------- reductions and positions

@pytest.mark.parametrize("name", ALL)
@pytest.mark.parametrize("dim", [None, 0, 1])
def test_sum_of_integers_and_bools_is_int64(name, dim):
    x = values(name)
    expected = theirs(x).sum() if dim is None else theirs(x).sum(dim)
    same(ours(x).sum() if dim is None else ours(x).sum(dim), expected)


@pytest.mark.parametrize("name", ["float32", "float64", "int64", "int32", "uint8"])
@pytest.mark.parametrize("op", ["argmax", "argmin"])
@pytest.mark.parametrize("dim,keepdim", [(None, False), (0, False), (1, False), (-1, False), (0, True), (1, True),
                                         (-1, True)])
def test_argmax_argmin(name, op, dim, keepdim):
    x = values(name, (5, 6))  # whole numbers: ties, where the first index wins
    same(getattr(ours(x), op)(dim, keepdim), getattr(theirs(x), op)(dim, keepdim))


def test_argmax_with_keepdim_over_everything_and_nan():
    x = np.array([[1.0, np.nan, 3.0], [np.nan, 5.0, 0.0]])
    same(ours(x).argmax(), theirs(x).argmax())
    same(ours(x).argmax(1), theirs(x).argmax(1))
    same(ours(x).argmin(0), theirs(x).argmin(0))
    assert ours(x).argmax(None, True).shape == (1, 1)


@pytest.mark.parametrize("name", ["float32", "float64", "int64", "uint8"])
@pytest.mark.parametrize("op", ["max", "min"])
@pytest.mark.parametrize("dim", [0, 1, -1])
@pytest.mark.parametrize("keepdim", [False, True])
def test_max_min_along_a_dim_return_values_and_indices(name, op, dim, keepdim):
    x = values(name, (4, 5))
    v, i = getattr(ours(x), op)(dim, keepdim)
    tv, ti = getattr(theirs(x), op)(dim, keepdim)
    same(v, tv)
    assert i.dtype == xgrad.int64 and i.shape == tuple(ti.shape)
    at = np.take_along_axis(x, i.numpy() if keepdim else np.expand_dims(i.numpy(), dim), dim)
    np.testing.assert_array_equal(at if keepdim else at.squeeze(dim), tv.numpy())  # the index names the value
    first = getattr(np, "argmax" if op == "max" else "argmin")(x, axis=dim)
    np.testing.assert_array_equal(i.numpy().reshape(first.shape), first)  # the first on ties, as NumPy


def test_max_along_a_dim_sends_the_gradient_to_the_index_as_pytorch():
    x = np.array([[1.0, 3.0, 3.0], [2.0, 2.0, 0.0]])  # ties: the first index takes all
    a = xgrad.tensor(x, requires_grad=True)
    t = torch.tensor(x, requires_grad=True)
    (a.max(1).values * xgrad.tensor([1.0, 2.0], dtype=xgrad.float64)).sum().backward()
    (t.max(1).values * torch.tensor([1.0, 2.0], dtype=torch.float64)).sum().backward()
    np.testing.assert_array_equal(a.grad.numpy(), t.grad.numpy())


@pytest.mark.parametrize("name", ["float32", "int64", "int32", "uint8", "bool"])
@pytest.mark.parametrize("dim", [0, 1, -1])
@pytest.mark.parametrize("descending", [False, True])
def test_sort_and_argsort_are_stable_as_pytorch(name, dim, descending):
    x = values(name, (6, 7))
    v, i = ours(x).sort(dim, descending)
    tv, ti = theirs(x).sort(dim=dim, descending=descending, stable=True)
    same(v, tv)
    same(i, ti)
    same(ours(x).argsort(dim, descending), torch.argsort(theirs(x), dim=dim, descending=descending, stable=True))


def test_sort_puts_nan_where_pytorch_does():
    x = np.array([3.0, np.nan, -1.0, np.nan, 2.0])
    for descending in (False, True):
        v, i = ours(x).sort(0, descending)
        tv, ti = theirs(x).sort(dim=0, descending=descending, stable=True)
        np.testing.assert_array_equal(v.numpy(), tv.numpy())
        np.testing.assert_array_equal(i.numpy(), ti.numpy())


@pytest.mark.parametrize("name", ["float64", "int64", "uint8"])
@pytest.mark.parametrize("k", [0, 1, 3, 5])
@pytest.mark.parametrize("largest", [True, False])
def test_topk(name, k, largest):
    rng = np.random.default_rng(k)
    x = rng.permutation(20).reshape(4, 5).astype(DTYPES[name][1])  # distinct: the order is defined
    v, i = ours(x).topk(k, 1, largest)
    tv, ti = theirs(x).topk(k, 1, largest)
    same(v, tv)
    same(i, ti)


def test_topk_and_sort_values_carry_the_gradient_back():
    x = np.random.default_rng(0).permutation(12).reshape(3, 4).astype(np.float64)
    a, t = xgrad.tensor(x, requires_grad=True), torch.tensor(x, requires_grad=True)
    w = np.arange(6, dtype=np.float64).reshape(3, 2)
    (a.topk(2).values * xgrad.tensor(w)).sum().backward()
    (t.topk(2).values * torch.tensor(w)).sum().backward()
    np.testing.assert_array_equal(a.grad.numpy(), t.grad.numpy())


@pytest.mark.parametrize("name", ALL)
def test_gather(name):
    x = values(name, (3, 4))
    index = np.array([[0, 3, 3], [1, 1, 0], [2, 0, 1]])
    same(ours(x).gather(1, ours(index)), theirs(x).gather(1, theirs(index)))
    same(ours(x).gather(0, ours(index[:, :2] % 3)), theirs(x).gather(0, theirs(index[:, :2] % 3)))


def test_gather_gradient_adds_up_repeated_indices_as_pytorch():
    x = np.arange(12, dtype=np.float64).reshape(3, 4)
    index = np.array([[0, 0, 3], [1, 1, 1], [2, 0, 2]])
    a, t = xgrad.tensor(x, requires_grad=True), torch.tensor(x, requires_grad=True)
    a.gather(1, xgrad.tensor(index)).sum().backward()
    t.gather(1, torch.tensor(index)).sum().backward()
    np.testing.assert_array_equal(a.grad.numpy(), t.grad.numpy())
    assert xgrad.gradcheck(lambda v: v.gather(1, xgrad.tensor(index)), [xgrad.tensor(x, requires_grad=True)])


@pytest.mark.parametrize("num_classes", [-1, 6])
def test_one_hot_and_bincount(num_classes):
    labels = np.array([[0, 3], [2, 3]])
    same(xgrad.one_hot(ours(labels), num_classes), torch.nn.functional.one_hot(theirs(labels), num_classes))
    flat = np.array([0, 3, 3, 1, 5])
    same(xgrad.bincount(ours(flat)), torch.bincount(theirs(flat)))
    same(xgrad.bincount(ours(flat), minlength=8), torch.bincount(theirs(flat), minlength=8))
    w = np.array([0.5, 1.0, 2.0, 0.25, 1.0])
    np.testing.assert_allclose(xgrad.bincount(ours(flat), ours(w)).numpy(), torch.bincount(theirs(flat), theirs(w)).numpy())


# ---------------------------------------------------------------- indexing

@pytest.mark.parametrize("shape", [(4, 5), (2, 3, 4), (6,)])
def test_boolean_mask_selects_elements_as_pytorch(shape):
    x = np.random.default_rng(1).standard_normal(shape)
    same(ours(x)[ours(x) > 0], theirs(x)[theirs(x) > 0])  # was shape (4, 5, 5): a float mask read as indices
    row_mask = x.reshape(shape[0], -1)[:, 0] > 0
    same(ours(x)[ours(row_mask)], theirs(x)[theirs(row_mask)])


def test_mask_assignment_and_gradient_through_a_mask():
    x = np.array([[1.0, -2.0, 3.0], [-4.0, 5.0, -6.0]])
    a, t = ours(x.copy()), theirs(x.copy())
    a[a < 0] = 0.0
    t[t < 0] = 0.0
    same(a, t)
    g = xgrad.tensor(x, requires_grad=True)
    g[g > 0].sum().backward()
    np.testing.assert_array_equal(g.grad.numpy(), (x > 0).astype(np.float64))


@pytest.mark.parametrize("index_dtype", ["int64", "int32"])
def test_integer_tensors_index_and_assign(index_dtype):
    x = np.arange(20.0).reshape(4, 5)
    idx = np.array([3, 0, 3], dtype=DTYPES[index_dtype][1])
    same(ours(x)[ours(idx)], theirs(x)[theirs(idx)])
    same(ours(x)[:, ours(idx)], theirs(x)[:, theirs(idx)])
    a, t = ours(x.copy()), theirs(x.copy())
    a[ours(idx)] = -1.0
    t[theirs(idx)] = -1.0
    same(a, t)


def test_float_and_byte_tensors_are_not_indices():
    x = xgrad.ones(3, 4)
    for bad in (xgrad.tensor([1.0, 0.0]), xgrad.tensor([1, 0], dtype=xgrad.uint8)):
        with pytest.raises(IndexError, match="tensors used as indices must be int64, int32 or bool tensors"):
            x[bad]


# ---------------------------------------------------------------- labels, losses and data

@pytest.mark.parametrize("loss", ["cross_entropy", "nll_loss", "multi_margin_loss"])
def test_losses_take_int64_label_tensors_like_numpy_labels(loss):
    rng = np.random.default_rng(2)
    logits = rng.standard_normal((6, 4))
    labels = rng.integers(0, 4, 6)
    fn = getattr(F, loss)
    inp = F.log_softmax(xgrad.tensor(logits), 1) if loss == "nll_loss" else xgrad.tensor(logits)
    tinp = torch.log_softmax(torch.tensor(logits), 1) if loss == "nll_loss" else torch.tensor(logits)
    with_tensor, with_numpy = fn(inp, xgrad.tensor(labels)), fn(inp, labels)
    assert with_tensor.item() == with_numpy.item()
    np.testing.assert_allclose(with_tensor.item(), getattr(torch.nn.functional, loss)(tinp, torch.tensor(labels)).item(),
                               rtol=1e-6)


def test_dataloader_yields_int64_label_tensors_and_accuracy_uses_them():
    x = np.random.default_rng(3).standard_normal((10, 3)).astype(np.float32)
    y = np.arange(10) % 3
    xb, yb = next(iter(xgrad.data.DataLoader((x, y), batch_size=4)))
    assert yb.dtype == xgrad.int64 and yb.numpy().tolist() == [0, 1, 2, 0]
    model = xgrad.nn.Linear(3, 3)
    accuracy = ((model(xb).argmax(1) == yb).float().mean()).item()
    assert accuracy == np.mean(model(xb).numpy().argmax(1) == y[:4])


class Squares(xgrad.data.Dataset):
    def __len__(self):
        return 7

    def __getitem__(self, i):
        return np.full(2, float(i)), i, i % 2 == 0


def test_map_style_dataset_subset_and_random_split():
    batches = list(xgrad.data.DataLoader(Squares(), batch_size=3))
    x, label, even = batches[0]
    assert x.dtype == xgrad.float32 and x.shape == (3, 2) and label.dtype == xgrad.int64 and even.dtype == xgrad.bool
    assert [b[1].numpy().tolist() for b in batches] == [[0, 1, 2], [3, 4, 5], [6]]
    sub = xgrad.data.Subset(Squares(), [5, 1])
    assert sub[0][1] == 5 and len(sub) == 2
    xgrad.manual_seed(0)
    a, b = xgrad.data.random_split(Squares(), [5, 2])
    assert sorted(list(a.indices) + list(b.indices)) == list(range(7))
    xgrad.manual_seed(0)
    a2, _ = xgrad.data.random_split(Squares(), [5, 2])
    assert list(a2.indices) == list(a.indices)
    parts = xgrad.data.random_split(Squares(), [0.5, 0.5])
    assert [len(p) for p in parts] == [4, 3]  # the remainder goes to the first split, as PyTorch
    with pytest.raises(ValueError, match=r"sum to 6, not the dataset's 7 samples"):
        xgrad.data.random_split(Squares(), [5, 1])


@pytest.mark.parametrize("device", ["cpu", "cpu:0", None])
def test_cpu_device_is_accepted(device):
    x = xgrad.ones(2)
    assert x.to(device) is x if device else x.to(device=device) is x
    assert x.to(xgrad.device("cpu")) is x
    assert x.to(torch.device("cpu")) is x


@pytest.mark.parametrize("device", ["cuda", "cuda:0", "mps", "cpu:1"])
def test_other_devices_raise_saying_xgrad_runs_on_the_cpu(device):
    with pytest.raises(ValueError, match="xgrad runs on the CPU only"):
        xgrad.ones(2).to(device)
    with pytest.raises(ValueError, match="xgrad runs on the CPU only"):
        xgrad.device(device)


# ---------------------------------------------------------------- PyTorch habits: pad, Embedding, inference_mode

@pytest.mark.parametrize("mode", ["constant", "reflect", "replicate", "circular"])
@pytest.mark.parametrize("amounts", [(1, 2), (2, 0, 1, 1), (0, 1, 2, 0)])
def test_pad_matches_torch_forward_and_gradient(mode, amounts):
    x = np.random.default_rng(4).standard_normal((2, 3, 4, 5) if len(amounts) == 4 else (3, 4, 5))  # torch's ranks
    a, t = xgrad.tensor(x, requires_grad=True), torch.tensor(x, requires_grad=True)
    kwargs = {"value": 1.5} if mode == "constant" else {}
    out, expected = F.pad(a, amounts, mode, **kwargs), torch.nn.functional.pad(t, amounts, mode, **kwargs)
    np.testing.assert_allclose(out.numpy(), expected.detach().numpy())
    w = np.random.default_rng(5).standard_normal(tuple(expected.shape))
    (out * xgrad.tensor(w)).sum().backward()
    (expected * torch.tensor(w)).sum().backward()
    np.testing.assert_allclose(a.grad.numpy(), t.grad.numpy(), rtol=1e-12)


def test_pad_crops_with_negative_amounts_and_refuses_what_torch_refuses():
    x = np.arange(12.0).reshape(3, 4)
    np.testing.assert_array_equal(F.pad(xgrad.tensor(x), (-1, 2)).numpy(),
                                  torch.nn.functional.pad(torch.tensor(x), (-1, 2)).numpy())
    with pytest.raises(ValueError, match="pad: mode 'reflect' pads at most 3 on each side of dim 1 of size 4"):
        F.pad(xgrad.tensor(x), (4, 0), "reflect")
    with pytest.raises(ValueError, match="pad: pad must have an even length"):
        F.pad(xgrad.tensor(x), (1,))


def test_embedding_matches_torch_with_padding_idx():
    xgrad.manual_seed(0)
    ours_e = xgrad.nn.Embedding(6, 3, padding_idx=2, dtype=xgrad.float64)
    theirs_e = torch.nn.Embedding(6, 3, padding_idx=2, dtype=torch.float64)
    with torch.no_grad():
        theirs_e.weight.copy_(torch.tensor(ours_e.weight.numpy()))
    assert np.all(ours_e.weight.numpy()[2] == 0)
    idx = np.array([[0, 2, 5], [2, 2, 1]])
    out, expected = ours_e(xgrad.tensor(idx)), theirs_e(torch.tensor(idx))
    np.testing.assert_array_equal(out.numpy(), expected.detach().numpy())
    (out ** 2).sum().backward()
    (expected ** 2).sum().backward()
    np.testing.assert_array_equal(ours_e.weight.grad.numpy(), theirs_e.weight.grad.numpy())
    with pytest.raises(IndexError, match="embedding: index 6 is out of range for 6 embeddings"):
        ours_e(xgrad.tensor([6]))
    with pytest.raises(TypeError, match="embedding: input must be an integer tensor of indices, got float32"):
        ours_e(xgrad.tensor([1.0]))


def test_inference_mode_records_no_graph_and_factories_take_the_cpu():
    w = xgrad.ones(2, requires_grad=True, device="cpu")
    with xgrad.inference_mode():
        assert (w * 2).grad_fn is None
    assert (w * 2).grad_fn is not None
    assert xgrad.zeros(2, device="cpu").shape == (2,) and xgrad.randn(2, device=xgrad.device("cpu")).shape == (2,)
    model = xgrad.nn.Linear(2, 2).to("cpu")
    assert model.cpu() is model and model.to(device="cpu") is model
    with pytest.raises(ValueError, match="xgrad runs on the CPU only"):
        xgrad.zeros(2, device="cuda")
    with pytest.raises(ValueError, match="xgrad runs on the CPU only"):
        model.to("cuda")


def test_python_m_xgrad_reports_what_a_bug_report_needs():
    import subprocess
    import sys
    out = subprocess.run([sys.executable, "-m", "xgrad"], capture_output=True, text=True, check=True,
                         env={**__import__("os").environ}).stdout
    for needle in ("xgrad 0.", "commit", "build by", "-march=", "SIMD:", "BLAS: OpenBLAS, kernel", "threads:"):
        assert needle in out, out
    build = xgrad._core.build_info
    assert f"SIMD: variant {build['variant']} (" in out and f"{build['simd_arch']} kernels" in out, out
    assert f"-march={build['march'] or '(compiler default)'}" in out, out
    assert "this CPU runs: " + ", ".join(xgrad._simd.runnable_variants()) in out, out
