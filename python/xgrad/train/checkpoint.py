"""Checkpoint files of the training loop: one ``.npz`` (no pickle) holding the model's state dict,
the optimizer's and scheduler's state dicts, callback states, the generator state, the epoch and
the history. Nested Python state (param groups, scheduler fields) is stored as tagged JSON beside
the arrays, so it round-trips exactly (tuples stay tuples, int dict keys stay ints, floats are
written with ``repr`` precision, inf/nan survive)."""
from __future__ import annotations

import json
import os
from collections import Counter, OrderedDict
from typing import Any, Dict, Tuple

import numpy as np

from .._tensor import Tensor
from ..serialization import load as _load_npz
from ..serialization import save as _save_npz

FORMAT = "xgrad-checkpoint-1"
_META = "__meta__"


class _Encoder:
    """Turn nested state into JSON-able data; arrays go to ``self.arrays`` under ``arr/<n>``."""

    def __init__(self) -> None:
        self.arrays: "OrderedDict[str, np.ndarray]" = OrderedDict()

    def __call__(self, v: Any, where: str) -> Any:
        if isinstance(v, Tensor):
            v = np.array(v.numpy(), copy=True)
        if isinstance(v, np.ndarray):
            key = f"arr/{len(self.arrays)}"
            self.arrays[key] = v
            return {"__array__": key}
        if isinstance(v, np.generic):
            return {"__npscalar__": v.dtype.str, "value": v.item()}
        if v is None or isinstance(v, (bool, int, float, str)):
            return v
        if isinstance(v, bytes):
            key = f"arr/{len(self.arrays)}"
            self.arrays[key] = np.frombuffer(v, dtype=np.uint8).copy()
            return {"__bytes__": key}
        if isinstance(v, Counter):
            return {"__counter__": [[self(k, where), self(x, f"{where}[{k!r}]")] for k, x in v.items()]}
        if isinstance(v, dict):
            return {"__dict__": [[self(k, where), self(x, f"{where}[{k!r}]")] for k, x in v.items()]}
        if isinstance(v, tuple):
            return {"__tuple__": [self(x, f"{where}[{i}]") for i, x in enumerate(v)]}
        if isinstance(v, list):
            return [self(x, f"{where}[{i}]") for i, x in enumerate(v)]
        raise TypeError(f"Trainer checkpoint: cannot store {where} of type {type(v).__name__} (only arrays, "
                        f"numbers, strings, bytes and lists/tuples/dicts of them); a scheduler built on a "
                        f"lambda must keep its state in plain values")


def _decode(v: Any, arrays: Dict[str, np.ndarray]) -> Any:
    if isinstance(v, list):
        return [_decode(x, arrays) for x in v]
    if not isinstance(v, dict):
        return v
    if "__array__" in v:
        return np.array(arrays[v["__array__"]], copy=True)
    if "__bytes__" in v:
        return arrays[v["__bytes__"]].tobytes()
    if "__npscalar__" in v:
        return np.dtype(v["__npscalar__"]).type(v["value"])
    if "__tuple__" in v:
        return tuple(_decode(x, arrays) for x in v["__tuple__"])
    if "__counter__" in v:
        return Counter({_hashable(_decode(k, arrays)): _decode(x, arrays) for k, x in v["__counter__"]})
    if "__dict__" in v:
        return {_hashable(_decode(k, arrays)): _decode(x, arrays) for k, x in v["__dict__"]}
    raise ValueError(f"Trainer checkpoint: unknown tagged entry {sorted(v)}")


def _hashable(k: Any) -> Any:
    return tuple(_hashable(x) for x in k) if isinstance(k, list) else k


