"""The core's registries are consistent and reachable from Python.

Ops (``xgrad._core.registered_ops()``): every entry is exposed where it says (``xgrad.<name>``,
``Tensor.<name>``, ``nn.functional.<name>``) and only there, with its signature and formula as
docstring; every exposure computes the same; its PyTorch name resolves; its parameters' defaults
are of their kinds. Optimizer rules (``xgrad._core.optimizer_rules()``): each has a class in
``xgrad.optim`` whose signature is the rule's hyper-parameters and defaults, and the 2-D playground
(``optim.trace``) runs the tensor optimizer's step to the bit. Activation modules: every
``nn.Activation`` is watched by ``ActivationMonitor``, the output normalisers are not."""
import inspect
from fractions import Fraction

import numpy as np
import pytest

import op_registry
import xgrad
from conftest import TORCH_MISSING, torch
from op_cases import draw
from xgrad import nn
from xgrad.monitor import ActivationMonitor
from xgrad._tensor.registered import REGISTRY

F = nn.functional
ENTRIES = xgrad._core.registered_ops()
OPS = [pytest.param(entry, id=entry["name"]) for entry in ENTRIES]
RULES = xgrad._core.optimizer_rules()
KINDS = {"float": float, "int": int, "str": str}

# ---------------------------------------------------------------- ops


def test_op_names_are_unique_and_the_registry_is_every_entry():
    names = [entry["name"] for entry in ENTRIES]
    assert sorted({n for n in names if names.count(n) > 1}) == []
    assert list(REGISTRY) == names
    assert {"exp", "relu", "gelu", "prelu", "softmax"} <= set(names)


@pytest.mark.parametrize("entry", OPS)
def test_op_is_exposed_where_registered_and_only_there(entry):
    name, doc = entry["name"], entry["doc"]
    assert doc.strip() and entry["signature"].startswith(f"{name}(input: Tensor")
    where = {"function": (xgrad, name), "method": (xgrad.Tensor, name), "functional": (F, name)}
    for flag, (owner, attr) in where.items():
        assert hasattr(owner, attr) == entry[flag], f"{owner.__name__}.{attr}: registered {flag}={entry[flag]}"
    if entry["function"]:
        assert callable(xgrad.__dict__[name]) and xgrad.__dict__[name].__doc__.startswith(entry["signature"])
        assert doc in xgrad.__dict__[name].__doc__
    if entry["functional"]:
        assert F.__dict__[name].__doc__.startswith(entry["signature"]) and doc in F.__dict__[name].__doc__
    if entry["method"]:
        method = getattr(xgrad.Tensor, name)
        assert callable(method) and method.__doc__.startswith(f"{name}(self") and doc in method.__doc__


@pytest.mark.parametrize("dtype", [np.float32, np.float64], ids=["float32", "float64"])
@pytest.mark.parametrize("entry", OPS)
def test_every_exposure_of_an_op_computes_the_same(entry, dtype):
    name = entry["name"]
    calls = {"function": lambda *a, **k: getattr(xgrad, name)(*a, **k),
             "method": lambda x, *a, **k: getattr(x, name)(*a, **k),
             "functional": lambda *a, **k: getattr(F, name)(*a, **k)}
    exposed = {flag: call for flag, call in calls.items() if entry[flag]}
    assert exposed, f"'{name}' is registered but exposed nowhere"
    rng = np.random.default_rng(0)
    for shapes in op_registry.parameter_shapes(name, (3, 4)):
        x = xgrad.tensor(draw((3, 4), op_registry.DOMAINS[entry["domain"]], rng).astype(dtype))
        params = [xgrad.tensor(draw(s, "normal", rng).astype(dtype)) for s in shapes]
        for _, kwargs in op_registry.variants(entry):
            results = {flag: call(x, *params, **kwargs).numpy() for flag, call in exposed.items()}
            first = next(iter(results.values()))
            for flag, out in results.items():
                np.testing.assert_array_equal(out, first, err_msg=f"{name} {kwargs}: {flag}")


