"""xgrad.train.lr_finder: the learning-rate range test (loss against an exponentially growing rate,
a suggestion, a plot), which leaves the model and the optimizer as it found them."""
import numpy as np
import pytest

import xgrad
from xgrad import nn
from xgrad.train.lr_finder import exponential_rates


def setup(seed=0):
    xgrad.manual_seed(seed)
    digits = xgrad.data.load_digits()
    x = digits.x_train.reshape(len(digits.x_train), -1)
    model = nn.Sequential(nn.Linear(64, 32), nn.ReLU(), nn.Linear(32, 10))
    loader = xgrad.data.DataLoader((x, digits.y_train), batch_size=32, shuffle=True)
    return model, loader


def test_rates_grow_exponentially():
    r = exponential_rates(1e-5, 1.0, 6)
    np.testing.assert_allclose(r, [1e-5, 1e-4, 1e-3, 1e-2, 1e-1, 1.0], rtol=1e-12)


def test_range_test_finds_a_rate_and_restores_everything():
    model, loader = setup()
    opt = xgrad.optim.SGD(model.parameters(), lr=0.123, momentum=0.9)
    before = {k: np.array(v, copy=True) for k, v in model.state_dict().items()}
    result = xgrad.train.lr_finder(model, nn.CrossEntropyLoss(), opt, loader, start_lr=1e-5, end_lr=100,
                                   num_iter=150)
    # the rates of the recorded updates are the exponential sequence, cycling the loader past one epoch
    np.testing.assert_allclose(result.lrs, exponential_rates(1e-5, 100, 150)[:len(result.lrs)], rtol=1e-12)
    assert len(result.lrs) > len(loader)
    # a large rate makes it diverge: stopped early, the smoothed loss beyond 4x its minimum
    assert result.diverged and len(result.lrs) < 150
    assert result.smoothed[-1] > 4 * np.nanmin(result.smoothed[:-1])
    # the suggestion lies where the loss falls, below the rate of the minimum
    assert 1e-4 < result.suggestion < result.min_loss_lr <= result.lrs[-1]
    i = int(np.argmin(np.abs(result.lrs - result.suggestion)))
    assert result.smoothed[i + 5] < result.smoothed[i - 5]
    # nothing changed: weights, optimizer state (none), rate
    after = model.state_dict()
    for k, v in before.items():
        np.testing.assert_array_equal(np.asarray(after[k]), v)
    assert opt.param_groups[0]["lr"] == 0.123 and opt.state == {}


def test_suggested_rate_trains_better_than_a_far_too_small_one():
    losses = {}
    for name in ("suggested", "1e-4"):
        model, loader = setup(1)
        opt = xgrad.optim.SGD(model.parameters(), lr=1.0)
        lr = xgrad.train.lr_finder(model, nn.CrossEntropyLoss(), opt, loader, start_lr=1e-5, end_lr=10,
                                   num_iter=100).suggestion if name == "suggested" else 1e-4
        for g in opt.param_groups:
            g["lr"] = lr
        trainer = xgrad.train.Trainer(model, nn.CrossEntropyLoss(), opt, progress=False)
        losses[name] = trainer.fit(loader, epochs=2).train_loss[-1]
    assert losses["suggested"] < 0.5 * losses["1e-4"]


def test_plot_and_bad_arguments():
    matplotlib = pytest.importorskip("matplotlib")
    matplotlib.use("Agg")
    model, loader = setup()
    opt = xgrad.optim.SGD(model.parameters(), lr=0.1)
    result = xgrad.train.lr_finder(model, nn.CrossEntropyLoss(), opt, loader, num_iter=30, start_lr=1e-4, end_lr=1)
    ax = result.plot()
    assert ax.get_xscale() == "log" and len(ax.lines) == 4
    for kwargs in (dict(start_lr=0), dict(start_lr=1, end_lr=0.1), dict(num_iter=1), dict(beta=1.0),
                   dict(diverge_factor=1.0)):
        with pytest.raises(ValueError, match="lr_finder"):
            xgrad.train.lr_finder(model, nn.CrossEntropyLoss(), opt, loader, **kwargs)
