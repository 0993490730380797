"""Model ensembles (CS231n "Training Neural Networks 3"): average the predictions of independently
trained models, of snapshots/checkpoints of one run, or keep a moving average of the weights
(Polyak averaging) and test with it.

    probs = xgrad.ensemble.average_predictions([m1, m2, m3], x_test)        # (N, C)
    snaps = xgrad.ensemble.SnapshotEnsemble(every=2)                         # a Trainer callback
    ema = xgrad.ensemble.ExponentialMovingAverage(model, decay=0.999)        # a Trainer callback
    with ema.average_parameters():
        trainer.evaluate(test_loader)
"""
from __future__ import annotations

import contextlib
import os
from collections import OrderedDict
from typing import Any, Dict, Iterator, List, Optional, Sequence, Union

import numpy as np

from ._tensor import Tensor
from .autograd import no_grad
from .nn.module import Module
from .serialization import load as _load
from .train.callback import Callback
from .train.trainer import predict as _predict

__all__ = ["average_predictions", "SnapshotEnsemble", "CheckpointEnsemble", "ExponentialMovingAverage"]

_KINDS = ("probs", "logits")


def _softmax(logits: np.ndarray) -> np.ndarray:
    z = logits.astype(np.float64) - logits.max(axis=1, keepdims=True)
    np.exp(z, out=z)
    z /= z.sum(axis=1, keepdims=True)
    return z


def _check_kind(kind: str, where: str) -> None:
    if kind not in _KINDS:
        raise ValueError(f"{where}: kind={kind!r}, expected 'probs' (average of softmax probabilities) or "
                         f"'logits' (average of raw scores)")


def _combine(outputs: List[np.ndarray], kind: str, where: str) -> np.ndarray:
    shapes = {o.shape for o in outputs}
    if len(shapes) != 1:
        raise ValueError(f"{where}: the members' outputs have different shapes {sorted(shapes)}")
    if kind == "probs":
        if outputs[0].ndim != 2:
            raise ValueError(f"{where}: kind='probs' needs (N, C) logits, got shape {outputs[0].shape}")
        outputs = [_softmax(o) for o in outputs]
    else:
        outputs = [o.astype(np.float64) for o in outputs]
    return np.mean(np.stack(outputs), axis=0)


def _read_once(x: Any) -> Any:
    """An array/Tensor as given; a loader read once into the list of its batches' inputs, so every
    member predicts the same rows in the same order (a shuffling loader would draw a new order for
    each member, and the averaged rows would belong to different samples)."""
    if isinstance(x, (np.ndarray, Tensor)):
        return x
    return [b[0] if isinstance(b, (tuple, list)) else b for b in x]


def average_predictions(models: Sequence[Module], x: Any, kind: str = "probs", batch_size: int = 512) -> np.ndarray:
    """The ensemble's prediction: each model in eval mode under ``no_grad``,
    ``p(y|x) = (1/M) sum_m softmax(f_m(x))`` (kind="probs") or ``(1/M) sum_m f_m(x)``
    (kind="logits"). ``x``: an (N, ...) array/Tensor or a loader (iterated once, its batches'
    first elements in the loader's order); returns an (N, C) float64 array
    (take ``argmax(1)`` for the class). Each model's train/eval mode is restored."""
    _check_kind(kind, "average_predictions")
    models = list(models)
    if not models:
        raise ValueError("average_predictions: got an empty list of models")
    for i, m in enumerate(models):
        if not isinstance(m, Module):
            raise TypeError(f"average_predictions: model {i} is a {type(m).__name__}, not an xgrad.nn.Module")
    x = _read_once(x)
    return _combine([_predict(m, x, batch_size) for m in models], kind, "average_predictions")


def _copy_state(model: Module) -> "OrderedDict[str, np.ndarray]":
    return model.state_dict()  # NumPy copies already


class _StateEnsemble:
    """Members stored as state dicts of one architecture; predictions load each into a model in turn
    and put the model's own weights back afterwards."""

    model: Optional[Module]
    states: List["OrderedDict[str, np.ndarray]"]

    def _members_model(self, model: Optional[Module], where: str) -> Module:
        model = model if model is not None else self.model
        if model is None:
            raise ValueError(f"{where}: no model to load the snapshots into (pass model=, or attach the "
                             f"callback to a Trainer first)")
        if not self.states:
            raise ValueError(f"{where}: the ensemble has no members yet")
        return model

    def member_predictions(self, x: Any, model: Optional[Module] = None, batch_size: int = 512) -> List[np.ndarray]:
        """Each member's raw outputs (logits), in member order."""
        where = f"{type(self).__name__}.member_predictions"
        model = self._members_model(model, where)
        x = _read_once(x)
        own = _copy_state(model)
        outs = []
        try:
            for state in self.states:
                model.load_state_dict(state)
                outs.append(_predict(model, x, batch_size))
        finally:
            model.load_state_dict(own)
        return outs

    def predict(self, x: Any, kind: str = "probs", model: Optional[Module] = None, batch_size: int = 512) -> np.ndarray:
        """The members' averaged prediction (see ``average_predictions``), (N, C) float64."""
        where = f"{type(self).__name__}.predict"
        _check_kind(kind, where)
        return _combine(self.member_predictions(x, model, batch_size), kind, where)

    def __len__(self) -> int:
        return len(self.states)


