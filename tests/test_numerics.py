"""NaN, Inf and precision: the losses treat non-finite inputs as PyTorch does, forward and
backward; the normalisations and the softmax family stay exact at inputs offset far from 0 (a
spread of 0.1 around 1e3 or 1e6), against long-double references computed from the centred data."""
import numpy as np
import pytest

import xgrad
from conftest import TORCH_MISSING, torch

F = xgrad.nn.functional
NAN, INF = float("nan"), float("inf")
# Inputs and targets holding NaN, +Inf and -Inf among ordinary values (targets too, where allowed).
VALUES = np.array([[0.5, NAN, 2.0], [INF, -1.0, 0.3], [-INF, 0.2, 0.1], [1.0, 2.0, 3.0]])
TARGETS = np.array([[0.4, 0.1, 2.5], [1.0, INF, 0.3], [0.0, NAN, 0.1], [1.0, 2.5, -INF]])
PROBS = np.array([[0.0, 0.5, 1.0], [NAN, 0.3, 0.7], [0.2, 0.9, 1e-300], [1.0, 0.0, 0.5]])
LABELS = np.array([1, 0, 2, 1])


def _torch_pair(arrays):
    ours = [xgrad.tensor(a, requires_grad=True) for a in arrays]
    theirs = [torch.tensor(a, requires_grad=True) for a in arrays]
    return ours, theirs


def _agree(ours_out, theirs_out, ours, theirs):
    upstream = np.linspace(0.5, 1.5, int(np.prod(theirs_out.shape)) or 1).reshape(tuple(theirs_out.shape))
    np.testing.assert_array_equal(np.isnan(ours_out.numpy()), np.isnan(theirs_out.detach().numpy()))
    np.testing.assert_allclose(ours_out.numpy(), theirs_out.detach().numpy(), rtol=1e-12, atol=0, equal_nan=True)
    ours_out.backward(xgrad.tensor(upstream))
    theirs_out.backward(torch.tensor(upstream))
    for x, t in zip(ours, theirs):
        np.testing.assert_allclose(x.grad.numpy(), t.grad.numpy(), rtol=1e-12, atol=0, equal_nan=True)


POINTWISE = [
    ("l1_loss", {}), ("mse_loss", {}), ("smooth_l1_loss", {}), ("smooth_l1_loss", {"beta": 0.5}),
    ("smooth_l1_loss", {"beta": 3.0}),
]


@pytest.mark.skipif(torch is None, reason=TORCH_MISSING)
@pytest.mark.parametrize("reduction", ["none", "sum", "mean"])
@pytest.mark.parametrize("name,kwargs", POINTWISE, ids=[f"{n}{k}" for n, k in POINTWISE])
def test_regression_losses_treat_nan_and_inf_as_pytorch(name, kwargs, reduction):
    ours, theirs = _torch_pair([VALUES, TARGETS])
    _agree(getattr(F, name)(*ours, reduction=reduction, **kwargs),
           getattr(torch.nn.functional, name)(*theirs, reduction=reduction, **kwargs), ours, theirs)


@pytest.mark.skipif(torch is None, reason=TORCH_MISSING)
@pytest.mark.parametrize("reduction", ["none", "sum", "mean"])
def test_bce_with_logits_treats_infinite_and_nan_logits_as_pytorch(reduction):
    targets = np.array([[0.0, 1.0, 0.5]] * 4)
    ours, theirs = _torch_pair([VALUES, targets])
    _agree(F.binary_cross_entropy_with_logits(*ours, reduction=reduction),
           torch.nn.functional.binary_cross_entropy_with_logits(*theirs, reduction=reduction), ours, theirs)


