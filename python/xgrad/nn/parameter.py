"""``Parameter``: a tensor a Module registers as learnable."""
from __future__ import annotations

from typing import Any

import numpy as np

from .. import _core
from .._tensor import Tensor
from .._tensor.creation import tensor


class Parameter(Tensor):
    """A leaf tensor that requires grad and that ``Module`` finds as one of its parameters.

    ``Parameter(data)`` shares ``data``'s memory (no copy) when ``data`` is a tensor."""

    def __init__(self, data: Any = None, requires_grad: bool = True):
        if data is None:
            data = _core.empty([0], _core.dtype.float32)
        if not isinstance(data, Tensor):
            data = tensor(data)
        Tensor.__init__(self, _core.detach(data))
        self.requires_grad = requires_grad

    def __reduce__(self):
        # Pickled and deep-copied as a Parameter (Tensor.__deepcopy__ rebuilds through this).
        return (_rebuild_parameter, (np.array(_core.detach(self).numpy(), copy=True), bool(self.requires_grad)))

    def __repr__(self) -> str:
        return "Parameter containing:\n" + Tensor.__repr__(self)


def _rebuild_parameter(array: np.ndarray, requires_grad: bool) -> Parameter:
    return Parameter(tensor(array), requires_grad=requires_grad)
