"""Fixed problems shared by the optimizer tests: a smooth non-quadratic objective with its
gradient in NumPy (so optimizer tests do not depend on autograd), and a logistic regression for
the closure-based optimizers; and the test ids of their parametrised cases."""
import numpy as np

SHAPES = [(4, 3), (3,)]


def initial_params(seed: int = 0):
    rng = np.random.default_rng(seed)
    return [rng.standard_normal(s) for s in SHAPES]


def _coefficients():
    rng = np.random.default_rng(123)
    n = sum(int(np.prod(s)) for s in SHAPES)
    m = rng.standard_normal((n, n))
    a = m @ m.T / n + 0.1 * np.eye(n)
    return a, rng.standard_normal(n)


_A, _B = _coefficients()


def objective_grad(arrays):
    """Gradient of f(x) = 0.5 x'Ax + 0.05 sum(x^4) - b'x at the flattened parameters."""
    x = np.concatenate([a.ravel() for a in arrays])
    g = _A @ x + 0.2 * x ** 3 - _B
    out, offset = [], 0
    for a in arrays:
        out.append(g[offset:offset + a.size].reshape(a.shape))
        offset += a.size
    return out


def logistic_data(n: int = 40, d: int = 3, seed: int = 7):
    rng = np.random.default_rng(seed)
    x = rng.standard_normal((n, d))
    w_true = rng.standard_normal(d)
    y = np.where(x @ w_true + 0.3 * rng.standard_normal(n) > 0, 1.0, -1.0)
    return x, y


def case_id(name, kwargs):
    """A test id that says what the case is: ``Adam(lr=0.05,betas=(0.8,0.99))``."""
    return f"{name}(" + ",".join(f"{k}={v}".replace(" ", "") for k, v in kwargs.items()) + ")"
