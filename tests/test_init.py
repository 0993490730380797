"""Initialisers: sample mean and variance match the formula within a tolerance derived from the
sample size; manual_seed repeats them exactly; fans for Linear and Conv weights."""
import math

import numpy as np
import pytest

import xgrad
from xgrad.nn import init

Z = 5.0  # tolerance in standard errors (a false failure has probability ~1e-6)


def check_moments(values, mean, var, kurtosis_excess):
    """|sample mean - mean| <= Z * sqrt(var / n); |sample var - var| <= Z * sqrt(var^2 (2 + k) / n)
    (the standard errors of the sample mean and variance; k is the excess kurtosis)."""
    x = np.asarray(values, dtype=np.float64).ravel()
    n = x.size
    assert abs(x.mean() - mean) <= Z * math.sqrt(var / n) + 1e-15
    assert abs(x.var() - var) <= Z * math.sqrt(var ** 2 * (2 + kurtosis_excess) / n)


NORMAL, UNIFORM = 0.0, -1.2  # excess kurtosis

# (name, fill, shape, mean, variance, excess kurtosis)
CASES = [
    ("normal_", lambda t: init.normal_(t, 0.5, 2.0), (400, 500), 0.5, 4.0, NORMAL),
    ("uniform_", lambda t: init.uniform_(t, -1.0, 3.0), (400, 500), 1.0, 16 / 12, UNIFORM),
    ("small_random_", init.small_random_, (400, 500), 0.0, 1e-4, NORMAL),
    ("calibrated_normal_", init.calibrated_normal_, (400, 500), 0.0, 1 / 500, NORMAL),
    ("xavier_normal_", lambda t: init.xavier_normal_(t, gain=2.0), (400, 500), 0.0, 4 * 2 / 900, NORMAL),
    ("xavier_uniform_", init.xavier_uniform_, (400, 500), 0.0, 6 / 900 / 3, UNIFORM),
    ("kaiming_normal_", lambda t: init.kaiming_normal_(t, nonlinearity="relu"), (400, 500), 0.0, 2 / 500, NORMAL),
    ("kaiming_normal_fan_out", lambda t: init.kaiming_normal_(t, mode="fan_out", nonlinearity="relu"),
     (400, 500), 0.0, 2 / 400, NORMAL),
    ("kaiming_uniform_", lambda t: init.kaiming_uniform_(t, a=0.1), (400, 500), 0.0, 2 / (1 + 0.01) / 500, UNIFORM),
    ("kaiming_normal_conv", lambda t: init.kaiming_normal_(t, nonlinearity="relu"), (64, 32, 3, 3), 0.0,
     2 / (32 * 9), NORMAL),
    ("xavier_uniform_conv", init.xavier_uniform_, (64, 32, 3, 3), 0.0, 2 / (32 * 9 + 64 * 9), UNIFORM),
]


@pytest.mark.parametrize("dtype", [xgrad.float32, xgrad.float64], ids=["float32", "float64"])
@pytest.mark.parametrize("fill,shape,mean,var,kurt", [pytest.param(*c[1:], id=c[0]) for c in CASES])
def test_moments(fill, shape, mean, var, kurt, dtype):
    t = xgrad.empty(*shape, dtype=dtype)
    assert fill(t) is t
    check_moments(t.numpy(), mean, var, kurt)


@pytest.mark.parametrize("fill,shape", [pytest.param(c[1], c[2], id=c[0]) for c in CASES])
def test_manual_seed_repeats(fill, shape):
    a, b = xgrad.empty(*shape), xgrad.empty(*shape)
    xgrad.manual_seed(42)
    fill(a)
    xgrad.manual_seed(42)
    fill(b)
    np.testing.assert_array_equal(a.numpy(), b.numpy())
    fill(b)
    assert not np.array_equal(a.numpy(), b.numpy())


def test_uniform_bounds():
    t = init.xavier_uniform_(xgrad.empty(300, 200))
    bound = math.sqrt(6 / 500)
    assert np.abs(t.numpy()).max() <= bound and np.abs(t.numpy()).max() > 0.99 * bound


def test_constants():
    t = xgrad.empty(3, 4)
    assert np.all(init.zeros_(t).numpy() == 0)
    assert np.all(init.ones_(t).numpy() == 1)
    assert np.all(init.constant_(t, 0.25).numpy() == 0.25)


def test_fans():
    assert init._calculate_fan_in_and_fan_out(xgrad.empty(10, 20)) == (20, 10)
    assert init._calculate_fan_in_and_fan_out(xgrad.empty(16, 3, 5, 5)) == (75, 400)
    with pytest.raises(ValueError, match="at least 2 dimensions"):
        init.kaiming_normal_(xgrad.empty(5))
    with pytest.raises(ValueError, match="fan_in"):
        init.kaiming_normal_(xgrad.empty(5, 4), mode="fan_middle")


def test_calculate_gain():
    assert init.calculate_gain("relu") == math.sqrt(2)
    assert init.calculate_gain("tanh") == 5 / 3
    assert init.calculate_gain("leaky_relu", 0.2) == math.sqrt(2 / 1.04)
    with pytest.raises(ValueError, match="calculate_gain: nonlinearity must be one of .*'relu'.*, got 'swishy'"):
        init.calculate_gain("swishy")


@pytest.mark.parametrize("shape", [(30, 50), (50, 30), (16, 3, 3, 3)])
def test_orthogonal(shape):
    t = init.orthogonal_(xgrad.empty(*shape, dtype=xgrad.float64), gain=2.0)
    w = t.numpy().reshape(shape[0], -1)
    gram = w @ w.T if w.shape[0] <= w.shape[1] else w.T @ w
    np.testing.assert_allclose(gram, 4 * np.eye(gram.shape[0]), atol=1e-12)
    xgrad.manual_seed(5)
    a = init.orthogonal_(xgrad.empty(*shape)).numpy()
    xgrad.manual_seed(5)
    np.testing.assert_array_equal(a, init.orthogonal_(xgrad.empty(*shape)).numpy())


def test_orthogonal_is_haar_distributed():
    # for a Haar-random orthogonal n x n matrix each entry has mean 0 and variance 1/n
    entries = np.concatenate([init.orthogonal_(xgrad.empty(20, 20, dtype=xgrad.float64)).numpy().ravel()
                              for _ in range(200)])
    assert abs(entries.mean()) <= Z * math.sqrt(1 / 20 / entries.size)
    assert abs(entries.var() - 1 / 20) <= 0.05 / 20


def test_sparse():
    t = init.sparse_(xgrad.empty(200, 300, dtype=xgrad.float64), sparsity=0.1, std=0.02)
    w = t.numpy()
    zeros_per_column = (w == 0).sum(axis=0)
    assert np.all(zeros_per_column == 20)
    nonzero = w[w != 0]
    check_moments(nonzero, 0.0, 0.02 ** 2, NORMAL)
    # different columns get different zero rows
    assert len({tuple(np.flatnonzero(w[:, j] == 0)) for j in range(10)}) == 10
    with pytest.raises(ValueError, match="2-D"):
        init.sparse_(xgrad.empty(3, 4, 5), 0.1)
