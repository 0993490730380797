"""xgrad.sanity: the initial-loss check against ln C and a NumPy softmax loss, and the
overfit-a-tiny-subset check."""
import math

import numpy as np
import pytest

import xgrad
from xgrad import nn
from xgrad.sanity import check_initial_loss, expected_initial_loss, overfit_small_subset
from xgrad.train import TerminateOnNaN, Trainer


def _numpy_ce(logits, y):
    z = logits.astype(np.float64)
    z = z - z.max(axis=1, keepdims=True)
    logp = z - np.log(np.exp(z).sum(axis=1, keepdims=True))
    return -logp[np.arange(len(y)), y].mean()


def _small_init(model, std=1e-3):
    for name, p in model.named_parameters():
        if name.endswith("weight"):
            nn.init.normal_(p, 0.0, std)
        else:
            nn.init.constant_(p, 0.0)
    return model


def test_initial_loss_is_ln_c_for_small_weights(rng):
    model = _small_init(nn.Sequential(nn.Linear(20, 30), nn.ReLU(), nn.Linear(30, 10)))
    x = rng.standard_normal((100, 20)).astype(np.float32)
    y = rng.integers(0, 10, 100)
    res = check_initial_loss(model, x, y)
    assert res.ok, str(res)
    assert res.num_classes == 10
    assert res.expected == pytest.approx(math.log(10)) and res.ln_c == pytest.approx(math.log(10))
    with xgrad.no_grad():
        logits = model(xgrad.tensor(x)).numpy()
    assert res.data_loss == pytest.approx(_numpy_ce(logits, y), rel=1e-5)
    assert res.loss == res.data_loss and res.penalty == 0
    assert "chance level" in res.verdict and "ln C" in str(res)


def test_initial_loss_too_large_weights(rng):
    model = _small_init(nn.Sequential(nn.Linear(20, 30), nn.ReLU(), nn.Linear(30, 10)), std=3.0)
    x = rng.standard_normal((100, 20)).astype(np.float32)
    y = rng.integers(0, 10, 100)
    res = check_initial_loss(model, x, y)
    assert not res.ok
    assert res.data_loss > 1.1 * math.log(10)
    assert "too large" in res.verdict


def test_initial_loss_with_l2_penalty_rises_by_the_penalty(rng):
    model = _small_init(nn.Sequential(nn.Linear(8, 16), nn.Tanh(), nn.Linear(16, 5)), std=0.5)
    x = rng.standard_normal((50, 8)).astype(np.float32)
    y = rng.integers(0, 5, 50)
    lam = 0.1
    res = check_initial_loss(model, x, y, penalty=lambda: nn.regularizers.l2_penalty(model, lam), tolerance=10)
    expected_penalty = 0.5 * lam * sum(float((p.numpy().astype(np.float64) ** 2).sum())
                                       for n, p in model.named_parameters() if n.endswith("weight"))
    assert res.penalty == pytest.approx(expected_penalty, rel=1e-5)
    assert res.loss == pytest.approx(res.data_loss + expected_penalty, rel=1e-6)
    assert "regularisation adds" in res.verdict
    res_const = check_initial_loss(model, x, y, penalty=0.25, tolerance=10)
    assert res_const.loss == pytest.approx(res_const.data_loss + 0.25)


def test_initial_loss_multimargin_and_num_classes(rng):
    model = _small_init(nn.Sequential(nn.Linear(6, 4)))
    x = rng.standard_normal((40, 6)).astype(np.float32)
    y = rng.integers(0, 4, 40)
    res = check_initial_loss(model, x, y, loss_fn=nn.MultiMarginLoss())
    # all scores ~0: each wrong class costs the margin 1, divided by C (PyTorch's normalisation)
    assert res.expected == pytest.approx(3 / 4)
    assert res.ok and res.data_loss == pytest.approx(0.75, abs=0.01)
    assert expected_initial_loss(10) == pytest.approx(math.log(10))
    assert expected_initial_loss(5, nn.MultiMarginLoss(p=2, margin=2.0)) == pytest.approx(4 * 4 / 5)
    with pytest.raises(TypeError, match="expected_initial_loss"):
        expected_initial_loss(3, nn.MSELoss())
    with pytest.raises(ValueError, match="num_classes=5"):
        check_initial_loss(model, x, y, num_classes=5)


