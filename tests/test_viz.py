"""xgrad.viz: the returned figures' axes, line data and labels (not pixels), with the Agg backend."""
import numpy as np
import pytest

matplotlib = pytest.importorskip("matplotlib", reason="matplotlib is needed for xgrad.viz")
matplotlib.use("Agg")
import matplotlib.pyplot as plt  # noqa: E402

import xgrad  # noqa: E402
from xgrad import nn, viz  # noqa: E402
from xgrad.monitor import ActivationMonitor, UpdateRatioMonitor  # noqa: E402
from xgrad.optim import lr_scheduler  # noqa: E402


@pytest.fixture(autouse=True)
def _close_figures():
    yield
    plt.close("all")


def _lines(ax):
    return {line.get_label(): line for line in ax.get_lines()}


def test_moving_average_matches_convolution(rng):
    v = rng.standard_normal(37)
    np.testing.assert_allclose(viz.moving_average(v, 5), np.convolve(v, np.ones(5) / 5, mode="valid"))
    assert viz.moving_average(v, 50).size == 0
    with pytest.raises(ValueError, match="moving_average"):
        viz.moving_average(v, 0)


def test_plot_history_dict(rng):
    loss = 2.3 * np.exp(-np.arange(200) / 80) + 0.05 * rng.random(200)
    h = {"loss": loss, "train_acc": [0.5, 0.7, 0.8, 0.9], "val_acc": [0.45, 0.6, 0.66, 0.7],
         "train_loss": [1.5, 1.0, 0.7, 0.5], "val_loss": [1.6, 1.2, 1.0, 0.95]}
    fig = viz.plot_history(h, smooth=10)
    assert len(fig.axes) == 3
    ax_loss, ax_acc, ax_epoch = fig.axes
    lines = _lines(ax_loss)
    np.testing.assert_allclose(lines["minibatch loss"].get_ydata(), loss)
    smooth = lines["10-iteration mean"]
    np.testing.assert_allclose(smooth.get_ydata(), np.convolve(loss, np.ones(10) / 10, mode="valid"))
    np.testing.assert_array_equal(smooth.get_xdata(), np.arange(9, 200))
    assert ax_loss.get_xlabel() == "iteration" and ax_loss.get_ylabel() == "loss"
    acc = _lines(ax_acc)
    np.testing.assert_allclose(acc["train"].get_ydata(), h["train_acc"])
    np.testing.assert_allclose(acc["val"].get_xdata(), [1, 2, 3, 4])
    assert "train - val = +0.200" in ax_acc.get_title()  # 0.9 - 0.7
    assert ax_acc.get_xlabel() == "epoch"
    np.testing.assert_allclose(_lines(ax_epoch)["val"].get_ydata(), h["val_loss"])


def test_plot_history_object_and_errors():
    class H:
        loss = np.linspace(2, 1, 30)
        train_acc = np.array([0.3, 0.6])
        val_acc = np.array([])
        val_loss = None

    fig = viz.plot_history(H())
    assert len(fig.axes) == 2
    assert set(_lines(fig.axes[1])) == {"train"}
    with pytest.raises(ValueError, match="plot_history"):
        viz.plot_history({"foo": [1, 2]})


def test_plot_history_per_epoch_curves_of_different_lengths():
    # no per-iteration loss; validation stopped one epoch early, accuracies run longer
    h = {"train_loss": [1.5, 1.0, 0.7], "val_loss": [1.6, 1.2], "train_acc": [0.5, 0.6, 0.7, 0.8]}
    fig = viz.plot_history(h)
    lines = _lines(fig.axes[0])
    np.testing.assert_array_equal(lines["train loss"].get_xdata(), [1, 2, 3])
    np.testing.assert_array_equal(lines["val loss"].get_xdata(), [1, 2])
    np.testing.assert_allclose(lines["val loss"].get_ydata(), h["val_loss"])
    np.testing.assert_array_equal(_lines(fig.axes[1])["train"].get_xdata(), [1, 2, 3, 4])


