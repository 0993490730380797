"""xgrad.monitor: activation statistics, gradient norms and update/weight ratios, checked against
NumPy recomputations of the same quantities."""
import numpy as np
import pytest

import xgrad
from xgrad import nn, train
from xgrad.monitor import ActivationMonitor, GradientMonitor, UpdateRatioMonitor


def _mlp():
    return nn.Sequential(nn.Linear(6, 8), nn.Tanh(), nn.Linear(8, 8), nn.ReLU(), nn.Linear(8, 3))


def _numpy_forward(model, x):
    """The hidden activations of ``_mlp`` recomputed in NumPy from its weights."""
    w = {k: v.astype(np.float64) for k, v in model.state_dict().items()}
    h1 = np.tanh(x @ w["0.weight"].T + w["0.bias"])
    h2 = np.maximum(h1 @ w["2.weight"].T + w["2.bias"], 0.0)
    return h1, h2


def test_activation_stats_match_numpy(rng):
    model = _mlp()
    # large inputs so some tanh units saturate and some ReLUs are dead
    x = (rng.standard_normal((50, 6)) * 4).astype(np.float32)
    with ActivationMonitor(model, bins=20) as mon:
        model(xgrad.tensor(x))
    assert mon.layer_names == ["1", "3"]
    h1, h2 = _numpy_forward(model, x.astype(np.float64))
    st = mon.stats()
    np.testing.assert_allclose(st["1"]["mean"], [h1.mean()], rtol=1e-5, atol=1e-6)
    np.testing.assert_allclose(st["1"]["std"], [h1.std()], rtol=1e-4)
    np.testing.assert_allclose(st["3"]["mean"], [h2.mean()], rtol=1e-4, atol=1e-6)
    np.testing.assert_allclose(st["1"]["saturated"], [np.mean(np.abs(h1) > 0.99)], atol=1 / h1.size + 1e-12)
    assert st["1"]["saturated"][0] > 0
    np.testing.assert_allclose(st["3"]["dead"], [np.mean(h2 == 0)])
    assert st["3"]["dead"][0] > 0
    assert np.isnan(st["3"]["saturated"][0])
    # tanh histograms use fixed bins on [-1, 1]
    np.testing.assert_allclose(st["1"]["edges"], np.linspace(-1, 1, 21))
    expected, _ = np.histogram(np.asarray(mon.stats()["1"]["values"], dtype=np.float64), bins=st["1"]["edges"])
    np.testing.assert_array_equal(st["1"]["hist"][0], expected)
    assert st["1"]["hist"][0].sum() == h1.size
    np.testing.assert_allclose(np.sort(st["3"]["values"]), np.sort(h2.ravel()), rtol=1e-4, atol=1e-6)


def test_activation_monitor_sigmoid_saturation(rng):
    model = nn.Sequential(nn.Linear(4, 30), nn.Sigmoid())
    x = (rng.standard_normal((40, 4)) * 10).astype(np.float32)
    mon = ActivationMonitor(model)
    out = model(xgrad.tensor(x)).numpy().astype(np.float64)
    sat = np.mean((out < 0.01) | (out > 0.99))
    assert sat > 0
    np.testing.assert_allclose(mon.stats()["1"]["saturated"], [sat], atol=1 / out.size + 1e-12)
    np.testing.assert_allclose(mon.stats()["1"]["edges"][[0, -1]], [0.0, 1.0])
    mon.remove()


