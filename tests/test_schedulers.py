"""Learning-rate schedules: 100 steps match torch.optim.lr_scheduler to 1e-10 (every scheduler
PyTorch also has); the lectures' 1/t decay and cosine with warm-up against their formulas."""
import math

import numpy as np
import pytest

import xgrad
from conftest import TORCH_MISSING, torch

S = xgrad.optim.lr_scheduler
STEPS = 100


def optimizers():
    ours = xgrad.optim.SGD([{"params": [xgrad.zeros(2, requires_grad=True)]},
                            {"params": [xgrad.zeros(2, requires_grad=True)], "lr": 0.3}], lr=0.1, momentum=0.9)
    theirs = None
    if torch is not None:
        theirs = torch.optim.SGD([{"params": [torch.zeros(2, requires_grad=True)]},
                                  {"params": [torch.zeros(2, requires_grad=True)], "lr": 0.3}], lr=0.1, momentum=0.9)
    return ours, theirs


def metric(t):
    """A loss that improves, then stalls (so ReduceLROnPlateau acts)."""
    return 1.0 / (1 + t) if t < 30 else 1.0 / 31 + 1e-6 * math.sin(t)


CASES = [
    ("LambdaLR", lambda m, o: m.LambdaLR(o, lambda t: 0.95 ** t)),
    ("MultiplicativeLR", lambda m, o: m.MultiplicativeLR(o, lambda t: 0.97)),
    ("StepLR", lambda m, o: m.StepLR(o, step_size=7, gamma=0.5)),
    ("MultiStepLR", lambda m, o: m.MultiStepLR(o, milestones=[10, 30, 30, 80], gamma=0.3)),
    ("ConstantLR", lambda m, o: m.ConstantLR(o, factor=0.25, total_iters=12)),
    ("LinearLR", lambda m, o: m.LinearLR(o, start_factor=0.1, end_factor=0.9, total_iters=40)),
    ("ExponentialLR", lambda m, o: m.ExponentialLR(o, gamma=0.96)),
    ("PolynomialLR", lambda m, o: m.PolynomialLR(o, total_iters=60, power=2.0)),
    ("CosineAnnealingLR", lambda m, o: m.CosineAnnealingLR(o, T_max=30, eta_min=0.001)),
    ("SequentialLR", lambda m, o: m.SequentialLR(o, [m.LinearLR(o, start_factor=0.2, total_iters=10),
                                                     m.CosineAnnealingLR(o, T_max=50)], milestones=[10])),
    ("ReduceLROnPlateau", lambda m, o: m.ReduceLROnPlateau(o, factor=0.5, patience=3, cooldown=2, min_lr=0.01)),
    ("OneCycleLR", lambda m, o: m.OneCycleLR(o, max_lr=[1.0, 2.0], total_steps=STEPS)),
    ("OneCycleLR-three-phase-linear", lambda m, o: m.OneCycleLR(o, max_lr=0.5, epochs=10, steps_per_epoch=10,
                                                                pct_start=0.25, anneal_strategy="linear",
                                                                three_phase=True, div_factor=10)),
]


def drive(sched, opt, plateau):
    lrs = [list(sched.get_last_lr())]
    for t in range(STEPS):
        opt.step()
        if plateau:
            sched.step(metric(t))
        else:
            sched.step()
        lrs.append(list(sched.get_last_lr()))
        assert lrs[-1] == [g["lr"] for g in opt.param_groups]
    return np.array(lrs)


@pytest.mark.skipif(torch is None, reason=TORCH_MISSING)
@pytest.mark.parametrize("name,make", CASES, ids=[c[0] for c in CASES])
def test_matches_torch(name, make):
    ours, theirs = optimizers()
    a = drive(make(S, ours), ours, name == "ReduceLROnPlateau")
    b = drive(make(torch.optim.lr_scheduler, theirs), theirs, name == "ReduceLROnPlateau")
    assert len(np.unique(a[:, 0])) >= 2  # the schedule did change the rate
    np.testing.assert_allclose(a, b, rtol=1e-10, atol=0)


