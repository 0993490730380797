"""Bad input raises a Python exception that names the op and the shapes or values; nothing crashes
the interpreter (each case runs in this process: a crash would kill the test run)."""
import numpy as np
import pytest

import xgrad


def t(*shape, dtype=xgrad.float32):
    return xgrad.ones(*shape, dtype=dtype)


@pytest.mark.parametrize("fn,exc,pattern", [
    (lambda: t(2, 3) + t(4, 3), ValueError, r"add: .*\(2, 3\) and \(4, 3\)"),
    (lambda: t(2, 3) * t(2), ValueError, r"mul: .*\(2, 3\) and \(2,\)"),
    (lambda: t(2, 3) @ t(4, 5), ValueError, r"matmul: shapes \(2, 3\) and \(4, 5\)"),
    (lambda: t(2, 2, 3) @ t(3, 3, 1), ValueError,
     r"matmul: batch dimensions of shapes \(2, 2, 3\) and \(3, 3, 1\) cannot be broadcast"),
    (lambda: t(3) @ t(4), ValueError, r"matmul: shapes \(3,\) and \(4,\) are not aligned"),
    # cross_entropy's target count and range errors are in test_layers.test_loss_bad_input
    (lambda: xgrad.nn.functional.cross_entropy(t(2, 3), np.array([0, -1])), ValueError,
     r"cross_entropy: target -1 at position 1 is out of range for 3 classes"),
    (lambda: xgrad.nn.functional.cross_entropy(t(6), np.array([0])), ValueError,
     r"cross_entropy: logits must be 2-D \(N, C\), got shape \(6,\)"),
    (lambda: xgrad.nn.functional.cross_entropy(t(2, 3), np.array(["a", "b"])), TypeError,
     r"cross_entropy: targets must be an integer array of class indices, got dtype <U1"),
    (lambda: xgrad.nn.Linear(3, 2)(t(4, 5)), ValueError, r"linear: input of shape \(4, 5\) .* weight of shape \(2, 3\)"),
    (lambda: t(2, 3).sum(2), IndexError, r"sum: axis 2 is out of bounds for a tensor of rank 2"),
    (lambda: t(2, 3).mean(-3), IndexError, r"mean: axis -3"),
    (lambda: t(2, 3).softmax(5), IndexError, r"softmax: axis 5"),
    (lambda: t(2, 3).transpose(0, 2), IndexError, r"transpose: axis 2"),
    (lambda: t(2, 3).reshape(4, 2), ValueError, r"reshape: cannot reshape a tensor of shape \(2, 3\)"),
    (lambda: t(2, 3).permute(0, 0), ValueError, r"permute: repeated axis"),
    (lambda: t(2, 3)[5], IndexError, r"index 5 is out of bounds for axis 0 with size 2"),
    (lambda: t(2, 3)[:, np.array([0, 3])], IndexError, r"index 3 is out of bounds for axis 1 with size 3"),
    (lambda: t(2, 3)[0, 0, 0], IndexError, r"too many indices for tensor of dimension 2 \(got 3\)"),
    (lambda: t(2, 3)["a"], IndexError, r"valid indices, got str"),
    (lambda: xgrad.cat([t(2, 3), t(3, 2)], 0), ValueError, r"concatenate: tensor 1 has shape \(3, 2\)"),
    (lambda: xgrad.stack([t(2), t(3)]), ValueError, r"stack: all tensors must have the same shape"),
    (lambda: xgrad.tensor(np.array(["x", "y"])), TypeError, r"tensor: .*dtype <U1"),
    (lambda: xgrad.tensor(np.array([object(), 1], dtype=object)), TypeError, r"tensor: .*dtype object"),
    (lambda: xgrad.tensor([[1.0, 2.0], [3.0]]), ValueError, r"tensor: cannot build"),
    (lambda: xgrad.tensor({"a": 1}), TypeError, r"tensor: .*dtype object"),
    (lambda: xgrad.zeros(2, "3"), TypeError, r"shape entries must be integers"),
    (lambda: xgrad.zeros(-1), ValueError, r"negative dimension"),
    (lambda: xgrad.tensor([1.0], dtype=np.int16), TypeError, r"xgrad tensors are float32, float64, int64, int32, uint8 or bool; got dtype int16"),
    (lambda: xgrad.tensor([1.5, float("nan")], dtype=xgrad.int64), ValueError, r"holds nan, which int64 cannot hold"),
    (lambda: xgrad.tensor([300], dtype=xgrad.uint8), ValueError, r"holds 300, which uint8 cannot hold"),
    (lambda: xgrad.tensor([1, 2]).exp(), TypeError, r"exp: expected a floating-point tensor \(float32 or float64\), got int64"),
    (lambda: xgrad.tensor([1, 2]).mean(), TypeError, r"mean: expected a floating-point tensor .* got int64"),
    (lambda: xgrad.tensor([1, 2]) @ xgrad.tensor([1, 2]), TypeError, r"matmul: expected a floating-point tensor"),
    (lambda: xgrad.tensor([1, 2], requires_grad=True), RuntimeError, r"only tensors of floating point dtype can require"),
    (lambda: xgrad.tensor([1.0]) & xgrad.tensor([1.0]), TypeError, r"bitwise_and: needs integer or bool tensors, got float32"),
    (lambda: xgrad.tensor([True]) - xgrad.tensor([True]), TypeError, r"sub: subtraction with a bool tensor is not supported"),
    (lambda: -xgrad.tensor([True]), TypeError, r"neg: negation of a bool tensor is not supported"),
    (lambda: xgrad.tensor([2]) ** -1, ValueError, r"pow: an integer tensor to the power -1"),
    (lambda: xgrad.ones(3, 4)[xgrad.tensor([1.0, 0.0])], IndexError, r"tensors used as indices must be int64, int32 or bool tensors, got float32"),
    (lambda: xgrad.ones(3, 4)[xgrad.tensor([True, False])], IndexError, r"boolean mask of shape \(2,\) does not match the indexed dimensions \(3,\)"),
    (lambda: xgrad.ones(3, 4).topk(5), IndexError, r"topk: k \(5\) must be in \[0, 4\]"),
    (lambda: xgrad.ones(3, 4).gather(1, xgrad.tensor([[4]])), IndexError, r"gather: index 4 is out of bounds for dim 1 with size 4"),
    (lambda: xgrad.ones(3, 4).gather(1, xgrad.tensor([[1.0]])), TypeError, r"gather: index must be an int64 tensor, got float32"),
    (lambda: xgrad.zeros(0).argmax(), IndexError, r"argmax: the tensor is empty \(shape \(0,\)\): there is no element to pick"),
    (lambda: xgrad.one_hot(xgrad.tensor([0, 3]), 3), ValueError, r"one_hot: labels must be in \[0, num_classes\)"),
    (lambda: xgrad.bincount(xgrad.tensor([-1])), ValueError, r"bincount: values must be non-negative, got -1"),
    (lambda: xgrad.ones(2).to("cuda"), ValueError, r"to: xgrad runs on the CPU only, got device 'cuda'"),
    (lambda: t(2) + "a", TypeError, r"unsupported operand type\(s\) for \+: .*Tensor' and 'str'"),
    (lambda: t(2, 2).backward(), RuntimeError, r"does not require grad"),
    # the optimizers' empty parameter lists and bad hyper-parameters are in test_optim_rules
    (lambda: t(3).clip(1.0, 0.0), ValueError, r"clip: min \(1\.0+\) must not exceed max \(0\.0+\)"),
    (lambda: xgrad.arange(0, 1, 0), ValueError, r"arange: step must be nonzero"),
    (lambda: t(0).max(), ValueError, r"max: zero-size reduction over shape \(0,\)"),
    (lambda: t(1).var(), ValueError, r"var: .*leaves no degrees of freedom \(shape \(1,\)\)"),
])
def test_bad_input_raises_a_named_error(fn, exc, pattern):
    with pytest.raises(exc, match=pattern):
        fn()