def write(path: str, model_state: Dict[str, np.ndarray], meta: Dict[str, Any]) -> None:
    """Write a checkpoint atomically (``xgrad.save``: temp file in the same folder, fsync,
    ``os.replace``): a crash mid-write leaves the previous file, never a truncated one."""
    enc = _Encoder()
    meta_json = json.dumps({"format": FORMAT, **{k: enc(v, k) for k, v in meta.items()}}, allow_nan=True)
    arrays: "OrderedDict[str, np.ndarray]" = OrderedDict()
    for k, v in model_state.items():
        arrays[f"model/{k}"] = v
    arrays.update(enc.arrays)
    arrays[_META] = np.frombuffer(meta_json.encode("utf-8"), dtype=np.uint8).copy()
    directory = os.path.dirname(os.path.abspath(path))
    os.makedirs(directory, exist_ok=True)
    _save_npz(arrays, path)


def read(path: str) -> Tuple["OrderedDict[str, np.ndarray]", Dict[str, Any]]:
    """(model state dict, metadata) of a file written by ``write``. A file that ``xgrad.load``
    refuses, or whose metadata is not a Trainer checkpoint's, raises ValueError naming it."""
    if os.path.isdir(path):
        found = latest(path)
        if found is None:
            raise FileNotFoundError(f"Trainer.resume: no checkpoint (epoch_*.npz) in the folder {path}")
        path = found
    if not os.path.exists(path):
        raise FileNotFoundError(f"Trainer.resume: no such checkpoint file: {path}")
    data = _load_npz(path)
    if _META not in data:
        raise ValueError(f"Trainer.resume: {path} is an .npz but not a Trainer checkpoint (no {_META} entry; "
                         f"a plain state dict loads with model.load_state_dict(xgrad.load(path)))")
    raw = data[_META]
    try:
        if raw.dtype != np.uint8 or raw.ndim != 1:
            raise ValueError(f"it is {raw.dtype} {raw.shape}, not the uint8 bytes of a JSON text")
        meta = json.loads(raw.tobytes().decode("utf-8"))
    except ValueError as e:  # JSONDecodeError and UnicodeDecodeError are ValueErrors
        raise ValueError(f"Trainer.resume: {path} has a damaged {_META} entry ({e})") from None
    if not isinstance(meta, dict):
        raise ValueError(f"Trainer.resume: {path} has a {_META} entry holding a {type(meta).__name__}, not the "
                         f"checkpoint's fields")
    if meta.get("format") != FORMAT:
        raise ValueError(f"Trainer.resume: {path} has format {meta.get('format')!r}, expected {FORMAT!r}")
    missing = sorted({"epoch", "iteration", "last_loss", "rng_state", "optimizer_class", "optimizer", "scheduler_class",
                      "scheduler", "callbacks", "history"} - set(meta))
    if missing:
        raise ValueError(f"Trainer.resume: {path} lacks the checkpoint field(s) {', '.join(missing)}")
    arrays = {k: v for k, v in data.items() if k.startswith("arr/")}
    try:
        decoded = {k: _decode(v, arrays) for k, v in meta.items() if k != "format"}
    except KeyError as e:
        raise ValueError(f"Trainer.resume: {path} refers to an array {e} it does not hold") from None
    return model_state(data), decoded


def model_state(data: Dict[str, np.ndarray]) -> "OrderedDict[str, np.ndarray]":
    """The model's state dict in the arrays of a loaded file: the ``model/`` entries of a Trainer
    checkpoint, or the whole dict of a plain ``xgrad.save`` file."""
    if _META not in data:
        return OrderedDict(data)
    return OrderedDict((k[len("model/"):], v) for k, v in data.items() if k.startswith("model/"))


def filename(epoch: int) -> str:
    """``epoch_0007.npz`` for the checkpoint written after epoch 7."""
    return f"epoch_{epoch:04d}.npz"


def epochs_in(directory: str) -> Dict[int, str]:
    """``{epoch: path}`` of the ``epoch_NNNN.npz`` checkpoints in ``directory``."""
    found: Dict[int, str] = {}
    for name in os.listdir(directory):
        if name.startswith("epoch_") and name.endswith(".npz"):
            try:
                e = int(name[len("epoch_"):-len(".npz")])
            except ValueError:
                continue
            found[e] = os.path.join(directory, name)
    return found


def latest(directory: str) -> "str | None":
    """The checkpoint of the highest epoch in ``directory``, or None."""
    found = epochs_in(directory)
    return found[max(found)] if found else None