def test_activation_monitor_layer_selection():
    model = _mlp()
    assert ActivationMonitor(model, layers=["0", "4"]).layer_names == ["0", "4"]
    assert ActivationMonitor(model, layers=[nn.Linear]).layer_names == ["0", "2", "4"]
    assert ActivationMonitor(model, layers=[model[3]]).layer_names == ["3"]
    assert ActivationMonitor(model, layers=["3", "1"]).layer_names == ["3", "1"]  # the order given
    assert ActivationMonitor(model, layers=[nn.ReLU, "0"]).layer_names == ["0", "3"]  # model order
    # no activation layer: every leaf module
    linear_only = nn.Sequential(nn.Linear(3, 4), nn.Linear(4, 2))
    assert ActivationMonitor(linear_only).layer_names == ["0", "1"]
    with pytest.raises(ValueError, match="ActivationMonitor.*'nope'"):
        ActivationMonitor(model, layers=["nope"])
    with pytest.raises(ValueError, match="not part of the model"):
        ActivationMonitor(model, layers=[nn.ReLU()])
    with pytest.raises(TypeError, match="ActivationMonitor"):
        ActivationMonitor(model, layers=[3.5])
    with pytest.raises(TypeError, match="ActivationMonitor"):
        ActivationMonitor("model")
    with pytest.raises(ValueError, match="bins"):
        ActivationMonitor(model, bins=0)
    with pytest.raises(ValueError, match="hist_range"):
        ActivationMonitor(model, hist_range=(1, 0))
    with pytest.raises(ValueError, match="ActivationMonitor: max_values must be >= 1, got 0"):
        ActivationMonitor(model, max_values=0)  # used to fail later, in the forward pass, dividing by zero

    class Pair(nn.Module):
        def forward(self, x):
            return x, x

    pair_model = nn.Sequential(nn.Linear(3, 3), Pair())
    mon = ActivationMonitor(pair_model, layers=["1"])
    with pytest.raises(TypeError, match="ActivationMonitor: layer '1' returned a tuple"):
        pair_model(xgrad.randn(2, 3))
    with pytest.raises(ValueError, match="unknown layer 'x'"):
        mon.record("x", np.zeros(3))


def test_activation_monitor_every_remove_and_train_only(rng):
    model = _mlp()
    x = xgrad.tensor(rng.standard_normal((5, 6)).astype(np.float32))
    mon = ActivationMonitor(model, every=2)
    for _ in range(5):
        model(x)
    assert len(mon.stats()["1"]["mean"]) == 3  # passes 0, 2, 4
    mon.remove()
    model(x)
    assert len(mon.stats()["1"]["mean"]) == 3
    mon.clear()
    assert len(mon.stats()["1"]["mean"]) == 0
    only = ActivationMonitor(model, train_only=True)
    model.eval()
    model(x)
    model.train()
    model(x)
    assert len(only.stats()["3"]["mean"]) == 1
    only.remove()
    # fixed histogram edges for an unbounded layer come from the first pass
    lin = ActivationMonitor(model, layers=["0"], bins=10)
    model(x)
    first = lin.stats()["0"]["edges"].copy()
    model(x * 100.0)
    np.testing.assert_array_equal(lin.stats()["0"]["edges"], first)
    assert lin.stats()["0"]["hist"][1].sum() == 5 * 8  # out-of-range values land in the end bins
    assert "mean" in lin.summary()


def _step(model, optimizer, x, y, grads=None, ratios=None):
    loss = nn.CrossEntropyLoss()(model(x), y)
    optimizer.zero_grad()
    loss.backward()
    if grads is not None:
        grads.record()
    if ratios is not None:
        ratios.before_step()
    optimizer.step()
    if ratios is not None:
        ratios.after_step()


def test_gradient_monitor_norms(rng):
    model = _mlp()
    opt = xgrad.optim.SGD(model.parameters(), lr=0.1)
    x = xgrad.tensor(rng.standard_normal((16, 6)).astype(np.float32))
    y = rng.integers(0, 3, 16)
    mon = GradientMonitor(model)
    expected = []
    for _ in range(3):
        loss = nn.CrossEntropyLoss()(model(x), y)
        opt.zero_grad()
        loss.backward()
        mon.record()
        expected.append({n: np.linalg.norm(p.grad.numpy().astype(np.float64)) for n, p in model.named_parameters()})
        opt.step()
    norms = mon.norms
    assert list(norms) == [n for n, _ in model.named_parameters()]
    for name in norms:
        np.testing.assert_allclose(norms[name], [e[name] for e in expected], rtol=1e-6)
    total = np.sqrt(sum(np.asarray([e[n] for e in expected]) ** 2 for n in norms))
    np.testing.assert_allclose(mon.global_norm, total, rtol=1e-6)
    np.testing.assert_array_equal(mon.steps, [0, 1, 2])
    weights_only = GradientMonitor(model, include_bias=False)
    assert all(n.endswith("weight") for n in weights_only.params)
    fresh = GradientMonitor(nn.Linear(2, 2))
    fresh.record()
    assert np.isnan(fresh.norms["weight"][0])


