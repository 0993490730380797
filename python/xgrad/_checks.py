"""The argument checks of every public constructor and function, in one place.

Each check takes the value, the argument's name and its owner (the class or function the user
called) and returns the value converted (``int``, ``float``, ``bool``, a tuple, an int64 array),
or raises with one message format::

    Linear: in_features must be a positive integer, got 3.0 (float)        TypeError: wrong type
    Conv2d: kernel_size must be a positive integer, got 0                  ValueError: wrong value

A wrong *type* is a TypeError, a value of the right type outside the accepted range a
ValueError; both name the owner, the argument and the value, and say what was expected. Bools are
not integers or numbers here (``Linear(True, 2)`` is a mistake, not one feature), and a float is
not an integer even when whole (``Linear(3.0, 2)``, as PyTorch refuses it). Integers are checked
against int64 too: the C++ core takes int64, and a Python int beyond it would otherwise surface as
pybind11's "incompatible function arguments".
"""
from __future__ import annotations

import math
import numbers
from typing import Any, Callable, Optional, Sequence, Tuple

import numpy as np

INT64_MIN = -(2 ** 63)
INT64_MAX = 2 ** 63 - 1
UINT64_MAX = 2 ** 64 - 1


def show(value: Any) -> str:
    """``repr(value)``, shortened to one line."""
    try:
        text = repr(value)
    except Exception:  # noqa: BLE001 - a broken __repr__ must not hide the real error
        text = f"<{type(value).__name__}>"
    text = " ".join(text.split())
    return text if len(text) <= 80 else text[:77] + "..."


def _got(value: Any, with_type: bool) -> str:
    return f"{show(value)} ({type(value).__name__})" if with_type else show(value)


def type_error(owner: str, name: str, expected: str, value: Any) -> TypeError:
    """``TypeError("<owner>: <name> must be <expected>, got <value> (<type>)")``."""
    return TypeError(f"{owner}: {name} must be {expected}, got {_got(value, True)}")


def value_error(owner: str, name: str, expected: str, value: Any) -> ValueError:
    """``ValueError("<owner>: <name> must be <expected>, got <value>")``."""
    return ValueError(f"{owner}: {name} must be {expected}, got {_got(value, False)}")


def is_integer(value: Any) -> bool:
    """A Python or NumPy integer, not a bool."""
    return isinstance(value, (numbers.Integral, np.integer)) and not isinstance(value, (bool, np.bool_))


def is_number(value: Any) -> bool:
    """A Python or NumPy real number (int or float), not a bool."""
    return isinstance(value, (numbers.Real, np.integer, np.floating)) and not isinstance(value, (bool, np.bool_))


def _int_range(low: Optional[int], high: Optional[int]) -> str:
    if low is not None and high is not None:
        return f"an integer in [{low}, {high}]"
    if low == 1:
        return "a positive integer"
    if low is not None:
        return f"an integer >= {low}"
    if high is not None:
        return f"an integer <= {high}"
    return "an integer"


def integer(value: Any, name: str, owner: str, low: Optional[int] = None, high: Optional[int] = None) -> int:
    """``value`` as an int in ``[low, high]``; a bound not given is int64's."""
    expected = _int_range(low, high)
    if not is_integer(value):
        raise type_error(owner, name, expected, value)
    v = int(value)
    if (low is not None and v < low) or (high is not None and v > high):
        raise value_error(owner, name, expected, value)
    if (low is None and v < INT64_MIN) or (high is None and v > INT64_MAX):
        raise ValueError(f"{owner}: {name} must be {expected} that fits in int64, got {v}")
    return v


def positive_int(value: Any, name: str, owner: str) -> int:
    """An integer >= 1 (sizes, counts, kernel sizes, strides)."""
    return integer(value, name, owner, low=1)


def nonnegative_int(value: Any, name: str, owner: str) -> int:
    """An integer >= 0 (padding, patience, epochs counted from 0)."""
    return integer(value, name, owner, low=0)


def optional_int(value: Any, name: str, owner: str, low: Optional[int] = None) -> Optional[int]:
    """None, or an integer >= ``low``."""
    if value is None:
        return None
    expected = "None or " + _int_range(low, None)
    if not is_integer(value):
        raise type_error(owner, name, expected, value)
    if low is not None and int(value) < low:
        raise value_error(owner, name, expected, value)
    return integer(value, name, owner)


