"""gradcheck and numerical_gradient catch what they are meant to catch."""
import numpy as np
import pytest

import xgrad


def leaf(a):
    return xgrad.tensor(np.asarray(a, dtype=np.float64), requires_grad=True)


class WrongSquare(xgrad.Function):
    """x^2 with a deliberately wrong backward (3x instead of 2x)."""

    @staticmethod
    def forward(ctx, x):
        ctx.save_for_backward(x)
        return x * x

    @staticmethod
    def backward(ctx, g):
        (x,) = ctx.saved_tensors
        return 3 * x * g


def test_gradcheck_fails_on_a_wrong_gradient_and_names_the_element():
    x = leaf([[0.5, -1.0], [2.0, 0.3]])
    with pytest.raises(xgrad.GradcheckError, match=r"input 0 \(shape \(2, 2\)\) at index \(1, 0\)"):
        xgrad.gradcheck(WrongSquare.apply, [x])
    report = xgrad.gradcheck(WrongSquare.apply, [x], raise_exception=False)
    assert not report.passed and not report
    worst = report.inputs[0]
    # analytic 3x vs numerical 2x at x = 2: relative error |6 - 4| / 6
    assert worst.analytic == pytest.approx(6.0 * _projection((2, 2))[1, 0])
    assert worst.rel_error == pytest.approx(1 / 3, rel=1e-6)


def _projection(shape):
    return np.random.default_rng(0).standard_normal(shape)


def test_gradcheck_reports_every_input_and_passes_correct_ops():
    a, b = leaf(np.random.default_rng(1).standard_normal((3, 4))), leaf(np.random.default_rng(2).standard_normal(4))
    report = xgrad.gradcheck(lambda a, b: (a * b).tanh(), [a, b])
    assert report.passed and [c.input_index for c in report.inputs] == [0, 1]
    assert report.max_rel_error < 1e-6
    assert "passed" in str(report)


def test_gradcheck_refuses_float32_and_inputs_without_grad():
    with pytest.raises(TypeError, match="float64"):
        xgrad.gradcheck(lambda x: x * 2, [xgrad.ones(3, requires_grad=True)])
    with pytest.raises(ValueError, match="requires grad"):
        xgrad.gradcheck(lambda x: x * 2, [xgrad.ones(3, dtype=xgrad.float64)])


def test_numerical_gradient_matches_a_known_derivative():
    x = np.array([0.3, -1.2, 2.0])
    g = xgrad.numerical_gradient(lambda v: np.sum(np.sin(v)), x)
    np.testing.assert_allclose(g, np.cos(x), rtol=1e-8)
    np.testing.assert_array_equal(x, [0.3, -1.2, 2.0])  # restored


def test_numerical_gradient_on_a_tensor_function():
    w = xgrad.tensor(np.array([[1.0, 2.0], [3.0, 4.0]]))
    g = xgrad.numerical_gradient(lambda t: (t * t).sum().item(), w)
    np.testing.assert_allclose(g, 2 * w.numpy(), rtol=1e-8)


def test_relative_error_is_the_lecture_formula_and_safe_at_zero():
    assert xgrad.relative_error(1.0, 1.1) == pytest.approx(0.1 / 1.1)
    assert xgrad.relative_error(0.0, 0.0) == 0.0
    assert xgrad.relative_error(-2.0, 2.0) == pytest.approx(2.0)
