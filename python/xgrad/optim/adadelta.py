"""AdaDelta (Zeiler 2012)."""
from .optimizer import RuleOptimizer


class Adadelta(RuleOptimizer, rule="adadelta"):
    r"""AdaDelta, PyTorch's form. With ``dx = grad + weight_decay * x``::

        E[g2]  = rho * E[g2] + (1 - rho) * dx ** 2
        delta  = sqrt(E[dx2] + eps) / sqrt(E[g2] + eps) * dx
        E[dx2] = rho * E[dx2] + (1 - rho) * delta ** 2
        x -= lr * delta

    Zeiler's parameter-free form is ``lr=1.0`` (the default): the step size comes from the ratio
    of the two running averages alone, with no learning rate to tune."""
