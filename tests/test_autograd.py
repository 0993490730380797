"""The engine: accumulation, retain_graph, freed graphs, no_grad, detach, hooks, Functions."""
import numpy as np
import pytest

import xgrad


def leaf(values, dtype=xgrad.float64):
    return xgrad.tensor(np.asarray(values, dtype=np.float64), dtype=dtype, requires_grad=True)


def test_gradients_accumulate_across_backward_calls():
    x = leaf([1.0, 2.0])
    (x * x).sum().backward()
    (x * 3).sum().backward()
    np.testing.assert_allclose(x.grad.numpy(), [2 + 3, 4 + 3])
    x.grad = None
    (x * 3).sum().backward()
    np.testing.assert_allclose(x.grad.numpy(), [3, 3])


def test_shared_subexpression_gradients_add_up():
    x = leaf([3.0])
    y = x * x
    z = y + y * x  # x^2 + x^3
    z.backward()
    np.testing.assert_allclose(x.grad.numpy(), [2 * 3 + 3 * 9])


def test_backward_with_explicit_gradient():
    x = leaf([1.0, 2.0, 3.0])
    y = x * 2
    y.backward(np.array([1.0, 0.5, 0.0]))
    np.testing.assert_allclose(x.grad.numpy(), [2.0, 1.0, 0.0])


def test_non_scalar_backward_without_gradient_is_a_clear_error():
    y = leaf([1.0, 2.0]) * 2
    with pytest.raises(RuntimeError, match="only for scalar outputs"):
        y.backward()


def test_gradient_of_wrong_shape_is_rejected():
    y = leaf([1.0, 2.0]) * 2
    with pytest.raises(ValueError, match=r"gradient has shape \(3,\)"):
        y.backward(np.ones(3))


def test_graph_is_freed_and_second_backward_says_so():
    x = leaf([1.0])
    y = (x * x).exp()
    y.backward()
    with pytest.raises(RuntimeError, match="second time.*retain_graph=True"):
        y.backward()


def test_retain_graph_allows_a_second_backward():
    x = leaf([2.0])
    y = x * x * x
    y.backward(retain_graph=True)
    y.backward()
    np.testing.assert_allclose(x.grad.numpy(), [2 * 12.0])


def test_no_grad_records_nothing_and_restores():
    x = leaf([1.0])
    with xgrad.no_grad():
        y = x * 2
        assert not xgrad.is_grad_enabled()
    assert xgrad.is_grad_enabled()
    assert not y.requires_grad and y.grad_fn is None

    @xgrad.no_grad()
    def f(t):
        return t * 3

    assert not f(x).requires_grad


def test_set_grad_enabled_function_and_context():
    x = leaf([1.0])
    with xgrad.set_grad_enabled(False):
        assert not (x * 2).requires_grad
    assert (x * 2).requires_grad


def test_detach_shares_data_but_cuts_the_graph():
    x = leaf([1.0, 2.0])
    d = (x * 2).detach()
    assert not d.requires_grad and d.is_leaf
    y = (x * d).sum()
    y.backward()
    np.testing.assert_allclose(x.grad.numpy(), [2.0, 4.0])  # d is a constant


def test_leaf_and_non_leaf():
    x = leaf([1.0])
    y = x * 2
    assert x.is_leaf and not y.is_leaf and y.grad_fn == "mul"
    y.retain_grad()
    (y * 3).sum().backward()
    np.testing.assert_allclose(y.grad.numpy(), [3.0])


def test_non_leaf_requires_grad_cannot_be_switched_off():
    y = leaf([1.0]) * 2
    with pytest.raises(RuntimeError, match="leaf"):
        y.requires_grad = False


def test_hook_sees_and_can_replace_a_gradient():
    x = leaf([1.0, 2.0])
    y = x * 3
    seen = []
    y.register_hook(lambda g: seen.append(g.numpy().copy()))
    z = x * 2
    z.register_hook(lambda g: g * 0)
    (y.sum() + z.sum()).backward()
    np.testing.assert_allclose(seen[0], [1.0, 1.0])
    np.testing.assert_allclose(x.grad.numpy(), [3.0, 3.0])  # z's contribution zeroed


def test_in_place_update_of_leaf_requiring_grad_is_refused_unless_no_grad():
    w = leaf([1.0])
    with pytest.raises(RuntimeError, match="in-place"):
        w.add_(xgrad.ones(1, dtype=xgrad.float64))
    with xgrad.no_grad():
        w.add_(xgrad.ones(1, dtype=xgrad.float64))
    assert w.item() == 2.0


def test_anomaly_detection_names_the_op():
    x = leaf([0.0, 1.0])
    with xgrad.detect_anomaly():
        with pytest.raises(RuntimeError, match="'log'"):
            x.log()
    assert not xgrad._core.is_anomaly_enabled()
    y = x.log()  # outside the context: no check, -inf allowed
    assert np.isinf(y.numpy()[0])