def test_initial_loss_of_a_class_weighted_hinge(rng):
    # PyTorch's MultiMarginLoss multiplies example i's hinge by weight[y_i] and still divides by N
    model = _small_init(nn.Sequential(nn.Linear(6, 4)), std=1e-5)
    x = rng.standard_normal((40, 6)).astype(np.float32)
    y = rng.integers(0, 4, 40)
    w = np.array([1.0, 2.0, 3.0, 4.0], dtype=np.float32)
    loss_fn = nn.MultiMarginLoss(weight=xgrad.tensor(w))
    res = check_initial_loss(model, x, y, loss_fn=loss_fn)
    assert res.expected == pytest.approx(0.75 * w[y].mean())
    assert res.ok and res.data_loss == pytest.approx(res.expected, rel=1e-3)
    assert expected_initial_loss(4, loss_fn, y) == pytest.approx(0.75 * w[y].mean())
    with pytest.raises(ValueError, match="expected_initial_loss: MultiMarginLoss has a class weight.*target"):
        expected_initial_loss(4, loss_fn)
    # a class weight does not move cross-entropy's chance level: it is a weight-normalised mean
    res_ce = check_initial_loss(model, x, y, loss_fn=nn.CrossEntropyLoss(weight=xgrad.tensor(w)))
    assert res_ce.ok and res_ce.expected == pytest.approx(math.log(4))


def test_initial_loss_skips_labels_at_ignore_index(rng):
    model = _small_init(nn.Sequential(nn.Linear(6, 4)))
    x = rng.standard_normal((40, 6)).astype(np.float32)
    y = rng.integers(0, 4, 40)
    y[::3] = -100  # CrossEntropyLoss's default ignore_index
    res = check_initial_loss(model, x, y)
    with xgrad.no_grad():
        logits = model(xgrad.tensor(x)).numpy()
    kept = y != -100
    assert res.ok and res.data_loss == pytest.approx(_numpy_ce(logits[kept], y[kept]), rel=1e-5)
    with pytest.raises(ValueError, match=r"labels must lie in \[0, 3\], got range \[-1, 3\]"):
        check_initial_loss(model, x, np.where(kept, y, -1))
    with pytest.raises(ValueError, match="ignore_index=-100"):
        check_initial_loss(model, x, np.full(40, -100))


@pytest.mark.parametrize("reduction", ["sum", "none"])
def test_initial_loss_needs_a_mean_reduced_loss(rng, reduction):
    # a summed loss is N times ln C: it used to be reported as "initial scores too large"
    model = _small_init(nn.Sequential(nn.Linear(6, 4)))
    x = rng.standard_normal((40, 6)).astype(np.float32)
    y = rng.integers(0, 4, 40)
    for fn in (nn.CrossEntropyLoss(reduction=reduction), nn.MultiMarginLoss(reduction=reduction)):
        with pytest.raises(ValueError, match=rf"check_initial_loss: loss_fn must average.*reduction='{reduction}'"):
            check_initial_loss(model, x, y, loss_fn=fn)
        with pytest.raises(ValueError, match="expected_initial_loss: loss_fn must average"):
            expected_initial_loss(4, fn)


def test_initial_loss_restores_mode_and_rejects_bad_input(rng):
    model = nn.Sequential(nn.Linear(6, 4), nn.Dropout(0.5))
    x = rng.standard_normal((10, 6)).astype(np.float32)
    y = rng.integers(0, 4, 10)
    model.train()
    check_initial_loss(model, x, y)
    assert model.training
    model.eval()
    check_initial_loss(model, x, y)
    assert not model.training
    with pytest.raises(ValueError, match=r"check_initial_loss: y must be 1-D.*\(10\)"):
        check_initial_loss(model, x, y[:5])
    with pytest.raises(ValueError, match=r"labels must lie in \[0, 3\]"):
        check_initial_loss(model, x, y + 4)
    with pytest.raises(TypeError, match="integer class indices"):
        check_initial_loss(model, x, y + 0.5)
    with pytest.raises(ValueError, match="class scores of shape"):
        check_initial_loss(nn.Sequential(nn.Linear(6, 4), nn.Flatten(0)), x, y)
    with pytest.raises(ValueError, match="tolerance"):
        check_initial_loss(model, x, y, tolerance=0)


def test_initial_loss_of_an_empty_batch_raises_instead_of_a_nan_verdict(rng):
    model = nn.Sequential(nn.Linear(6, 4))
    x = rng.standard_normal((10, 6)).astype(np.float32)
    y = rng.integers(0, 4, 10)
    with pytest.raises(ValueError, match=r"check_initial_loss: x must hold at least one example.*\(0, 6\)"):
        check_initial_loss(model, x[:0], y[:0])
    with pytest.raises(ValueError, match=r"check_initial_loss: x must hold at least one example.*\(\)"):
        check_initial_loss(model, xgrad.tensor(1.0), y[:1])


