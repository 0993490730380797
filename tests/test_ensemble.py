"""xgrad.ensemble against NumPy formulas: averaged predictions, snapshot and checkpoint
ensembles, exponential moving average of the weights."""
import numpy as np
import pytest

import xgrad
from xgrad import nn
from xgrad.ensemble import CheckpointEnsemble, ExponentialMovingAverage, SnapshotEnsemble, average_predictions
from xgrad.train import Callback, Trainer


def data(n=60, d=5, classes=4, seed=0):
    rng = np.random.default_rng(seed)
    x = rng.standard_normal((n, d)).astype(np.float32)
    y = np.argmax(x @ rng.standard_normal((d, classes)), axis=1).astype(np.int64)
    return x, y


def np_forward_state(s, x):
    """Linear-ReLU-Linear in NumPy float64 from a state dict."""
    h = np.maximum(x.astype(np.float64) @ s["0.weight"].T.astype(np.float64) + s["0.bias"], 0)
    return h @ s["2.weight"].T.astype(np.float64) + s["2.bias"]


def np_forward(model, x):
    return np_forward_state(model.state_dict(), x)


def np_softmax(z):
    z = z - z.max(1, keepdims=True)
    e = np.exp(z)
    return e / e.sum(1, keepdims=True)


def mlp():
    return nn.Sequential(nn.Linear(5, 12), nn.ReLU(), nn.Linear(12, 4))


def test_average_predictions_matches_numpy():
    x, _ = data()
    models = [mlp() for _ in range(3)]
    logits = [np_forward(m, x) for m in models]
    probs = average_predictions(models, x)
    assert probs.shape == (60, 4) and probs.dtype == np.float64
    np.testing.assert_allclose(probs, np.mean([np_softmax(z) for z in logits], axis=0), rtol=1e-5, atol=1e-7)
    np.testing.assert_allclose(probs.sum(1), 1.0, rtol=1e-12)
    np.testing.assert_allclose(average_predictions(models, x, kind="logits"), np.mean(logits, axis=0),
                               rtol=1e-5, atol=1e-5)
    # a loader of (x, y) batches gives the same result as the array
    loader = [(x[i:i + 25], None) for i in range(0, 60, 25)]
    np.testing.assert_allclose(average_predictions(models, loader), probs, rtol=1e-6)


def test_average_predictions_uses_eval_mode_and_restores_it():
    x, _ = data()
    model = nn.Sequential(nn.Linear(5, 12), nn.ReLU(), nn.Dropout(0.5), nn.Linear(12, 4))
    a = average_predictions([model], x)
    b = average_predictions([model], x)
    np.testing.assert_array_equal(a, b)  # no dropout noise: eval mode
    assert model.training


def test_average_predictions_bad_input():
    x, _ = data()
    with pytest.raises(ValueError, match="empty list"):
        average_predictions([], x)
    with pytest.raises(ValueError, match="kind='mean'"):
        average_predictions([mlp()], x, kind="mean")
    with pytest.raises(TypeError, match="model 1 is a str"):
        average_predictions([mlp(), "m"], x)
    other = nn.Sequential(nn.Linear(5, 12), nn.ReLU(), nn.Linear(12, 3))
    with pytest.raises(ValueError, match="different shapes"):
        average_predictions([mlp(), other], x)


def train_with(callbacks, tmp_path=None, epochs=5, seed=0):
    x, y = data()
    xgrad.manual_seed(seed)
    model = mlp()
    opt = xgrad.optim.SGD(model.parameters(), lr=0.1, momentum=0.9)
    trainer = Trainer(model, nn.CrossEntropyLoss(), opt, callbacks=callbacks(model), checkpoint_dir=tmp_path,
                      progress=False)
    trainer.fit([(x[i:i + 20], y[i:i + 20]) for i in range(0, 60, 20)], epochs=epochs)
    return trainer, x


def test_snapshot_ensemble_collects_the_weights_of_the_chosen_epochs(tmp_path):
    snaps = SnapshotEnsemble(every=2)
    trainer, x = train_with(lambda m: [snaps], tmp_path)
    assert snaps.snapshot_epochs == [1, 3, 5] and len(snaps) == 3
    # each snapshot equals that epoch's checkpoint
    for epoch, state in zip(snaps.snapshot_epochs, snaps.states):
        saved, _ = xgrad.train.checkpoint.read(str(tmp_path / f"epoch_{epoch:04d}.npz"))
        for k in state:
            np.testing.assert_array_equal(state[k], saved[k])
    final = trainer.model.state_dict()
    probs = snaps.predict(x)
    expected = np.mean([np_softmax(np_forward_state(s, x)) for s in snaps.states], axis=0)
    np.testing.assert_allclose(probs, expected, rtol=1e-5, atol=1e-7)
    for k, v in trainer.model.state_dict().items():  # the model got its own weights back
        np.testing.assert_array_equal(v, final[k])