def test_errors_leave_the_engine_usable():
    x = xgrad.tensor([1.0, 2.0], requires_grad=True)
    with pytest.raises(ValueError):
        x + t(3)
    (x * 2).sum().backward()
    np.testing.assert_allclose(x.grad.numpy(), [2.0, 2.0])


def test_exception_inside_a_python_backward_propagates():
    class Boom(xgrad.Function):
        @staticmethod
        def forward(ctx, x):
            return x

        @staticmethod
        def backward(ctx, g):
            raise KeyError("boom")

    y = Boom.apply(xgrad.tensor([1.0], requires_grad=True)).sum()
    with pytest.raises(KeyError, match="boom"):
        y.backward()


LOSSES_WITH_CLASS_TARGETS = ["cross_entropy", "nll_loss", "multi_margin_loss", "focal_loss"]


@pytest.mark.parametrize("loss", LOSSES_WITH_CLASS_TARGETS)
@pytest.mark.parametrize("targets,exc,pattern", [
    (np.array([0.0, np.inf]), ValueError, r"target 1 is inf, not a class index"),
    (np.array([0.0, -np.inf]), ValueError, r"target 1 is -inf"),
    (np.array([np.nan, 1.0]), ValueError, r"target 0 is nan"),
    (np.array([0.0, 1e30]), ValueError, r"target 1e\+30 does not fit in int64"),
    (np.array([0, 2 ** 64 - 1], dtype=np.uint64), ValueError, r"target 18446744073709551615 does not fit in int64"),
    ([0, 2 ** 70], ValueError, r"target 1180591620717411303424 does not fit in int64"),
    (np.array([0.5, 1.0]), TypeError, r"targets must be class indices \(integers\), got 0.5"),
], ids=["inf", "-inf", "nan", "1e30", "uint64-max", "python-int-2^70", "fraction"])
def test_class_targets_that_are_not_int64_class_indices_are_refused(loss, targets, exc, pattern):
    with pytest.raises(exc, match=rf"{loss}: {pattern}"):
        getattr(xgrad.nn.functional, loss)(xgrad.zeros(2, 3), targets)


@pytest.mark.parametrize("result", [np.ones(2), [1.0, 1.0], 1.0], ids=["ndarray", "list", "float"])
def test_a_hook_returning_something_else_than_a_tensor_is_named(result):
    x = xgrad.tensor([1.0, 2.0], requires_grad=True)
    y = x * 2.0

    def scale_by_hand(g):
        return result

    y.register_hook(scale_by_hand)
    with pytest.raises(TypeError, match=rf"register_hook: hook .*scale_by_hand returned a {type(result).__name__}"):
        y.sum().backward()
    assert x.grad is None
    with pytest.raises(TypeError, match=r"register_hook: the hook must be callable"):
        y.register_hook(3)