def test_update_ratio_is_lr_times_grad_over_weight_for_plain_sgd(rng):
    model = _mlp()
    lr = 0.05
    opt = xgrad.optim.SGD(model.parameters(), lr=lr)
    x = xgrad.tensor(rng.standard_normal((16, 6)).astype(np.float32))
    y = rng.integers(0, 3, 16)
    mon = UpdateRatioMonitor(model)
    assert list(mon.params) == ["0.weight", "2.weight", "4.weight"]
    expected = []
    for _ in range(4):
        loss = nn.CrossEntropyLoss()(model(x), y)
        opt.zero_grad()
        loss.backward()
        w = {n: p.numpy().astype(np.float64).copy() for n, p in model.named_parameters()}
        g = {n: p.grad.numpy().astype(np.float64) for n, p in model.named_parameters()}
        mon.before_step()
        opt.step()
        mon.after_step()
        # plain SGD: w_after - w_before = -lr * grad
        expected.append({n: lr * np.linalg.norm(g[n]) / np.linalg.norm(w[n]) for n in mon.params})
    for name, r in mon.ratios.items():
        np.testing.assert_allclose(r, [e[name] for e in expected], rtol=1e-4)
    med = mon.median_ratio()
    assert med["0.weight"] == pytest.approx(np.median([e["0.weight"] for e in expected]), rel=1e-4)


def test_update_ratio_every_copies_only_recorded_steps(rng):
    model = _mlp()
    opt = xgrad.optim.SGD(model.parameters(), lr=0.1)
    x = xgrad.tensor(rng.standard_normal((8, 6)).astype(np.float32))
    y = rng.integers(0, 3, 8)
    mon = UpdateRatioMonitor(model, every=3, include_bias=True)
    taken = []
    for _ in range(7):
        loss = nn.CrossEntropyLoss()(model(x), y)
        opt.zero_grad()
        loss.backward()
        taken.append(mon.before_step())
        taken.append(mon._before is not None)
        opt.step()
        mon.after_step()
    assert taken[0::2] == [True, False, False, True, False, False, True]
    assert taken[0::2] == taken[1::2]
    np.testing.assert_array_equal(mon.steps, [0, 3, 6])


def test_update_ratio_of_zero_weights_is_nan(rng):
    model = _mlp()
    model[0].bias.numpy()[...] = 0.0  # the lectures' zero bias init: ||w|| = 0, the ratio is undefined
    opt = xgrad.optim.SGD(model.parameters(), lr=0.1)
    mon = UpdateRatioMonitor(model, include_bias=True)
    _step(model, opt, xgrad.tensor(rng.standard_normal((8, 6)).astype(np.float32)), rng.integers(0, 3, 8),
          ratios=mon)
    assert np.isnan(mon.ratios["0.bias"][0])
    assert mon.update_norms["0.bias"][0] > 0
    assert np.isfinite(mon.ratios["0.weight"][0])


def test_monitor_sources_and_errors():
    model = _mlp()
    opt = xgrad.optim.SGD(model.parameters(), lr=0.1)
    assert len(GradientMonitor(opt).params) == 6
    assert list(GradientMonitor({"w": model[0].weight}).params) == ["w"]
    assert len(UpdateRatioMonitor(list(model.parameters())).params) == 3
    with pytest.raises(TypeError, match="GradientMonitor"):
        GradientMonitor(42)
    with pytest.raises(ValueError, match="UpdateRatioMonitor: no parameters"):
        UpdateRatioMonitor([model[0].bias])
    with pytest.raises(ValueError, match="every"):
        GradientMonitor(model, every=0)