@pytest.mark.skipif(torch is None, reason=TORCH_MISSING)
@pytest.mark.parametrize("three_phase", [False, True])
def test_one_cycle_momentum_matches_torch(three_phase):
    """OneCycleLR also cycles SGD's momentum and Adam's beta1, inversely to the rate."""
    for ours_cls, theirs_cls in ((xgrad.optim.SGD, torch.optim.SGD), (xgrad.optim.Adam, torch.optim.Adam)):
        kwargs = dict(lr=0.1, momentum=0.9) if ours_cls is xgrad.optim.SGD else dict(lr=0.1)
        ours = ours_cls([xgrad.zeros(2, requires_grad=True)], **kwargs)
        theirs = theirs_cls([torch.zeros(2, requires_grad=True)], **kwargs)
        rows = []
        for mod, opt in ((S, ours), (torch.optim.lr_scheduler, theirs)):
            sched = mod.OneCycleLR(opt, max_lr=0.3, total_steps=50, three_phase=three_phase, base_momentum=0.8)
            key = "momentum" if "momentum" in opt.param_groups[0] else "betas"
            seen = []
            for _ in range(50):
                m = opt.param_groups[0][key]
                seen.append((opt.param_groups[0]["lr"], m if key == "momentum" else m[0]))
                opt.step()
                sched.step()
            rows.append(np.array(seen))
        np.testing.assert_allclose(rows[0], rows[1], rtol=1e-12)
        assert rows[0][:, 1].min() == pytest.approx(0.8) and rows[0][0, 1] == pytest.approx(0.95)
    # past the last step, as in PyTorch
    opt = xgrad.optim.SGD([xgrad.zeros(2, requires_grad=True)], lr=0.1, momentum=0.9)
    sched = S.OneCycleLR(opt, max_lr=0.3, total_steps=3)
    for _ in range(3):
        sched.step()
    with pytest.raises(ValueError, match="OneCycleLR"):
        sched.step()


def test_one_cycle_formula():
    rates = S.simulate(S.OneCycleLR, 0.0, 100, max_lr=1.0, total_steps=100, pct_start=0.3)
    assert rates[0] == pytest.approx(1.0 / 25) and rates.max() == pytest.approx(1.0)
    assert int(np.argmax(rates)) == 29                       # end of phase 1: 0.3 * 100 - 1
    t = np.arange(30)                                        # phase 1, the cosine from lr/25 to lr
    np.testing.assert_allclose(rates[:30], 1.0 + (0.04 - 1.0) / 2 * (np.cos(np.pi * t / 29) + 1), rtol=1e-12)
    assert rates[-1] == pytest.approx(1.0 / 25 / 1e4)
    with pytest.raises(ValueError, match="total_steps"):
        S.OneCycleLR(xgrad.optim.lr_scheduler.LearningRates(0.1), max_lr=1.0)
    with pytest.raises(ValueError, match="neither momentum nor betas"):
        S.OneCycleLR(xgrad.optim.Adagrad([xgrad.zeros(2, requires_grad=True)]), max_lr=1.0, total_steps=10)


@pytest.mark.skipif(torch is None, reason=TORCH_MISSING)
def test_two_chained_schedulers_match_torch():
    ours, theirs = optimizers()
    out = []
    for mod, opt in ((S, ours), (torch.optim.lr_scheduler, theirs)):
        s1, s2 = mod.ExponentialLR(opt, gamma=0.9), mod.StepLR(opt, step_size=5, gamma=0.5)
        rows = []
        for _ in range(40):
            opt.step()
            s1.step()
            s2.step()
            rows.append([g["lr"] for g in opt.param_groups])
        out.append(np.array(rows))
    np.testing.assert_allclose(out[0], out[1], rtol=1e-10, atol=0)


def test_inverse_time_decay_is_the_lecture_formula():
    opt, _ = optimizers()
    sched = S.InverseTimeLR(opt, decay=0.05)
    for t in range(1, 50):
        opt.step()
        sched.step()
        assert sched.get_last_lr() == pytest.approx([0.1 / (1 + 0.05 * t), 0.3 / (1 + 0.05 * t)], rel=1e-15)


