"""xgrad.train.Trainer / fit: the loop equals a hand-written one, metrics follow their formulas,
schedulers, callbacks, mixup's batch_transform, modes, errors."""
import math

import numpy as np
import pytest

import xgrad
from xgrad import nn
from xgrad.train import Callback, EarlyStopping, History, TerminateOnNaN, Trainer, fit


def make_data(n=96, d=6, classes=3, seed=0):
    rng = np.random.default_rng(seed)
    x = rng.standard_normal((n, d)).astype(np.float32)
    w = rng.standard_normal((d, classes))
    y = np.argmax(x @ w, axis=1).astype(np.int64)
    return x, y


def batches(x, y, size):
    return [(x[i:i + size], y[i:i + size]) for i in range(0, len(x), size)]


def mlp(d=6, classes=3, dropout=0.0):
    layers = [nn.Linear(d, 16), nn.ReLU()]
    if dropout:
        layers.append(nn.Dropout(dropout))
    return nn.Sequential(*layers, nn.Linear(16, classes))


def np_cross_entropy(logits, y):
    z = logits.astype(np.float64) - logits.max(1, keepdims=True)
    logp = z - np.log(np.exp(z).sum(1, keepdims=True))
    return -logp[np.arange(len(y)), y]


def test_fit_equals_a_hand_written_loop_bit_for_bit():
    x, y = make_data()
    loader = batches(x, y, 16)

    xgrad.manual_seed(5)
    model = mlp(dropout=0.3)
    opt = xgrad.optim.SGD(model.parameters(), lr=0.05, momentum=0.9)
    history = Trainer(model, nn.CrossEntropyLoss(), opt, progress=False).fit(loader, epochs=3)

    xgrad.manual_seed(5)
    ref = mlp(dropout=0.3)
    ref_opt = xgrad.optim.SGD(ref.parameters(), lr=0.05, momentum=0.9)
    loss_fn = nn.CrossEntropyLoss()
    losses = []
    for _ in range(3):
        ref.train()
        for xb, yb in loader:
            loss = loss_fn(ref(xgrad.tensor(xb)), yb)
            ref_opt.zero_grad()
            loss.backward()
            ref_opt.step()
            losses.append(loss.item())
    np.testing.assert_array_equal(history.loss, np.array(losses))
    for a, b in zip(model.parameters(), ref.parameters()):
        np.testing.assert_array_equal(a.numpy(), b.numpy())


def test_closure_optimizers_get_a_closure():
    x, y = make_data(n=48)
    xgrad.manual_seed(1)
    model = mlp()
    opt = xgrad.optim.LBFGS(model.parameters(), lr=1.0, max_iter=4)
    h = Trainer(model, nn.CrossEntropyLoss(), opt, progress=False).fit([(x, y)], epochs=3)

    xgrad.manual_seed(1)
    ref = mlp()
    ref_opt = xgrad.optim.LBFGS(ref.parameters(), lr=1.0, max_iter=4)
    loss_fn = nn.CrossEntropyLoss()

    def closure():
        ref_opt.zero_grad()
        loss = loss_fn(ref(xgrad.tensor(x)), y)
        loss.backward()
        return loss

    losses = []
    for _ in range(3):
        losses.append(closure().item())
        ref_opt.step(closure)
    np.testing.assert_array_equal(h.loss, losses)
    for a, b in zip(model.parameters(), ref.parameters()):
        np.testing.assert_array_equal(a.numpy(), b.numpy())
    assert h.loss[-1] < 0.5 * h.loss[0]