@pytest.mark.skipif(torch is None, reason=TORCH_MISSING)
@pytest.mark.parametrize("entry", [e for e in OPS if e.values[0]["torch"]])
def test_op_torch_name_resolves(entry):
    assert entry["torch"].startswith("torch.")
    assert callable(op_registry.torch_function(entry["torch"]))


@pytest.mark.parametrize("entry", OPS)
def test_op_parameters_have_defaults_of_their_kind(entry):
    assert entry["domain"] in {"real", "positive", "nonzero"}
    names = [p["name"] for p in entry["params"]]
    assert len(set(names)) == len(names) and "input" not in names
    for p in entry["params"]:
        if p["kind"] == "tensor":
            assert p["default"] is None and p["choices"] == [], p
            continue
        assert p["kind"] in KINDS, p
        assert type(p["default"]) is KINDS[p["kind"]], p  # bool is not an int, int is not a float
        if p["choices"]:
            assert p["kind"] == "str" and p["default"] in p["choices"], p
            assert len(set(p["choices"])) == len(p["choices"]), p

# ---------------------------------------------------------------- optimizer rules


def rule_classes():
    """The classes exported by xgrad.optim that are built on a registered rule."""
    classes = [getattr(xgrad.optim, name) for name in xgrad.optim.__all__]
    return [cls for cls in classes if isinstance(cls, type) and getattr(cls, "_rule", None) is not None]


def test_every_rule_has_an_optimizer_class():
    """A rule that no class of xgrad.optim names is reachable only from a test."""
    by_rule = {}
    for cls in rule_classes():
        by_rule.setdefault(cls._rule, []).append(cls.__name__)
    assert set(by_rule) <= set(RULES)
    assert [name for name, rule in RULES.items() if rule["tensor"] and name not in by_rule] == []
    assert [name for name, rule in RULES.items() if rule["trace"] and name not in by_rule] == []
    assert {n: c for n, c in by_rule.items() if len(c) > 1} == {}
    assert set(xgrad.optim.playground.optimizers()) == {name for name, rule in RULES.items() if rule["trace"]}


@pytest.mark.parametrize("cls", [pytest.param(c, id=c.__name__) for c in rule_classes()])
def test_optimizer_signature_is_its_rule(cls):
    parameters = list(inspect.signature(cls).parameters.values())
    assert parameters[0].name == "params" and parameters[0].default is inspect.Parameter.empty
    hyper = RULES[cls._rule]["hyper"]
    expected = [(h["name"], repr(tuple(h["default"]) if h["kind"] == "pair" else h["default"])) for h in hyper]
    assert [(p.name, repr(p.default)) for p in parameters[1:]] == expected
    assert cls.__doc__ and cls.__doc__.strip()


def rosenbrock_gradient(x, y, fused):
    """The gradient the playground computes (cpp/src/optim/playground.cpp) to the bit:
    a = 1 - x, b = y - x^2, (-2 a - 400 x b, 200 b). Built with FMA (x86-64-v3), GCC contracts
    b = y - x * x into one fused multiply-add (one rounding): ``fused``."""
    a = 1 - x
    b = float(Fraction(y) - Fraction(x) ** 2) if fused else y - x * x
    return np.array([-2 * a - 400 * x * b, 200 * b])


def playground_fuses():
    """Whether this build's playground rounds y - x^2 once: read from one SGD step (lr=1) at a
    point where the two roundings give different steps."""
    start = (-1.2, 1.0)
    path, _ = xgrad.optim.trace("sgd", "rosenbrock", start, 1, lr=1.0)
    steps = {fused: tuple(np.array(start) - rosenbrock_gradient(*start, fused)) for fused in (False, True)}
    assert steps[False] != steps[True]
    matches = [fused for fused, point in steps.items() if point == tuple(path[1])]
    assert matches, f"the playground's Rosenbrock gradient is neither rounding of the formula: {path[1]} vs {steps}"
    return matches[0]