def test_cosine_with_linear_warmup_formula():
    opt, _ = optimizers()
    w, T = 10, 40
    sched = S.CosineAnnealingLR(opt, T_max=T, eta_min=0.001, warmup_iters=w, warmup_start_factor=0.1)
    got = [sched.get_last_lr()[0]]
    for _ in range(w + T):
        opt.step()
        sched.step()
        got.append(sched.get_last_lr()[0])
    expected = [0.1 * (0.1 + 0.9 * t / w) if t < w else 0.001 + (0.1 - 0.001) * (1 + math.cos(math.pi * (t - w) / T)) / 2
                for t in range(w + T + 1)]
    np.testing.assert_allclose(got, expected, rtol=1e-14)
    assert got[w] == pytest.approx(0.1) and got[-1] == pytest.approx(0.001)


@pytest.mark.skipif(torch is None, reason=TORCH_MISSING)
def test_cosine_with_warmup_matches_torch_sequential():
    ours, theirs = optimizers()
    sched = S.CosineAnnealingLR(ours, T_max=50, warmup_iters=10, warmup_start_factor=0.2)
    ts = torch.optim.lr_scheduler
    ref = ts.SequentialLR(theirs, [ts.LinearLR(theirs, start_factor=0.2, total_iters=10),
                                   ts.CosineAnnealingLR(theirs, T_max=50)], milestones=[10])
    np.testing.assert_allclose(drive(sched, ours, False)[:61], drive(ref, theirs, False)[:61], rtol=1e-10, atol=1e-15)


@pytest.mark.parametrize("name,make", [c for c in CASES if c[0] not in ("LambdaLR", "MultiplicativeLR")],
                         ids=[c[0] for c in CASES if c[0] not in ("LambdaLR", "MultiplicativeLR")])
def test_state_dict_resumes(name, make):
    plateau = name == "ReduceLROnPlateau"
    opt, _ = optimizers()
    sched = make(S, opt)
    full = drive(sched, opt, plateau)
    opt2, _ = optimizers()
    sched2 = make(S, opt2)
    for t in range(40):
        opt2.step()
        sched2.step(metric(t)) if plateau else sched2.step()
    saved_sched, saved_opt = sched2.state_dict(), opt2.state_dict()
    opt3, _ = optimizers()
    sched3 = make(S, opt3)
    opt3.load_state_dict(saved_opt)
    sched3.load_state_dict(saved_sched)
    rows = []
    for t in range(40, STEPS):
        opt3.step()
        sched3.step(metric(t)) if plateau else sched3.step()
        rows.append(sched3.get_last_lr())
    np.testing.assert_array_equal(np.array(rows), full[41:])


def test_bad_arguments():
    opt, _ = optimizers()
    with pytest.raises(ValueError, match="StepLR.*0"):
        S.StepLR(opt, step_size=0)
    with pytest.raises(ValueError, match="LinearLR.*start_factor"):
        S.LinearLR(opt, start_factor=0.0)
    with pytest.raises(ValueError, match="ReduceLROnPlateau.*factor"):
        S.ReduceLROnPlateau(opt, factor=1.5)
    with pytest.raises(TypeError):
        S.StepLR(object(), step_size=3)


# ---------------------------------------------------------------- rates without an optimizer

SIM_STEPS = 60

