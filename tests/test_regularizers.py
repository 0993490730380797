"""Penalties (differentiable, biases excluded by default), the max-norm constraint, and gradient
clipping (against torch.nn.utils where installed)."""
import numpy as np
import pytest

import xgrad
from conftest import TORCH_MISSING, torch
from xgrad.nn import regularizers as R


def model():
    xgrad.manual_seed(0)
    return xgrad.nn.Sequential(xgrad.nn.Linear(4, 5, dtype=xgrad.float64), xgrad.nn.ReLU(),
                               xgrad.nn.Linear(5, 3, dtype=xgrad.float64))


def weights(m):
    return [m[0].weight.numpy(), m[2].weight.numpy()]


@pytest.mark.parametrize("make,formula", [
    (lambda: R.L2(0.3), lambda ws: 0.3 * 0.5 * sum((w ** 2).sum() for w in ws)),
    (lambda: R.L1(0.2), lambda ws: 0.2 * sum(np.abs(w).sum() for w in ws)),
    (lambda: R.ElasticNet(0.2, 0.3), lambda ws: sum(0.2 * np.abs(w).sum() + 0.15 * (w ** 2).sum() for w in ws)),
], ids=["L2", "L1", "ElasticNet"])
def test_penalty_value_and_gradient(make, formula):
    m = model()
    penalty = make()(m)
    np.testing.assert_allclose(penalty.item(), formula(weights(m)), rtol=1e-12)
    penalty.backward()
    # the gradient w.r.t. each weight: numeric, and exactly zero for biases
    for lin in (m[0], m[2]):
        assert lin.bias.grad is None or np.all(lin.bias.grad.numpy() == 0)
    w = m[0].weight
    num = np.zeros(w.shape)
    base = w.numpy().copy()
    for idx in np.ndindex(*w.shape):
        for sgn in (1, -1):
            ws = [base.copy(), m[2].weight.numpy()]
            ws[0][idx] += sgn * 1e-6
            num[idx] += sgn * formula(ws) / 2e-6
    np.testing.assert_allclose(w.grad.numpy(), num, rtol=1e-5, atol=1e-8)


def test_include_bias_and_plain_lists():
    m = model()
    with_bias = R.l2_penalty(m, 1.0, include_bias=True).item()
    expected = sum(0.5 * (p.numpy() ** 2).sum() for p in m.parameters())
    np.testing.assert_allclose(with_bias, expected, rtol=1e-12)
    params = list(m.parameters())  # a plain list: 1-D tensors count as biases
    np.testing.assert_allclose(R.l2_penalty(params, 1.0).item(),
                               sum(0.5 * (w ** 2).sum() for w in weights(m)), rtol=1e-12)


def test_penalty_errors():
    with pytest.raises(ValueError, match="L2.*-1"):
        R.L2(-1.0)
    with pytest.raises(ValueError, match="no parameters"):
        R.l1_penalty([xgrad.zeros(3, requires_grad=True)])


def test_l2_penalty_equals_sgd_weight_decay():
    """SGD on loss + l2_penalty(lam) takes the same steps as SGD(weight_decay=lam) on the weights."""
    x = xgrad.tensor(np.random.default_rng(0).standard_normal((8, 4)))
    results = []
    for use_penalty in (True, False):
        m = model()
        for lin in (m[0], m[2]):
            lin.bias.requires_grad = False
        opt = xgrad.optim.SGD([m[0].weight, m[2].weight], lr=0.1, weight_decay=0.0 if use_penalty else 0.01)
        for _ in range(5):
            opt.zero_grad()
            loss = (m(x) ** 2).mean()
            if use_penalty:
                loss = loss + R.l2_penalty(m, 0.01)
            loss.backward()
            opt.step()
        results.append(weights(m))
    for a, b in zip(*results):
        np.testing.assert_allclose(a, b, rtol=1e-12, atol=1e-15)


