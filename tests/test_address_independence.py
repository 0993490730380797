"""Results must not depend on where a buffer sits in memory. xgrad adopts NumPy arrays without a copy
and its caching allocator hands out blocks at varying offsets; a kernel whose vector body and scalar
head/tail round differently would make `manual_seed` runs and resumed checkpoints drift by an ulp
(the unary kernels once did). Each check feeds the same values at 16 element offsets into one
buffer (every 4-byte position within a 64-byte cache line for float32) and asserts that the tensor
adopted the view (a copy would sit where xgrad chose, and the check would test nothing).

Driven by the registries: every op registered in the core (forward and the gradient of every
input, float32 and float64, each variant of op_registry.variants) and every optimizer of
xgrad.optim built on a rule with an elementwise tensor step (defaults, plus stateful variants);
then convolution and pooling, and two composite chains of the unregistered ops."""
import numpy as np
import pytest

import op_registry
import xgrad
from op_cases import draw
from xgrad import nn
from xgrad._tensor.registered import REGISTRY

F = nn.functional
ROWS, COLS = 37, 29
N = ROWS * COLS
DTYPES = [pytest.param(np.float32, id="float32"), pytest.param(np.float64, id="float64")]


def adopted(array, requires_grad=False):
    """xgrad.tensor(array), checked to share the array's memory."""
    t = xgrad.tensor(array, requires_grad=requires_grad)
    assert t._data_ptr() == array.ctypes.data, "xgrad.tensor copied a C-contiguous view: the offset is lost"
    return t


def at_offsets_of(array, shift=1):
    """The values of `array` in NumPy views at element offsets (shift * k) % 16, k = 0..15, of one
    buffer: (k, view) for each k."""
    backing = np.empty(array.size + 16, dtype=array.dtype)
    for k in range(16):
        offset = (shift * k) % 16
        view = backing[offset:offset + array.size].reshape(array.shape)
        view[:] = array
        yield k, view


def values(seed, dtype=np.float32, shift=0.0):
    return (np.random.default_rng(seed).standard_normal(N) + shift).astype(dtype)


# ---------------------------------------------------------------- every registered op

REGISTERED = [pytest.param(name, kwargs, id=row) for name, entry in REGISTRY.items()
              for row, kwargs in op_registry.variants(entry)]


def registered_op_results(name, kwargs, x, params):
    """The output of registered op `name` on the leaf tensor `x` and the gradients of the input and
    of the tensor parameters for a fixed upstream gradient."""
    ps = [xgrad.tensor(p, requires_grad=True) for p in params]
    out = op_registry.registered(name)(x, *ps, **kwargs)
    upstream = np.random.default_rng(1).standard_normal(tuple(out.shape)).astype(x.numpy().dtype)
    out.backward(xgrad.tensor(upstream))
    return [out.numpy().copy(), x.grad.numpy().copy()] + [p.grad.numpy().copy() for p in ps]


@pytest.mark.parametrize("dtype", DTYPES)
@pytest.mark.parametrize("name,kwargs", REGISTERED)
def test_registered_op_forward_and_gradients(name, kwargs, dtype):
    domain = op_registry.DOMAINS[REGISTRY[name]["domain"]]
    rng = np.random.default_rng(0)
    for shapes in op_registry.parameter_shapes(name, (ROWS, COLS)):
        x = draw((ROWS, COLS), domain, rng).astype(dtype)
        params = [draw(shape, domain, rng).astype(dtype) for shape in shapes]
        fresh = xgrad.tensor(x).clone().requires_grad_()  # in a buffer of xgrad's allocator
        reference = registered_op_results(name, kwargs, fresh, params)
        for offset, view in at_offsets_of(x):
            got = registered_op_results(name, kwargs, adopted(view, requires_grad=True), params)
            for what, g, want in zip(["forward", "input gradient", *[f"gradient of {s}" for s in shapes]],
                                     got, reference):
                np.testing.assert_array_equal(g, want, err_msg=f"{name} {kwargs}: {what}, offset {offset}")


# ---------------------------------------------------------------- every optimizer rule with a tensor step

def rule_optimizers():
    """The classes of xgrad.optim built on a rule with an elementwise tensor step, by name."""
    rules = xgrad._core.optimizer_rules()
    classes = [getattr(xgrad.optim, name) for name in xgrad.optim.__all__]
    return {cls.__name__: cls for cls in classes
            if isinstance(cls, type) and getattr(cls, "_rule", None) in rules and rules[cls._rule]["tensor"]}


