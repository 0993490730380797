"""Results must not depend on where a buffer sits in memory. xgrad adopts NumPy arrays without a copy
and its caching allocator hands out blocks at varying offsets; a kernel whose vector body and scalar
head/tail round differently would make `manual_seed` runs and resumed checkpoints drift by an ulp
(the unary kernels once did). Each check feeds the same values at 16 offsets within a cache line."""
import numpy as np
import pytest

import xgrad
from xgrad import nn

F = nn.functional
ROWS, COLS = 37, 29
N = ROWS * COLS
OPTIMIZERS = {
    "SGD-nesterov": lambda p: xgrad.optim.SGD([p], lr=0.1, momentum=0.9, nesterov=True),
    "Adam": lambda p: xgrad.optim.Adam([p], lr=0.01),
    "RMSprop-centred": lambda p: xgrad.optim.RMSprop([p], lr=0.01, centered=True, momentum=0.5),
    "NAdam": lambda p: xgrad.optim.NAdam([p], lr=0.01),
    "Adagrad": lambda p: xgrad.optim.Adagrad([p], lr=0.1),
    "Adadelta": lambda p: xgrad.optim.Adadelta([p]),
}


def values(seed, shift=0.0):
    return (np.random.default_rng(seed).standard_normal(N) + shift).astype(np.float32)


def at_offsets_of(array):
    """The same values in adopted NumPy views at every float32 offset within 64 bytes."""
    backing = np.empty(array.size + 16, dtype=np.float32)
    for offset in range(16):
        view = backing[offset:offset + array.size]
        view[:] = array
        yield offset, view


def forward_ops(t, u):
    m, k = t.reshape(ROWS, COLS), u.reshape(COLS, ROWS)
    outs = {
        "add": t + u, "mul": t * u, "div": t / u, "sum": t.sum(), "mean": m.mean(0), "var": m.var(1),
        "softmax": m.softmax(1), "log_softmax": m.log_softmax(1), "matmul": m @ k, "gelu": F.gelu(t),
        "silu": F.silu(t), "elu": F.elu(t), "softplus": F.softplus(t),
        "cross_entropy": F.cross_entropy(m, np.arange(ROWS) % COLS),
        "batch_norm": F.batch_norm(m, None, None, training=True), "layer_norm": F.layer_norm(m, (COLS,)),
    }
    return {name: out.numpy().copy() for name, out in outs.items()}


def input_gradient(array, weight):
    t = xgrad.tensor(array, requires_grad=True)
    m = t.reshape(ROWS, COLS)
    loss = ((m.tanh() * m.sigmoid()).exp().sum() + F.gelu(m).mean() + (m @ weight).relu().sum()
            + F.cross_entropy(m, np.arange(ROWS) % COLS) + F.batch_norm(m, None, None, training=True).pow(2).sum()
            + F.layer_norm(m, (COLS,)).abs().sum())
    loss.backward()
    return t.grad.numpy().copy()


def three_steps(make_optimizer, array, grad):
    p = xgrad.tensor(array, requires_grad=True)
    optimizer = make_optimizer(p)
    for _ in range(3):
        p.grad = xgrad.tensor(grad)
        optimizer.step()
    return p.detach().numpy().copy()


def test_forward_ops():
    x, y = values(0), values(1, shift=3.0)  # y stays away from 0 for div
    reference = forward_ops(xgrad.tensor(x.copy()), xgrad.tensor(y.copy()))
    second = np.empty(N + 16, dtype=np.float32)
    for offset, view in at_offsets_of(x):
        other = second[(7 * offset) % 16:(7 * offset) % 16 + N]
        other[:] = y
        got = forward_ops(xgrad.tensor(view), xgrad.tensor(other))
        for name in reference:
            np.testing.assert_array_equal(got[name], reference[name], err_msg=f"{name}, offset {offset}")


def test_backward():
    x = values(2)
    weight = xgrad.tensor(np.random.default_rng(3).standard_normal((COLS, COLS)).astype(np.float32))
    reference = input_gradient(x.copy(), weight)
    for offset, view in at_offsets_of(x):
        np.testing.assert_array_equal(input_gradient(view, weight), reference, err_msg=f"offset {offset}")


@pytest.mark.parametrize("name", list(OPTIMIZERS))
def test_optimizer_steps(name):
    x, grad = values(4), values(5)
    reference = three_steps(OPTIMIZERS[name], x.copy(), grad)
    assert not np.array_equal(reference, x)  # the steps moved the parameters
    for offset, view in at_offsets_of(x):
        np.testing.assert_array_equal(three_steps(OPTIMIZERS[name], view, grad), reference,
                                      err_msg=f"{name}, offset {offset}")


def test_convolution_and_pooling_forward_and_backward():
    rng = np.random.default_rng(6)
    x = rng.standard_normal(2 * 3 * 12 * 12).astype(np.float32)
    weight = xgrad.tensor(rng.standard_normal((4, 3, 3, 3)).astype(np.float32))

    def run(array):
        t = xgrad.tensor(array, requires_grad=True)
        images = t.reshape(2, 3, 12, 12)
        conv = F.conv2d(images, weight, padding=1, stride=2)
        pooled_max, pooled_avg = F.max_pool2d(images, 2), F.avg_pool2d(images, 2)
        (conv.tanh().sum() + pooled_max.sum() * 0.5 + pooled_avg.pow(2).sum()).backward()
        return [conv.numpy().copy(), pooled_max.numpy().copy(), pooled_avg.numpy().copy(), t.grad.numpy().copy()]

    reference = run(x.copy())
    for offset, view in at_offsets_of(x):
        for got, want in zip(run(view), reference):
            np.testing.assert_array_equal(got, want, err_msg=f"offset {offset}")
