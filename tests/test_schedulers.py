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