def test_history_metrics_follow_their_formulas():
    x, y = make_data(n=100)
    xv, yv = make_data(n=50, seed=1)
    loader = batches(x, y, 32)  # last batch has 4 rows: epoch means must weight by batch size
    model = mlp()
    trainer = Trainer(model, nn.CrossEntropyLoss(), xgrad.optim.SGD(model.parameters(), lr=0.1), progress=False)
    h = trainer.fit(loader, batches(xv, yv, 20), epochs=2)
    assert isinstance(h, History) and len(h) == 2
    assert h.loss.shape == (2 * len(loader),) and h.train_loss.shape == (2,)
    np.testing.assert_array_equal(h.epochs, [1, 2])
    sizes = np.array([len(b[1]) for b in loader], dtype=np.float64)
    per_epoch = h.loss.reshape(2, len(loader))
    np.testing.assert_allclose(h.train_loss, (per_epoch * sizes).sum(1) / sizes.sum(), rtol=1e-12)
    # validation metrics of the last epoch are those of the final weights, recomputed in NumPy
    logits = trainer.predict(xv)
    np.testing.assert_allclose(h.val_loss[-1], np_cross_entropy(logits, yv).mean(), rtol=1e-5)
    assert h.val_acc[-1] == pytest.approx(np.mean(logits.argmax(1) == yv))
    assert trainer.evaluate(batches(xv, yv, 7)) == pytest.approx((h.val_loss[-1], h.val_acc[-1]), rel=1e-5)
    assert np.all((h.train_acc >= 0) & (h.train_acc <= 1))


def test_train_accuracy_counts_hits_on_the_training_batches():
    x, y = make_data(n=64)
    model = mlp()
    seen = []

    class Spy(Callback):
        def on_before_step(self, trainer):
            # the weights used for this batch's forward pass are still in place
            seen.append(np.mean(trainer.predict(xb_current[0]).argmax(1) == xb_current[1]))

    loader = batches(x, y, 64)
    xb_current = loader[0]
    h = Trainer(model, nn.CrossEntropyLoss(), xgrad.optim.SGD(model.parameters(), lr=0.1),
                callbacks=[Spy()], progress=False).fit(loader, epochs=1)
    assert h.train_acc[0] == pytest.approx(seen[0])


def test_history_acc_is_each_batch_hit_rate_before_its_update():
    x, y = make_data(n=80)
    loader = batches(x, y, 24)  # the last batch has 8 rows
    model = mlp()
    before = []

    class Spy(Callback):
        def on_before_step(self, trainer):
            xb, yb = loader[(trainer.iteration) % len(loader)]
            before.append(np.mean(trainer.predict(xb).argmax(1) == yb))  # the weights this batch was scored with

    h = Trainer(model, nn.CrossEntropyLoss(), xgrad.optim.SGD(model.parameters(), lr=0.5), callbacks=[Spy()],
                progress=False).fit(loader, epochs=2)
    assert h.acc.shape == h.loss.shape == (2 * len(loader),)
    np.testing.assert_array_equal(h.acc, before)
    sizes = np.array([len(b[1]) for b in loader], dtype=np.float64)
    np.testing.assert_allclose(h.train_acc, (h.acc.reshape(2, -1) * sizes).sum(1) / sizes.sum(), rtol=1e-12)


def _hand_written_steps(seed, loader, steps, lr=0.05):
    """Plain SGD steps over ``loader`` (cycled): losses and weights to compare with the Trainer's."""
    xgrad.manual_seed(seed)
    model = mlp()
    opt = xgrad.optim.SGD(model.parameters(), lr=lr, momentum=0.9)
    loss_fn = nn.CrossEntropyLoss()
    losses = []
    while len(losses) < steps:
        for xb, yb in loader:
            loss = loss_fn(model(xgrad.tensor(xb)), yb)
            opt.zero_grad()
            loss.backward()
            opt.step()
            losses.append(loss.item())
            if len(losses) == steps:
                break
    return losses, model


def test_max_steps_ends_the_run_mid_epoch():
    x, y = make_data()
    loader = batches(x, y, 16)  # 6 batches per epoch
    xgrad.manual_seed(2)
    model = mlp()
    trainer = Trainer(model, nn.CrossEntropyLoss(), xgrad.optim.SGD(model.parameters(), lr=0.05, momentum=0.9),
                      progress=False)
    h = trainer.fit(loader, epochs=10, max_steps=8)
    assert trainer.iteration == 8 and trainer.epoch == 2 and len(h) == 2 and h.loss.shape == (8,)
    losses, ref = _hand_written_steps(2, loader, 8)
    np.testing.assert_array_equal(h.loss, losses)
    for a, b in zip(model.parameters(), ref.parameters()):
        np.testing.assert_array_equal(a.numpy(), b.numpy())
    sizes = np.array([len(b[1]) for b in loader[:2]], dtype=np.float64)
    assert h.train_loss[1] == pytest.approx((h.loss[6:] * sizes).sum() / sizes.sum(), rel=1e-12)  # the cut epoch
    with pytest.warns(UserWarning, match="8 steps are already taken and max_steps=8"):
        trainer.fit(loader, epochs=10, max_steps=8)
    trainer.fit(loader, epochs=10, max_steps=11)  # a total, like epochs: 3 more steps
    assert trainer.iteration == 11 and trainer.epoch == 3
    trainer.fit(loader, epochs=4, max_steps=100)  # epochs reached first
    assert trainer.iteration == 17 and trainer.epoch == 4
    with pytest.raises(ValueError, match="max_steps must be None or a positive integer, got 0"):
        trainer.fit(loader, epochs=10, max_steps=0)