def test_plot_history_of_a_trainer_history(rng):
    from xgrad import train  # part of the package now: a missing Trainer must fail, not skip
    model = nn.Sequential(nn.Linear(4, 8), nn.ReLU(), nn.Linear(8, 2))
    x = rng.standard_normal((32, 4)).astype(np.float32)
    y = (x[:, 0] > 0).astype(np.int64)
    batches = [(x[i:i + 8], y[i:i + 8]) for i in range(0, 32, 8)]
    t = train.Trainer(model, nn.CrossEntropyLoss(), xgrad.optim.SGD(model.parameters(), lr=0.1), progress=False)
    history = t.fit(batches, val_loader=batches, epochs=3)
    fig = viz.plot_history(history)
    np.testing.assert_allclose(_lines(fig.axes[0])["minibatch loss"].get_ydata(), history.loss)
    np.testing.assert_allclose(_lines(fig.axes[1])["val"].get_ydata(), history.val_acc)


def test_plot_history_without_validation_draws_no_empty_val_curves(rng):
    # History records NaN val_loss/val_acc when fit() had no val_loader
    model = nn.Sequential(nn.Linear(4, 8), nn.ReLU(), nn.Linear(8, 2))
    x = rng.standard_normal((32, 4)).astype(np.float32)
    y = (x[:, 0] > 0).astype(np.int64)
    batches = [(x[i:i + 8], y[i:i + 8]) for i in range(0, 32, 8)]
    t = xgrad.train.Trainer(model, nn.CrossEntropyLoss(), xgrad.optim.SGD(model.parameters(), lr=0.1), progress=False)
    history = t.fit(batches, epochs=3)
    assert np.all(np.isnan(history.val_loss)) and np.all(np.isnan(history.val_acc))
    fig = viz.plot_history(history)
    assert len(fig.axes) == 2  # iteration loss and accuracy; no per-epoch loss panel for a missing val_loss
    assert set(_lines(fig.axes[1])) == {"train"} and "nan" not in fig.axes[1].get_title()
    np.testing.assert_allclose(_lines(fig.axes[1])["train"].get_ydata(), history.train_acc)


def test_plot_activation_histograms_from_monitor(rng):
    model = nn.Sequential(nn.Linear(10, 20), nn.Tanh(), nn.Linear(20, 20), nn.Tanh(), nn.Linear(20, 20), nn.Tanh())
    with ActivationMonitor(model) as mon:
        out = model(xgrad.tensor(rng.standard_normal((64, 10)).astype(np.float32))).numpy()
    fig = viz.plot_activation_histograms(mon, bins=25)
    # two summary axes + one per layer
    assert len(fig.axes) == 2 + 3
    ax_mean, ax_std = fig.axes[:2]
    stds = [mon.stats()[n]["values"].std() for n in mon.layer_names]
    np.testing.assert_allclose(_lines(ax_std)["std"].get_ydata(), stds, rtol=1e-6)
    assert ax_mean.get_ylabel() == "mean" and ax_std.get_xlabel() == "layer"
    assert [t.get_text() for t in ax_std.get_xticklabels()] == mon.layer_names
    last = fig.axes[-1]
    assert "5: Tanh" in last.get_title() and f"std {out.std():.3f}" in last.get_title()
    assert sum(p.get_height() for p in last.patches) == out.size
    assert last.get_xlim()[0] <= -1 and last.get_xlim()[1] >= 1


def test_plot_activation_histograms_mean_std_cover_every_activation(rng):
    # the monitor keeps a strided subsample of each layer's values; the summary must not be of that
    model = nn.Sequential(nn.Linear(10, 30), nn.ReLU(), nn.Linear(30, 30), nn.Tanh())
    x = xgrad.tensor(rng.standard_normal((64, 10)).astype(np.float32))
    with ActivationMonitor(model, max_values=7) as mon:
        model(x)
    with xgrad.no_grad():
        hidden = model[1](model[0](x)).numpy().astype(np.float64)
        out = model(x).numpy().astype(np.float64)
    assert mon.stats()[mon.layer_names[0]]["values"].size < hidden.size
    fig = viz.plot_activation_histograms(mon)
    np.testing.assert_allclose(_lines(fig.axes[0])["mean"].get_ydata(), [hidden.mean(), out.mean()], rtol=1e-6)
    np.testing.assert_allclose(_lines(fig.axes[1])["std"].get_ydata(), [hidden.std(), out.std()], rtol=1e-6)
    assert f"std {out.std():.3f}" in fig.axes[-1].get_title()