def test_snapshot_rules_and_limits():
    s = SnapshotEnsemble(epochs=[2, 4])
    train_with(lambda m: [s])
    assert s.snapshot_epochs == [2, 4]
    s = SnapshotEnsemble(start=2, max_snapshots=2)
    train_with(lambda m: [s])
    assert s.snapshot_epochs == [4, 5]
    with pytest.raises(ValueError, match="every=0"):
        SnapshotEnsemble(every=0)
    with pytest.raises(ValueError, match="no members"):
        SnapshotEnsemble().predict(np.zeros((2, 5), np.float32), model=mlp())


def test_checkpoint_ensemble_from_a_folder_equals_snapshots_of_every_epoch(tmp_path):
    snaps = SnapshotEnsemble(every=1)
    trainer, x = train_with(lambda m: [snaps], tmp_path, epochs=3)
    ens = CheckpointEnsemble(trainer.model, tmp_path)
    assert len(ens) == 3
    np.testing.assert_array_equal(ens.predict(x), snaps.predict(x))
    np.testing.assert_array_equal(ens.predict(x, kind="logits"), snaps.predict(x, kind="logits"))
    # plain xgrad.save files work too
    xgrad.save(trainer.model, tmp_path / "final.pt.npz")
    plain = CheckpointEnsemble(trainer.model, [tmp_path / "final.pt.npz"])
    np.testing.assert_allclose(plain.predict(x), np_softmax(np_forward(trainer.model, x)), rtol=1e-5, atol=1e-7)
    wrong = nn.Sequential(nn.Linear(5, 7), nn.ReLU(), nn.Linear(7, 4))
    with pytest.raises(ValueError, match=r"0\.weight: shape \(12, 5\) in the state, \(7, 5\) in the model"):
        CheckpointEnsemble(wrong, tmp_path)
    (tmp_path / "empty").mkdir()
    with pytest.raises(FileNotFoundError, match="no epoch_"):
        CheckpointEnsemble(trainer.model, tmp_path / "empty")


def test_ema_follows_the_formula_over_a_run():
    decay = 0.8
    weights = []

    class Record(Callback):
        def on_after_step(self, trainer):
            weights.append(trainer.model.state_dict())

    initial = {}

    def callbacks(model):
        initial.update(model.state_dict())
        return [Record(), ExponentialMovingAverage(model, decay=decay)]

    trainer, _ = train_with(callbacks, epochs=2)
    ema = trainer.callbacks[1]
    assert ema.num_updates == len(weights) == 6
    for k, w0 in initial.items():
        expected = w0.astype(np.float64)
        for w in weights:
            expected = decay * expected + (1 - decay) * w[k]
        np.testing.assert_allclose(ema.shadow[k], expected, rtol=1e-5, atol=1e-6)


def test_ema_buffers_and_swapping():
    xgrad.manual_seed(0)
    model = nn.Sequential(nn.Linear(5, 6), nn.BatchNorm1d(6), nn.ReLU(), nn.Linear(6, 4))
    ema = ExponentialMovingAverage(model, decay=0.5)
    x, _ = data()
    start = model.state_dict()
    model(xgrad.tensor(x))  # a training forward pass moves the running statistics
    with xgrad.no_grad():
        for p in model.parameters():
            p.add_(1.0)
    ema.update()
    now = model.state_dict()
    np.testing.assert_allclose(ema.shadow["0.weight"], 0.5 * start["0.weight"] + 0.5 * now["0.weight"], rtol=1e-6)
    np.testing.assert_allclose(ema.shadow["1.running_mean"], 0.5 * start["1.running_mean"] + 0.5 * now["1.running_mean"],
                               rtol=1e-6)
    np.testing.assert_array_equal(ema.shadow["1.num_batches_tracked"], now["1.num_batches_tracked"])

    with ema.average_parameters() as m:
        assert m is model
        np.testing.assert_array_equal(model.state_dict()["0.weight"], ema.shadow["0.weight"])
    np.testing.assert_array_equal(model.state_dict()["0.weight"], now["0.weight"])
    other = nn.Sequential(nn.Linear(5, 6), nn.BatchNorm1d(6), nn.ReLU(), nn.Linear(6, 4))
    ema.apply_to(other)
    for k, v in other.state_dict().items():
        np.testing.assert_array_equal(v, ema.shadow[k])

    zero = ExponentialMovingAverage(model, decay=0.0)
    with xgrad.no_grad():
        for p in model.parameters():
            p.mul_(2.0)
    zero.update()
    for k, v in model.state_dict().items():
        np.testing.assert_array_equal(zero.shadow[k], v)