#: Variants whose state the defaults leave unused (or whose step takes another path).
STATEFUL = {
    "SGD-momentum": ("SGD", {"momentum": 0.9}),
    "SGD-nesterov": ("SGD", {"momentum": 0.9, "nesterov": True}),
    "RMSprop-centered-momentum": ("RMSprop", {"centered": True, "momentum": 0.5}),
    "Adam-amsgrad": ("Adam", {"amsgrad": True}),
}
OPTIMIZERS = ([pytest.param(name, {}, id=name) for name in rule_optimizers()]
              + [pytest.param(name, hyper, id=case) for case, (name, hyper) in STATEFUL.items()])


def three_steps(cls, hyper, array, grad):
    p = adopted(array, requires_grad=True)
    optimizer = cls([p], **hyper)
    for _ in range(3):
        p.grad = adopted(grad)
        optimizer.step()
    return p.detach().numpy().copy()


def test_every_rule_optimizer_is_checked():
    assert {"SGD", "Adam", "AdamW", "RMSprop", "Adagrad", "Adadelta", "NAdam"} <= set(rule_optimizers())
    assert {name for name, _ in STATEFUL.values()} <= set(rule_optimizers())


@pytest.mark.parametrize("dtype", DTYPES)
@pytest.mark.parametrize("name,hyper", OPTIMIZERS)
def test_optimizer_steps(name, hyper, dtype):
    cls = rule_optimizers()[name]
    x, grad = values(4, dtype), values(5, dtype)
    reference = three_steps(cls, hyper, x.copy(), grad.copy())
    assert not np.array_equal(reference, x)  # the steps moved the parameters
    grads = at_offsets_of(grad, shift=7)     # the gradient at another offset
    for (offset, view), (_, grad_view) in zip(at_offsets_of(x), grads):
        np.testing.assert_array_equal(three_steps(cls, hyper, view, grad_view), reference,
                                      err_msg=f"{name} {hyper}, offset {offset}")


# ---------------------------------------------------------------- convolution, pooling, composite chains

def forward_ops(t, u):
    """The ops that are not in the registry (those are checked one by one above)."""
    m, k = t.reshape(ROWS, COLS), u.reshape(COLS, ROWS)
    outs = {
        "add": t + u, "mul": t * u, "div": t / u, "sum": t.sum(), "mean": m.mean(0), "var": m.var(1),
        "matmul": m @ k, "cross_entropy": F.cross_entropy(m, np.arange(ROWS) % COLS),
        "batch_norm": F.batch_norm(m, None, None, training=True), "layer_norm": F.layer_norm(m, (COLS,)),
    }
    return {name: out.numpy().copy() for name, out in outs.items()}


def input_gradient(array, weight):
    t = adopted(array, requires_grad=True)
    m = t.reshape(ROWS, COLS)
    loss = ((m.tanh() * m.sigmoid()).exp().sum() + F.gelu(m).mean() + (m @ weight).relu().sum()
            + F.cross_entropy(m, np.arange(ROWS) % COLS) + F.batch_norm(m, None, None, training=True).pow(2).sum()
            + F.layer_norm(m, (COLS,)).abs().sum())
    loss.backward()
    return t.grad.numpy().copy()


def test_forward_ops():
    x, y = values(0), values(1, shift=3.0)  # y stays away from 0 for div
    reference = forward_ops(adopted(x.copy()), adopted(y.copy()))
    for (offset, view), (_, other) in zip(at_offsets_of(x), at_offsets_of(y, shift=7)):
        got = forward_ops(adopted(view), adopted(other))
        for name in reference:
            np.testing.assert_array_equal(got[name], reference[name], err_msg=f"{name}, offset {offset}")


def test_backward():
    x = values(2)
    weight = xgrad.tensor(np.random.default_rng(3).standard_normal((COLS, COLS)).astype(np.float32))
    reference = input_gradient(x.copy(), weight)
    for offset, view in at_offsets_of(x):
        np.testing.assert_array_equal(input_gradient(view, weight), reference, err_msg=f"offset {offset}")


def test_convolution_and_pooling_forward_and_backward():
    rng = np.random.default_rng(6)
    x = rng.standard_normal(2 * 3 * 12 * 12).astype(np.float32)
    weight = xgrad.tensor(rng.standard_normal((4, 3, 3, 3)).astype(np.float32))

    def run(array):
        t = adopted(array, requires_grad=True)
        images = t.reshape(2, 3, 12, 12)
        conv = F.conv2d(images, weight, padding=1, stride=2)
        pooled_max, pooled_avg = F.max_pool2d(images, 2), F.avg_pool2d(images, 2)
        (conv.tanh().sum() + pooled_max.sum() * 0.5 + pooled_avg.pow(2).sum()).backward()
        return [conv.numpy().copy(), pooled_max.numpy().copy(), pooled_avg.numpy().copy(), t.grad.numpy().copy()]

    reference = run(x.copy())
    for offset, view in at_offsets_of(x):
        for got, want in zip(run(view), reference):
            np.testing.assert_array_equal(got, want, err_msg=f"offset {offset}")