def test_plot_activation_histograms_from_dict_and_errors(rng):
    stats = {"a": rng.standard_normal(100), "b": {"values": rng.random((10, 10))}}
    fig = viz.plot_activation_histograms(stats, ncols=1)
    assert len(fig.axes) == 1 + 2  # with one column only the std summary is drawn
    assert fig.axes[1].get_title().startswith("a\n")
    single = viz.plot_activation_histograms({"only": rng.standard_normal(50)})
    assert len(single.axes) == 1 and single.axes[0].get_title().startswith("only\n")
    with pytest.raises(TypeError, match="plot_activation_histograms"):
        viz.plot_activation_histograms(42)
    with pytest.raises(ValueError, match="no layers"):
        viz.plot_activation_histograms({})


def test_plot_filters_linear_and_conv(rng):
    w = rng.standard_normal((10, 784))
    fig = viz.plot_filters(w)
    images = [ax.images[0] for ax in fig.axes if ax.images]
    assert len(images) == 10
    first = np.asarray(images[0].get_array())
    assert first.shape == (28, 28)
    ref = w[0].reshape(28, 28)
    np.testing.assert_allclose(first, (ref - ref.min()) / (ref.max() - ref.min()))
    conv = rng.standard_normal((12, 3, 5, 5))
    fig = viz.plot_filters(xgrad.tensor(conv.astype(np.float32)), max_filters=8)
    images = [ax.images[0] for ax in fig.axes if ax.images]
    assert len(images) == 8 and np.asarray(images[0].get_array()).shape == (5, 5, 3)
    assert "8 filters" in fig._suptitle.get_text()
    assert len(fig.axes) == 9  # 3x3 grid, one switched off
    gray = viz.plot_filters(rng.standard_normal((4, 16, 3, 3)), channel=2)
    assert "input channel 2" in gray._suptitle.get_text()
    with pytest.raises(ValueError, match="plot_filters: cannot infer"):
        viz.plot_filters(rng.standard_normal((4, 10)))
    with pytest.raises(ValueError, match="plot_filters"):
        viz.plot_filters(rng.standard_normal((4, 10)), image_shape=(3, 3))
    with pytest.raises(ValueError, match="plot_filters: expected"):
        viz.plot_filters(rng.standard_normal(5))
    with pytest.raises(IndexError, match="plot_filters"):
        viz.plot_filters(conv, channel=3)
    with pytest.raises(ValueError, match=r"plot_filters: the weight has no filters \(shape \(0, 784\)\)"):
        viz.plot_filters(np.zeros((0, 784)))
    with pytest.raises(ValueError, match="plot_filters: ncols must be >= 1, got -1"):
        viz.plot_filters(w, ncols=-1)


def test_plot_contour_paths_named_function():
    paths = {"sgd": xgrad.optim.trace("sgd", "rosenbrock", (-1.5, 2.0), steps=50, lr=1e-3),
             "adam": xgrad.optim.trace("adam", "rosenbrock", (-1.5, 2.0), steps=50, lr=0.05)[0]}
    fig = viz.plot_contour_paths("rosenbrock", paths)
    ax = fig.axes[0]
    lines = _lines(ax)
    assert {"sgd", "adam", "minimum"} <= set(lines)
    np.testing.assert_allclose(lines["adam"].get_xdata(), paths["adam"][:, 0])
    np.testing.assert_allclose(lines["sgd"].get_ydata(), paths["sgd"][0][:, 1])
    assert lines["minimum"].get_xdata()[0] == pytest.approx(1.0)
    assert {t.get_text() for t in ax.get_legend().get_texts()} >= {"sgd", "adam"}
    x0, x1 = ax.get_xlim()
    assert x0 < -1.5 and x1 > 1.0
    assert ax.get_xlabel() == "x" and ax.get_ylabel() == "y"
    # log-spaced contour levels
    contour = [c for c in ax.collections if hasattr(c, "levels")] or ax.containers
    levels = np.asarray(contour[0].levels)
    ratios = levels[1:] / levels[:-1]
    np.testing.assert_allclose(ratios, ratios[0], rtol=1e-6)