class SnapshotEnsemble(Callback, _StateEnsemble):
    """Collect copies of the weights during one run (a Trainer callback) and average the
    predictions of those snapshots: the lectures' "checkpoint ensemble" (no extra training cost),
    and with a cyclic/cosine schedule Huang et al.'s snapshot ensembles (snapshot at each cycle's
    end, where the rate is small).

    Args:
        every: take a snapshot every ``every`` epochs, counting from ``start``.
        start: first epoch (1-based) to snapshot.
        epochs: explicit 1-based epochs to snapshot instead (overrides every/start).
        max_snapshots: keep only the newest this many (None: all).

    After (or during) training: ``snapshot_epochs`` (list of epochs), ``states`` (state dicts),
    ``predict(x, kind="probs")``. Snapshots are part of the Trainer's checkpoints, so a resumed run
    ends with the same members."""

    def __init__(self, every: int = 1, start: int = 1, epochs: Optional[Sequence[int]] = None,
                 max_snapshots: Optional[int] = None):
        if not isinstance(every, int) or every < 1:
            raise ValueError(f"SnapshotEnsemble: every={every!r}, expected an int >= 1")
        if not isinstance(start, int) or start < 1:
            raise ValueError(f"SnapshotEnsemble: start={start!r}, expected an int >= 1 (epochs count from 1)")
        if epochs is not None:
            epochs = sorted({int(e) for e in epochs})
            if not epochs or epochs[0] < 1:
                raise ValueError(f"SnapshotEnsemble: epochs={epochs!r}, expected 1-based epoch numbers")
        if max_snapshots is not None and (not isinstance(max_snapshots, int) or max_snapshots < 1):
            raise ValueError(f"SnapshotEnsemble: max_snapshots={max_snapshots!r}, expected None or an int >= 1")
        self.every, self.start, self.epochs, self.max_snapshots = every, start, epochs, max_snapshots
        self.model: Optional[Module] = None
        self.states: List["OrderedDict[str, np.ndarray]"] = []
        self.snapshot_epochs: List[int] = []

    def _wanted(self, epoch: int) -> bool:
        if self.epochs is not None:
            return epoch in self.epochs
        return epoch >= self.start and (epoch - self.start) % self.every == 0

    def on_fit_begin(self, trainer: Any) -> None:
        """Remember the trained model (``predict`` loads the snapshots into it)."""
        self.model = trainer.model

    def on_epoch_end(self, trainer: Any) -> None:
        """Take a snapshot if this epoch is one of the chosen ones."""
        self.model = trainer.model
        if self._wanted(int(trainer.epoch)):
            self.add(trainer.model, int(trainer.epoch))

    def add(self, model: Module, epoch: int = -1) -> None:
        """Take a snapshot of ``model`` now (by hand, outside a Trainer)."""
        self.model = model
        self.states.append(_copy_state(model))
        self.snapshot_epochs.append(int(epoch))
        if self.max_snapshots is not None and len(self.states) > self.max_snapshots:
            del self.states[0], self.snapshot_epochs[0]

    def state_dict(self) -> Dict[str, Any]:
        """The snapshots and their epochs (saved in Trainer checkpoints)."""
        return {"snapshot_epochs": list(self.snapshot_epochs), "states": [dict(s) for s in self.states]}

    def load_state_dict(self, state: Dict[str, Any]) -> None:
        """Restore what ``state_dict`` returned."""
        self.snapshot_epochs = [int(e) for e in state["snapshot_epochs"]]
        self.states = [OrderedDict(s) for s in state["states"]]

    def __repr__(self) -> str:
        rule = f"epochs={self.epochs}" if self.epochs is not None else f"every={self.every}, start={self.start}"
        return f"SnapshotEnsemble({rule}; {len(self.states)} snapshots at epochs {self.snapshot_epochs})"