def _num_range(low: Optional[float], high: Optional[float], low_open: bool, high_open: bool, finite: bool) -> str:
    kind = "a finite number" if finite else "a number"
    if low is not None and high is not None:
        return f"a number in {'(' if low_open else '['}{low:g}, {high:g}{')' if high_open else ']'}"
    if low is not None:
        return f"{kind} {'>' if low_open else '>='} {low:g}"
    if high is not None:
        return f"{kind} {'<' if high_open else '<='} {high:g}"
    return kind


def number(value: Any, name: str, owner: str, low: Optional[float] = None, high: Optional[float] = None,
           low_open: bool = False, high_open: bool = False, finite: bool = True) -> float:
    """``value`` as a float, within the bounds (``low_open``/``high_open`` exclude them); NaN is
    refused always, Inf unless ``finite=False``."""
    expected = _num_range(low, high, low_open, high_open, finite)
    if not is_number(value):
        raise type_error(owner, name, expected, value)
    try:
        v = float(value)
    except OverflowError:  # an int beyond float's range
        raise value_error(owner, name, expected, value) from None
    if math.isnan(v) or (finite and math.isinf(v)):
        raise value_error(owner, name, expected, value)
    if low is not None and (v < low or (low_open and v == low)):
        raise value_error(owner, name, expected, value)
    if high is not None and (v > high or (high_open and v == high)):
        raise value_error(owner, name, expected, value)
    return v


def optional_number(value: Any, name: str, owner: str, **bounds: Any) -> Optional[float]:
    """None, or ``number(value, ...)``."""
    return None if value is None else number(value, name, owner, **bounds)


def probability(value: Any, name: str, owner: str, one: bool = True) -> float:
    """A number in [0, 1] (or [0, 1) with ``one=False``, e.g. a dropout rate)."""
    return number(value, name, owner, low=0.0, high=1.0, high_open=not one)


def flag(value: Any, name: str, owner: str) -> bool:
    """True or False (a NumPy bool too); ``bias="no"`` or ``shuffle=1`` are refused."""
    if not isinstance(value, (bool, np.bool_)):
        raise type_error(owner, name, "True or False", value)
    return bool(value)


def choice(value: Any, name: str, owner: str, choices: Sequence[Any]) -> Any:
    """One of ``choices`` (strings, or None among them)."""
    expected = "one of " + ", ".join(show(c) for c in choices)
    if isinstance(value, (str, type(None))):
        if value in choices:
            return value
        raise value_error(owner, name, expected, value)
    raise type_error(owner, name, expected, value)


def function(value: Any, name: str, owner: str, optional: bool = False) -> Optional[Callable[..., Any]]:
    """A callable (or None with ``optional``)."""
    if value is None and optional:
        return None
    if not callable(value):
        raise type_error(owner, name, "callable" + (" or None" if optional else ""), value)
    return value


def pair_of_ints(value: Any, name: str, owner: str, low: Optional[int] = None) -> Tuple[int, int]:
    """``2 -> (2, 2)``; ``(2, 3)`` or ``[2, 3]`` stays; each entry an integer >= ``low``."""
    expected = f"{_int_range(low, None)} or a pair of them"
    if isinstance(value, (tuple, list)):
        if len(value) != 2:
            raise value_error(owner, name, expected, value)
        for v in value:
            if not is_integer(v):
                raise type_error(owner, name, expected, value)
        a, b = int(value[0]), int(value[1])
    elif is_integer(value):
        a = b = int(value)
    else:
        raise type_error(owner, name, expected, value)
    for v in (a, b):
        if (low is not None and v < low) or not INT64_MIN <= v <= INT64_MAX:
            raise value_error(owner, name, expected, value)
    return a, b


def pair_of_numbers(value: Any, name: str, owner: str, **bounds: Any) -> Tuple[float, float]:
    """A pair (tuple or list of two) of numbers, each within ``bounds`` (see ``number``)."""
    if isinstance(value, (str, bytes)) or not isinstance(value, (tuple, list, np.ndarray)) or len(value) != 2:
        raise type_error(owner, name, "a pair of numbers", value)
    return number(value[0], f"{name}[0]", owner, **bounds), number(value[1], f"{name}[1]", owner, **bounds)


