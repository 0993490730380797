"""Stochastic gradient descent: PyTorch's form and the lectures' momentum forms."""
from .optimizer import RuleOptimizer


class SGD(RuleOptimizer, rule="sgd"):
    r"""SGD, one C++ call per parameter group. With ``dx = grad + weight_decay * x``:

    ``momentum_form="pytorch"`` (default, ``torch.optim.SGD``)::

        v = dx (first step), then v = momentum * v + (1 - dampening) * dx
        x -= lr * (dx + momentum * v if nesterov else v)

    With ``momentum=0`` every form is the vanilla update ``x -= lr * dx``. The lectures' forms
    (``momentum`` is their rho / mu / beta; v starts at 0; no dampening, no ``nesterov`` flag):

    - ``"rho"`` (CS231n): ``v = rho * v + dx;  x -= lr * v`` (the same numbers as "pytorch" with
      dampening 0, written as in the lecture)
    - ``"velocity"`` (CS231n, Goodfellow et al.): ``v = mu * v - lr * dx;  x += v``
    - ``"ema"`` (an exponential moving average, as in Ng's deep learning course):
      ``v = beta * v + (1 - beta) * dx;  x -= lr * v`` (ai-edu's code keeps the "velocity" form)
    - ``"lookahead"`` (Nesterov, CS231n): the parameter is the look-ahead point
      ``x_ahead = x + mu * v`` and its gradient is the look-ahead gradient::

          v_prev = v;  v = mu * v - lr * dx;  x_ahead += -mu * v_prev + (1 + mu) * v
    """