class CheckpointEnsemble(_StateEnsemble):
    """An ensemble of checkpoint files of one architecture: Trainer checkpoints
    (``epoch_NNNN.npz``), or ``xgrad.save(model, path)`` files. ``paths`` may be a folder (all its
    ``epoch_*.npz`` in epoch order). Each is checked against ``model`` (names, shapes, dtypes) when
    loaded; ``predict(x, kind)`` averages their predictions."""

    def __init__(self, model: Module, paths: Union[str, "os.PathLike[str]", Sequence[Any]]):
        from .train import checkpoint as _ckpt

        if not isinstance(model, Module):
            raise TypeError(f"CheckpointEnsemble: model must be an xgrad.nn.Module, got {type(model).__name__}")
        if isinstance(paths, (str, os.PathLike)):
            folder = os.fspath(paths)
            if not os.path.isdir(folder):
                raise FileNotFoundError(f"CheckpointEnsemble: {folder} is not a folder (pass a list of files)")
            paths = sorted(os.path.join(folder, n) for n in os.listdir(folder)
                           if n.startswith("epoch_") and n.endswith(".npz"))
            if not paths:
                raise FileNotFoundError(f"CheckpointEnsemble: no epoch_*.npz checkpoints in {folder}")
        self.model = model
        self.paths = [os.fspath(p) for p in paths]
        if not self.paths:
            raise ValueError("CheckpointEnsemble: got an empty list of checkpoint files")
        self.states = []
        for p in self.paths:
            state = _ckpt.model_state(_load(p))
            problems = model.state_dict_differences(state)
            if problems:
                raise ValueError(f"CheckpointEnsemble: {p} does not fit the model:\n  " + "\n  ".join(problems))
            self.states.append(state)

    def __repr__(self) -> str:
        return f"CheckpointEnsemble({len(self.paths)} checkpoints)"


class ExponentialMovingAverage(Callback):
    """Polyak averaging of the weights (CS231n "Training NN 3": keep a moving average of the
    parameter vector and use it at test time). After every optimizer step (as a Trainer callback,
    or ``update()`` by hand)::

        w_ema = decay * w_ema + (1 - decay) * w

    Float buffers (batch norm running statistics, but not ``num_batches_tracked``) are averaged the same way (``use_buffers=True``,
    like ``torch.optim.swa_utils.AveragedModel(use_buffers=True)``); other buffers are copied.
    The average starts at the model's weights when the EMA is created.

    Use the averaged weights with ``apply_to(model)`` (overwrite) or the context manager
    ``with ema.average_parameters(): ...`` (swap in, then restore the trained weights)."""

    def __init__(self, model: Module, decay: float = 0.999, use_buffers: bool = True):
        if not isinstance(model, Module):
            raise TypeError(f"ExponentialMovingAverage: model must be an xgrad.nn.Module, got {type(model).__name__}")
        if not 0.0 <= float(decay) <= 1.0:
            raise ValueError(f"ExponentialMovingAverage: decay={decay}, expected a value in [0, 1]")
        self.model = model
        self.decay = float(decay)
        self.use_buffers = bool(use_buffers)
        self.num_updates = 0
        self.shadow: "OrderedDict[str, np.ndarray]" = _copy_state(model)

    def _averaged_names(self) -> Iterator[tuple]:
        for name, p in self.model.named_parameters():
            yield name, p, True
        for name, b in self.model.named_buffers():
            # a step counter is not a statistic: averaging it would make it fractional
            counter = name.endswith("num_batches_tracked")
            yield name, b, self.use_buffers and not counter and b.numpy().dtype.kind == "f"

    def update(self) -> None:
        """One averaging step from the model's current weights."""
        d = self.decay
        with no_grad():
            for name, t, average in self._averaged_names():
                current = t.numpy()
                s = self.shadow[name]
                if average:
                    s *= s.dtype.type(d)
                    s += s.dtype.type(1.0 - d) * current
                else:
                    s[...] = current
        self.num_updates += 1

    def on_after_step(self, trainer: Any) -> None:
        """One ``update()`` after every optimizer step."""
        self.update()

    def state_dict(self) -> Dict[str, Any]:
        """decay, number of updates and the averaged weights (saved in Trainer checkpoints)."""
        return {"decay": self.decay, "num_updates": self.num_updates, "shadow": dict(self.shadow)}

    def load_state_dict(self, state: Dict[str, Any]) -> None:
        """Restore what ``state_dict`` returned; names and shapes must match the model."""
        shadow = state["shadow"]
        own = _copy_state(self.model)
        problems = self.model.state_dict_differences(shadow, source="the averaged state")
        if problems:
            raise ValueError("ExponentialMovingAverage.load_state_dict: the state does not match the model:\n  "
                             + "\n  ".join(problems))
        self.decay = float(state["decay"])
        self.num_updates = int(state["num_updates"])
        self.shadow = OrderedDict((k, np.array(shadow[k], dtype=own[k].dtype, copy=True)) for k in own)

    def averaged_state_dict(self) -> "OrderedDict[str, np.ndarray]":
        """Copies of the averaged weights, by name (load with ``model.load_state_dict``)."""
        return OrderedDict((k, v.copy()) for k, v in self.shadow.items())

    def apply_to(self, model: Optional[Module] = None) -> None:
        """Copy the averaged weights into ``model`` (default: the tracked model)."""
        (model if model is not None else self.model).load_state_dict(self.shadow)

    @contextlib.contextmanager
    def average_parameters(self, model: Optional[Module] = None) -> Iterator[Module]:
        """Swap in the averaged weights for the block, restore the trained ones afterwards."""
        model = model if model is not None else self.model
        saved = _copy_state(model)
        model.load_state_dict(self.shadow)
        try:
            yield model
        finally:
            model.load_state_dict(saved)

    def __repr__(self) -> str:
        return f"ExponentialMovingAverage(decay={self.decay}, {self.num_updates} updates)"
