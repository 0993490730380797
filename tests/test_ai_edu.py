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


def _course_1_3_1(setting, first_seed, epochs, check_every):
    """15.2/15.3's ch15 Level2/Level3 training, transcribed from the course's NumPy code (its
    forward, its hand-written backward, its update rules): the validation loss at every check."""
    from xgrad.data.ai_edu import load_ch09, load_ch09_init
    x, y, xt, yt = load_ch09()
    w1, w2 = (w.copy() for w in load_ch09_init(setting.init))
    params = [w1, np.zeros((1, 3)), w2, np.zeros((1, 1))]
    state = [np.zeros_like(p) for p in params]
    shuffle, order, checks, total = CourseShuffle(first_seed), np.arange(len(x)), [], 0
    for epoch in range(epochs):
        if epoch > 0:
            order = shuffle(order, order)[0]
        for it in range(len(x) // 10):
            xb, yb = x[order[it * 10:(it + 1) * 10]], y[order[it * 10:(it + 1) * 10]]
            a1 = 1 / (1 + np.exp(-(xb @ params[0] + params[1])))
            dz2 = (a1 @ params[2] + params[3]) - yb
            dz1 = (dz2 @ params[2].T) * a1 * (1 - a1)
            grads = [xb.T @ dz1 / 10, dz1.sum(0, keepdims=True) / 10, a1.T @ dz2 / 10, dz2.sum(0, keepdims=True) / 10]
            for p, v, g in zip(params, state, grads):
                if setting.optimizer == "SGD":
                    p -= setting.lr * g
                elif setting.optimizer == "Momentum":
                    v *= 0.9; v -= setting.lr * g; p += v
                elif setting.optimizer == "AdaGrad":
                    v += g * g; p -= setting.lr * g / (1e-6 + np.sqrt(v))
                else:  # RMSProp
                    v *= 0.9; v += 0.1 * g * g; p -= setting.lr * g / np.sqrt(v + 1e-6)
            total += 1
            if total % check_every == 0:
                z = (1 / (1 + np.exp(-(xt @ params[0] + params[1])))) @ params[2] + params[3]
                checks.append(np.sum((z - yt) ** 2) / (2 * len(xt)))
    return np.array(checks)


@pytest.fixture(scope="module")
def ch09():
    try:
        return xgrad.data.ai_edu.load_ch09()
    except xgrad.data.DatasetNotFoundError as err:
        pytest.skip(f"the ai-edu files are not here: {err}")


def test_15_2_3_runs_are_the_course_code_and_do_not_interact(ch09):
    """curve_fit_runs trains every (setting, seed) pair in one batched graph: each run equals the
    course's NumPy code for that setting and seed alone, for all four rules and both inits."""
    settings = [ai_edu.CurveFitSetting("SGD", 0.1, "level2"), ai_edu.CurveFitSetting("Momentum", 0.1, "level2"),
                ai_edu.CurveFitSetting("AdaGrad", 0.5, "level3"), ai_edu.CurveFitSetting("RMSProp", 0.01, "level3")]
    runs = ai_edu.curve_fit_runs(settings, [3, 41], max_epochs=4, check_every=50, target=0.0)
    assert [(r.setting, r.first_seed) for r in runs] == [(s, seed) for s in settings for seed in (3, 41)]
    for r in runs:
        expected = _course_1_3_1(r.setting, r.first_seed, epochs=4, check_every=50)
        assert r.stop_epoch is None and r.checks.shape == (8, 2)
        np.testing.assert_array_equal(r.checks[:, 0], np.arange(1, 9) * 50)
        np.testing.assert_allclose(r.checks[:, 1], expected, rtol=1e-10, err_msg=r.setting.label)
    # the seeds differ from epoch 1 on, the settings from the first update
    by = {(r.setting.label, r.first_seed): r.checks[:, 1] for r in runs}
    assert not np.allclose(by[("SGD lr 0.1", 3)][-1], by[("SGD lr 0.1", 41)][-1], rtol=1e-12)
    assert not np.allclose(by[("SGD lr 0.1", 3)][0], by[("Momentum lr 0.1", 3)][0], rtol=1e-6)


def test_15_2_3_a_run_stops_at_its_first_check_below_the_target(ch09):
    setting = ai_edu.CurveFitSetting("Momentum", 0.1, "level2")
    full = ai_edu.curve_fit_runs([setting], [0], max_epochs=6, check_every=100, target=0.0)[0].checks
    target = float(full[2, 1])                        # the 3rd check (after epoch 3) is the first at or below it
    assert np.all(full[:2, 1] > target)
    run = ai_edu.curve_fit_runs([setting], [0], max_epochs=6, check_every=100, target=target)[0]
    assert run.stop_epoch == 3 and len(run.checks) == 3
    with pytest.raises(ValueError, match="unknown optimizer 'Nesterov'"):
        ai_edu.curve_fit_runs([ai_edu.CurveFitSetting("Nesterov", 0.1, "level2")], [0], max_epochs=1)
    with pytest.raises(ValueError, match="level"):
        xgrad.data.ai_edu.load_ch09_init("level9")


def test_15_2_3_a_stopped_run_keeps_its_checks_up_to_its_stop(ch09):
    """Runs of one setting stop at different checks; each keeps the checks up to its own stop."""
    setting = ai_edu.CurveFitSetting("SGD", 0.3, "level2")
    free = ai_edu.curve_fit_runs([setting], [0, 1], max_epochs=5, check_every=50, target=0.0)
    target = float(np.median(np.concatenate([r.checks[:, 1] for r in free])))
    runs = ai_edu.curve_fit_runs([setting], [0, 1], max_epochs=5, check_every=50, target=target)
    for r, f in zip(runs, free):
        first = int(np.argmax(f.checks[:, 1] <= target)) if np.any(f.checks[:, 1] <= target) else None
        if first is None:
            assert r.stop_epoch is None and len(r.checks) == len(f.checks)
        else:
            assert r.stop_epoch == int(f.checks[first, 0]) // 100
            np.testing.assert_array_equal(r.checks, f.checks[:first + 1])