def test_ema_state_round_trip_and_errors():
    model = mlp()
    ema = ExponentialMovingAverage(model, decay=0.9)
    ema.update()
    other = ExponentialMovingAverage(model, decay=0.1)
    other.load_state_dict(ema.state_dict())
    assert other.decay == 0.9 and other.num_updates == 1
    with pytest.raises(ValueError, match="decay=1.5"):
        ExponentialMovingAverage(model, decay=1.5)
    with pytest.raises(TypeError, match="xgrad.nn.Module"):
        ExponentialMovingAverage("model")
    bad = ExponentialMovingAverage(nn.Sequential(nn.Linear(5, 3)))
    with pytest.raises(ValueError, match="does not match the model"):
        bad.load_state_dict(ema.state_dict())


def test_a_shuffling_loader_is_read_once_so_members_average_the_same_rows():
    x, y = data()
    xgrad.manual_seed(0)
    models = [mlp() for _ in range(3)]
    loader = xgrad.data.DataLoader((x, y), batch_size=16, shuffle=True)
    state = xgrad.get_rng_state()
    order = xgrad.randperm(len(x))  # the one order the loader draws for its single pass
    xgrad.set_rng_state(state)
    probs = average_predictions(models, loader)
    expected = np.mean([np_softmax(np_forward(m, x[order])) for m in models], axis=0)
    np.testing.assert_allclose(probs, expected, rtol=1e-5, atol=1e-7)
    assert xgrad.get_rng_state() == _after_one_draw(state, len(x))

    snaps = SnapshotEnsemble()
    for m in models:
        snaps.add(m)
    host = mlp()  # its initialisation draws from the generator: build it before rewinding
    xgrad.set_rng_state(state)
    np.testing.assert_allclose(snaps.predict(loader, model=host), expected, rtol=1e-5, atol=1e-7)
    assert xgrad.get_rng_state() == _after_one_draw(state, len(x))


def _after_one_draw(state, n):
    now = xgrad.get_rng_state()
    xgrad.set_rng_state(state)
    xgrad.randperm(n)
    after = xgrad.get_rng_state()
    xgrad.set_rng_state(now)
    return after


def test_checkpoint_ensemble_reads_each_file_once(tmp_path, monkeypatch):
    trainer, x = train_with(lambda m: [], tmp_path, epochs=2)
    xgrad.save(trainer.model, tmp_path / "plain.npz")
    reads = []
    monkeypatch.setattr(xgrad.serialization, "open", lambda path, *a: reads.append(str(path)) or open(path, *a),
                        raising=False)  # xgrad.load opens each file once
    paths = [tmp_path / "epoch_0001.npz", tmp_path / "epoch_0002.npz", tmp_path / "plain.npz"]
    ens = CheckpointEnsemble(trainer.model, paths)
    assert sorted(reads) == sorted(str(p) for p in paths)
    monkeypatch.undo()
    for state, p in zip(ens.states, paths):
        # only the model's entries, by the model's names, equal to what the file holds for them
        assert list(state) == list(trainer.model.state_dict())
        saved = xgrad.train.checkpoint.read(str(p))[0] if "epoch" in p.name else xgrad.load(p)
        for k in state:
            np.testing.assert_array_equal(state[k], saved[k])


def test_moving_average_state_of_another_model_is_refused_with_the_module_check():
    ema = xgrad.ensemble.ExponentialMovingAverage(nn.Sequential(nn.Linear(5, 7), nn.ReLU(), nn.Linear(7, 3)))
    other = xgrad.ensemble.ExponentialMovingAverage(nn.Sequential(nn.Linear(5, 4), nn.ReLU(), nn.Linear(4, 3)))
    with pytest.raises(ValueError, match=r"0\.weight: shape \(4, 5\) in the averaged state, \(7, 5\) in the model"):
        ema.load_state_dict(other.state_dict())
    state = other.state_dict()
    del state["shadow"]["2.bias"]
    with pytest.raises(ValueError, match=r"2\.bias: missing from the averaged state"):
        other.load_state_dict(state)