def test_plot_contour_paths_callable_and_errors():
    fig = viz.plot_contour_paths(lambda x, y: x ** 2 - y ** 2, {"p": [[1, 1], [0.5, 0.9]]}, xlim=(-2, 2), ylim=(-2, 2))
    assert fig.axes[0].get_xlim() == (-2, 2)
    import math
    viz.plot_contour_paths(lambda x, y: math.exp(-x * x) + y * y, {}, xlim=(-1, 1), ylim=(-1, 1))
    with pytest.raises(ValueError, match="unknown function"):
        viz.plot_contour_paths("nope", {})
    with pytest.raises(ValueError, match="shape"):
        viz.plot_contour_paths("bowl", {"bad": np.zeros((3, 3))})
    with pytest.raises(ValueError, match=r"plot_contour_paths: path 'empty' .*T >= 1, got \(0, 2\)"):
        viz.plot_contour_paths("bowl", {"empty": np.zeros((0, 2))})
    with pytest.raises(ValueError, match="plot_contour_paths: levels and resolution must be >= 2.*levels=1"):
        viz.plot_contour_paths("bowl", {}, levels=1)
    with pytest.raises(ValueError, match="plot_contour_paths: levels and resolution.*resolution=1"):
        viz.plot_contour_paths("bowl", {}, resolution=1)
    with pytest.raises(TypeError, match="plot_contour_paths"):
        viz.plot_contour_paths(3, {}, xlim=(0, 1), ylim=(0, 1))


def test_plot_contour_paths_into_given_axes():
    import matplotlib.pyplot as plt
    fig, axes = plt.subplots(1, 2)
    path = xgrad.optim.trace("sgd", "bowl", (-4, 2), steps=20, lr=0.1)
    out = viz.plot_contour_paths("bowl", {"sgd": path}, ax=axes[1], colorbar=False)
    assert out is fig and len(fig.axes) == 2  # no colour bar axes added
    np.testing.assert_allclose(_lines(axes[1])["sgd"].get_xdata(), path[0][:, 0])
    assert not _lines(axes[0])
    out = viz.plot_contour_paths("bowl", {"sgd": path}, ax=axes[0])
    assert len(fig.axes) == 3  # the colour bar
    plt.close(fig)