def test_max_norm():
    m = model()
    with xgrad.no_grad():
        m[0].weight.mul_(10.0)
    before = m[0].weight.numpy().copy()
    bias_before = m[0].bias.numpy().copy()
    R.max_norm_(m, 1.5)
    after = m[0].weight.numpy()
    norms = np.linalg.norm(after, axis=1)
    assert np.all(norms <= 1.5 + 1e-9)
    big = np.linalg.norm(before, axis=1) > 1.5
    np.testing.assert_allclose(norms[big], 1.5, rtol=1e-6)
    np.testing.assert_array_equal(after[~big], before[~big])
    # each row keeps its direction; biases untouched
    np.testing.assert_allclose(after / norms[:, None], before / np.linalg.norm(before, axis=1)[:, None], rtol=1e-12)
    np.testing.assert_array_equal(m[0].bias.numpy(), bias_before)


def make_grads(seed=0):
    rng = np.random.default_rng(seed)
    arrays = [rng.standard_normal((4, 3)) * 3, rng.standard_normal(5)]
    ps = [xgrad.tensor(np.zeros(a.shape), requires_grad=True) for a in arrays]
    for p, a in zip(ps, arrays):
        p.grad = xgrad.tensor(a.copy())
    return ps, arrays


@pytest.mark.parametrize("norm_type", [2.0, 1.0, 3.0, float("inf")])
@pytest.mark.parametrize("max_norm", [0.5, 1e6])
def test_clip_grad_norm_formula(norm_type, max_norm):
    ps, arrays = make_grads()
    flat = np.concatenate([a.ravel() for a in arrays])
    total = np.abs(flat).max() if np.isinf(norm_type) else (np.abs(flat) ** norm_type).sum() ** (1 / norm_type)
    out = xgrad.nn.utils.clip_grad_norm_(ps, max_norm, norm_type)
    np.testing.assert_allclose(out.item(), total, rtol=1e-12)
    coef = min(1.0, max_norm / (total + 1e-6))
    for p, a in zip(ps, arrays):
        np.testing.assert_allclose(p.grad.numpy(), a * coef, rtol=1e-12)


@pytest.mark.skipif(torch is None, reason=TORCH_MISSING)
@pytest.mark.parametrize("norm_type", [2.0, 1.0, float("inf")])
def test_clip_grad_matches_torch(norm_type):
    ps, arrays = make_grads(1)
    ts = [torch.zeros(a.shape, dtype=torch.float64, requires_grad=True) for a in arrays]
    for t, a in zip(ts, arrays):
        t.grad = torch.tensor(a.copy())
    ours = xgrad.nn.utils.clip_grad_norm_(ps, 1.0, norm_type)
    theirs = torch.nn.utils.clip_grad_norm_(ts, 1.0, norm_type)
    np.testing.assert_allclose(ours.item(), theirs.item(), rtol=1e-12)
    for p, t in zip(ps, ts):
        np.testing.assert_allclose(p.grad.numpy(), t.grad.numpy(), rtol=1e-12)
    xgrad.nn.utils.clip_grad_value_(ps, 0.05)
    torch.nn.utils.clip_grad_value_(ts, 0.05)
    for p, t in zip(ps, ts):
        np.testing.assert_allclose(p.grad.numpy(), t.grad.numpy(), rtol=1e-12)


def test_clip_grad_value_and_errors():
    ps, arrays = make_grads()
    xgrad.nn.utils.clip_grad_value_(ps, 0.5)
    for p, a in zip(ps, arrays):
        np.testing.assert_array_equal(p.grad.numpy(), np.clip(a, -0.5, 0.5))
    with pytest.raises(ValueError, match="clip_value.*-1"):
        xgrad.nn.utils.clip_grad_value_(ps, -1.0)
    ps[0].grad = xgrad.tensor(np.array([[np.inf, 1.0]]).repeat(6, 0).reshape(4, 3))
    with pytest.raises(RuntimeError, match="inf"):
        xgrad.nn.utils.clip_grad_norm_(ps, 1.0, error_if_nonfinite=True)