DEEP_CHAIN = """
import sys, xgrad
from xgrad import _core
x = xgrad.tensor([1.0, 2.0], dtype=xgrad.float64, requires_grad=True)
base = _core.allocator_stats()["live_bytes"]
y = x
for _ in range(1_000_000):
    y = y * 1.0
if sys.argv[1] == "backward":
    y.sum().backward()
    assert x.grad.numpy().tolist() == [1.0, 1.0], x.grad
del y  # the million nodes die here: by recursion this overflowed the C++ stack
left = _core.allocator_stats()["live_bytes"] - base
assert left <= 16, left  # the chain's buffers are returned; only x.grad (2 float64) remains
print("ok")
"""


@pytest.mark.slow
@pytest.mark.parametrize("mode", ["backward", "no-backward"])
def test_a_million_op_chain_is_built_backpropagated_and_freed(mode):
    """In a subprocess: a stack overflow would kill it (the test reports the signal) instead of the run."""
    import os
    import subprocess
    import sys
    env = dict(os.environ, PYTHONPATH=os.pathsep.join(sys.path))
    run = subprocess.run([sys.executable, "-c", DEEP_CHAIN, mode], capture_output=True, text=True, env=env,
                         timeout=600)
    assert run.returncode == 0, f"exit {run.returncode} (a negative code is the signal): {run.stderr[-2000:]}"
    assert run.stdout.strip() == "ok"


class Cube(xgrad.Function):
    @staticmethod
    def forward(ctx, x):
        ctx.save_for_backward(x)
        return x ** 3

    @staticmethod
    def backward(ctx, grad):
        (x,) = ctx.saved_tensors
        return 3 * x ** 2 * grad


class ScaledAdd(xgrad.Function):
    """Mixed tensor and non-tensor arguments: a*x + y."""

    @staticmethod
    def forward(ctx, x, a, y):
        ctx.a = a
        return a * x + y

    @staticmethod
    def backward(ctx, grad):
        return ctx.a * grad, None, grad


def test_python_function_forward_and_backward():
    x = leaf([1.0, -2.0])
    y = Cube.apply(x)
    assert y.grad_fn == "Cube"
    np.testing.assert_allclose(y.numpy(), [1.0, -8.0])
    report = xgrad.gradcheck(Cube.apply, [leaf([0.3, -1.2, 2.0])])
    assert report.passed and len(report.inputs) == 1
    # backward returns None for the number 2.5; both tensor inputs are checked
    report = xgrad.gradcheck(lambda x, y: ScaledAdd.apply(x, 2.5, y), [leaf([1.0, 2.0]), leaf([0.5, 0.1])])
    assert report.passed and [c.input_index for c in report.inputs] == [0, 1]


def test_python_function_composes_with_builtin_ops():
    x = leaf([[0.5, -1.0], [2.0, 0.1]])
    report = xgrad.gradcheck(lambda t: (Cube.apply(t.tanh()) * 2).sum(0), [x])
    assert report.passed and len(report.inputs) == 1
    # d/dx 2 tanh(x)^3 = 6 tanh(x)^2 (1 - tanh(x)^2), summed over axis 0 with upstream ones
    (Cube.apply(x.tanh()) * 2).sum().backward()
    t = np.tanh(x.numpy())
    np.testing.assert_allclose(x.grad.numpy(), 6 * t ** 2 * (1 - t ** 2), rtol=1e-12)


def test_python_function_with_wrong_gradient_shape_is_reported():
    class Bad(xgrad.Function):
        @staticmethod
        def forward(ctx, x):
            return x * 2

        @staticmethod
        def backward(ctx, g):
            return np.ones(5)

    y = Bad.apply(leaf([1.0, 2.0])).sum()
    with pytest.raises(ValueError, match=r"Bad.backward.*shape \(5,\)"):
        y.backward()


def test_backward_frees_the_saved_tensors_even_while_the_graph_is_referenced():
    def live():
        return xgrad._core.allocator_stats()["live_bytes"]

    n = 1_000_000  # 8 MB per float64 tensor
    x = leaf(np.ones(n))
    start = live()
    y = (x.exp() * x.tanh()).sum()
    after_forward = live()
    assert after_forward - start >= 2 * 8 * n  # the outputs of exp and tanh, saved by mul
    y.backward()
    # y still references the graph, but its saved tensors are gone: only x.grad remains
    assert live() - start <= 8 * n * 1.125 + 4096  # the allocator rounds sizes up by at most 1/8


# ---------------------------------------------------------------- gradients entering the graph are checked