def test_overfit_small_subset_memorises_twenty_examples(rng):
    model = nn.Sequential(nn.Linear(30, 50), nn.ReLU(), nn.Linear(50, 10))
    x = rng.standard_normal((20, 30)).astype(np.float32)
    y = rng.integers(0, 10, 20)  # random labels: only memorisation fits them
    res = overfit_small_subset(model, x, y, steps=300, lr=1e-2)
    assert res.passed, str(res)
    assert res.final_accuracy == 1.0
    with xgrad.no_grad():
        logits = model(xgrad.tensor(x)).numpy()
    assert np.mean(logits.argmax(1) == y) == 1.0
    assert res.final_loss == pytest.approx(_numpy_ce(logits, y), rel=1e-4)
    assert res.losses.shape == (300,) and res.accuracies.shape == (300,)
    assert res.losses[-1] < 0.1 * res.losses[0]
    assert res.steps_to_target is not None and res.accuracies[res.steps_to_target - 1] == 1.0
    assert np.all(res.accuracies[:res.steps_to_target - 1] < 1.0)
    assert model.training  # mode restored


def test_overfit_small_subset_with_lbfgs_gets_a_closure(rng):
    x = rng.standard_normal((20, 10)).astype(np.float64)
    y = rng.integers(0, 4, 20)
    model = nn.Sequential(nn.Linear(10, 32), nn.Tanh(), nn.Linear(32, 4)).to(xgrad.float64)
    with xgrad.no_grad():
        start = _numpy_ce(model(xgrad.tensor(x)).numpy(), y)
    res = overfit_small_subset(model, x, y, steps=15, optimizer=xgrad.optim.LBFGS(model.parameters()))
    assert res.passed, str(res)
    assert res.losses[0] == pytest.approx(start, rel=1e-9)  # recorded before the first step
    with xgrad.no_grad():
        logits = model(xgrad.tensor(x)).numpy()
    assert np.mean(logits.argmax(1) == y) == 1.0
    assert res.final_loss == pytest.approx(_numpy_ce(logits, y), rel=1e-9)


def test_overfit_small_subset_minibatches_repeat_with_the_seed(rng):
    x = rng.standard_normal((20, 10)).astype(np.float32)
    y = rng.integers(0, 3, 20)
    runs = []
    for _ in range(2):
        xgrad.manual_seed(3)
        model = nn.Sequential(nn.Linear(10, 32), nn.ReLU(), nn.Linear(32, 3))
        runs.append(overfit_small_subset(model, x, y, steps=60, lr=1e-2, batch_size=5).losses)
    np.testing.assert_array_equal(runs[0], runs[1])


def test_overfit_small_subset_minibatches_do_not_invent_steps_to_target(rng):
    # no minibatch step sees the whole subset: the step it was first memorised is unknown, not `steps`
    x = rng.standard_normal((20, 10)).astype(np.float32)
    y = rng.integers(0, 3, 20)
    xgrad.manual_seed(0)
    model = nn.Sequential(nn.Linear(10, 64), nn.ReLU(), nn.Linear(64, 3))
    res = overfit_small_subset(model, x, y, steps=300, lr=1e-2, batch_size=5)
    assert res.passed and res.final_accuracy == 1.0, str(res)
    assert res.steps_to_target is None and "first at step" not in res.verdict


def test_overfit_small_subset_failures(rng):
    x = rng.standard_normal((20, 10)).astype(np.float32)
    y = rng.integers(0, 5, 20)
    model = nn.Sequential(nn.Linear(10, 32), nn.ReLU(), nn.Linear(32, 5))
    res = overfit_small_subset(model, x, y, steps=20, optimizer=xgrad.optim.SGD(model.parameters(), lr=0.0))
    assert not res.passed
    assert "barely moved" in res.verdict
    np.testing.assert_allclose(res.losses, res.losses[0], rtol=1e-6)
    model = nn.Sequential(nn.Linear(10, 32), nn.ReLU(), nn.Linear(32, 5))
    wd = xgrad.optim.SGD(model.parameters(), lr=1e-4, weight_decay=0.5)
    res = overfit_small_subset(model, x, y, steps=5, optimizer=wd)
    assert not res.passed and any("weight_decay" in w for w in res.warnings)
    assert "weight_decay" in res.verdict
    dropped = nn.Sequential(nn.Linear(10, 5), nn.Dropout(0.3))
    assert any("Dropout" in w for w in overfit_small_subset(dropped, x, y, steps=2).warnings)
    with pytest.raises(ValueError, match="steps"):
        overfit_small_subset(model, x, y, steps=0)
    with pytest.raises(ValueError, match="batch_size"):
        overfit_small_subset(model, x, y, batch_size=50)
    with pytest.raises(TypeError, match="overfit_small_subset"):
        overfit_small_subset(lambda t: t, x, y)