def test_max_steps_with_an_endless_loader_takes_exactly_that_many_batches():
    x, y = make_data(n=16)
    pulled = []

    def endless():
        while True:
            pulled.append(1)
            yield x, y

    model = mlp()
    h = fit(model, endless(), loss_fn=nn.CrossEntropyLoss(), optimizer=xgrad.optim.SGD(model.parameters(), lr=0.1),
            epochs=1, max_steps=5, progress=False)
    assert len(h.loss) == 5 and len(pulled) == 5 and len(h) == 1


def test_terminate_on_nan_stops_after_the_diverging_batch():
    x, y = make_data()
    loader = batches(x * 1e3, y, 16)
    xgrad.manual_seed(0)
    model = mlp()
    stop = TerminateOnNaN()
    seen = []

    class Count(Callback):
        def on_epoch_end(self, trainer):
            seen.append(trainer.iteration)

    trainer = Trainer(model, nn.CrossEntropyLoss(), xgrad.optim.SGD(model.parameters(), lr=1e6, momentum=0.9),
                      callbacks=[stop, Count()], progress=False)
    with np.errstate(all="ignore"):
        h = trainer.fit(loader, epochs=5)
        bad = np.flatnonzero(~np.isfinite(h.loss))
        assert bad.size == 1 and bad[0] == len(h.loss) - 1  # the run ends with the first non-finite loss
        assert 1 <= stop.stopped_iteration == trainer.iteration == len(h.loss) < len(loader)  # mid-epoch
        assert seen == [trainer.iteration] and trainer.stop_training  # the cut epoch ended as epochs do
        with pytest.warns(UserWarning, match="stopped after epoch 1"):
            trainer.fit(loader, epochs=5)
    assert "stopped at step" in repr(stop)