def test_monitors_as_trainer_callbacks(rng):
    model = _mlp()
    opt = xgrad.optim.SGD(model.parameters(), lr=0.1)
    x = rng.standard_normal((40, 6)).astype(np.float32)
    y = rng.integers(0, 3, 40)
    batches = [(x[i:i + 10], y[i:i + 10]) for i in range(0, 40, 10)]
    acts, grads, ratios = ActivationMonitor(model, train_only=True), GradientMonitor(model), UpdateRatioMonitor(model)
    trainer = train.Trainer(model, nn.CrossEntropyLoss(), opt, callbacks=[acts, grads, ratios], progress=False)
    trainer.fit(batches, val_loader=batches[:1], epochs=2)
    assert len(grads.steps) == 8 and len(ratios.steps) == 8
    np.testing.assert_array_equal(ratios.steps, np.arange(8))
    assert len(acts.stats()["1"]["mean"]) == 8  # validation passes (eval mode) skipped
    assert all(np.all(np.isfinite(r)) and np.all(r > 0) for r in ratios.ratios.values())


def test_monitors_resume_with_the_trainer_checkpoint(rng, tmp_path):
    x = rng.standard_normal((30, 6)).astype(np.float32)
    y = rng.integers(0, 3, 30)
    batches = [(x[i:i + 10], y[i:i + 10]) for i in range(0, 30, 10)]

    def run(epochs, resume_from=None, ckpt=None):
        xgrad.manual_seed(5)
        model = _mlp()
        mons = [ActivationMonitor(model, every=2, train_only=True), GradientMonitor(model, every=2),
                UpdateRatioMonitor(model, every=2)]
        t = train.Trainer(model, nn.CrossEntropyLoss(), xgrad.optim.SGD(model.parameters(), lr=0.1, momentum=0.9),
                          callbacks=mons, checkpoint_dir=ckpt, progress=False)
        if resume_from is not None:
            t.resume(resume_from)
        t.fit(batches, epochs=epochs)
        return mons

    whole = run(3)
    run(1, ckpt=tmp_path)
    resumed = run(3, resume_from=tmp_path)
    # 9 steps with every=2: steps 0, 2, 4, 6, 8 whether or not the run was interrupted after step 2
    np.testing.assert_array_equal(resumed[1].steps, [0, 2, 4, 6, 8])
    np.testing.assert_array_equal(resumed[2].steps, whole[2].steps)
    # a resumed run records exactly what the uninterrupted one records
    for name in whole[1].norms:
        np.testing.assert_array_equal(resumed[1].norms[name], whole[1].norms[name])
    for name in whole[2].ratios:
        np.testing.assert_array_equal(resumed[2].ratios[name], whole[2].ratios[name])
    a, b = whole[0].stats(), resumed[0].stats()
    for layer in a:
        assert len(b[layer]["mean"]) == len(a[layer]["mean"]) == 5
        np.testing.assert_array_equal(b[layer]["edges"], a[layer]["edges"])
        for key in ("mean", "std", "dead"):
            np.testing.assert_array_equal(b[layer][key], a[layer][key])
        np.testing.assert_array_equal(b[layer]["values"], a[layer]["values"])
    with pytest.raises(ValueError, match="GradientMonitor.load_state_dict"):
        GradientMonitor(nn.Linear(2, 2)).load_state_dict(whole[1].state_dict())
    with pytest.raises(ValueError, match="ActivationMonitor.load_state_dict"):
        ActivationMonitor(_mlp(), bins=7).load_state_dict(whole[0].state_dict())


def test_activation_values_keep_whole_samples_so_every_unit_appears():
    # 500 units, 1000 rows, at most 100,000 values: a stride of 5 over the flat array would keep
    # units 0, 5, 10, ... of every row and never the others
    xgrad.manual_seed(0)
    model = nn.Sequential(nn.Linear(10, 500))
    monitor = ActivationMonitor(model, layers=["0"], max_values=100_000)
    out = model(xgrad.randn(1000, 10)).detach().numpy()
    values = monitor.stats()["0"]["values"]
    np.testing.assert_array_equal(values, out[:200].ravel())
    # one sample larger than the limit: evenly spread within it
    monitor = ActivationMonitor(model, layers=["0"], max_values=100)
    out = model(xgrad.randn(3, 10)).detach().numpy()
    np.testing.assert_array_equal(monitor.stats()["0"]["values"], out[0, ::5])
