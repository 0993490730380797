"""``Trainer``: the training loop (the CS231n ``Solver`` with PyTorch's pieces), checkpoints and
bit-for-bit resume."""
from __future__ import annotations

import inspect
import math
import os
import warnings
from typing import Any, Callable, Iterable, List, Optional, Sequence, Tuple, Union

import numpy as np

from .. import _checks as check
from .. import _core
from .._tensor import Tensor, tensor
from ..autograd import no_grad
from ..nn.module import Module
from ..optim.lr_scheduler import ReduceLROnPlateau
from ..optim.optimizer import Optimizer
from . import checkpoint as _ckpt
from .history import History

PathLike = Union[str, "os.PathLike[str]"]
_HOOKS = ("on_fit_begin", "on_epoch_begin", "on_before_step", "on_after_step", "on_batch_end", "on_epoch_end",
          "on_fit_end")


def _model_dtype(model: Module) -> Any:
    for p in model.parameters():
        return p.dtype
    return None


def as_input(x: Any, model: Module) -> Any:
    """A batch as the model takes it: NumPy float arrays become Tensors of the model's dtype
    (adopted without a copy when dtype and layout already match); Tensors pass through."""
    if isinstance(x, Tensor):
        return x
    if isinstance(x, np.ndarray) and x.dtype.kind == "f":
        dtype = _model_dtype(model)
        want = np.float64 if dtype is not None and dtype.name == "float64" else np.float32
        return tensor(np.ascontiguousarray(x, dtype=want))
    return x


def _batch_len(x: Any) -> int:
    shape = getattr(x, "shape", None)
    if shape is not None and len(shape):
        return int(shape[0])
    return len(x)


def _split(batch: Any, where: str) -> Tuple[Any, Any]:
    if not isinstance(batch, (tuple, list)) or len(batch) < 2:
        raise TypeError(f"{where}: a loader must yield (x, y) batches, got {type(batch).__name__}"
                        + (f" of length {len(batch)}" if isinstance(batch, (tuple, list)) else ""))
    return batch[0], batch[1]


def _correct(out: Any, y: Any) -> float:
    """How many rows of ``out`` have their argmax at the integer label (NaN when the labels are not
    class indices, e.g. regression targets, or ``out`` has a single column, whose argmax is always 0)."""
    if isinstance(y, Tensor):
        y = y.numpy()
    if not isinstance(y, np.ndarray) or y.dtype.kind not in "iu":
        return math.nan
    scores = out.detach().numpy() if isinstance(out, Tensor) else np.asarray(out)
    if scores.ndim != 2 or scores.shape[1] < 2 or y.ndim != 1 or len(y) != scores.shape[0]:
        return math.nan
    return float(np.count_nonzero(scores.argmax(axis=1) == y))


def _needs_closure(optimizer: Optimizer) -> bool:
    """L-BFGS and Newton re-evaluate the loss inside ``step(closure)`` (closure without a default)."""
    param = inspect.signature(type(optimizer).step).parameters.get("closure")
    return param is not None and param.default is inspect.Parameter.empty


def _lr(optimizer: Optimizer) -> float:
    return float(optimizer.param_groups[0]["lr"])


class _NoBar:
    def update(self, n: int = 1) -> None: ...

    def set_postfix_str(self, s: str, refresh: bool = True) -> None: ...

    def close(self) -> None: ...


