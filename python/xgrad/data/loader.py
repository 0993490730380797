"""Mini-batches for the training loop: ``TensorDataset`` (arrays of equal length) and
``DataLoader`` (batching, shuffling from xgrad's generator, a transform on the inputs)."""
from __future__ import annotations

from typing import Any, Callable, Iterator, Optional, Tuple, Union

import numpy as np

import xgrad
from .. import _checks as check

__all__ = ["TensorDataset", "ArrayDataset", "DataLoader"]


def _as_array(a: Any, where: str, i: int) -> np.ndarray:
    if isinstance(a, xgrad.Tensor):
        return a.detach().numpy()
    if isinstance(a, np.ndarray) and a.dtype != object:
        return a
    try:
        arr = np.asarray(a)
    except Exception as exc:  # noqa: BLE001 - any conversion failure becomes a clear TypeError
        raise TypeError(f"{where}: element {i} ({type(a).__name__}) is not array-like: {exc}") from None
    if arr.dtype == object:
        raise TypeError(f"{where}: element {i} ({type(a).__name__}) is not a numeric array (dtype object)")
    return arr


class TensorDataset:
    """Samples from arrays (NumPy arrays or ``xgrad.Tensor``s) that share their first dimension,
    like ``torch.utils.data.TensorDataset``: ``ds[i]`` is ``(a[i], b[i], ...)``, and ``i`` may be an
    integer, a slice or an index array (the DataLoader asks for a whole batch at once).

    Raises ``ValueError`` naming the lengths when the first dimensions differ.
    """

    def __init__(self, *arrays: Any) -> None:
        if not arrays:
            raise ValueError("TensorDataset: needs at least one array, got none")
        self.arrays = tuple(_as_array(a, "TensorDataset", i) for i, a in enumerate(arrays))
        for i, a in enumerate(self.arrays):
            if a.ndim == 0:
                raise ValueError(f"TensorDataset: element {i} is a scalar, expected an array with a first (sample) dimension")
        lengths = [len(a) for a in self.arrays]
        if len(set(lengths)) != 1:
            raise ValueError(f"TensorDataset: arrays must have the same first dimension (one entry per "
                             f"sample), got lengths {lengths}")

    def __len__(self) -> int:
        return len(self.arrays[0])

    def __getitem__(self, index: Any) -> Tuple[np.ndarray, ...]:
        return tuple(a[index] for a in self.arrays)


ArrayDataset = TensorDataset


def _to_batch_value(a: Any) -> Any:
    """Float arrays become float32 Tensors (the model's input); integer arrays stay NumPy int64
    (losses take class indices as NumPy); anything else is passed through."""
    if isinstance(a, xgrad.Tensor):
        return a
    if isinstance(a, np.ndarray):
        if np.issubdtype(a.dtype, np.floating):
            return xgrad.tensor(np.ascontiguousarray(a, dtype=np.float32))
        if np.issubdtype(a.dtype, np.integer):
            return np.ascontiguousarray(a, dtype=np.int64)
    return a


class DataLoader:
    """Iterate over mini-batches of ``data``, like ``torch.utils.data.DataLoader``.

    Args:
        data: a tuple of arrays with equal first dimension N, e.g. ``(x_train, y_train)``, or a
            dataset object with ``__len__`` and ``__getitem__`` taking an index array (such as
            ``TensorDataset``); a single array is also accepted and yields single batches.
        batch_size: samples per batch B (> 0). The last batch has ``N % B`` samples unless
            ``drop_last``.
        shuffle: draw a new order with ``xgrad.randperm(N)`` at the start of every epoch, so
            ``xgrad.manual_seed`` repeats it and ``xgrad.get_rng_state()`` captures it.
        drop_last: drop the last incomplete batch.
        transform: ``transform(x_batch: np.ndarray) -> np.ndarray | Tensor``, applied to the first
            element of each batch only (augmentation, preprocessing).

    Each batch is a tuple with one entry per array: floating arrays as float32 ``xgrad.Tensor``
    of shape ``(B, ...)``, integer arrays as NumPy int64 ``(B, ...)``. ``len(loader)`` is the number
    of batches per epoch: ``ceil(N / B)``, or ``floor(N / B)`` with ``drop_last``.
    """

    def __init__(self, data: Any, batch_size: int = 64, shuffle: bool = False, drop_last: bool = False,
                 transform: Optional[Callable[[np.ndarray], Any]] = None) -> None:
        batch_size = check.positive_int(batch_size, "batch_size", "DataLoader")
        shuffle = check.flag(shuffle, "shuffle", "DataLoader")
        drop_last = check.flag(drop_last, "drop_last", "DataLoader")
        if transform is not None and not callable(transform):
            raise TypeError(f"DataLoader: transform must be callable, got {type(transform).__name__}")
        self._single = False
        if isinstance(data, (tuple, list)):
            data = TensorDataset(*data)
        elif isinstance(data, (np.ndarray, xgrad.Tensor)):
            data = TensorDataset(data)
            self._single = True
        elif not (hasattr(data, "__len__") and hasattr(data, "__getitem__")):
            raise TypeError(f"DataLoader: data must be a tuple of arrays or a dataset with __len__ and "
                            f"__getitem__, got {type(data).__name__}")
        self.dataset = data
        self.batch_size = int(batch_size)
        self.shuffle = bool(shuffle)
        self.drop_last = bool(drop_last)
        self.transform = transform

    def __len__(self) -> int:
        n = len(self.dataset)
        return n // self.batch_size if self.drop_last else -(-n // self.batch_size)

    def __iter__(self) -> Iterator[Union[Tuple[Any, ...], Any]]:
        n = len(self.dataset)
        order = xgrad.randperm(n) if self.shuffle else np.arange(n, dtype=np.int64)
        for b in range(len(self)):
            yield self._batch(order[b * self.batch_size:(b + 1) * self.batch_size])

    def _batch(self, index: np.ndarray) -> Union[Tuple[Any, ...], Any]:
        items = self.dataset[index]
        # A dataset may return its fields as a list (as torch datasets often do): same as a tuple.
        single = not isinstance(items, (tuple, list))
        parts = [items] if single else list(items)
        if self.transform is not None and parts:
            first = parts[0].detach().numpy() if isinstance(parts[0], xgrad.Tensor) else np.asarray(parts[0])
            out = self.transform(first)
            # A transform that works in place and returns None, or changes the sample count, would
            # otherwise surface far away (in the model or the loss) or pair images with wrong labels.
            if not isinstance(out, (np.ndarray, xgrad.Tensor)) or (len(parts) > 1 and (
                    out.ndim == 0 or out.shape[0] != first.shape[0])):
                got = (f"{type(out).__name__} of shape {tuple(out.shape)}"
                       if isinstance(out, (np.ndarray, xgrad.Tensor)) else type(out).__name__)
                raise ValueError(f"DataLoader: transform must return an array or Tensor with the batch's "
                                 f"{first.shape[0]} samples, got {got} for input shape {first.shape}")
            parts[0] = out
        out = tuple(_to_batch_value(p) for p in parts)
        return out[0] if (single or self._single) else out

    def __repr__(self) -> str:
        return (f"DataLoader(n={len(self.dataset)}, batch_size={self.batch_size}, shuffle={self.shuffle}, "
                f"drop_last={self.drop_last}, batches={len(self)})")
