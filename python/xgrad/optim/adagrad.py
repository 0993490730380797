"""AdaGrad (Duchi, Hazan & Singer 2011)."""
from .optimizer import RuleOptimizer


class Adagrad(RuleOptimizer, rule="adagrad"):
    r"""AdaGrad, PyTorch's form. At step t, with ``dx = grad + weight_decay * x``::

        cache += dx ** 2
        x -= lr / (1 + (t - 1) * lr_decay) * dx / (sqrt(cache) + eps)

    The lecture's form (CS231n ``cache += dx**2; x += -lr * dx / (sqrt(cache) + eps)``) is the
    default ``lr_decay=0``; ``initial_accumulator_value`` is the starting cache."""
