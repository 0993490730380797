"""Mini-batches for the training loop, as ``torch.utils.data``: ``Dataset`` (the map-style base
class: ``__len__`` and ``__getitem__`` of one sample), ``TensorDataset`` (arrays of equal length),
``Subset`` and ``random_split``, ``default_collate``, and ``DataLoader`` (batching, shuffling from
xgrad's generator, a transform on the inputs)."""
from __future__ import annotations

from typing import Any, Callable, Iterator, Optional, Tuple, Union

import numpy as np

import xgrad
from .. import _checks as check

__all__ = ["Dataset", "TensorDataset", "ArrayDataset", "Subset", "random_split", "default_collate", "DataLoader"]


class Dataset:
    """A map-style dataset, as ``torch.utils.data.Dataset``: subclass it and define ``__len__`` and
    ``__getitem__(i)`` returning one sample (an array, a Tensor, a number, or a tuple/dict of them);
    ``DataLoader`` fetches the samples of a batch one by one and joins them with
    ``default_collate``."""

    #: True when ``__getitem__`` also takes an int64 index array and returns a whole batch at once
    #: (TensorDataset, Subset of one): the DataLoader then skips the per-sample loop.
    batched_getitem = False

    def __len__(self) -> int:
        raise NotImplementedError(f"{type(self).__name__} must define __len__")

    def __getitem__(self, index: int) -> Any:
        raise NotImplementedError(f"{type(self).__name__} must define __getitem__")


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


class TensorDataset(Dataset):
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
        self.batched_getitem = True
        lengths = [len(a) for a in self.arrays]
        if len(set(lengths)) != 1:
            raise ValueError(f"TensorDataset: arrays must have the same first dimension (one entry per "
                             f"sample), got lengths {lengths}")

    def __len__(self) -> int:
        return len(self.arrays[0])

    def __getitem__(self, index: Any) -> Tuple[np.ndarray, ...]:
        return tuple(a[index] for a in self.arrays)


ArrayDataset = TensorDataset


class Subset(Dataset):
    """The samples of ``dataset`` at ``indices`` (``torch.utils.data.Subset``)."""

    def __init__(self, dataset: Any, indices: Any) -> None:
        if not (hasattr(dataset, "__len__") and hasattr(dataset, "__getitem__")):
            raise TypeError(f"Subset: dataset must have __len__ and __getitem__, got {type(dataset).__name__}")
        idx = indices.numpy() if isinstance(indices, xgrad.Tensor) else np.asarray(indices)
        if idx.size == 0:
            idx = idx.astype(np.int64)
        if idx.ndim != 1 or idx.dtype.kind not in "iu":
            raise TypeError(f"Subset: indices must be a 1-D sequence of integers, got {idx.dtype} of shape {idx.shape}")
        n = len(dataset)
        if idx.size and (idx.min() < -n or idx.max() >= n):
            raise IndexError(f"Subset: indices must be in [-{n}, {n}) for a dataset of {n} samples, got "
                             f"{int(idx.min())}..{int(idx.max())}")
        self.dataset, self.indices = dataset, idx.astype(np.int64)
        self.batched_getitem = bool(getattr(dataset, "batched_getitem", False))

    def __len__(self) -> int:
        return len(self.indices)

    def __getitem__(self, index: Any) -> Any:
        picked = self.indices[index]
        return self.dataset[picked if isinstance(picked, np.ndarray) else int(picked)]


def random_split(dataset: Any, lengths: Any) -> list:
    """``dataset`` split at random into non-overlapping ``Subset``s of the given lengths (or
    fractions summing to 1: the remainder goes round-robin to the first splits, as PyTorch), drawn
    with ``xgrad.randperm`` so that ``xgrad.manual_seed`` repeats it."""
    n = len(dataset)
    lengths = list(lengths)
    if not lengths:
        raise ValueError("random_split: lengths must not be empty")
    if all(isinstance(v, float) for v in lengths) and abs(sum(lengths) - 1.0) < 1e-9:
        if any(v < 0 for v in lengths):
            raise ValueError(f"random_split: fractions must be >= 0, got {lengths}")
        counts = [int(np.floor(n * f)) for f in lengths]
        for i in range(n - sum(counts)):
            counts[i % len(counts)] += 1
        lengths = counts
    if any(isinstance(v, bool) or not isinstance(v, (int, np.integer)) or v < 0 for v in lengths):
        raise TypeError(f"random_split: lengths must be integers >= 0 or fractions summing to 1, got {lengths}")
    if sum(lengths) != n:
        raise ValueError(f"random_split: the lengths {lengths} sum to {sum(lengths)}, not the dataset's {n} samples")
    order = xgrad.randperm(n)
    out, start = [], 0
    for k in lengths:
        out.append(Subset(dataset, order[start:start + int(k)]))
        start += int(k)
    return out