@pytest.mark.parametrize("replacement,pattern", [
    (lambda g: xgrad.ones(5), r"hook 0 on the output of 'mul'.*shape \(5,\), expected float32 of shape \(2,\)"),
    (lambda g: xgrad.ones(2, 2), r"shape \(2, 2\), expected float32 of shape \(2,\)"),
    (lambda g: xgrad.ones(2, dtype=xgrad.float64), r"float64 tensor .* expected float32"),
    (lambda g: xgrad.ones(1000), r"shape \(1000,\)"),  # larger than the gradient: no out-of-bounds write
], ids=["fewer-elements", "other-rank", "other-dtype", "more-elements"])
def test_hook_returning_another_shape_or_dtype_is_refused(replacement, pattern):
    x = leaf([1.0, 2.0], dtype=xgrad.float32)
    y = x * 3.0
    y.register_hook(replacement)
    with pytest.raises(ValueError, match=pattern):
        y.sum().backward()
    assert x.grad is None


def test_a_backward_returning_fewer_gradients_than_inputs_is_refused():
    x, w = leaf([1.0, 2.0]), leaf([3.0, 4.0])
    out = xgrad.tensor([3.0, 8.0])
    xgrad._core.attach_function(out, "two_inputs", [x, w], lambda g: [g])
    with pytest.raises(RuntimeError, match=r"backward of 'two_inputs' returned 1 gradients for its 2 inputs"):
        out.sum().backward()


def test_a_backward_returning_a_gradient_of_another_shape_is_refused():
    x = leaf([1.0, 2.0])
    out = xgrad.tensor([2.0, 4.0])
    xgrad._core.attach_function(out, "bad_shape", [x], lambda g: [xgrad.ones(3)])
    with pytest.raises(ValueError, match=r"'bad_shape' returned for its input 0 .* shape \(3,\), expected .*\(2,\)"):
        out.sum().backward()
    assert x.grad is None


@pytest.mark.parametrize("with_weight,with_bias", [(False, False), (True, False), (False, True), (True, True)])
def test_normalisation_backward_returns_one_gradient_per_input(with_weight, with_bias):
    """layer_norm and batch_norm without a weight or bias once returned gradients for inputs they did not
    have; the engine now refuses that, so each combination must backward cleanly."""
    rng = np.random.default_rng(0)
    x = xgrad.tensor(rng.standard_normal((4, 3)), requires_grad=True)
    w = xgrad.tensor(rng.standard_normal(3), requires_grad=True) if with_weight else None
    b = xgrad.tensor(rng.standard_normal(3), requires_grad=True) if with_bias else None
    F = xgrad.nn.functional
    for out in (F.layer_norm(x, (3,), w, b), F.batch_norm(x, None, None, w, b, training=True)):
        (out * out).sum().backward()
    assert x.grad is not None and tuple(x.grad.shape) == (4, 3)
    for p in (w, b):
        if p is not None:
            assert tuple(p.grad.shape) == (3,) and np.all(np.isfinite(p.grad.numpy()))


@pytest.mark.parametrize("grad,pattern", [
    (lambda: xgrad.ones(3, dtype=xgrad.float64), r"gradient of shape \(3,\) to a float64 tensor of shape \(2,\)"),
    (lambda: xgrad.ones(2, 1, dtype=xgrad.float64), r"shape \(2, 1\)"),
    (lambda: xgrad.ones(2, dtype=xgrad.float32), r"assigned a float32 gradient .* to a float64 tensor"),
], ids=["other-size", "other-rank", "other-dtype"])
def test_assigning_grad_of_another_shape_or_dtype_is_refused(grad, pattern):
    x = leaf([1.0, 2.0])
    with pytest.raises(ValueError, match=pattern):
        x.grad = grad()
    assert x.grad is None
    x.grad = xgrad.ones(2, dtype=xgrad.float64)  # the right shape and dtype is accepted
    np.testing.assert_array_equal(x.grad.numpy(), [1.0, 1.0])


# ---------------------------------------------------------------- in-place writes after a tensor was saved

MODIFIED = r"modified by an inplace operation: the float64 tensor of shape \(3,\) that '{op}' saved \({what}\) " \
           r"is at version {now}; expected version {then}"


def test_in_place_change_of_a_saved_input_is_refused_naming_the_op_and_versions():
    w = leaf([1.0, 2.0, 3.0])
    y = (w * w).sum()
    with xgrad.no_grad():
        w.add_(1.0)
    with pytest.raises(RuntimeError, match=MODIFIED.format(op="mul", what="input 0", now=1, then=0)):
        y.backward()


