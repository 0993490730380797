"""Embedding: a lookup table of learned vectors, one row per index (``torch.nn.Embedding``)."""
from __future__ import annotations

from typing import Any, Optional

from .. import _checks as check
from .. import _core
from .._tensor import Tensor
from .._tensor.dtypes import _dtype, float32
from . import functional as F
from .module import Module
from .parameter import Parameter


class Embedding(Module):
    """``weight`` (num_embeddings, embedding_dim), initialised from N(0, 1) as PyTorch; calling it
    on an integer tensor of indices returns their rows. With ``padding_idx``, that row starts at
    zero and receives no gradient."""

    def __init__(self, num_embeddings: int, embedding_dim: int, padding_idx: Optional[int] = None,
                 dtype: Any = None, device: Any = None):
        super().__init__()
        from ..device import check_device
        check_device(device, "Embedding")
        self.num_embeddings = check.positive_int(num_embeddings, "num_embeddings", "Embedding")
        self.embedding_dim = check.positive_int(embedding_dim, "embedding_dim", "Embedding")
        if padding_idx is not None:
            padding_idx = check.integer(padding_idx, "padding_idx", "Embedding", low=-self.num_embeddings,
                                        high=self.num_embeddings - 1)
            padding_idx %= self.num_embeddings
        self.padding_idx = padding_idx
        weight = _core.randn([self.num_embeddings, self.embedding_dim], _dtype(dtype) or float32)
        if padding_idx is not None:
            _core.fill_(_core.select(weight, 0, padding_idx), 0.0)
        self.weight = Parameter(weight)

    def forward(self, input: Tensor) -> Tensor:
        return F.embedding(input, self.weight, self.padding_idx)

    def extra_repr(self) -> str:
        pad = f", padding_idx={self.padding_idx}" if self.padding_idx is not None else ""
        return f"{self.num_embeddings}, {self.embedding_dim}{pad}"