def seed(value: Any, name: str, owner: str) -> int:
    """A generator seed: an integer in [0, 2**64 - 1] (the generator's state is 64 bits; a larger
    seed would be masked into the same state as a smaller one)."""
    return integer(value, name, owner, low=0, high=UINT64_MAX)


# ------------------------------------------------------------------------------ integer arrays

def _first_bad(mask: np.ndarray) -> Tuple[int, ...]:
    return tuple(int(i) for i in np.argwhere(mask)[0])


def _where(index: Tuple[int, ...]) -> str:
    return str(index[0]) if len(index) == 1 else str(index)


def int64_array(values: Any, name: str, owner: str, what: str = "integers") -> np.ndarray:
    """``values`` (an integer array, a list of Python ints, or a float array of whole numbers) as
    an int64 array, by value: NaN/Inf, fractions and integers beyond int64 (uint64 above
    2**63 - 1, Python ints such as 2**70) raise ValueError naming the value and its position,
    instead of wrapping around or being truncated; other dtypes raise TypeError."""
    from ._tensor.dtypes import Tensor  # here: _tensor imports this module

    if isinstance(values, Tensor):
        values = values.detach().numpy()
    try:
        arr = np.asarray(values)
    except (ValueError, TypeError) as e:  # ragged lists
        raise TypeError(f"{owner}: {name} must be an array of {what}, got {show(values)} ({e})") from None
    kind = arr.dtype.kind
    if kind == "i":
        return arr.astype(np.int64, copy=False)
    if kind == "u":
        if arr.dtype.itemsize == 8 and arr.size and arr.max() > INT64_MAX:
            bad = _first_bad(arr > INT64_MAX)
            raise ValueError(f"{owner}: {name} holds {int(arr[bad])} at position {_where(bad)}, which does not "
                             f"fit in int64")
        return arr.astype(np.int64)
    if kind == "f":
        finite = np.isfinite(arr)
        if not finite.all():
            bad = _first_bad(~finite)
            raise ValueError(f"{owner}: {name} holds {float(arr[bad])} at position {_where(bad)}, expected {what}")
        whole = arr == np.floor(arr)
        if not whole.all():
            bad = _first_bad(~whole)
            raise ValueError(f"{owner}: {name} holds {float(arr[bad])} at position {_where(bad)}, expected {what} "
                             f"(whole numbers)")
        # 2**63 itself is a float64; floats from -2**63 up to it exclusive convert exactly
        outside = (arr < -(2.0 ** 63)) | (arr >= 2.0 ** 63)
        if outside.any():
            bad = _first_bad(outside)
            raise ValueError(f"{owner}: {name} holds {float(arr[bad])} at position {_where(bad)}, which does not "
                             f"fit in int64")
        return arr.astype(np.int64)
    if kind == "O":
        flat = arr.reshape(-1)
        for i, v in enumerate(flat):
            if not is_integer(v):
                raise TypeError(f"{owner}: {name} must be an array of {what}, got an element {show(v)} "
                                f"({type(v).__name__})")
            if not INT64_MIN <= int(v) <= INT64_MAX:
                bad = np.unravel_index(i, arr.shape) if arr.ndim else ()
                raise ValueError(f"{owner}: {name} holds {int(v)} at position {_where(tuple(int(j) for j in bad) or (0,))}, "
                                 f"which does not fit in int64")
        return flat.astype(np.int64).reshape(arr.shape)
    raise TypeError(f"{owner}: {name} must be an array of {what}, got dtype {arr.dtype}")


def class_labels(values: Any, owner: str, name: str = "labels", n: Optional[int] = None) -> np.ndarray:
    """Class indices as a 1-D int64 array (``int64_array``'s checks), with ``n`` entries if given."""
    labels = int64_array(values, name, owner, what="class indices")
    if labels.ndim != 1 or (n is not None and labels.shape[0] != n):
        expected = "1-D" + (f" with one label per sample ({n})" if n is not None else "")
        raise ValueError(f"{owner}: {name} must be {expected}, got shape {labels.shape}")
    return labels
