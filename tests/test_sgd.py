"""SGD's update against PyTorch (the full optimizer suite is tested with the optim issue)."""
import numpy as np
import pytest

import xgrad
from conftest import TORCH_MISSING, torch


def quadratic_problem(lib, w0):
    A = np.diag([1.0, 10.0, 0.5])
    if lib == "xgrad":
        w = xgrad.tensor(w0.copy(), requires_grad=True)
        return w, lambda: ((xgrad.tensor(A) @ w) * w).sum()
    w = torch.tensor(w0.copy(), requires_grad=True)
    return w, lambda: ((torch.tensor(A) @ w) * w).sum()


@pytest.mark.skipif(torch is None, reason=TORCH_MISSING)
@pytest.mark.parametrize("options", [dict(), dict(momentum=0.9), dict(momentum=0.9, nesterov=True),
                                     dict(momentum=0.5, dampening=0.3, weight_decay=0.01)])
def test_sgd_matches_torch_for_100_steps(options):
    w0 = np.array([1.0, -2.0, 3.0])
    wx, fx = quadratic_problem("xgrad", w0)
    wt, ft = quadratic_problem("torch", w0)
    ox = xgrad.optim.SGD([wx], lr=0.02, **options)
    ot = torch.optim.SGD([wt], lr=0.02, **options)
    for _ in range(100):
        for opt, f in ((ox, fx), (ot, ft)):
            opt.zero_grad()
            f().backward()
            opt.step()
    np.testing.assert_allclose(wx.numpy(), wt.detach().numpy(), rtol=1e-10)


def test_vanilla_sgd_is_w_minus_lr_grad():
    w = xgrad.tensor([1.0, 2.0], dtype=xgrad.float64, requires_grad=True)
    opt = xgrad.optim.SGD([w], lr=0.1)
    (w * w).sum().backward()
    opt.step()
    np.testing.assert_allclose(w.numpy(), [1.0 - 0.1 * 2.0, 2.0 - 0.1 * 4.0])


def test_momentum_state_roundtrips_through_state_dict():
    def run(resume):
        w = xgrad.tensor([1.0, -1.0], dtype=xgrad.float64, requires_grad=True)
        opt = xgrad.optim.SGD([w], lr=0.1, momentum=0.9)
        for step in range(6):
            if resume and step == 3:
                saved, values = opt.state_dict(), w.numpy().copy()
                w = xgrad.tensor(values, requires_grad=True)
                opt = xgrad.optim.SGD([w], lr=0.5, momentum=0.0)
                opt.load_state_dict(saved)
            opt.zero_grad()
            (w * w * w).sum().backward()
            opt.step()
        return w.numpy()
    np.testing.assert_array_equal(run(False), run(True))