def test_optimizer_step_between_forward_and_backward_is_refused():
    w = leaf([1.0, 2.0, 3.0])
    optimizer = xgrad.optim.SGD([w], lr=0.1)
    first = (w * w).sum()
    first.backward(retain_graph=True)
    optimizer.step()  # w changes in place: the graph of `first` saved the old w
    with pytest.raises(RuntimeError, match=MODIFIED.format(op="mul", what="input 0", now=1, then=0)):
        first.backward()


def test_in_place_change_of_a_saved_output_is_refused():
    x = leaf([0.0, 1.0, 2.0])
    z = x.exp()  # exp saves its output
    with xgrad.no_grad():
        z.add_(1.0)
    with pytest.raises(RuntimeError, match=MODIFIED.format(op="exp", what="its output", now=1, then=0)):
        z.sum().backward()


@pytest.mark.parametrize("write", [
    lambda t: t.fill_(0.0), lambda t: t.mul_(2.0), lambda t: t.copy_(xgrad.zeros(3, dtype=xgrad.float64)),
    lambda t: t.__setitem__(1, 7.0), lambda t: t[0:2].fill_(0.0), lambda t: t.detach().add_(1.0),
], ids=["fill_", "mul_", "copy_", "setitem", "write-through-a-view", "write-through-detach"])
def test_every_kind_of_in_place_write_bumps_the_version_the_engine_checks(write):
    x = leaf([1.0, 2.0, 3.0])
    saved = x * 1.0
    y = (saved.tanh()).sum()  # tanh saves its output, not `saved`
    z = (saved * saved).sum()  # mul saves `saved`
    with xgrad.no_grad():
        write(saved)
    y.backward(retain_graph=True)  # tanh's saved output is untouched: no error
    with pytest.raises(RuntimeError, match="modified by an inplace operation.*'mul' saved"):
        z.backward()


def test_a_write_to_a_tensor_no_backward_saved_is_allowed_and_exact():
    a, b = leaf([1.0, 2.0, 3.0]), leaf([4.0, 5.0, 6.0])
    y = (a + b).sum()  # add saves neither operand: its gradient does not depend on them
    with xgrad.no_grad():
        a.mul_(10.0)
    y.backward()
    np.testing.assert_array_equal(a.grad.numpy(), [1.0, 1.0, 1.0])


def test_in_place_write_into_a_graph_tensor_in_grad_mode_is_refused():
    """xgrad records no in-place op in the graph: y[0] = 5 would leave backward differentiating the old
    values (x's gradient at 0 would stay 2 instead of 0), so it is refused outright."""
    x = leaf([1.0, 2.0, 3.0])
    y = x * 2.0
    for write in (lambda: y.__setitem__(0, 5.0), lambda: y.add_(1.0), lambda: y.fill_(0.0)):
        with pytest.raises(RuntimeError, match=r"(index assignment|add_|fill_): the tensor is the output of 'mul' in the "
                                               r"autograd graph.*does not differentiate in-place"):
            write()
    np.testing.assert_array_equal(y.detach().numpy(), [2.0, 4.0, 6.0])


# ---------------------------------------------------------------- threads

def test_two_threads_backward_into_one_leaf_lose_no_update():
    import threading
    w = leaf([1.0, 2.0, 3.0])
    start = threading.Barrier(2)

    def work():
        start.wait()
        for _ in range(100):
            (w * 1.0).sum().backward()

    threads = [threading.Thread(target=work) for _ in range(2)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    np.testing.assert_array_equal(w.grad.numpy(), [200.0, 200.0, 200.0])


@pytest.mark.parametrize("mode", ["grad", "anomaly"])
def test_grad_and_anomaly_modes_belong_to_the_thread_that_sets_them(mode):
    import threading
    entered, checked = threading.Event(), threading.Event()
    seen = {}

    def other():
        context = xgrad.no_grad() if mode == "grad" else xgrad.detect_anomaly()
        with context:
            entered.set()
            checked.wait(10)
            seen["inside"] = xgrad.is_grad_enabled() if mode == "grad" else xgrad._core.is_anomaly_enabled()

    t = threading.Thread(target=other)
    t.start()
    entered.wait(10)
    here = xgrad.is_grad_enabled() if mode == "grad" else xgrad._core.is_anomaly_enabled()
    y = leaf([1.0]) * 2.0
    checked.set()
    t.join()
    if mode == "grad":
        assert here is True and y.requires_grad and seen["inside"] is False
    else:
        assert here is False and seen["inside"] is True


def test_one_decorated_function_in_two_threads_restores_each_threads_mode():
    import threading
    gate = threading.Barrier(2)

    @xgrad.no_grad()
    def inside():
        gate.wait(10)  # both threads are inside at once
        return xgrad.is_grad_enabled()

    results = []
    threads = [threading.Thread(target=lambda: results.append((inside(), xgrad.is_grad_enabled()))) for _ in range(2)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert results == [(False, True), (False, True)]
