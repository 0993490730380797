"""Devices: xgrad runs on the CPU. ``device="cpu"`` is accepted wherever PyTorch takes a device, so
that code written for PyTorch runs unchanged; any other device raises saying so."""
from __future__ import annotations

from typing import Any


class device:
    """``xgrad.device("cpu")``, the one device there is (PyTorch's ``torch.device``)."""

    def __init__(self, type: Any = "cpu", index: Any = None):
        if isinstance(type, device):
            type, index = type.type, type.index
        check_device(type if index is None else f"{type}:{index}", "device")
        if isinstance(type, str) and type.partition(":")[2] not in ("", "0"):
            check_device(type, "device")
        self.type, self.index = "cpu", None

    def __repr__(self) -> str:
        return "device(type='cpu')"

    def __eq__(self, other: Any) -> bool:
        return isinstance(other, device) or other == "cpu"

    def __hash__(self) -> int:
        return hash("cpu")


def check_device(value: Any, owner: str) -> None:
    """None, ``"cpu"``, ``"cpu:0"`` or a ``device``/``torch.device`` of type cpu; ValueError for any
    other device (xgrad has no GPU backend), TypeError for what is not a device."""
    if value is None or isinstance(value, device):
        return
    kind = getattr(value, "type", None) if not isinstance(value, str) else value
    if not isinstance(kind, str):
        raise TypeError(f"{owner}: device must be 'cpu' (or None), got {value!r} ({type(value).__name__})")
    name, _, index = kind.partition(":")
    if name == "cpu" and index in ("", "0"):
        return
    raise ValueError(f"{owner}: xgrad runs on the CPU only, got device {str(value)!r}; use device='cpu' or leave "
                     f"it out")
