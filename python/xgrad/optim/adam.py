"""Adam (Kingma & Ba 2015) and AdamW (Loshchilov & Hutter 2019)."""
from .optimizer import RuleOptimizer


class Adam(RuleOptimizer, rule="adam"):
    r"""Adam, PyTorch's form. At step t (from 1), with ``dx = grad + weight_decay * x`` (or, with
    ``decoupled_weight_decay=True``, AdamW's ``x *= 1 - lr * weight_decay`` and ``dx = grad``)::

        m = beta1 * m + (1 - beta1) * dx
        v = beta2 * v + (1 - beta2) * dx ** 2
        amsgrad: v_max = max(v_max, v), used in place of v below
        x -= lr / (1 - beta1 ** t) * m / (sqrt(v) / sqrt(1 - beta2 ** t) + eps)

    ``bias_correction=False`` is the lectures' Adam without bias correction (CS231n's first
    version): ``x -= lr * m / (sqrt(v) + eps)``."""


class AdamW(Adam, rule="adamw"):
    r"""AdamW: Adam with decoupled weight decay (PyTorch's form)::

        x *= 1 - lr * weight_decay
        then Adam's update with dx = grad (see ``Adam``)
    """
