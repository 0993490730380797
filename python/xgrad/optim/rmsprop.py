"""RMSProp (Tieleman & Hinton 2012, Coursera lecture 6e)."""
from .optimizer import RuleOptimizer


class RMSprop(RuleOptimizer, rule="rmsprop"):
    r"""RMSProp, PyTorch's form; ``alpha`` is the lectures' decay rate. With ``dx = grad + weight_decay * x``::

        cache = alpha * cache + (1 - alpha) * dx ** 2
        centered:  g_avg = alpha * g_avg + (1 - alpha) * dx;  avg = sqrt(cache - g_avg ** 2) + eps
        else:      avg = sqrt(cache) + eps
        eps_inside_sqrt=True:  avg = sqrt(cache - g_avg ** 2 + eps), or avg = sqrt(cache + eps)
        momentum > 0:  buf = momentum * buf + dx / avg;  x -= lr * buf
        else:          x -= lr * dx / avg

    CS231n's ``cache = decay_rate * cache + (1 - decay_rate) * dx**2; x += -lr * dx / (sqrt(cache) + eps)``
    is the default (``momentum=0, centered=False``). ai-edu's code (chapter 15.3, and TensorFlow 1's
    ``RMSPropOptimizer``) puts eps inside the square root, ``x -= lr * dx / sqrt(cache + eps)`` with
    ``eps = 1e-6``: ``RMSprop(params, lr, alpha=0.9, eps=1e-6, eps_inside_sqrt=True)``."""
