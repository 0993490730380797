"""``xgrad.save`` / ``xgrad.load``: state dicts as NumPy ``.npz`` files, written atomically."""
from __future__ import annotations

import os
import secrets
import zipfile
from collections import OrderedDict
from typing import Any, Union

import numpy as np

from ._tensor import Tensor

PathLike = Union[str, "os.PathLike[str]"]


def _arrays(obj: Any) -> "OrderedDict[str, np.ndarray]":
    if hasattr(obj, "state_dict") and callable(obj.state_dict):
        obj = obj.state_dict()
    if not isinstance(obj, dict):
        raise TypeError(f"save: expected a Module or a dict of arrays (a state dict), got {type(obj).__name__}")
    out: "OrderedDict[str, np.ndarray]" = OrderedDict()
    for name, value in obj.items():
        if not isinstance(name, str):
            raise TypeError(f"save: state dict keys must be strings, got {name!r}")
        array = np.array(value.numpy() if isinstance(value, Tensor) else value, copy=True)
        if array.dtype == object:
            raise TypeError(f"save: entry '{name}' is not numeric ({type(value).__name__}); only arrays, tensors "
                            f"and numbers can be saved")
        out[name] = array
    return out


def _create_temp(directory: str) -> "tuple[int, str]":
    """A new file in ``directory`` opened for writing, created with mode 0o666 less the umask (as
    ``open`` and ``np.savez`` would; ``tempfile.mkstemp``'s 0o600 would survive the rename and make
    every checkpoint private to its owner)."""
    while True:
        tmp = os.path.join(directory, f".xgrad-save-{secrets.token_hex(8)}.npz.tmp")
        try:
            return os.open(tmp, os.O_WRONLY | os.O_CREAT | os.O_EXCL | getattr(os, "O_BINARY", 0), 0o666), tmp
        except FileExistsError:
            continue


def save(obj: Any, path: PathLike) -> None:
    """Write a Module's ``state_dict()`` (or any dict of tensors / arrays / numbers) to ``path`` as
    an uncompressed ``.npz``. The file is written to a temporary file in the same directory and
    renamed over ``path`` (``os.replace``), so an interrupted save never leaves a truncated
    checkpoint behind. Read it back with ``xgrad.load`` and ``model.load_state_dict``."""
    arrays = _arrays(obj)
    path = os.fspath(path)
    directory = os.path.dirname(os.path.abspath(path))
    fd, tmp = _create_temp(directory)
    try:
        with os.fdopen(fd, "wb") as f:
            np.savez(f, **arrays)
            f.flush()
            os.fsync(f.fileno())
        os.replace(tmp, path)
    except BaseException:
        if os.path.exists(tmp):
            os.unlink(tmp)
        raise


def load(path: PathLike) -> "OrderedDict[str, np.ndarray]":
    """Read a file written by ``xgrad.save``: an ordered dict of name -> NumPy array (no pickle).
    ``model.load_state_dict(xgrad.load(path))`` then checks names, shapes and dtypes against the
    model and reports every difference."""
    path = os.fspath(path)
    if not os.path.exists(path):
        raise FileNotFoundError(f"load: no such file: {path}")
    if not zipfile.is_zipfile(path):
        raise ValueError(f"load: {path} is not a readable .npz state dict (not a zip archive)")
    try:
        with np.load(path, allow_pickle=False) as data:
            return OrderedDict((k, data[k]) for k in data.files)
    except (zipfile.BadZipFile, OSError, EOFError, ValueError) as e:
        raise ValueError(f"load: {path} is not a readable .npz state dict ({e})") from None