def default_collate(samples: list) -> Any:
    """One batch from a list of samples, as PyTorch's ``default_collate``: arrays and Tensors are
    stacked along a new first axis, numbers become a tensor (float32 for floats, int64 for ints,
    bool for bools), tuples/lists and dicts are collated field by field; strings stay a list."""
    if not samples:
        raise ValueError("default_collate: no samples")
    first = samples[0]
    if isinstance(first, (tuple, list)):
        if any(not isinstance(s, (tuple, list)) or len(s) != len(first) for s in samples):
            raise ValueError(f"default_collate: every sample must have {len(first)} fields like the first")
        return tuple(default_collate([s[i] for s in samples]) for i in range(len(first)))
    if isinstance(first, dict):
        return {k: default_collate([s[k] for s in samples]) for k in first}
    if isinstance(first, str):
        return list(samples)
    if isinstance(first, xgrad.Tensor):
        return xgrad.stack([s if isinstance(s, xgrad.Tensor) else xgrad.tensor(s) for s in samples])
    try:
        arr = np.stack([np.asarray(s) for s in samples])
    except ValueError as e:
        raise ValueError(f"default_collate: samples of different shapes cannot be stacked ({e})") from None
    if arr.dtype.kind == "f" and not isinstance(first, np.ndarray):
        arr = arr.astype(np.float32)  # Python floats: the default dtype
    return arr


def _to_batch_value(a: Any) -> Any:
    """Float arrays become float32 Tensors (the model's input), integer arrays int64 Tensors
    (labels, as PyTorch), bool arrays bool Tensors; anything else is passed through."""
    if isinstance(a, xgrad.Tensor):
        return a
    if isinstance(a, np.ndarray):
        if np.issubdtype(a.dtype, np.floating):
            return xgrad.tensor(np.ascontiguousarray(a, dtype=np.float32))
        if np.issubdtype(a.dtype, np.integer):
            return xgrad.tensor(np.ascontiguousarray(a, dtype=np.int64))
        if a.dtype == np.bool_:
            return xgrad.tensor(np.ascontiguousarray(a))
    if isinstance(a, tuple):
        return tuple(_to_batch_value(v) for v in a)
    if isinstance(a, dict):
        return {k: _to_batch_value(v) for k, v in a.items()}
    return a


class DataLoader:
    """Iterate over mini-batches of ``data``, like ``torch.utils.data.DataLoader``.

    Args:
        data: a tuple of arrays with equal first dimension N, e.g. ``(x_train, y_train)``, or a
            dataset object with ``__len__`` and ``__getitem__`` taking an index array (such as
            ``TensorDataset``), or a map-style ``Dataset`` whose ``__getitem__`` returns one sample
            (joined into batches by ``collate_fn``); a single array is also accepted and yields
            single batches.
        batch_size: samples per batch B (> 0). The last batch has ``N % B`` samples unless
            ``drop_last``.
        shuffle: draw a new order with ``xgrad.randperm(N)`` at the start of every epoch, so
            ``xgrad.manual_seed`` repeats it and ``xgrad.get_rng_state()`` captures it.
        drop_last: drop the last incomplete batch.
        transform: ``transform(x_batch: np.ndarray) -> np.ndarray | Tensor``, applied to the first
            element of each batch only (augmentation, preprocessing).

        collate_fn: joins the samples of a map-style dataset (default: ``default_collate``).

    Each batch is a tuple with one entry per array: floating arrays as float32 ``xgrad.Tensor``
    of shape ``(B, ...)``, integer arrays (labels) as int64 ``xgrad.Tensor`` ``(B, ...)``, as PyTorch. ``len(loader)`` is the number
    of batches per epoch: ``ceil(N / B)``, or ``floor(N / B)`` with ``drop_last``.
    """

    def __init__(self, data: Any, batch_size: int = 64, shuffle: bool = False, drop_last: bool = False,
                 transform: Optional[Callable[[np.ndarray], Any]] = None,
                 collate_fn: Optional[Callable[[list], Any]] = None) -> None:
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
        if collate_fn is not None and not callable(collate_fn):
            raise TypeError(f"DataLoader: collate_fn must be callable, got {type(collate_fn).__name__}")
        self.collate_fn = collate_fn or default_collate
        # batched fetching for datasets that index with an array (TensorDataset, Subset of one, and
        # the dataset objects written for xgrad before Dataset existed); one by one for the others
        self._batched = bool(getattr(data, "batched_getitem", not isinstance(data, Dataset)))

    def __len__(self) -> int:
        n = len(self.dataset)
        return n // self.batch_size if self.drop_last else -(-n // self.batch_size)

    def __iter__(self) -> Iterator[Union[Tuple[Any, ...], Any]]:
        n = len(self.dataset)
        order = xgrad.randperm(n) if self.shuffle else np.arange(n, dtype=np.int64)
        for b in range(len(self)):
            yield self._batch(order[b * self.batch_size:(b + 1) * self.batch_size])

    def _batch(self, index: np.ndarray) -> Union[Tuple[Any, ...], Any]:
        if self._batched:
            items = self.dataset[index]
        else:
            items = self.collate_fn([self.dataset[int(i)] for i in index])
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