class Trainer:
    """Train ``model`` with ``loss_fn`` and ``optimizer`` over mini-batches, the CS231n Solver way:
    per-iteration loss, per-epoch train/val loss and accuracy and learning rate in ``history``.

    >>> trainer = Trainer(model, nn.CrossEntropyLoss(), optim.SGD(model.parameters(), lr=0.1, momentum=0.9),
    ...                   scheduler=None, checkpoint_dir="ckpt")
    >>> history = trainer.fit(train_loader, val_loader, epochs=10)
    >>> trainer.evaluate(test_loader)          # (mean loss, accuracy)

    Args:
        model: an ``xgrad.nn.Module``; put in train mode for training batches, eval mode (under
            ``no_grad``) for validation, ``evaluate`` and ``predict``.
        loss_fn: ``loss_fn(output, y) -> scalar Tensor`` (mean over the batch).
        optimizer: an ``xgrad.optim`` optimizer over the model's parameters. Optimizers whose
            ``step`` needs a closure (L-BFGS, Newton) get one that recomputes the batch loss; the
            loss recorded is the one before the step, as for the others.
        scheduler: an ``xgrad.optim.lr_scheduler`` scheduler, stepped once per epoch after
            validation; ``ReduceLROnPlateau`` gets the epoch's val loss (train loss without a
            validation loader).
        callbacks: objects with any of the hooks of ``xgrad.train.Callback`` (see its docstring);
            a callback with ``state_dict()``/``load_state_dict()`` is saved in checkpoints.
        checkpoint_dir: if given, after every epoch the whole state (model, optimizer, scheduler,
            callbacks, generator state, epoch, history) is written to
            ``checkpoint_dir/epoch_NNNN.npz`` atomically; ``resume`` reads it back.
        progress: tqdm progress bars (``tqdm.auto``: a widget in Jupyter, text in a terminal)
            showing loss and accuracy; False turns them off.
        batch_transform: ``batch_transform(x, y)`` applied to every *training* batch, returning
            ``(x, y)`` or mixup's ``(x, y_a, y_b, lam)``; with the latter the loss is
            ``lam * loss_fn(out, y_a) + (1 - lam) * loss_fn(out, y_b)`` and the accuracy counts
            ``lam`` of a hit on ``y_a`` plus ``1 - lam`` of a hit on ``y_b``. E.g.
            ``batch_transform=lambda x, y: xgrad.data.mixup(x, y, alpha=0.2)``.
        keep_checkpoints: keep only this run's newest this many checkpoint files, deleting its older
            epochs (None: keep all); files of later epochs left in the folder are not touched.

    Loaders are any re-iterable of ``(x, y)`` batches (``xgrad.data.DataLoader``, a list of
    tuples): ``x`` a Tensor or a NumPy float array, ``y`` NumPy integer labels (accuracy is the
    argmax hit rate) or anything ``loss_fn`` accepts (accuracy is then NaN).

    State seen by callbacks: ``model``, ``optimizer``, ``scheduler``, ``history``, ``epoch``
    (epochs completed: the 0-based index of the running epoch until it ends, then its count in
    ``on_epoch_end``), ``iteration`` (optimizer steps taken), ``last_loss`` (float),
    ``stop_training`` (set True to stop after the current epoch; saved in checkpoints) and
    ``max_steps`` (the running ``fit``'s step budget, None for none; a callback may lower it:
    ``trainer.max_steps = trainer.iteration`` ends the epoch after the current batch, as
    ``TerminateOnNaN`` does)."""

    def __init__(self, model: Module, loss_fn: Callable[[Any, Any], Tensor], optimizer: Optimizer,
                 scheduler: Any = None, callbacks: Sequence[Any] = (), checkpoint_dir: Optional[PathLike] = None,
                 progress: bool = True, batch_transform: Optional[Callable[..., tuple]] = None,
                 keep_checkpoints: Optional[int] = None):
        if not isinstance(model, Module):
            raise TypeError(f"Trainer: model must be an xgrad.nn.Module, got {type(model).__name__}")
        if not callable(loss_fn):
            raise TypeError(f"Trainer: loss_fn must be callable (e.g. nn.CrossEntropyLoss()), got "
                            f"{type(loss_fn).__name__}")
        if not isinstance(optimizer, Optimizer):
            raise TypeError(f"Trainer: optimizer must be an xgrad.optim optimizer, got {type(optimizer).__name__}")
        if scheduler is not None:
            if not hasattr(scheduler, "step") or not hasattr(scheduler, "state_dict"):
                raise TypeError(f"Trainer: scheduler must be an xgrad.optim.lr_scheduler scheduler, got "
                                f"{type(scheduler).__name__}")
            if getattr(scheduler, "optimizer", optimizer) is not optimizer:
                raise ValueError("Trainer: the scheduler belongs to another optimizer than the one given")
        model_params = {id(p) for p in model.parameters()}
        opt_params = [p for g in optimizer.param_groups for p in g["params"]]
        foreign = sum(id(p) not in model_params for p in opt_params)
        if foreign:
            raise ValueError(f"Trainer: {foreign} of the optimizer's {len(opt_params)} parameters are not "
                             f"parameters of the model (optimizer built over another model?)")
        if isinstance(callbacks, (str, bytes)) or not isinstance(callbacks, Iterable):
            raise TypeError(f"Trainer: callbacks must be a list of callbacks, got {type(callbacks).__name__}")
        callbacks = list(callbacks)
        for i, cb in enumerate(callbacks):
            if not any(hasattr(cb, h) for h in _HOOKS):
                raise TypeError(f"Trainer: callback {i} ({type(cb).__name__}) has none of the hooks {_HOOKS}")
        if batch_transform is not None and not callable(batch_transform):
            raise TypeError(f"Trainer: batch_transform must be callable, got {type(batch_transform).__name__}")
        keep_checkpoints = check.optional_int(keep_checkpoints, "keep_checkpoints", "Trainer", low=1)
        progress = check.flag(progress, "progress", "Trainer")
        if checkpoint_dir is not None and not isinstance(checkpoint_dir, (str, os.PathLike)):
            raise check.type_error("Trainer", "checkpoint_dir", "None or a path (str or os.PathLike)", checkpoint_dir)
        self.model, self.loss_fn, self.optimizer, self.scheduler = model, loss_fn, optimizer, scheduler
        self.callbacks: List[Any] = callbacks
        self.checkpoint_dir = None if checkpoint_dir is None else os.fspath(checkpoint_dir)
        self.progress = bool(progress)
        self.batch_transform = batch_transform
        self.keep_checkpoints = keep_checkpoints
        self.history = History()
        self.epoch = 0
        self.iteration = 0
        self.last_loss = math.nan
        self.stop_training = False
        self.max_steps: Optional[int] = None
        self.last_checkpoint: Optional[str] = None
        self._closure_step = _needs_closure(optimizer)

    # ------------------------------------------------------------ the loop
    def _call(self, hook: str) -> None:
        for cb in self.callbacks:
            fn = getattr(cb, hook, None)
            if fn is not None:
                fn(self)

    def _bar(self, loader: Any, desc: str, leave: bool = True) -> Any:
        if not self.progress:
            return _NoBar()
        from tqdm.auto import tqdm

        try:
            total = len(loader)
        except TypeError:
            total = None
        return tqdm(total=total, desc=desc, leave=leave, dynamic_ncols=True)

    def _closure(self, x: Any, y: Any, lam: Optional[float], y_a: Any, y_b: Any) -> Callable[[], Tensor]:
        """For optimizers whose ``step`` needs to recompute the loss (L-BFGS, Newton)."""
        inputs = as_input(x, self.model)

        def closure() -> Tensor:
            self.optimizer.zero_grad()
            output = self.model(inputs)
            if lam is None:
                loss = self.loss_fn(output, y)
            else:
                loss = self.loss_fn(output, y_a) * lam + self.loss_fn(output, y_b) * (1.0 - lam)
            loss.backward()
            return loss

        return closure

    def _train_epoch(self, loader: Any, epochs: int) -> Tuple[float, float]:
        self.model.train()
        bar = self._bar(loader, f"epoch {self.epoch + 1}/{epochs}")
        loss_sum = correct = 0.0
        seen = 0
        try:
            for batch in loader:
                x, y = _split(batch, "Trainer.fit")
                lam = y_a = y_b = None
                if self.batch_transform is not None:
                    out = self.batch_transform(x, y)
                    if not isinstance(out, tuple) or len(out) not in (2, 4):
                        raise TypeError(f"Trainer: batch_transform must return (x, y) or (x, y_a, y_b, lam), "
                                        f"got {type(out).__name__}"
                                        + (f" of length {len(out)}" if isinstance(out, tuple) else ""))
                    if len(out) == 2:
                        x, y = out
                    else:
                        x, y_a, y_b, lam = out
                        lam = float(lam)
                output = self.model(as_input(x, self.model))
                if lam is None:
                    loss = self.loss_fn(output, y)
                    hits = _correct(output, y)
                else:
                    loss = self.loss_fn(output, y_a) * lam + self.loss_fn(output, y_b) * (1.0 - lam)
                    hits = lam * _correct(output, y_a) + (1.0 - lam) * _correct(output, y_b)
                self.optimizer.zero_grad()
                loss.backward()
                self._call("on_before_step")
                if self._closure_step:
                    self.optimizer.step(self._closure(x, y, lam, y_a, y_b))
                else:
                    self.optimizer.step()
                self._call("on_after_step")
                value = float(loss.item())
                n = _batch_len(x)
                self.last_loss = value
                self.iteration += 1
                self.history.record_iteration(value, hits / n if n else math.nan)
                loss_sum += value * n
                correct += hits
                seen += n
                self._call("on_batch_end")
                bar.update(1)
                if self.progress and (self.iteration % 10 == 0):
                    bar.set_postfix_str(f"loss {value:.4f}" + ("" if math.isnan(correct) else
                                                               f", acc {correct / seen:.3f}"), refresh=False)
                if self._out_of_steps():
                    break
        finally:
            bar.close()
        if seen == 0:
            raise ValueError(f"Trainer.fit: the training loader yielded no batches in epoch {self.epoch + 1} (a "
                             f"generator is used up after one pass: pass a list or an xgrad.data.DataLoader)")
        return loss_sum / seen, correct / seen

    def _out_of_steps(self) -> bool:
        return self.max_steps is not None and self.iteration >= self.max_steps

    def fit(self, train_loader: Iterable[Any], val_loader: Optional[Iterable[Any]] = None,
            epochs: int = 10, max_steps: Optional[int] = None) -> History:
        """Train until ``epochs`` epochs are complete *in total*: a fresh trainer runs ``epochs``
        epochs; after ``resume`` (or an earlier ``fit``) it continues from ``self.epoch``. Each
        epoch: training batches in train mode, validation in eval mode, scheduler step,
        ``on_epoch_end`` callbacks, checkpoint. A run that a callback stopped (``stop_training``,
        kept in checkpoints) stays stopped: ``fit`` warns and does nothing until
        ``stop_training`` is set back to False. Returns ``self.history``.

        ``max_steps``: a budget of optimizer steps, also *in total* (``self.iteration``); the run
        ends when it is spent, mid-epoch if need be: that last epoch ends after the batch that
        spent it and is then finished like any other (recorded over the batches it saw,
        validated, scheduler step, ``on_epoch_end``, checkpoint). Whichever of ``epochs`` and
        ``max_steps`` is reached first ends the run, so a loader that never ends (e.g. one
        cycling over a small set) with ``epochs=1, max_steps=N`` takes exactly N steps. A run
        resumed from a checkpoint of a cut epoch starts its next epoch at the loader's start."""
        epochs = check.positive_int(epochs, "epochs", "Trainer.fit")
        max_steps = check.optional_int(max_steps, "max_steps", "Trainer.fit", low=1)
        self.max_steps = None if max_steps is None else int(max_steps)
        if self._out_of_steps():
            warnings.warn(f"Trainer.fit: {self.iteration} steps are already taken and max_steps={max_steps} is "
                          f"the total to reach; nothing to do (pass a larger max_steps to train more)", stacklevel=2)
            return self.history
        if self.epoch >= epochs:
            warnings.warn(f"Trainer.fit: {self.epoch} epochs are already complete and epochs={epochs} is the "
                          f"total to reach; nothing to do (pass a larger epochs to train more)", stacklevel=2)
            return self.history
        if self.stop_training:
            # an uninterrupted run ended here, so a run resumed from its last checkpoint must too
            warnings.warn(f"Trainer.fit: the run was stopped after epoch {self.epoch} (stop_training set by a "
                          f"callback, e.g. EarlyStopping); nothing to do (set trainer.stop_training = False "
                          f"to train on)", stacklevel=2)
            return self.history
        self._call("on_fit_begin")
        try:
            while self.epoch < epochs and not self.stop_training and not self._out_of_steps():
                self._call("on_epoch_begin")
                lr = _lr(self.optimizer)
                train_loss, train_acc = self._train_epoch(train_loader, epochs)
                val_loss = val_acc = math.nan
                if val_loader is not None:
                    val_loss, val_acc = self.evaluate(val_loader)
                self.history.record_epoch(train_loss=train_loss, train_acc=train_acc, val_loss=val_loss,
                                          val_acc=val_acc, lr=lr)
                self.epoch += 1
                if self.scheduler is not None:
                    if isinstance(self.scheduler, ReduceLROnPlateau):
                        self.scheduler.step(val_loss if val_loader is not None else train_loss)
                    else:
                        self.scheduler.step()
                if self.progress:
                    msg = f"epoch {self.epoch}/{epochs}: train loss {train_loss:.4f}"
                    if not math.isnan(train_acc):
                        msg += f", acc {train_acc:.4f}"
                    if val_loader is not None:
                        msg += f"; val loss {val_loss:.4f}" + ("" if math.isnan(val_acc) else f", acc {val_acc:.4f}")
                    from tqdm.auto import tqdm

                    tqdm.write(msg)
                self._call("on_epoch_end")
                if self.checkpoint_dir is not None:
                    self.save_checkpoint(os.path.join(self.checkpoint_dir, _ckpt.filename(self.epoch)))
                    self._prune_checkpoints()
        finally:
            self.model.train()
        self._call("on_fit_end")
        return self.history

    # ------------------------------------------------------------ evaluation
    def evaluate(self, loader: Iterable[Any]) -> Tuple[float, float]:
        """(mean loss, accuracy) over ``loader`` in eval mode under ``no_grad`` (batch means
        weighted by batch size; accuracy NaN when labels are not class indices). The model's
        train/eval mode is restored afterwards."""
        was_training = self.model.training
        self.model.eval()
        loss_sum = correct = 0.0
        seen = 0
        try:
            with no_grad():
                for batch in loader:
                    x, y = _split(batch, "Trainer.evaluate")
                    output = self.model(as_input(x, self.model))
                    n = _batch_len(x)
                    loss_sum += float(self.loss_fn(output, y).item()) * n
                    correct += _correct(output, y)
                    seen += n
        finally:
            self.model.train(was_training)
        if seen == 0:
            raise ValueError("Trainer.evaluate: the loader yielded no batches")
        return loss_sum / seen, correct / seen

    def predict(self, x_or_loader: Any, batch_size: int = 512) -> np.ndarray:
        """The model's outputs (logits for a classifier) as a NumPy array, in eval mode under
        ``no_grad``: for an array/Tensor ``x`` of shape (N, ...) -> (N, C), computed ``batch_size``
        rows at a time; for a loader, the first element of every batch, concatenated."""
        return predict(self.model, x_or_loader, batch_size)

    # ------------------------------------------------------------ checkpoints
    def state(self) -> dict:
        """Everything a checkpoint holds except the model's weights."""
        cb_states = []
        for i, cb in enumerate(self.callbacks):
            if hasattr(cb, "state_dict") and hasattr(cb, "load_state_dict"):
                cb_states.append({"index": i, "class": type(cb).__name__, "state": cb.state_dict()})
        return {
            "epoch": self.epoch,
            "iteration": self.iteration,
            "last_loss": self.last_loss,
            "stop_training": bool(self.stop_training),
            "rng_state": _core.get_rng_state(),
            "optimizer_class": type(self.optimizer).__name__,
            "optimizer": self.optimizer.state_dict(),
            "scheduler_class": None if self.scheduler is None else type(self.scheduler).__name__,
            "scheduler": None if self.scheduler is None else self.scheduler.state_dict(),
            "callbacks": cb_states,
            "history": self.history.as_dict(),
        }

    def save_checkpoint(self, path: PathLike) -> str:
        """Write the whole training state to ``path`` atomically (temp file + ``os.replace``)."""
        path = os.fspath(path)
        _ckpt.write(path, self.model.state_dict(), self.state())
        self.last_checkpoint = path
        return path

    def _prune_checkpoints(self) -> None:
        # Only this run's older epochs go: files of later epochs in a reused folder belong to another
        # run, and sorting names would rank them above the file just written and delete it instead.
        if self.keep_checkpoints is None or self.checkpoint_dir is None:
            return
        for e, path in _ckpt.epochs_in(self.checkpoint_dir).items():
            if e <= self.epoch - self.keep_checkpoints:
                try:
                    os.unlink(path)
                except FileNotFoundError:
                    pass

    def resume(self, path: PathLike) -> "Trainer":
        """Restore a checkpoint written by this kind of trainer (a file, or a folder: its newest
        ``epoch_NNNN.npz``): weights and buffers, optimizer and scheduler state, callback states,
        the generator state, epoch, iteration, history and ``stop_training``. Then
        ``fit(..., epochs=N)`` continues so that the result equals, bit for bit, an uninterrupted
        N-epoch run (same loaders and construction); a stateful callback the checkpoint has no
        state for starts fresh, with a warning. Everything is checked before anything is changed; a mismatch raises
        ``ValueError`` saying what differs. Returns self."""
        path = os.fspath(path)
        if os.path.isdir(path):
            newest = _ckpt.latest(path)
            if newest is None:
                raise FileNotFoundError(f"Trainer.resume: no checkpoint (epoch_*.npz) in the folder {path}")
            path = newest
        model_state, meta = _ckpt.read(path)
        # the model's own check (names, shapes, dtypes), as load_state_dict below runs it
        problems = self.model.state_dict_differences(model_state, source="the checkpoint")
        if problems:
            raise ValueError(f"Trainer.resume: the checkpoint {path} does not belong to this model: "
                             + "; ".join(problems))
        if meta["optimizer_class"] != type(self.optimizer).__name__:
            raise ValueError(f"Trainer.resume: the checkpoint {path} holds a {meta['optimizer_class']} state, "
                             f"the trainer's optimizer is a {type(self.optimizer).__name__}")
        opt_state = meta["optimizer"]
        saved_sizes = [len(g["params"]) for g in opt_state["param_groups"]]
        own_sizes = [len(g["params"]) for g in self.optimizer.param_groups]
        if saved_sizes != own_sizes:
            raise ValueError(f"Trainer.resume: the checkpoint {path} has optimizer parameter groups of sizes "
                             f"{saved_sizes}, the trainer's optimizer {own_sizes}")
        own_sched = None if self.scheduler is None else type(self.scheduler).__name__
        if meta["scheduler_class"] != own_sched:
            raise ValueError(f"Trainer.resume: the checkpoint {path} was written with scheduler "
                             f"{meta['scheduler_class']}, the trainer has {own_sched}")
        cb_states = meta["callbacks"]
        for entry in cb_states:
            i = entry["index"]
            if i >= len(self.callbacks) or type(self.callbacks[i]).__name__ != entry["class"]:
                got = type(self.callbacks[i]).__name__ if i < len(self.callbacks) else "nothing"
                raise ValueError(f"Trainer.resume: the checkpoint {path} has a {entry['class']} as callback {i}, "
                                 f"the trainer has {got} there (pass the same callbacks in the same order)")
        saved = {entry["index"] for entry in cb_states}
        fresh = [f"{i} ({type(cb).__name__})" for i, cb in enumerate(self.callbacks)
                 if i not in saved and hasattr(cb, "state_dict") and hasattr(cb, "load_state_dict")]
        history = History.from_dict(meta["history"])

        self.model.load_state_dict(model_state)
        self.optimizer.load_state_dict(opt_state)
        if self.scheduler is not None:
            self.scheduler.load_state_dict(meta["scheduler"])
        for entry in cb_states:
            self.callbacks[entry["index"]].load_state_dict(entry["state"])
        _core.set_rng_state(meta["rng_state"])
        self.epoch = int(meta["epoch"])
        self.iteration = int(meta["iteration"])
        self.last_loss = float(meta["last_loss"])
        self.stop_training = bool(meta.get("stop_training", False))
        self.history = history
        self.last_checkpoint = path
        if fresh:
            # allowed (e.g. a monitor added for the rest of the run), but then the run is not the
            # uninterrupted one for those callbacks
            warnings.warn(f"Trainer.resume: the checkpoint {path} holds no state for callback(s) "
                          f"{', '.join(fresh)}; they start fresh", stacklevel=2)
        return self


