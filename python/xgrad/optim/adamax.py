"""Adamax (Kingma & Ba 2015, section 7.1)."""
from .optimizer import RuleOptimizer


class Adamax(RuleOptimizer, rule="adamax"):
    r"""Adamax, PyTorch's form: Adam with the infinity norm of past gradients in place of their
    RMS. At step t (from 1), with ``dx = grad + weight_decay * x``::

        m = beta1 * m + (1 - beta1) * dx
        u = max(beta2 * u, |dx| + eps)
        x -= lr / (1 - beta1 ** t) * m / u

    u needs no bias correction: it is a max, not a moving average started at 0."""
