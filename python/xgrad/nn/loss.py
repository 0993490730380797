"""Loss layers."""
from __future__ import annotations

from typing import Any, Optional

from .. import _checks as check
from .._tensor import Tensor
from . import functional as F
from .module import Module


class _Loss(Module):
    def __init__(self, reduction: str = "mean"):
        super().__init__()
        self.reduction = F._reduction(reduction, type(self).__name__)

    def extra_repr(self) -> str:
        return f"reduction={self.reduction!r}"


class CrossEntropyLoss(_Loss):
    """Softmax cross-entropy between logits (N, C) and integer class labels (N,):
    ``-log(e^{x_y} / sum_j e^{x_j})``, averaged over the batch by default.

    ``weight`` (C,): class weights (the mean divides by the sum of the samples' weights);
    ``label_smoothing`` eps: targets (1 - eps) onehot + eps / C; ``ignore_index``: targets with this
    value contribute nothing."""

    def __init__(self, weight: Optional[Tensor] = None, ignore_index: int = -100, reduction: str = "mean",
                 label_smoothing: float = 0.0):
        super().__init__(reduction)
        self.weight = F._weight(weight, "CrossEntropyLoss")
        self.ignore_index = check.integer(ignore_index, "ignore_index", "CrossEntropyLoss")
        self.label_smoothing = check.probability(label_smoothing, "label_smoothing", "CrossEntropyLoss")

    def forward(self, input: Tensor, target: Any) -> Tensor:
        return F.cross_entropy(input, target, self.weight, self.ignore_index, self.reduction, self.label_smoothing)


class NLLLoss(_Loss):
    """Negative log-likelihood of log-probabilities (N, C): ``-w_y * input[i, y]``. LogSoftmax
    followed by NLLLoss is CrossEntropyLoss."""

    def __init__(self, weight: Optional[Tensor] = None, ignore_index: int = -100, reduction: str = "mean"):
        super().__init__(reduction)
        self.weight = F._weight(weight, "NLLLoss")
        self.ignore_index = check.integer(ignore_index, "ignore_index", "NLLLoss")

    def forward(self, input: Tensor, target: Any) -> Tensor:
        return F.nll_loss(input, target, self.weight, self.ignore_index, self.reduction)


class MultiMarginLoss(_Loss):
    """The multiclass SVM loss of the lectures (Weston-Watkins), normalised like PyTorch:
    ``loss_i = sum_{j != y_i} max(0, margin - s_{y_i} + s_j)^p / C`` for scores s (N, C); margin 1,
    p = 1 (hinge) or 2 (squared hinge). CS231n's ``L_i`` (no 1/C) is C times this."""

    def __init__(self, p: int = 1, margin: float = 1.0, weight: Optional[Tensor] = None, reduction: str = "mean"):
        super().__init__(reduction)
        self.p = F.margin_power(p, "MultiMarginLoss")
        self.margin = check.number(margin, "margin", "MultiMarginLoss")
        self.weight = F._weight(weight, "MultiMarginLoss")

    def forward(self, input: Tensor, target: Any) -> Tensor:
        return F.multi_margin_loss(input, target, self.p, self.margin, self.weight, self.reduction)


class FocalLoss(_Loss):
    """Softmax focal loss (Lin et al. 2017): ``-alpha_y (1 - p_y)^gamma log p_y`` with
    p = softmax(logits). gamma > 0 down-weights easy examples; gamma = 0 and alpha None equals
    CrossEntropyLoss. alpha: None, a number, or per-class weights."""

    def __init__(self, alpha: Any = None, gamma: float = 2.0, reduction: str = "mean"):
        super().__init__(reduction)
        F.focal_alphas(alpha, "FocalLoss")  # checks only: alpha is kept as given
        self.alpha, self.gamma = alpha, check.number(gamma, "gamma", "FocalLoss", low=0.0)

    def forward(self, input: Tensor, target: Any) -> Tensor:
        return F.focal_loss(input, target, self.alpha, self.gamma, self.reduction)

    def extra_repr(self) -> str:
        return f"alpha={self.alpha}, gamma={self.gamma}, reduction={self.reduction!r}"


class L1Loss(_Loss):
    """``|x - y|``, averaged over all elements by default."""

    def forward(self, input: Tensor, target: Any) -> Tensor:
        return F.l1_loss(input, target, self.reduction)


class MSELoss(_Loss):
    """``(x - y)^2`` (the L2 loss), averaged over all elements by default."""

    def forward(self, input: Tensor, target: Any) -> Tensor:
        return F.mse_loss(input, target, self.reduction)


class SmoothL1Loss(_Loss):
    """``0.5 d^2 / beta if |d| < beta else |d| - 0.5 beta`` with d = x - y."""

    def __init__(self, reduction: str = "mean", beta: float = 1.0):
        super().__init__(reduction)
        self.beta = check.number(beta, "beta", "SmoothL1Loss", low=0.0)

    def forward(self, input: Tensor, target: Any) -> Tensor:
        return F.smooth_l1_loss(input, target, self.reduction, self.beta)


class BCELoss(_Loss):
    """Binary cross-entropy of probabilities: ``-(y log x + (1 - y) log(1 - x))``."""

    def __init__(self, weight: Optional[Tensor] = None, reduction: str = "mean"):
        super().__init__(reduction)
        self.weight = F._weight(weight, type(self).__name__)

    def forward(self, input: Tensor, target: Any) -> Tensor:
        return F.binary_cross_entropy(input, target, self.weight, self.reduction)


class BCEWithLogitsLoss(BCELoss):
    """Sigmoid + binary cross-entropy, fused and stable: ``max(z, 0) - z y + log(1 + e^-|z|)``.
    With (N, K) 0/1 targets: independent yes/no per attribute (multi-label classification)."""

    def forward(self, input: Tensor, target: Any) -> Tensor:
        return F.binary_cross_entropy_with_logits(input, target, self.weight, self.reduction)