def test_scheduler_is_stepped_once_per_epoch():
    x, y = make_data()
    model = mlp()
    opt = xgrad.optim.SGD(model.parameters(), lr=0.2)
    sched = xgrad.optim.lr_scheduler.StepLR(opt, step_size=2, gamma=0.5)
    h = Trainer(model, nn.CrossEntropyLoss(), opt, sched, progress=False).fit(batches(x, y, 32), epochs=5)
    np.testing.assert_allclose(h.lr, [0.2 * 0.5 ** (e // 2) for e in range(5)])


def test_reduce_on_plateau_receives_the_val_loss():
    x, y = make_data()

    class Spy(xgrad.optim.lr_scheduler.ReduceLROnPlateau):
        def step(self, metrics, epoch=None):
            self.got = getattr(self, "got", []) + [metrics]
            super().step(metrics, epoch)

    model = mlp()
    opt = xgrad.optim.SGD(model.parameters(), lr=0.1)
    sched = Spy(opt, patience=0, factor=0.5)
    h = Trainer(model, nn.CrossEntropyLoss(), opt, sched, progress=False).fit(
        batches(x, y, 32), batches(x[:40], y[:40], 40), epochs=3)
    np.testing.assert_array_equal(np.array(sched.got), h.val_loss)
    # without a validation loader it falls back to the train loss
    model = mlp()
    opt = xgrad.optim.SGD(model.parameters(), lr=0.1)
    sched = Spy(opt, patience=0, factor=0.5)
    h = Trainer(model, nn.CrossEntropyLoss(), opt, sched, progress=False).fit(batches(x, y, 32), epochs=2)
    np.testing.assert_array_equal(np.array(sched.got), h.train_loss)


def test_callback_hooks_run_in_the_documented_order():
    x, y = make_data(n=32)
    calls = []

    class Recorder(Callback):
        pass

    rec = Recorder()
    for hook in ("on_fit_begin", "on_epoch_begin", "on_before_step", "on_after_step", "on_batch_end",
                 "on_epoch_end", "on_fit_end"):
        setattr(rec, hook, (lambda name: lambda trainer: calls.append((name, trainer.epoch, trainer.iteration)))(hook))
    model = mlp()
    Trainer(model, nn.CrossEntropyLoss(), xgrad.optim.SGD(model.parameters(), lr=0.1), callbacks=[rec],
            progress=False).fit(batches(x, y, 16), epochs=2)
    names = [c[0] for c in calls]
    step = ["on_before_step", "on_after_step", "on_batch_end"]
    assert names == ["on_fit_begin"] + 2 * (["on_epoch_begin"] + 2 * step + ["on_epoch_end"]) + ["on_fit_end"]
    assert [c[2] for c in calls if c[0] == "on_batch_end"] == [1, 2, 3, 4]
    assert [c[1] for c in calls if c[0] == "on_epoch_end"] == [1, 2]
    assert [c[1] for c in calls if c[0] == "on_epoch_begin"] == [0, 1]


def test_stop_training_and_early_stopping():
    x, y = make_data()
    model = mlp()
    # lr = 0: the validation loss never improves after epoch 1, so patience 2 stops after epoch 3
    es = EarlyStopping(monitor="val_loss", patience=2)
    h = Trainer(model, nn.CrossEntropyLoss(), xgrad.optim.SGD(model.parameters(), lr=0.0), callbacks=[es],
                progress=False).fit(batches(x, y, 32), batches(x, y, 32), epochs=10)
    assert len(h) == 3 and es.stopped_epoch == 3 and es.best_epoch == 1


def test_early_stopping_restores_best_weights():
    x, y = make_data()
    xgrad.manual_seed(0)
    model = mlp()
    snapshots = {}

    class Keep(Callback):
        def on_epoch_end(self, trainer):
            snapshots[trainer.epoch] = trainer.model.state_dict()

    es = EarlyStopping(monitor="val_acc", patience=1, restore_best_weights=True)
    assert es.mode == "max"
    # a far too large rate makes validation jump around, so the best epoch is rarely the last
    h = Trainer(model, nn.CrossEntropyLoss(), xgrad.optim.SGD(model.parameters(), lr=3.0, momentum=0.9),
                callbacks=[Keep(), es], progress=False).fit(batches(x, y, 16), batches(x, y, 96), epochs=8)
    best = int(np.argmax(h.val_acc)) + 1
    assert es.best_epoch == best
    assert best < len(h)  # the final weights differ from the best ones, so restoring is exercised
    for k, v in model.state_dict().items():
        np.testing.assert_array_equal(v, snapshots[best][k])


def test_train_mode_for_batches_eval_mode_and_no_grad_for_validation():
    x, y = make_data(n=48)
    modes = []

    class Probe(nn.Module):
        def __init__(self):
            super().__init__()
            self.inner = mlp()

        def forward(self, t):
            modes.append((self.training, xgrad.is_grad_enabled()))
            return self.inner(t)

    model = Probe()
    trainer = Trainer(model, nn.CrossEntropyLoss(), xgrad.optim.SGD(model.parameters(), lr=0.1), progress=False)
    trainer.fit(batches(x, y, 16), batches(x, y, 48), epochs=1)
    assert modes == [(True, True)] * 3 + [(False, False)]
    assert model.training  # left in train mode after fit
    model.eval()
    trainer.evaluate(batches(x, y, 48))
    assert not model.training  # evaluate restores the mode it found


def test_dropout_model_evaluates_deterministically():
    x, y = make_data()
    model = mlp(dropout=0.5)
    trainer = Trainer(model, nn.CrossEntropyLoss(), xgrad.optim.SGD(model.parameters(), lr=0.1), progress=False)
    trainer.fit(batches(x, y, 32), epochs=1)
    assert trainer.evaluate(batches(x, y, 32)) == trainer.evaluate(batches(x, y, 32))
    np.testing.assert_array_equal(trainer.predict(x), trainer.predict(batches(x, y, 10)))


def test_mixup_batch_transform_loss_and_accuracy():
    x, y = make_data(n=40)
    y_b = (y + 1) % 3
    lam = 0.3
    model = mlp()
    trainer = Trainer(model, nn.CrossEntropyLoss(), xgrad.optim.SGD(model.parameters(), lr=0.0), progress=False,
                      batch_transform=lambda xb, yb: (xb, yb, (yb + 1) % 3, lam))
    h = trainer.fit([(x, y)], epochs=1)
    logits = trainer.predict(x)
    expected = lam * np_cross_entropy(logits, y).mean() + (1 - lam) * np_cross_entropy(logits, y_b).mean()
    assert h.loss[0] == pytest.approx(expected, rel=1e-5)
    pred = logits.argmax(1)
    assert h.train_acc[0] == pytest.approx(lam * np.mean(pred == y) + (1 - lam) * np.mean(pred == y_b))


def test_regression_targets_give_nan_accuracy():
    rng = np.random.default_rng(0)
    x = rng.standard_normal((32, 3)).astype(np.float32)
    t = xgrad.tensor((x @ np.ones((3, 1))).astype(np.float32))
    model = nn.Linear(3, 1)
    h = fit(model, [(x, t)], [(x, t)], loss_fn=nn.MSELoss(), optimizer=xgrad.optim.SGD(model.parameters(), lr=0.1),
            epochs=3, progress=False)
    assert np.isnan(h.train_acc).all() and np.isnan(h.val_acc).all()
    assert h.train_loss[-1] < h.train_loss[0]


def test_single_output_with_integer_targets_gives_nan_accuracy():
    # one score column: its argmax is always 0, which would report the share of label 0 as accuracy
    x, y = make_data(n=32, classes=2)
    model = nn.Linear(6, 1)

    def loss_fn(out, target):
        return ((out.reshape(-1) - xgrad.tensor(target.astype(np.float32))) ** 2).mean()

    h = fit(model, [(x, y)], [(x, y)], loss_fn=loss_fn, optimizer=xgrad.optim.SGD(model.parameters(), lr=0.1),
            epochs=1, progress=False)
    assert np.isnan(h.train_acc).all() and np.isnan(h.val_acc).all()


def test_fit_continues_to_a_total_epoch_count():
    x, y = make_data()
    model = mlp()
    trainer = Trainer(model, nn.CrossEntropyLoss(), xgrad.optim.SGD(model.parameters(), lr=0.1), progress=False)
    trainer.fit(batches(x, y, 32), epochs=2)
    trainer.fit(batches(x, y, 32), epochs=3)
    assert len(trainer.history) == 3 and trainer.epoch == 3
    with pytest.warns(UserWarning, match="already complete"):
        trainer.fit(batches(x, y, 32), epochs=3)


def test_progress_bars_can_be_turned_off(capsys):
    x, y = make_data(n=32)
    model = mlp()
    Trainer(model, nn.CrossEntropyLoss(), xgrad.optim.SGD(model.parameters(), lr=0.1), progress=False).fit(
        batches(x, y, 16), epochs=1)
    out = capsys.readouterr()
    assert out.out == "" and out.err == ""
    Trainer(model, nn.CrossEntropyLoss(), xgrad.optim.SGD(model.parameters(), lr=0.1), progress=True).fit(
        batches(x, y, 16), batches(x, y, 16), epochs=1)
    out = capsys.readouterr()
    assert "epoch 1/1" in out.out + out.err and "val loss" in out.out + out.err


def test_predict_matches_the_model():
    x, _ = make_data(n=30)
    model = mlp()
    model.eval()
    with xgrad.no_grad():
        direct = model(xgrad.tensor(x)).numpy()
    model.train()
    trainer = Trainer(model, nn.CrossEntropyLoss(), xgrad.optim.SGD(model.parameters(), lr=0.1), progress=False)
    np.testing.assert_allclose(trainer.predict(x, batch_size=7), direct, rtol=1e-6, atol=1e-7)
    np.testing.assert_allclose(trainer.predict(x.astype(np.float64)), direct, rtol=1e-6, atol=1e-7)


def test_bad_arguments_raise_with_names():
    x, y = make_data(n=16)
    model, other = mlp(), mlp()
    opt = xgrad.optim.SGD(model.parameters(), lr=0.1)
    with pytest.raises(TypeError, match="Trainer: model"):
        Trainer("model", nn.CrossEntropyLoss(), opt)
    with pytest.raises(TypeError, match="Trainer: optimizer"):
        Trainer(model, nn.CrossEntropyLoss(), "sgd")
    with pytest.raises(ValueError, match="not parameters of the model"):
        Trainer(other, nn.CrossEntropyLoss(), opt)
    with pytest.raises(TypeError, match="callback 0"):
        Trainer(model, nn.CrossEntropyLoss(), opt, callbacks=[object()])
    trainer = Trainer(model, nn.CrossEntropyLoss(), opt, progress=False)
    with pytest.raises(ValueError, match="epochs must be a positive integer, got 0"):
        trainer.fit(batches(x, y, 8), epochs=0)
    with pytest.raises(TypeError, match=r"\(x, y\) batches"):
        trainer.fit([x], epochs=1)
    with pytest.raises(ValueError, match="no batches"):
        trainer.fit([], epochs=1)
    bad = Trainer(model, nn.CrossEntropyLoss(), opt, progress=False, batch_transform=lambda a, b: (a,))
    with pytest.raises(TypeError, match="batch_transform must return"):
        bad.fit(batches(x, y, 8), epochs=1)
    with pytest.raises(ValueError, match="EarlyStopping: monitor"):
        EarlyStopping(monitor="accuracy")
    for bad_delta, error in ((float("nan"), ValueError), (-0.1, ValueError), ("0.1", TypeError), (None, TypeError)):
        # NaN used to pass: no epoch ever improved
        with pytest.raises(error, match=f"EarlyStopping: min_delta must be a finite number >= 0, got {bad_delta!r}"):
            EarlyStopping(min_delta=bad_delta)
    with pytest.raises(TypeError, match="EarlyStopping: patience must be an integer >= 0, got True"):
        EarlyStopping(patience=True)
    es = EarlyStopping()
    with pytest.raises(ValueError, match="NaN"):  # val_loss monitored but no validation loader
        Trainer(model, nn.CrossEntropyLoss(), opt, callbacks=[es], progress=False).fit(batches(x, y, 8), epochs=1)


def test_history_round_trips_through_a_dict():
    h = History()
    h.record_iteration(1.5)
    h.record_epoch(train_loss=1.5, train_acc=0.5, lr=0.1)
    g = History.from_dict(h.as_dict())
    for k, v in h.as_dict().items():
        np.testing.assert_array_equal(v, g.as_dict()[k])
    assert math.isnan(g.val_loss[0])
    assert math.isnan(g.acc[0]) and h["acc"].shape == (1,)
    old = {k: v for k, v in h.as_dict().items() if k != "acc"}  # a checkpoint written before History.acc
    np.testing.assert_array_equal(History.from_dict(old).acc, [np.nan])
    with pytest.raises(KeyError, match="no metric"):
        h["accuracy"]


def test_public_api_of_training_ensembles_and_monitors_has_docstrings():
    import inspect

    from xgrad import ensemble, monitor, serialization
    from xgrad.train import callback, checkpoint, history, stopping, trainer

    missing = []
    for mod in (callback, stopping, checkpoint, history, trainer, ensemble, monitor, serialization):
        for name, obj in vars(mod).items():
            if name.startswith("_") or getattr(obj, "__module__", None) != mod.__name__:
                continue
            if inspect.isfunction(obj) and not obj.__doc__:
                missing.append(f"{mod.__name__}.{name}")
            if inspect.isclass(obj):
                for attr, value in vars(obj).items():
                    fn = value.fget if isinstance(value, property) else value
                    if not attr.startswith("_") and callable(fn) and not fn.__doc__:
                        missing.append(f"{mod.__name__}.{name}.{attr}")
    assert not missing, f"public API without a docstring (Jupyter help shows nothing): {missing}"