@pytest.mark.skipif(torch is None, reason=TORCH_MISSING)
@pytest.mark.parametrize("p", [1, 2])
@pytest.mark.parametrize("reduction", ["none", "sum", "mean"])
def test_multi_margin_loss_treats_nan_and_inf_scores_as_pytorch(p, reduction):
    """A NaN margin is no violation in either pass (the backward tested h <= 0 where the forward
    tested h > 0, and sent gradient through the NaN row)."""
    ours, theirs = _torch_pair([VALUES])
    _agree(F.multi_margin_loss(ours[0], LABELS, p=p, reduction=reduction),
           torch.nn.functional.multi_margin_loss(theirs[0], torch.tensor(LABELS), p=p, reduction=reduction),
           ours, theirs)


@pytest.mark.skipif(torch is None, reason=TORCH_MISSING)
@pytest.mark.parametrize("logits", [
    np.array([[1.0, 2.0, INF], [0.0, -INF, 1.0], [3.0, 1.0, 2.0]]),
    np.array([[NAN, 0.0, 1.0], [1e308, 1e308, 0.0], [-1e308, 0.0, 1.0]]),
], ids=["infinite", "nan-and-huge"])
@pytest.mark.parametrize("name", ["cross_entropy", "log_softmax", "softmax"])
def test_softmax_family_treats_non_finite_logits_as_pytorch(logits, name):
    ours, theirs = _torch_pair([logits])
    if name == "cross_entropy":
        out_x = F.cross_entropy(ours[0], np.array([0, 2, 1]), reduction="none")
        out_t = torch.nn.functional.cross_entropy(theirs[0], torch.tensor([0, 2, 1]), reduction="none")
    else:
        out_x, out_t = getattr(ours[0], name)(1), getattr(theirs[0], name)(1)
    _agree(out_x, out_t, ours, theirs)


# ---------------------------------------------------------------- precision at large offsets

def _ld(a):
    return np.asarray(a, dtype=np.longdouble)


def reference_norm(x, axes, w=None, b=None, eps=1e-5):
    """(y, dx for upstream g, dw, db) of a normalisation over `axes`, in long double from the
    centred data, as the closed form dx = w/s (g - mean g - xhat mean(g xhat)) states it."""
    x = _ld(x)
    shift = x.reshape(-1)[0]
    centred = x - shift
    mu = centred.mean(axis=axes, keepdims=True)
    d = centred - mu
    inv = 1 / np.sqrt((d * d).mean(axis=axes, keepdims=True) + eps)
    xhat = d * inv
    return xhat, inv


CASES = [
    ("layer_norm", lambda x, w, b: F.layer_norm(x, (4,)), (-1,)),
    ("group_norm", lambda x, w, b: F.group_norm(x, 2, w, b), (2, 3)),
    ("batch_norm", lambda x, w, b: F.batch_norm(x, None, None, w, b, training=True), (0, 2, 3)),
    ("instance_norm", lambda x, w, b: F.instance_norm(x), (2, 3)),
]


@pytest.mark.parametrize("offset", [1e3, 1e6])
@pytest.mark.parametrize("name,fn,axes", CASES, ids=[c[0] for c in CASES])
def test_normalisations_are_exact_at_large_offsets(name, fn, axes, offset):
    rng = np.random.default_rng(0)
    x = rng.standard_normal((3, 4, 2, 4)) * 0.1 + offset
    w, b = rng.standard_normal(4) + 1.0, rng.standard_normal(4)
    g = rng.standard_normal(x.shape)
    xt = xgrad.tensor(x, requires_grad=True)
    wt, bt = xgrad.tensor(w, requires_grad=True), xgrad.tensor(b, requires_grad=True)
    out = fn(xt, wt, bt)
    out.backward(xgrad.tensor(g))

    if name == "group_norm":  # channels in 2 groups of 2: normalise over (group channels, H, W)
        xg = x.reshape(3, 2, 2 * 2 * 4)
        xhat, inv = reference_norm(xg, (2,))
        xhat, inv = xhat.reshape(x.shape), np.broadcast_to(inv, (3, 2, 16)).reshape(x.shape)
    else:
        xhat, inv = reference_norm(x, axes)
        inv = np.broadcast_to(inv, x.shape)
    affine = name in ("group_norm", "batch_norm")
    wb = _ld(w).reshape(1, 4, 1, 1) if affine else 1
    y = xhat * wb + (_ld(b).reshape(1, 4, 1, 1) if affine else 0)
    np.testing.assert_allclose(out.numpy(), y.astype(np.float64), rtol=0, atol=1e-9)

    gw = _ld(g) * wb
    red = (2,) if name == "group_norm" else axes
    if name == "group_norm":
        gw_r, xh_r = gw.reshape(3, 2, 16), xhat.reshape(3, 2, 16)
        dx = (gw_r - gw_r.mean(axis=2, keepdims=True) - xh_r * (gw_r * xh_r).mean(axis=2, keepdims=True))
        dx = dx.reshape(x.shape) * inv
    else:
        dx = (gw - gw.mean(axis=red, keepdims=True) - xhat * (gw * xhat).mean(axis=red, keepdims=True)) * inv
    scale = float(np.max(np.abs(dx)))
    np.testing.assert_allclose(xt.grad.numpy(), dx.astype(np.float64), rtol=0, atol=1e-9 * scale)