#: One variant per rule the tensor optimizers and the playground share, using state the defaults
#: leave empty or other paths of the step.
TRACE_VARIANTS = {
    "sgd": {"momentum": 0.9, "nesterov": True},
    "adagrad": {"lr_decay": 0.01, "initial_accumulator_value": 0.1, "weight_decay": 0.1},
    "rmsprop": {"centered": True, "momentum": 0.5},
    "adadelta": {"rho": 0.5, "weight_decay": 0.1},
    "adam": {"amsgrad": True},
    "adamw": {"amsgrad": True, "weight_decay": 0.1},
    "adamax": {"betas": (0.8, 0.99), "weight_decay": 0.1},
    "nadam": {"decoupled_weight_decay": True, "weight_decay": 0.1},
}
BOTH_WAYS = [cls for cls in rule_classes() if RULES[cls._rule]["tensor"] and RULES[cls._rule]["trace"]]
TRACE_CASES = ([pytest.param(cls, {}, id=f"{cls.__name__}-defaults") for cls in BOTH_WAYS]
               + [pytest.param(cls, TRACE_VARIANTS[cls._rule], id=f"{cls.__name__}-variant") for cls in BOTH_WAYS
                  if cls._rule in TRACE_VARIANTS])


def test_every_rule_of_both_kinds_has_a_trace_variant():
    missing = [cls._rule for cls in BOTH_WAYS if cls._rule not in TRACE_VARIANTS]
    assert not missing, "; ".join(f"add a stateful variant of '{r}' to TRACE_VARIANTS in tests/test_registry.py"
                                  for r in missing)
    assert set(TRACE_VARIANTS) <= {cls._rule for cls in BOTH_WAYS}


@pytest.mark.parametrize("cls,hyper", TRACE_CASES)
def test_trace_is_the_tensor_optimizer_to_the_bit(cls, hyper):
    """The same C++ step runs in the playground and in optimizer.step() on a float64 2-vector
    whose gradient is Rosenbrock's."""
    fused, start, steps = playground_fuses(), (-1.5, 2.0), 50
    path, losses = xgrad.optim.trace(cls, "rosenbrock", start, steps=steps, **hyper)
    assert path.shape == (steps + 1, 2) and losses.shape == (steps + 1,)
    p = xgrad.tensor(np.array(start), requires_grad=True)
    optimizer = cls([p], **hyper)
    points = [p.numpy().copy()]
    for _ in range(steps):
        p.grad = xgrad.tensor(rosenbrock_gradient(*(float(v) for v in p.numpy()), fused))
        optimizer.step()
        points.append(p.numpy().copy())
    points = np.array(points)
    assert np.all(np.isfinite(points)) and not np.array_equal(points[-1], points[0])
    np.testing.assert_array_equal(path, points)

# ---------------------------------------------------------------- activation modules

#: Constructor arguments of the activations that need some.
ACTIVATION_ARGUMENTS = {"Maxout": (4, 4)}


def exported_activations():
    return [value for name, value in vars(nn).items()
            if isinstance(value, type) and issubclass(value, nn.Activation) and value is not nn.Activation]


def test_the_lectures_activations_are_activations():
    names = {cls.__name__ for cls in exported_activations()}
    assert {"ReLU", "Sigmoid", "Tanh", "LeakyReLU", "PReLU", "ELU", "Maxout", "GELU", "SiLU", "Softplus"} <= names
    assert not issubclass(nn.Softmax, nn.Activation) and not issubclass(nn.LogSoftmax, nn.Activation)


@pytest.mark.parametrize("cls", [pytest.param(c, id=c.__name__) for c in exported_activations()])
def test_activation_monitor_watches_every_activation_and_not_softmax(cls):
    activation = cls(*ACTIVATION_ARGUMENTS.get(cls.__name__, ()))
    model = nn.Sequential(nn.Linear(4, 4), activation, nn.Linear(4, 3), nn.Softmax(dim=1), nn.LogSoftmax(dim=1))
    monitor = ActivationMonitor(model)
    assert monitor.layer_names == ["1"] and monitor.modules["1"] is activation
    x = xgrad.tensor(np.random.default_rng(0).standard_normal((5, 4)).astype(np.float32))
    model(x)
    stats = monitor.stats()["1"]
    assert len(stats["mean"]) == 1  # the hook ran once
    np.testing.assert_array_equal(stats["values"].ravel(), activation(model[0](x)).numpy().ravel())
    monitor.remove()
