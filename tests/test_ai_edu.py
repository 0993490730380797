"""ai-edu chapter 15 reproduced from the course's own files ($XGRAD_DATA/ai-edu): 15.4's table of
iterations to loss 0.005, to the iteration."""
import numpy as np
import pytest

import xgrad
from xgrad.data.ai_edu import CourseShuffle
from xgrad.recipes import ai_edu


@pytest.fixture(scope="module")
def race():
    try:
        return ai_edu.optimizer_race()
    except xgrad.data.DatasetNotFoundError as err:
        pytest.skip(f"the ai-edu files are not here: {err}")


def test_15_4_iteration_counts_match_the_course(race):
    assert {name: r.iterations for name, r in race.items()} == {"SGD": 148, "Momentum": 128,
                                                                 "RMSProp": 130, "Adam": 107}
    for r in race.values():
        assert r.loss < 0.005 <= r.losses[-2]          # the first update below the target
        assert abs(r.w - 2) < 0.05 and abs(r.b - 3) < 0.05


def test_15_4_w_and_b_at_the_stop(race):
    # the course's NumPy code, transcribed (float64): same w, b to rounding
    expected = {"SGD": (1.9523125861283976, 3.026438354872394), "Momentum": (1.9629197034770736, 3.0128492612256528),
                "RMSProp": (1.9931131250571075, 3.011001845908136), "Adam": (2.0375648180029584, 2.9915758075498036)}
    for name, (w, b) in expected.items():
        np.testing.assert_allclose([race[name].w, race[name].b], [w, b], rtol=1e-10)


def test_course_shuffle_is_the_course_code():
    x, y = np.arange(10.0), np.arange(10.0) * 2
    ours = CourseShuffle(65)
    state = np.random.get_state()
    try:
        s = 65
        for _ in range(3):
            np.random.seed(s); xp = np.random.permutation(x)
            np.random.seed(s); yp = np.random.permutation(y)
            ox, oy = ours(x, y)
            assert np.array_equal(ox, xp) and np.array_equal(oy, yp)
            x, y = xp, yp
            s = np.random.randint(0, 100)
    finally:
        np.random.set_state(state)
    assert ours.seeds[0] == 65 and len(ours.seeds) == 3


def test_batchnorm_running_stats_as_ai_edu_keeps_them():
    """running_stats="ai-edu": start at 0, keep the biased variance + eps; eval adds eps again."""
    rng = np.random.default_rng(0)
    bn = xgrad.nn.BatchNorm1d(4, momentum=0.1, dtype=xgrad.float64, running_stats="ai-edu")
    assert np.all(bn.running_mean.numpy() == 0) and np.all(bn.running_var.numpy() == 0)
    mean, var = np.zeros(4), np.zeros(4)
    for _ in range(3):
        x = rng.normal(2.0, 3.0, size=(16, 4))
        y = bn(xgrad.tensor(x)).detach().numpy()
        np.testing.assert_allclose(y, (x - x.mean(0)) / np.sqrt(x.var(0) + 1e-5), rtol=1e-10)  # the batch's statistics
        mean = 0.9 * mean + 0.1 * x.mean(0)               # the course's momentum 0.9 on the old value
        var = 0.9 * var + 0.1 * (x.var(0) + 1e-5)
    np.testing.assert_allclose(bn.running_mean.numpy(), mean, rtol=1e-12)
    np.testing.assert_allclose(bn.running_var.numpy(), var, rtol=1e-12)
    bn.eval()
    x = rng.normal(size=(5, 4))
    np.testing.assert_allclose(bn(xgrad.tensor(x)).detach().numpy(), (x - mean) / np.sqrt(var + 1e-5), rtol=1e-10)
    bn.reset_running_stats()
    assert np.all(bn.running_var.numpy() == 0)
    with pytest.raises(ValueError, match="running_stats"):
        xgrad.nn.BatchNorm1d(4, running_stats="tf")


def test_grad_scale_gives_the_gradient_of_the_batch_sum():
    """A group's grad_scale multiplies its gradients before the update: with the batch size, the
    gradient of a mean loss becomes that of the sum (ai-edu's d_gamma, d_beta)."""
    rng = np.random.default_rng(1)
    x = rng.normal(size=(8, 3))
    w_sum = xgrad.tensor(np.ones(3), requires_grad=True)
    w_mean = xgrad.tensor(np.ones(3), requires_grad=True)
    other = xgrad.tensor(np.ones(3), requires_grad=True)
    opt = xgrad.optim.SGD([{"params": [w_mean], "grad_scale": lambda: len(x)}, {"params": [other]}], lr=0.01)
    ref = xgrad.optim.SGD([w_sum], lr=0.01)
    (xgrad.tensor(x) * w_mean).mean(dim=0).sum().add((xgrad.tensor(x) * other).mean(dim=0).sum()).backward()
    (xgrad.tensor(x) * w_sum).sum().backward()
    opt.step(), ref.step()
    np.testing.assert_allclose(w_mean.numpy(), w_sum.numpy(), rtol=1e-12)
    np.testing.assert_allclose(other.numpy(), 1 - 0.01 * x.mean(0), rtol=1e-12)   # the other group: unscaled
    with pytest.raises(TypeError, match="grad_scale"):
        bad = xgrad.optim.SGD([{"params": [other], "grad_scale": "8"}], lr=0.1)
        (other * 2).sum().backward()
        bad.step()