@pytest.mark.parametrize("offset", [1e3, 1e6])
def test_cross_entropy_and_softmax_are_exact_for_offset_logits(offset):
    rng = np.random.default_rng(1)
    logits = rng.standard_normal((5, 7)) * 0.1 + offset
    labels = rng.integers(0, 7, 5)
    shifted = _ld(logits) - _ld(logits).max(axis=1, keepdims=True)
    log_p = shifted - np.log(np.exp(shifted).sum(axis=1, keepdims=True))
    t = xgrad.tensor(logits, requires_grad=True)
    loss = F.cross_entropy(t, labels, reduction="sum")
    loss.backward()
    np.testing.assert_allclose(loss.item(), float(-log_p[np.arange(5), labels].sum()), rtol=1e-13)
    onehot = np.eye(7)[labels]
    np.testing.assert_allclose(t.grad.numpy(), (np.exp(log_p) - onehot).astype(np.float64), rtol=0, atol=1e-13)
    np.testing.assert_allclose(xgrad.tensor(logits).softmax(1).numpy(), np.exp(log_p).astype(np.float64),
                               rtol=1e-13)


@pytest.mark.parametrize("offset", [1e3, 1e6])
@pytest.mark.parametrize("name", ["l1_loss", "mse_loss", "smooth_l1_loss"])
def test_regression_losses_are_exact_for_offset_inputs(name, offset):
    rng = np.random.default_rng(2)
    x = rng.standard_normal(20) * 0.1 + offset
    y = x + rng.standard_normal(20) * 0.3
    d = _ld(x) - _ld(y)
    expected = {"l1_loss": np.abs(d), "mse_loss": d * d,
                "smooth_l1_loss": np.where(np.abs(d) < 1, 0.5 * d * d, np.abs(d) - 0.5)}[name]
    xt = xgrad.tensor(x, requires_grad=True)
    out = getattr(F, name)(xt, xgrad.tensor(y), reduction="none")
    np.testing.assert_allclose(out.numpy(), expected.astype(np.float64), rtol=1e-12, atol=1e-15)


@pytest.mark.parametrize("name,fn,axes", CASES, ids=[c[0] for c in CASES])
def test_normalisations_pass_a_float64_gradcheck_at_an_offset_of_1e3(name, fn, axes):
    """The issue's case: x * k + (b - mean * k) cancelled, and GroupNorm failed this check."""
    rng = np.random.default_rng(3)
    x = xgrad.tensor(rng.standard_normal((2, 4, 2, 4)) * 0.1 + 1e3, requires_grad=True)
    w = xgrad.tensor(rng.standard_normal(4), requires_grad=True)
    b = xgrad.tensor(rng.standard_normal(4), requires_grad=True)
    report = xgrad.gradcheck(fn, [x, w, b], eps=1e-6, atol=1e-7, rtol=1e-5)
    assert report.passed and len(report.inputs) == 3