def predict(model: Module, x_or_loader: Any, batch_size: int = 512) -> np.ndarray:
    """``model``'s outputs as a NumPy array in eval mode under ``no_grad`` (mode restored after):
    ``x`` (N, ...) array/Tensor -> (N, C) in chunks of ``batch_size``; a loader -> its batches' first
    elements run through the model and concatenated."""
    batch_size = check.positive_int(batch_size, "batch_size", "predict")
    was_training = model.training
    model.eval()
    outs = []
    try:
        with no_grad():
            if isinstance(x_or_loader, (np.generic, int, float)):
                raise ValueError("predict: got a 0-d input, expected a batch of shape (N, ...)")
            if not isinstance(x_or_loader, (np.ndarray, Tensor)) and not hasattr(x_or_loader, "__iter__"):
                raise check.type_error("predict", "x_or_loader", "an array, a Tensor or a loader of batches",
                                       x_or_loader)
            if isinstance(x_or_loader, (np.ndarray, Tensor)):
                x = x_or_loader
                if len(x.shape) == 0:
                    raise ValueError("predict: got a 0-d input, expected a batch of shape (N, ...)")
                for start in range(0, int(x.shape[0]), batch_size):
                    out = model(as_input(x[start:start + batch_size], model))
                    outs.append(np.array(out.numpy(), copy=True))
            else:
                for batch in x_or_loader:
                    x = batch[0] if isinstance(batch, (tuple, list)) else batch
                    out = model(as_input(x, model))
                    outs.append(np.array(out.numpy(), copy=True))
    finally:
        model.train(was_training)
    if not outs:
        raise ValueError("predict: no input rows (empty array or loader)")
    return np.concatenate(outs, axis=0)


def fit(model: Module, train_loader: Iterable[Any], val_loader: Optional[Iterable[Any]] = None, *,
        loss_fn: Callable[[Any, Any], Tensor], optimizer: Optimizer, epochs: int, max_steps: Optional[int] = None,
        **trainer_kwargs: Any) -> History:
    """One call: ``Trainer(model, loss_fn, optimizer, **trainer_kwargs).fit(train_loader,
    val_loader, epochs, max_steps)``; ``trainer_kwargs`` are the Trainer's (scheduler, callbacks,
    checkpoint_dir, progress, batch_transform, keep_checkpoints). Returns the History."""
    return Trainer(model, loss_fn, optimizer, **trainer_kwargs).fit(train_loader, val_loader, epochs, max_steps)
