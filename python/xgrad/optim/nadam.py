"""NAdam (Dozat 2016): Adam with Nesterov momentum."""
from .optimizer import RuleOptimizer


class NAdam(RuleOptimizer, rule="nadam"):
    r"""NAdam, PyTorch's form. At step t (from 1), ``mu_t = beta1 * (1 - 0.5 * 0.96 ** (t * momentum_decay))``
    and, with ``dx = grad + weight_decay * x`` (or decoupled decay ``x *= 1 - lr * weight_decay``)::

        m = beta1 * m + (1 - beta1) * dx;  v = beta2 * v + (1 - beta2) * dx ** 2
        denom = sqrt(v / (1 - beta2 ** t)) + eps
        x -= lr * (1 - mu_t) / (1 - mu_1 ... mu_t) * dx / denom
        x -= lr * mu_{t+1} / (1 - mu_1 ... mu_{t+1}) * m / denom
    """