def test_plot_schedules_matches_closed_forms():
    epochs = 30
    fig = viz.plot_schedules({
        "step": lambda o: lr_scheduler.StepLR(o, step_size=10, gamma=0.5),
        "cosine": lambda o: lr_scheduler.CosineAnnealingLR(o, T_max=epochs),
        "plateau": lambda o: lr_scheduler.ReduceLROnPlateau(o, factor=0.1, patience=4),
        "given": np.full(epochs, 0.02),
    }, epochs=epochs, lr=0.1)
    ax = fig.axes[0]
    lines = _lines(ax)
    e = np.arange(epochs)
    np.testing.assert_allclose(lines["step"].get_ydata(), 0.1 * 0.5 ** (e // 10), rtol=1e-12)
    np.testing.assert_allclose(lines["cosine"].get_ydata(), 0.05 * (1 + np.cos(np.pi * e / epochs)), atol=1e-12)
    plateau = lines["plateau"].get_ydata()
    assert plateau[0] == pytest.approx(0.1) and plateau[-1] < 0.1  # a constant metric is a plateau
    np.testing.assert_allclose(lines["given"].get_ydata(), 0.02)
    assert ax.get_xlabel() == "epoch" and ax.get_ylabel() == "learning rate"
    with pytest.raises(ValueError, match="plot_schedules"):
        viz.plot_schedules({}, 10)
    with pytest.raises(ValueError, match="fewer than epochs"):
        viz.plot_schedules({"short": [0.1, 0.1]}, 10)
    opt = xgrad.optim.SGD([nn.Parameter(xgrad.zeros(1))], lr=0.1)
    with pytest.raises(TypeError, match="factory"):
        viz.plot_schedules({"obj": lr_scheduler.StepLR(opt, 3)}, 10)
    with pytest.raises(TypeError, match="not an xgrad"):
        viz.plot_schedules({"bad": lambda o: 3}, 10)


def test_plot_schedules_draws_the_library_rates_and_builds_no_optimizer(monkeypatch):
    def refuse(*args, **kwargs):
        raise AssertionError("plot_schedules built an optimizer or a parameter")

    monkeypatch.setattr(xgrad.optim.Optimizer, "__init__", refuse)
    monkeypatch.setattr(nn.Parameter, "__init__", refuse)
    epochs = 60
    metrics = [1.0 / (1 + min(t, 20)) + 1e-6 * (t % 3) for t in range(epochs)]
    factories = {
        "step": lambda o: lr_scheduler.StepLR(o, step_size=7, gamma=0.5),
        "cosine-warmup": lambda o: lr_scheduler.CosineAnnealingLR(o, T_max=50, warmup_iters=10, warmup_start_factor=0.1),
        "sequential": lambda o: lr_scheduler.SequentialLR(o, [lr_scheduler.LinearLR(o, start_factor=0.2, total_iters=5),
                                                              lr_scheduler.ExponentialLR(o, gamma=0.95)], milestones=[5]),
        "plateau": lambda o: lr_scheduler.ReduceLROnPlateau(o, factor=0.5, patience=3),
    }
    for given in (None, metrics):
        fig = viz.plot_schedules(factories, epochs=epochs, lr=0.05, metrics=given)
        lines = _lines(fig.axes[0])
        for name, make in factories.items():
            # exactly the values the library computes for the schedule, not a re-derivation
            np.testing.assert_array_equal(lines[name].get_ydata(),
                                          lr_scheduler.simulate(make, 0.05, epochs, metrics=given), err_msg=name)
            np.testing.assert_array_equal(lines[name].get_xdata(), np.arange(epochs))
        plt.close(fig)
    with pytest.raises(ValueError, match=r"plot_schedules: entry 'bad': StepLR: step_size"):
        viz.plot_schedules({"bad": lambda o: lr_scheduler.StepLR(o, step_size=0)}, 10)


def test_plot_update_ratios(rng):
    model = nn.Sequential(nn.Linear(5, 7), nn.ReLU(), nn.Linear(7, 3))
    opt = xgrad.optim.SGD(model.parameters(), lr=0.01)
    mon = UpdateRatioMonitor(model)
    x = xgrad.tensor(rng.standard_normal((16, 5)).astype(np.float32))
    y = rng.integers(0, 3, 16)
    for _ in range(6):
        loss = nn.CrossEntropyLoss()(model(x), y)
        opt.zero_grad()
        loss.backward()
        mon.before_step()
        opt.step()
        mon.after_step()
    fig = viz.plot_update_ratios(mon)
    ax = fig.axes[0]
    lines = _lines(ax)
    assert ax.get_yscale() == "log"
    np.testing.assert_allclose(lines["guide 0.001"].get_ydata(), [1e-3, 1e-3])
    np.testing.assert_allclose(lines["0.weight"].get_ydata(), mon.ratios["0.weight"])
    np.testing.assert_array_equal(lines["2.weight"].get_xdata(), mon.steps)
    fig = viz.plot_update_ratios({"w": [1e-3, 2e-3, 3e-3, 4e-3]}, smooth=2)
    np.testing.assert_allclose(_lines(fig.axes[0])["w"].get_ydata(), [1.5e-3, 2.5e-3, 3.5e-3])
    with pytest.raises(ValueError, match="no ratios"):
        viz.plot_update_ratios(UpdateRatioMonitor(model))
    with pytest.raises(TypeError, match="plot_update_ratios"):
        viz.plot_update_ratios(5)


def test_viz_functions_do_not_show(monkeypatch):
    called = []
    monkeypatch.setattr(plt, "show", lambda *a, **k: called.append(1))
    viz.plot_history({"loss": [1.0, 0.5]})
    viz.plot_schedules({"c": [0.1, 0.1]}, 2)
    assert not called