# several parameter sets per scheduler; each factory takes what the scheduler acts on (an optimizer
# or a LearningRates)
SIMULATED = [
    ("OneCycleLR", lambda o: S.OneCycleLR(o, max_lr=1.0, total_steps=SIM_STEPS)),
    ("LambdaLR", lambda o: S.LambdaLR(o, lambda t: 0.95 ** t)),
    ("LambdaLR-per-group", lambda o: S.LambdaLR(o, [lambda t: 1 / (1 + t), lambda t: 0.5 ** (t // 7)])),
    ("MultiplicativeLR", lambda o: S.MultiplicativeLR(o, lambda t: 0.97)),
    ("MultiplicativeLR-varying", lambda o: S.MultiplicativeLR(o, lambda t: 1.0 if t % 5 else 0.6)),
    ("StepLR", lambda o: S.StepLR(o, step_size=7, gamma=0.5)),
    ("StepLR-3", lambda o: S.StepLR(o, step_size=3, gamma=0.9)),
    ("MultiStepLR", lambda o: S.MultiStepLR(o, milestones=[10, 30, 30, 80], gamma=0.3)),
    ("MultiStepLR-early", lambda o: S.MultiStepLR(o, milestones=[1, 2, 40], gamma=0.7)),
    ("ConstantLR", lambda o: S.ConstantLR(o, factor=0.25, total_iters=12)),
    ("ConstantLR-3", lambda o: S.ConstantLR(o, factor=0.5, total_iters=3)),
    ("LinearLR", lambda o: S.LinearLR(o, start_factor=0.1, end_factor=0.9, total_iters=40)),
    ("LinearLR-decay", lambda o: S.LinearLR(o, start_factor=1.0, end_factor=0.05, total_iters=25)),
    ("ExponentialLR", lambda o: S.ExponentialLR(o, gamma=0.96)),
    ("ExponentialLR-0.8", lambda o: S.ExponentialLR(o, gamma=0.8)),
    ("InverseTimeLR", lambda o: S.InverseTimeLR(o, decay=0.05)),
    ("InverseTimeLR-1", lambda o: S.InverseTimeLR(o, decay=1.0)),
    ("PolynomialLR", lambda o: S.PolynomialLR(o, total_iters=60, power=2.0)),
    ("PolynomialLR-sqrt", lambda o: S.PolynomialLR(o, total_iters=20, power=0.5)),
    ("CosineAnnealingLR", lambda o: S.CosineAnnealingLR(o, T_max=30, eta_min=0.001)),
    ("CosineAnnealingLR-restarts", lambda o: S.CosineAnnealingLR(o, T_max=8)),  # past T_max it rises again
    ("CosineAnnealingLR-warmup", lambda o: S.CosineAnnealingLR(o, T_max=40, warmup_iters=10, warmup_start_factor=0.1)),
    ("SequentialLR", lambda o: S.SequentialLR(o, [S.LinearLR(o, start_factor=0.2, total_iters=10),
                                                  S.CosineAnnealingLR(o, T_max=50)], milestones=[10])),
    ("SequentialLR-3", lambda o: S.SequentialLR(o, [S.ConstantLR(o, factor=0.1, total_iters=5),
                                                    S.ExponentialLR(o, gamma=0.9),
                                                    S.StepLR(o, step_size=4, gamma=0.5)], milestones=[5, 20])),
    ("chained", lambda o: [S.ExponentialLR(o, gamma=0.9), S.StepLR(o, step_size=5, gamma=0.5)]),
    ("ReduceLROnPlateau", lambda o: S.ReduceLROnPlateau(o, factor=0.5, patience=3, cooldown=2, min_lr=0.01)),
    ("ReduceLROnPlateau-max-abs", lambda o: S.ReduceLROnPlateau(o, mode="max", factor=0.3, patience=1,
                                                                threshold=0.01, threshold_mode="abs")),
    ("chained-with-plateau", lambda o: [S.StepLR(o, step_size=10, gamma=0.5),
                                        S.ReduceLROnPlateau(o, factor=0.5, patience=4)]),
]


def _metrics(case):
    values = [metric(t) for t in range(SIM_STEPS)]
    return [-v for v in values] if "max" in case else values  # mode="max" watches a rising value


def _optimizer_driven(make, metrics):
    """The rates of every group, read off an optimizer's param_groups, stepping as a training run does."""
    opt, _ = optimizers()
    built = make(opt)
    schedulers = built if isinstance(built, list) else [built]
    rows = []
    for t in range(SIM_STEPS):
        rows.append([g["lr"] for g in opt.param_groups])
        opt.step()
        for s in schedulers:
            s.step(metrics[t]) if isinstance(s, S.ReduceLROnPlateau) else s.step()
    return np.array(rows)


@pytest.mark.parametrize("case,make", SIMULATED, ids=[c[0] for c in SIMULATED])
def test_simulate_equals_the_optimizer_driven_rates(case, make):
    metrics = _metrics(case)
    want = _optimizer_driven(make, metrics)
    got = S.simulate(make, [0.1, 0.3], SIM_STEPS, metrics=metrics)
    assert got.shape == (SIM_STEPS, 2) and got.dtype == np.float64
    np.testing.assert_array_equal(got, want)  # the same step() code: bit for bit, not approximately
    assert len(np.unique(got[:, 0])) >= 2  # the schedule did change the rate
    if case.endswith("per-group"):
        return
    one = S.simulate(make, 0.3, SIM_STEPS, metrics=metrics)
    assert one.shape == (SIM_STEPS,)
    np.testing.assert_array_equal(one, want[:, 1])


def test_every_scheduler_class_is_simulated():
    classes = {name for name in S.__all__ if isinstance(getattr(S, name), type)
               and issubclass(getattr(S, name), S.LRScheduler) and name != "LRScheduler"}
    covered = {c[0].split("-")[0] for c in SIMULATED}
    assert classes <= covered, f"no simulate test for {sorted(classes - covered)}"


def test_simulate_with_a_class_and_keyword_arguments():
    np.testing.assert_array_equal(S.simulate(S.StepLR, 0.1, 50, step_size=7, gamma=0.5),
                                  S.simulate(lambda r: S.StepLR(r, step_size=7, gamma=0.5), 0.1, 50))
    e = np.arange(50)
    np.testing.assert_allclose(S.simulate(S.StepLR, 0.1, 50, step_size=7, gamma=0.5), 0.1 * 0.5 ** (e // 7),
                               rtol=1e-12)
    np.testing.assert_allclose(S.simulate(S.InverseTimeLR, 0.2, 50, decay=0.1), 0.2 / (1 + 0.1 * e), rtol=1e-15)


def test_simulate_plateau_without_metrics_is_a_constant_metric():
    # documented: a plateau from the first step; the rate is cut after every patience + 1 bad steps
    rates = S.simulate(S.ReduceLROnPlateau, 0.1, 30, factor=0.5, patience=3)
    opt, _ = optimizers()
    sched = S.ReduceLROnPlateau(opt, factor=0.5, patience=3)
    want = []
    for _ in range(30):
        want.append(opt.param_groups[0]["lr"])
        sched.step(123.0)
    np.testing.assert_array_equal(rates, want)
    cuts = np.flatnonzero(np.diff(rates) < 0) + 1
    assert cuts.tolist() == [5, 9, 13, 17, 21, 25, 29]


def test_simulate_builds_no_optimizer(monkeypatch):
    def refuse(*args, **kwargs):
        raise AssertionError("simulate built an optimizer")

    monkeypatch.setattr(xgrad.optim.Optimizer, "__init__", refuse)
    for _, make in SIMULATED:
        S.simulate(make, [0.1, 0.3], 5)


def test_learning_rates_holds_only_rates():
    rates = S.LearningRates([0.1, 0.3])
    sched = S.StepLR(rates, step_size=2, gamma=0.5)
    sched.step()
    sched.step()
    assert rates.lr == sched.get_last_lr() == [0.05, 0.15]
    assert [sorted(g) for g in rates.param_groups] == [["initial_lr", "lr"]] * 2
    for bad in ([], [-0.1], float("nan"), "0.1", True):
        with pytest.raises(ValueError, match="LearningRates"):
            S.LearningRates(bad)


def test_simulate_bad_arguments():
    opt, _ = optimizers()
    with pytest.raises(TypeError, match="factory"):
        S.simulate(S.StepLR(opt, step_size=3), 0.1, 10)
    with pytest.raises(TypeError, match="keyword arguments"):
        S.simulate(lambda r: S.StepLR(r, 3), 0.1, 10, gamma=0.5)
    with pytest.raises(TypeError, match="not an xgrad.optim.lr_scheduler scheduler class"):
        S.simulate(dict, 0.1, 10)
    with pytest.raises(TypeError, match="returned int"):
        S.simulate(lambda r: 3, 0.1, 10)
    with pytest.raises(ValueError, match="another optimizer"):
        S.simulate(lambda r: S.StepLR(opt, 3), 0.1, 10)
    with pytest.raises(ValueError, match="steps=0"):
        S.simulate(S.StepLR, 0.1, 0, step_size=3)
    with pytest.raises(ValueError, match="metrics has 3 values, 9 are needed"):
        S.simulate(S.ReduceLROnPlateau, 0.1, 10, metrics=[1.0, 1.0, 1.0])
    with pytest.raises(TypeError, match="LearningRates"):
        S.StepLR([{"lr": 0.1}], step_size=3)
