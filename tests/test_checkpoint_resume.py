"""Trainer checkpoints: atomic writes, exact round trip of every state, checks on load, and a
resumed run that ends bit for bit where an uninterrupted one does (dropout + shuffling + momentum +
scheduler, so the generator, optimizer and scheduler state all matter)."""
import os

import numpy as np
import pytest

import xgrad
from xgrad import nn
from xgrad.ensemble import ExponentialMovingAverage, SnapshotEnsemble
from xgrad.train import EarlyStopping, Trainer
from xgrad.train import checkpoint as ckpt


class ShuffledLoader:
    """A minimal loader: a new order from xgrad.randperm every epoch (as xgrad.data.DataLoader)."""

    def __init__(self, x, y, batch_size):
        self.x, self.y, self.batch_size = x, y, batch_size

    def __len__(self):
        return -(-len(self.x) // self.batch_size)

    def __iter__(self):
        order = xgrad.randperm(len(self.x))
        for i in range(0, len(order), self.batch_size):
            idx = order[i:i + self.batch_size]
            yield self.x[idx], self.y[idx]


def data(n=120, d=8, classes=3, seed=0):
    rng = np.random.default_rng(seed)
    x = rng.standard_normal((n, d)).astype(np.float32)
    y = np.argmax(x @ rng.standard_normal((d, classes)), axis=1).astype(np.int64)
    return x, y


def make_loaders(kind):
    x, y = data()
    xv, yv = data(n=40, seed=1)
    if kind == "local":
        return ShuffledLoader(x, y, 16), [(xv, yv)]
    return (xgrad.data.DataLoader((x, y), batch_size=16, shuffle=True),
            xgrad.data.DataLoader((xv, yv), batch_size=40))


def build(config, seed, checkpoint_dir=None):
    """The same construction for the uninterrupted and the resumed run."""
    xgrad.manual_seed(seed)
    model = nn.Sequential(nn.Linear(8, 32), nn.BatchNorm1d(32), nn.ReLU(), nn.Dropout(0.3), nn.Linear(32, 3))
    if config == "sgd-step":
        opt = xgrad.optim.SGD(model.parameters(), lr=0.1, momentum=0.9, nesterov=True)
        sched = xgrad.optim.lr_scheduler.StepLR(opt, step_size=2, gamma=0.5)
    elif config == "adam-cosine":
        opt = xgrad.optim.Adam(model.parameters(), lr=3e-3, betas=(0.9, 0.99))
        sched = xgrad.optim.lr_scheduler.CosineAnnealingLR(opt, T_max=3, warmup_iters=1)
    else:  # "adamw-plateau"
        opt = xgrad.optim.AdamW(model.parameters(), lr=3e-3, weight_decay=0.1)
        sched = xgrad.optim.lr_scheduler.ReduceLROnPlateau(opt, patience=0, factor=0.5)
    callbacks = [EarlyStopping(patience=10), ExponentialMovingAverage(model, decay=0.9), SnapshotEnsemble(every=2)]
    trainer = Trainer(model, nn.CrossEntropyLoss(), opt, sched, callbacks=callbacks, checkpoint_dir=checkpoint_dir,
                      progress=False)
    return trainer


@pytest.mark.parametrize("loader_kind", ["local", "xgrad.data.DataLoader"])
@pytest.mark.parametrize("config", ["sgd-step", "adam-cosine", "adamw-plateau"])
def test_resumed_run_equals_uninterrupted_run_bit_for_bit(tmp_path, config, loader_kind):
    train, val = make_loaders(loader_kind)
    full = build(config, seed=0)
    full.fit(train, val, epochs=5)

    first = build(config, seed=0, checkpoint_dir=tmp_path)
    first.fit(train, val, epochs=2)
    assert sorted(os.listdir(tmp_path)) == ["epoch_0001.npz", "epoch_0002.npz"]

    xgrad.manual_seed(999)  # the resumed run must not depend on the generator's state before resume
    resumed = build(config, seed=7)  # different initial weights: everything must come from the file
    resumed.resume(tmp_path / "epoch_0002.npz")
    assert resumed.epoch == 2 and resumed.iteration == 2 * len(train)
    resumed.fit(train, val, epochs=5)

    for (name, a), b in zip(full.model.state_dict().items(), resumed.model.state_dict().values()):
        np.testing.assert_array_equal(a, b, err_msg=name)
    for k, v in full.history.as_dict().items():
        np.testing.assert_array_equal(v, resumed.history.as_dict()[k], err_msg=k)
    for (k, a), b in zip(full.callbacks[1].shadow.items(), resumed.callbacks[1].shadow.values()):
        np.testing.assert_array_equal(a, b, err_msg=f"EMA {k}")
    assert full.callbacks[2].snapshot_epochs == resumed.callbacks[2].snapshot_epochs == [1, 3, 5]
    for sa, sb in zip(full.callbacks[2].states, resumed.callbacks[2].states):
        for k in sa:
            np.testing.assert_array_equal(sa[k], sb[k])
    assert full.scheduler.state_dict() == resumed.scheduler.state_dict()
    assert xgrad.get_rng_state() == resumed_state_after(full, train, val, config)


def resumed_state_after(full, train, val, config):
    """The generator state an uninterrupted 5-epoch run leaves behind (the resumed run just ended,
    so the current state is its state)."""
    state = xgrad.get_rng_state()
    again = build(config, seed=0)
    again.fit(train, val, epochs=5)
    out = xgrad.get_rng_state()
    xgrad.set_rng_state(state)
    return out


def _assert_same(a, b, where="state"):
    """Equal nested state with arrays compared exactly and types kept (tuple stays tuple)."""
    assert type(a) is type(b), f"{where}: {type(a).__name__} vs {type(b).__name__}"
    if isinstance(a, dict):
        assert list(a) == list(b), f"{where}: keys {list(a)} vs {list(b)}"
        for k in a:
            _assert_same(a[k], b[k], f"{where}[{k!r}]")
    elif isinstance(a, (list, tuple)):
        assert len(a) == len(b), where
        for i, (x, y) in enumerate(zip(a, b)):
            _assert_same(x, y, f"{where}[{i}]")
    elif isinstance(a, np.ndarray):
        assert a.dtype == b.dtype and a.shape == b.shape, where
        np.testing.assert_array_equal(a, b, err_msg=where)
    else:
        assert a == b or (a != a and b != b), f"{where}: {a!r} vs {b!r}"


@pytest.mark.parametrize("config", ["sgd-step", "adam-cosine", "adamw-plateau"])
def test_optimizer_and_scheduler_state_dicts_round_trip_exactly(tmp_path, config):
    train, val = make_loaders("local")
    trainer = build(config, seed=0, checkpoint_dir=tmp_path)
    trainer.fit(train, val, epochs=2)
    _, meta = ckpt.read(str(tmp_path / "epoch_0002.npz"))
    _assert_same(trainer.optimizer.state_dict(), meta["optimizer"], "optimizer")
    _assert_same(trainer.scheduler.state_dict(), meta["scheduler"], "scheduler")
    _assert_same(trainer.callbacks[0].state_dict(), meta["callbacks"][0]["state"], "EarlyStopping")
    # and loading it into fresh objects gives back the same state dicts
    fresh = build(config, seed=3)
    fresh.resume(tmp_path / "epoch_0002.npz")
    _assert_same(trainer.optimizer.state_dict(), fresh.optimizer.state_dict(), "optimizer after load")
    _assert_same(trainer.scheduler.state_dict(), fresh.scheduler.state_dict(), "scheduler after load")


def test_milestone_counter_and_int_keys_survive(tmp_path):
    model = nn.Linear(3, 2)
    opt = xgrad.optim.SGD(model.parameters(), lr=0.1, momentum=0.5)
    sched = xgrad.optim.lr_scheduler.MultiStepLR(opt, milestones=[2, 4, 4], gamma=0.5)
    x, y = data(n=8, d=3, classes=2)
    t = Trainer(model, nn.CrossEntropyLoss(), opt, sched, checkpoint_dir=tmp_path, progress=False)
    t.fit([(x, y)], epochs=1)
    _, meta = ckpt.read(str(tmp_path))
    _assert_same(sched.state_dict(), meta["scheduler"], "MultiStepLR")
    _assert_same(opt.state_dict(), meta["optimizer"], "SGD")


def test_resume_from_a_folder_takes_the_newest_and_pruning_keeps_the_last(tmp_path):
    train, val = make_loaders("local")
    trainer = build("sgd-step", seed=0, checkpoint_dir=tmp_path)
    trainer.keep_checkpoints = 2
    trainer.fit(train, val, epochs=4)
    assert sorted(os.listdir(tmp_path)) == ["epoch_0003.npz", "epoch_0004.npz"]
    other = build("sgd-step", seed=1)
    other.resume(tmp_path)
    assert other.epoch == 4 and other.last_checkpoint.endswith("epoch_0004.npz")


def test_failed_write_leaves_no_file_and_keeps_the_old_one(tmp_path, monkeypatch):
    train, val = make_loaders("local")
    trainer = build("sgd-step", seed=0)
    trainer.fit(train, val, epochs=1)
    path = tmp_path / "ck.npz"
    trainer.save_checkpoint(path)
    before = path.read_bytes()
    trainer.fit(train, val, epochs=2)

    def broken(file, arrays):
        file.write(b"PK\x03\x04 half a zip")
        raise OSError("disk full")

    monkeypatch.setattr(xgrad.serialization, "_write_npz", broken)
    with pytest.raises(OSError, match="disk full"):
        trainer.save_checkpoint(path)
    monkeypatch.undo()
    assert path.read_bytes() == before
    assert os.listdir(tmp_path) == ["ck.npz"]  # no temporary file left behind
    fresh = build("sgd-step", seed=0)
    fresh.resume(path)
    assert fresh.epoch == 1


def test_resume_checks_the_model_and_changes_nothing_on_mismatch(tmp_path):
    train, val = make_loaders("local")
    trainer = build("sgd-step", seed=0, checkpoint_dir=tmp_path)
    trainer.fit(train, val, epochs=1)
    path = tmp_path / "epoch_0001.npz"

    xgrad.manual_seed(0)
    wider = nn.Sequential(nn.Linear(8, 16), nn.BatchNorm1d(16), nn.ReLU(), nn.Dropout(0.3), nn.Linear(16, 3))
    before = wider.state_dict()
    t = Trainer(wider, nn.CrossEntropyLoss(), xgrad.optim.SGD(wider.parameters(), lr=0.1, momentum=0.9),
                progress=False)
    with pytest.raises(ValueError, match=r"does not belong to this model: 0\.weight: shape \(32, 8\) in the "
                                         r"checkpoint, \(16, 8\) in the model"):
        t.resume(path)
    for k, v in wider.state_dict().items():
        np.testing.assert_array_equal(v, before[k])

    xgrad.manual_seed(0)
    renamed = nn.Sequential(nn.Linear(8, 32), nn.ReLU(), nn.Linear(32, 3))
    t = Trainer(renamed, nn.CrossEntropyLoss(), xgrad.optim.SGD(renamed.parameters(), lr=0.1), progress=False)
    with pytest.raises(ValueError, match="1.running_mean: in the checkpoint but not in the model"):
        t.resume(path)

    same = build("sgd-step", seed=0)
    t = Trainer(same.model, nn.CrossEntropyLoss(), xgrad.optim.Adam(same.model.parameters()), progress=False)
    with pytest.raises(ValueError, match="holds a SGD state, the trainer's optimizer is a Adam"):
        t.resume(path)
    t = Trainer(same.model, nn.CrossEntropyLoss(), same.optimizer, progress=False)
    with pytest.raises(ValueError, match="written with scheduler StepLR, the trainer has None"):
        t.resume(path)
    t = Trainer(same.model, nn.CrossEntropyLoss(), same.optimizer, same.scheduler, progress=False)
    with pytest.raises(ValueError, match="EarlyStopping as callback 0, the trainer has nothing there"):
        t.resume(path)
    # a stateful callback the checkpoint knows nothing about is allowed, but not silently
    extra = Trainer(same.model, nn.CrossEntropyLoss(), same.optimizer, same.scheduler,
                    callbacks=same.callbacks + [ExponentialMovingAverage(same.model)], progress=False)
    with pytest.warns(UserWarning, match=r"no state for callback\(s\) 3 \(ExponentialMovingAverage\); they start fresh"):
        extra.resume(path)


def test_resume_reports_the_differences_module_load_state_dict_finds(tmp_path, monkeypatch):
    # one check: Trainer.resume lists exactly what Module.state_dict_differences (behind
    # load_state_dict) lists, named "the checkpoint" instead of "the state"
    train, val = make_loaders("local")
    build("sgd-step", seed=0, checkpoint_dir=tmp_path).fit(train, val, epochs=1)
    path = tmp_path / "epoch_0001.npz"
    state, _ = ckpt.read(str(path))
    xgrad.manual_seed(0)
    models = [nn.Sequential(nn.Linear(8, 16), nn.BatchNorm1d(16), nn.ReLU(), nn.Dropout(0.3), nn.Linear(16, 3)),
              nn.Sequential(nn.Linear(8, 32), nn.ReLU(), nn.Linear(32, 3)),
              nn.Sequential(nn.Linear(8, 32), nn.BatchNorm1d(32), nn.ReLU(), nn.Dropout(0.3), nn.Linear(32, 3),
                            nn.Linear(3, 3)),
              nn.Sequential(nn.Linear(8, 32), nn.BatchNorm1d(32), nn.ReLU(), nn.Dropout(0.3),
                            nn.Linear(32, 3)).to(xgrad.float64)]
    for model in models:
        differences = model.state_dict_differences(state, source="the checkpoint")
        assert differences
        t = Trainer(model, nn.CrossEntropyLoss(), xgrad.optim.SGD(model.parameters(), lr=0.1), progress=False)
        with pytest.raises(ValueError) as resumed:
            t.resume(path)
        assert str(resumed.value) == (f"Trainer.resume: the checkpoint {path} does not belong to this model: "
                                      + "; ".join(differences))
        with pytest.raises(ValueError) as loaded:
            model.load_state_dict(state)
        assert str(loaded.value) == (f"load_state_dict into Sequential: "
                                     + "; ".join(d.replace("the checkpoint", "the state") for d in differences))

    calls = []

    def fake(self, state_dict, strict=True, source="the state"):
        calls.append((strict, source))
        return ["the module's own report"]

    monkeypatch.setattr(nn.Module, "state_dict_differences", fake)
    t = build("sgd-step", seed=0)
    with pytest.raises(ValueError, match="does not belong to this model: the module's own report$"):
        t.resume(path)
    assert calls == [(True, "the checkpoint")]


def test_a_run_cut_by_max_steps_resumes_bit_for_bit(tmp_path):
    train, val = make_loaders("local")  # 8 batches per epoch: max_steps=20 cuts the third epoch
    full = build("adam-cosine", seed=0)
    full.fit(train, val, epochs=5, max_steps=20)
    assert full.iteration == 20 and full.epoch == 3

    first = build("adam-cosine", seed=0, checkpoint_dir=tmp_path)
    first.fit(train, val, epochs=2, max_steps=20)
    resumed = build("adam-cosine", seed=7)
    resumed.resume(tmp_path)
    resumed.fit(train, val, epochs=5, max_steps=20)
    assert resumed.iteration == 20 and resumed.epoch == 3
    for (name, a), b in zip(full.model.state_dict().items(), resumed.model.state_dict().values()):
        np.testing.assert_array_equal(a, b, err_msg=name)
    for k, v in full.history.as_dict().items():
        np.testing.assert_array_equal(v, resumed.history.as_dict()[k], err_msg=k)
    assert len(full.history.acc) == 20 and np.all(np.isfinite(full.history.acc))


def test_resume_rejects_missing_and_foreign_files(tmp_path):
    trainer = build("sgd-step", seed=0)
    with pytest.raises(FileNotFoundError, match="no such checkpoint"):
        trainer.resume(tmp_path / "nope.npz")
    with pytest.raises(FileNotFoundError, match="no checkpoint"):
        trainer.resume(tmp_path)
    xgrad.save(trainer.model, tmp_path / "weights.npz")
    with pytest.raises(ValueError, match="not a Trainer checkpoint"):
        trainer.resume(tmp_path / "weights.npz")
    (tmp_path / "junk.npz").write_bytes(b"not a zip")
    with pytest.raises(ValueError, match="not a readable"):
        trainer.resume(tmp_path / "junk.npz")


def test_pruning_never_deletes_the_checkpoint_just_written(tmp_path):
    # a reused folder holds a longer earlier run: its later epochs must not push out the new files
    train, val = make_loaders("local")
    build("sgd-step", seed=0, checkpoint_dir=tmp_path).fit(train, val, epochs=3)
    trainer = build("sgd-step", seed=1, checkpoint_dir=tmp_path)
    trainer.keep_checkpoints = 1
    trainer.fit(train, val, epochs=2)
    assert os.path.exists(trainer.last_checkpoint) and trainer.last_checkpoint.endswith("epoch_0002.npz")
    assert sorted(os.listdir(tmp_path)) == ["epoch_0002.npz", "epoch_0003.npz"]
    _, meta = ckpt.read(trainer.last_checkpoint)
    assert meta["epoch"] == 2 and meta["iteration"] == trainer.iteration


def test_a_run_stopped_early_stays_stopped_after_resume(tmp_path):
    x, y = data()

    def run(checkpoint_dir=None):
        xgrad.manual_seed(0)
        model = nn.Sequential(nn.Linear(8, 3))
        # lr = 0: the val loss never improves after epoch 1, so patience 1 stops after epoch 2
        return Trainer(model, nn.CrossEntropyLoss(), xgrad.optim.SGD(model.parameters(), lr=0.0),
                       callbacks=[EarlyStopping(patience=1)], checkpoint_dir=checkpoint_dir, progress=False)

    full = run(tmp_path)
    full.fit([(x, y)], [(x, y)], epochs=10)
    assert full.epoch == 2 and full.stop_training
    resumed = run()
    resumed.resume(tmp_path)
    with pytest.warns(UserWarning, match="stopped after epoch 2"):
        resumed.fit([(x, y)], [(x, y)], epochs=10)
    assert resumed.epoch == 2
    for k, v in full.history.as_dict().items():
        np.testing.assert_array_equal(v, resumed.history.as_dict()[k], err_msg=k)
    with pytest.warns(UserWarning, match="stopped after epoch 2"):  # the same for the trainer that stopped
        full.fit([(x, y)], [(x, y)], epochs=10)
    resumed.stop_training = False  # asked for explicitly: one more epoch, and patience stops it again
    resumed.fit([(x, y)], [(x, y)], epochs=10)
    assert resumed.epoch == 3