def _subset(rng, n=20, d=10, classes=4):
    x = rng.standard_normal((n, d)).astype(np.float32)
    return x, rng.integers(0, classes, n)


def _net(d=10, classes=4):
    return nn.Sequential(nn.Linear(d, 32), nn.ReLU(), nn.Linear(32, classes))


def _wrapped_batches(x, y, order, bs, steps):
    """The minibatches overfit_small_subset documents: bs rows at a time cycling through order."""
    out = []
    for s in range(steps):
        idx = np.take(order, np.arange(s * bs, s * bs + bs), mode="wrap")
        out.append((xgrad.tensor(np.ascontiguousarray(x[idx])), y[idx]))
    return out


@pytest.mark.parametrize("batch_size", [None, 6])
def test_overfit_small_subset_equals_a_hand_written_trainer_run(rng, batch_size):
    x, y = _subset(rng)
    steps = 40
    xgrad.manual_seed(4)
    model = _net()
    res = overfit_small_subset(model, x, y, steps=steps, lr=1e-2, batch_size=batch_size)

    xgrad.manual_seed(4)
    ref = _net()
    opt = xgrad.optim.Adam(ref.parameters(), lr=1e-2)
    if batch_size is None:  # full batch: one step per epoch
        loader, epochs = [(xgrad.tensor(x), y)], steps
    else:
        loader, epochs = _wrapped_batches(x, y, xgrad.randperm(len(y)), batch_size, steps), 1
    h = Trainer(ref, nn.CrossEntropyLoss(), opt, callbacks=[TerminateOnNaN()], progress=False).fit(loader, epochs=epochs)
    np.testing.assert_array_equal(res.losses, h.loss)
    np.testing.assert_array_equal(res.accuracies, h.acc)
    for a, b in zip(model.parameters(), ref.parameters()):
        np.testing.assert_array_equal(a.numpy(), b.numpy())


@pytest.mark.parametrize("batch_size", [None, 6])
def test_overfit_small_subset_equals_a_plain_loop_before_each_update(rng, batch_size):
    # the numbers the check reported when it had its own loop: loss and accuracy before each update
    x, y = _subset(rng)
    steps = 30
    xgrad.manual_seed(5)
    model = _net()
    res = overfit_small_subset(model, x, y, steps=steps, optimizer=xgrad.optim.SGD(model.parameters(), lr=0.1,
                                                                                  momentum=0.9),
                               batch_size=batch_size)
    xgrad.manual_seed(5)
    ref = _net()
    opt = xgrad.optim.SGD(ref.parameters(), lr=0.1, momentum=0.9)
    order = np.arange(len(y)) if batch_size is None else xgrad.randperm(len(y))
    loss_fn = nn.CrossEntropyLoss()
    losses, accs = [], []
    for xb, yb in _wrapped_batches(x, y, order, batch_size or len(y), steps):
        out = ref(xb)
        loss = loss_fn(out, yb)
        opt.zero_grad()
        loss.backward()
        opt.step()
        losses.append(loss.item())
        accs.append(np.mean(out.numpy().argmax(1) == yb))
    np.testing.assert_array_equal(res.losses, losses)
    np.testing.assert_array_equal(res.accuracies, accs)


def test_overfit_small_subset_runs_through_the_trainer(rng, monkeypatch):
    x, y = _subset(rng)
    calls = []
    original = Trainer.fit

    def spy(self, *args, **kwargs):
        calls.append(kwargs)
        return original(self, *args, **kwargs)

    monkeypatch.setattr(Trainer, "fit", spy)
    res = overfit_small_subset(_net(), x, y, steps=7, batch_size=5)
    assert calls == [{"epochs": 1, "max_steps": 7}] and len(res.losses) == 7


@pytest.mark.parametrize("batch_size", [None, 6])
def test_overfit_small_subset_stops_where_the_loss_diverges(rng, batch_size):
    x, y = _subset(rng)
    xgrad.manual_seed(0)
    model = _net()
    with np.errstate(all="ignore"):
        res = overfit_small_subset(model, x * 100, y, steps=40, batch_size=batch_size,
                                   optimizer=xgrad.optim.SGD(model.parameters(), lr=1e6, momentum=0.9))
    assert not res.passed and "NaN/Inf" in res.verdict and res.steps_to_target is None
    assert 1 <= len(res.losses) < 40 and not np.isfinite(res.losses[-1]) and np.all(np.isfinite(res.losses[:-1]))
    assert len(res.accuracies) == len(res.losses)
