"""The Optimizer base: parameter groups (hyper-parameters per group) and per-parameter state; and
``RuleOptimizer``, the base of every optimizer whose update rule is registered in the C++ core."""
from __future__ import annotations

import copy
from typing import Any, Callable, Dict, Iterable, List, Optional

import numpy as np

from .. import _checks as check
from .. import _core
from .._signature import declared_init, keyword
from .._tensor import Tensor
from ..autograd import enable_grad


def _check(ok: bool, optimizer: str, message: str) -> None:
    """Raise ``ValueError("<optimizer>: <message>")`` unless ``ok``."""
    if not ok:
        raise ValueError(f"{optimizer}: {message}")


class Optimizer:
    """Holds ``param_groups`` (each a dict with 'params' and its hyper-parameters) and ``state``
    (per parameter, keyed by the parameter). Subclasses implement ``step()``."""

    def __init__(self, params: Iterable[Any], defaults: Dict[str, Any]):
        self.defaults = dict(defaults)
        self.state: Dict[Tensor, Dict[str, Any]] = {}
        self.param_groups: List[Dict[str, Any]] = []
        name = type(self).__name__
        groups = _param_list(params, name, "params")
        if not groups:
            raise ValueError(f"{name}: got an empty parameter list")
        dicts = [isinstance(g, dict) for g in groups]
        if any(dicts) and not all(dicts):
            raise TypeError(f"{name}: params must be all tensors or all parameter-group dicts, got a mix "
                            f"(element {dicts.index(not dicts[0])} is a {type(groups[dicts.index(not dicts[0])]).__name__})")
        if not dicts[0]:
            groups = [{"params": groups}]
        for g in groups:
            self.add_param_group(g)

    def add_param_group(self, group: Dict[str, Any]) -> None:
        """Add parameters with their own hyper-parameters (missing ones take the defaults)."""
        name = type(self).__name__
        if not isinstance(group, dict):
            raise check.type_error(name, "a parameter group", "a dict with 'params'", group)
        group = dict(group)
        if "params" not in group:
            raise ValueError(f"{name}: a parameter group must have a 'params' entry, got keys {sorted(map(str, group))}")
        # PyTorch keeps unknown keys silently; a misspelt hyper-parameter ({"params": ..,
        # "learning_rate": 0.1}) would then be ignored, so only the known ones are taken.
        unknown = sorted(str(k) for k in group if k != "params" and k not in self.defaults and k not in _GROUP_EXTRA_KEYS)
        if unknown:
            raise ValueError(f"{name}: unknown key(s) {', '.join(map(repr, unknown))} in a parameter group "
                             f"(known: params, {', '.join(self.defaults)})")
        params = group["params"]
        params = [params] if isinstance(params, Tensor) else _param_list(params, name, "a parameter group's params")
        if not params:
            raise ValueError(f"{name}: a parameter group has an empty 'params' list")
        for i, p in enumerate(params):
            if not isinstance(p, Tensor):
                raise TypeError(f"{name}: parameter {i} is a {type(p).__name__}, not a Tensor")
            if p.dtype not in (_core.dtype.float32, _core.dtype.float64):
                raise TypeError(f"{name}: parameter {i} is a {p.dtype} tensor; only floating-point tensors can be "
                                f"optimized")
            if not p.is_leaf:
                raise ValueError(f"{name}: parameter {i} is not a leaf tensor (optimize leaves)")
        existing = {id(p) for g in self.param_groups for p in g["params"]}
        if any(id(p) in existing for p in params):
            raise ValueError(f"{type(self).__name__}: some parameters appear in more than one parameter group")
        group["params"] = params
        for k, v in self.defaults.items():
            group.setdefault(k, v)
        self._check_group(group)
        self.param_groups.append(group)

    def _check_group(self, group: Dict[str, Any]) -> None:
        """Validate a group's hyper-parameters (see ``_validate``)."""
        self._validate(group)

    #: The rule's name in the 2-D playground (``optim.trace``); None for optimizers without one.
    _rule: Optional[str] = None

    @staticmethod
    def _validate(group: Dict[str, Any]) -> None:
        """Raise ValueError naming the optimizer and the bad value; subclasses override."""

    @staticmethod
    def _eval_closure(closure: Optional[Callable[[], Any]]) -> Any:
        if closure is None:
            return None
        with enable_grad():
            return closure()

    #: State entries that are NumPy arrays by design (not per-parameter tensors), e.g. L-BFGS's
    #: flat direction; ``load_state_dict`` keeps them as arrays.
    _array_state_keys: frozenset = frozenset()

    def zero_grad(self, set_to_none: bool = True) -> None:
        """Clear the gradients of every parameter (to None by default, as PyTorch does)."""
        set_to_none = check.flag(set_to_none, "set_to_none", f"{type(self).__name__}.zero_grad")
        for g in self.param_groups:
            for p in g["params"]:
                if set_to_none:
                    p.grad = None
                elif p.grad is not None:
                    p.grad.zero_()

    def step(self, closure: Any = None) -> Any:
        raise NotImplementedError

    def state_dict(self) -> Dict[str, Any]:
        """Hyper-parameters and per-parameter state, with parameters referred to by position so the
        dict can be loaded into an optimizer over another model of the same architecture. State
        tensors are NumPy copies."""
        index = {}
        groups = []
        for g in self.param_groups:
            packed = {k: v for k, v in g.items() if k != "params"}
            packed["params"] = []
            for p in g["params"]:
                index.setdefault(id(p), len(index))
                packed["params"].append(index[id(p)])
            groups.append(packed)
        state = {}
        for g in self.param_groups:
            for p in g["params"]:
                if p in self.state:
                    state[index[id(p)]] = {k: (np.array(v.numpy(), copy=True) if isinstance(v, Tensor) else copy.deepcopy(v))
                                           for k, v in self.state[p].items()}
        return {"state": state, "param_groups": groups}

    def load_state_dict(self, state_dict: Dict[str, Any]) -> None:
        """Restore what ``state_dict()`` saved; checks group sizes and state shapes first."""
        from .._tensor import tensor  # local: avoid an import cycle at package import

        owner = f"{type(self).__name__}.load_state_dict"
        if not isinstance(state_dict, dict):
            raise check.type_error(owner, "state_dict", "a dict with 'state' and 'param_groups' (from state_dict())",
                                   state_dict)
        if not {"state", "param_groups"} <= set(state_dict):
            raise ValueError(f"{owner}: the state dict lacks "
                             f"{' and '.join(repr(k) for k in ('state', 'param_groups') if k not in state_dict)} "
                             f"(keys: {sorted(map(str, state_dict))})")
        groups, saved_state = state_dict["param_groups"], state_dict["state"]
        if not isinstance(groups, (list, tuple)) or not all(isinstance(g, dict) and "params" in g for g in groups):
            raise check.type_error(owner, "param_groups", "a list of dicts with 'params'", groups)
        if not isinstance(saved_state, dict) or not all(isinstance(v, dict) for v in saved_state.values()):
            raise check.type_error(owner, "state", "a dict of per-parameter dicts", saved_state)
        if len(groups) != len(self.param_groups):
            raise ValueError(f"{type(self).__name__}.load_state_dict: the state has {len(groups)} parameter groups, "
                             f"the optimizer {len(self.param_groups)}")
        by_index = {}
        for i, (saved, own) in enumerate(zip(groups, self.param_groups)):
            if len(saved["params"]) != len(own["params"]):
                raise ValueError(f"{type(self).__name__}.load_state_dict: group {i} has {len(saved['params'])} "
                                 f"parameters in the state, {len(own['params'])} in the optimizer")
            for idx, p in zip(saved["params"], own["params"]):
                by_index[idx] = p
        # the hyper-parameters as they will be: checked now, so a failed load changes nothing
        loaded_groups = []
        for saved, own in zip(groups, self.param_groups):
            merged = dict(own)
            merged.update({k: copy.deepcopy(v) for k, v in saved.items() if k != "params"})
            merged["params"] = own["params"]
            unknown = sorted(str(k) for k in merged
                             if k != "params" and k not in self.defaults and k not in _GROUP_EXTRA_KEYS)
            if unknown:
                raise ValueError(f"{owner}: unknown key(s) {', '.join(map(repr, unknown))} in a saved parameter group "
                                 f"(known: params, {', '.join(self.defaults)})")
            self._check_group(merged)
            loaded_groups.append(merged)
        new_state: Dict[Tensor, Dict[str, Any]] = {}
        for idx, entries in saved_state.items():
            if not check.is_integer(idx) and not (isinstance(idx, str) and idx.isdigit()):
                raise check.type_error(owner, "a state key", "a parameter's position (an integer)", idx)
            if int(idx) not in by_index:
                raise ValueError(f"{owner}: the state has an entry for parameter {int(idx)}, but the optimizer has "
                                 f"{len(by_index)} parameters")
            p = by_index[int(idx)]
            restored = {}
            for k, v in entries.items():
                if k == "step" and not check.is_number(v) and not (isinstance(v, np.ndarray) and v.ndim == 0
                                                                   and v.dtype.kind in "iuf"):
                    raise check.type_error(owner, f"state 'step' of parameter {int(idx)}", "a step count", v)
                if isinstance(v, np.ndarray) and k not in self._array_state_keys:
                    if v.shape != tuple(p.shape):
                        raise ValueError(f"{type(self).__name__}.load_state_dict: state '{k}' of parameter {idx} "
                                         f"has shape {v.shape}, the parameter {tuple(p.shape)}")
                    restored[k] = tensor(np.array(v, copy=True), dtype=p.dtype)
                else:
                    restored[k] = copy.deepcopy(v)
            new_state[p] = restored
        self.state = new_state
        for merged, own in zip(loaded_groups, self.param_groups):
            own.update(merged)

    def __repr__(self) -> str:
        lines = [f"{type(self).__name__} ("]
        for i, g in enumerate(self.param_groups):
            lines.append(f"Parameter Group {i}")
            for k in sorted(k for k in g if k != "params"):
                lines.append(f"    {k}: {g[k]}")
        lines.append(")")
        return "\n".join(lines)


# ---------------------------------------------------------------- optimizers of a registered rule

class RuleOptimizer(Optimizer):
    """An optimizer whose update rule is registered in the C++ core (``cpp/src/optim/<rule>.cpp``
    declares its hyper-parameters with their defaults and accepted values, its state, and its step
    on one element). A subclass names the rule and documents it::

        class Adamax(RuleOptimizer, rule="adamax"):
            \"\"\"Adamax ... (the update formula)\"\"\"

    and gets from the rule its constructor signature (``Adamax(params, lr=0.002, betas=...)``), the
    checks of every parameter group, ``step()`` (one C++ call per group, threaded over elements),
    its ``state`` entries and its place in the 2-D playground (``xgrad.optim.trace``)."""

    _spec: Dict[str, Any]      # the rule as registered: _core.optimizer_rules()[_rule]
    _hyper_cache: Dict[int, Any]  # id(group) -> (group, its values, their _core.OptimizerHyper)
    _state_keys: frozenset     # the state entries the rule reads and writes

    def __init_subclass__(cls, rule: Optional[str] = None, **kwargs: Any) -> None:
        super().__init_subclass__(**kwargs)
        if rule is None:
            return
        rules = _core.optimizer_rules()
        if rule not in rules:
            raise ValueError(f"{cls.__name__}: no update rule named {rule!r} in the core (known: {', '.join(rules)})")
        cls._rule, cls._spec = rule, rules[rule]
        cls._state_keys = frozenset(["step", *cls._spec["scalars"], *cls._spec["states"]])
        if "__init__" not in cls.__dict__:
            cls.__init__ = _constructor(cls)

    @classmethod
    def _defaults(cls) -> Dict[str, Any]:
        """The rule's hyper-parameters with their defaults, in declared order."""
        return {h["name"]: tuple(h["default"]) if h["kind"] == "pair" else h["default"] for h in cls._spec["hyper"]}

    @classmethod
    def _core_hyper(cls, group: Dict[str, Any]) -> Dict[str, Any]:
        """The group's hyper-parameters as the C++ rule takes them (float, bool, str, pair of
        floats); a value of the wrong type raises TypeError naming the optimizer and the argument."""
        name = cls.__name__
        out = {}
        for h in cls._spec["hyper"]:
            key, kind, value = h["name"], h["kind"], group[h["name"]]
            if kind == "number":
                out[key] = _number(value, name, key)
            elif kind == "flag":
                out[key] = check.flag(value, key, name)
            elif kind == "choice":
                out[key] = check.choice(value, key, name, h["choices"]) if h["choices"] else value
            else:
                out[key] = check.pair_of_numbers(value, key, name)
        return out

    def _group_hyper(self, group: Dict[str, Any]) -> Any:
        """The group's hyper-parameters as the core keeps them (converted and checked), made again
        only when one of the group's values changed (a scheduler sets lr once per epoch; step()
        runs every batch)."""
        values = tuple(group[h["name"]] for h in self._spec["hyper"])
        cache = self.__dict__.setdefault("_hyper_cache", {})
        cached = cache.get(id(group))
        if cached is None or cached[0] is not group or cached[1] != values:
            cached = cache[id(group)] = (group, values, _core.OptimizerHyper(self._rule, self._core_hyper(group)))
        return cached[2]

    @classmethod
    def _validate(cls, group: Dict[str, Any]) -> None:
        _core.OptimizerHyper(cls._rule, cls._core_hyper(group))

    @classmethod
    def _trace_hyper(cls, hyper: Dict[str, Any]) -> Dict[str, Any]:
        """Hyper-parameters for the playground: the rule's defaults updated by ``hyper``, checked
        as a parameter group is."""
        defaults = cls._defaults()
        unknown = sorted(set(hyper) - set(defaults))
        if unknown:
            raise ValueError(f"{cls.__name__}: unknown hyper-parameter(s) {', '.join(unknown)} "
                             f"(known: {', '.join(defaults)})")
        group = cls._core_hyper({**defaults, **hyper})
        _core.OptimizerHyper(cls._rule, group)  # checks
        return group

    def step(self, closure: Optional[Callable[[], Any]] = None) -> Any:
        """One update of every parameter that has a gradient; ``closure`` (optional) recomputes
        and returns the loss first."""
        loss = self._eval_closure(closure)
        for group in self.param_groups:
            params = [p for p in group["params"] if p.grad is not None]
            if not params:
                continue
            _scale_gradients(group, params, type(self).__name__)
            states = [self.state.setdefault(p, {}) for p in params]
            keys = self._state_keys
            changed = _core.optimizer_step(self._rule, params, [{k: v for k, v in st.items() if k in keys}
                                                                for st in states], self._group_hyper(group))
            for st, entries in zip(states, changed):  # the step count, scalars, buffers just created
                st.update(entries)
        return loss


def _scale_gradients(group: Dict[str, Any], params: List[Tensor], optimizer: str) -> None:
    """A group's ``grad_scale`` (a number, or a function of no argument called at every step):
    ``grad <- grad_scale * grad`` in place before the update. ``grad_scale=lambda: batch_size``
    turns the gradient of a mean loss into the gradient of the batch *sum*, as ai-edu's code gives
    its BatchNorm's gamma and beta (``d_gamma = sum_i dz_i * x_hat_i``, no ``1/m``)."""
    scale = group.get("grad_scale")
    if scale is None:
        return
    value = scale() if callable(scale) else scale
    value = _number(value, optimizer, "grad_scale")
    if value == 1.0:
        return
    for p in params:
        grad = p.grad.numpy()
        grad *= value   # the gradient's own memory: the update below reads p.grad


#: Keys a parameter group may hold besides ``params`` and the hyper-parameters: what schedulers
#: write (``initial_lr``), a label users give a group (PyTorch's ``name``) and ``grad_scale``
#: (see _scale_gradients).
_GROUP_EXTRA_KEYS = frozenset({"initial_lr", "name", "grad_scale",
                               # OneCycleLR keeps its cycle in the groups, as PyTorch's
                               "max_lr", "min_lr", "base_momentum", "max_momentum"})


def _param_list(params: Any, optimizer: str, what: str) -> List[Any]:
    """``params`` as a list: an iterable of tensors or of group dicts (not one tensor, a dict, a
    string or a number). A lone tensor given as ``params`` would iterate over its rows."""
    expected = "an iterable of Tensors or of parameter-group dicts"
    if isinstance(params, (Tensor, dict, str, bytes)) or not hasattr(params, "__iter__"):
        raise check.type_error(optimizer, what, expected, params)
    return list(params)


def _number(value: Any, optimizer: str, name: str) -> float:
    """A finite number (an infinite or NaN rate, decay or beta only ever yields NaN parameters)."""
    return check.number(value, name, optimizer)


def _constructor(cls: type) -> Callable[..., None]:
    """``__init__(self, params, <the rule's hyper-parameters with their defaults>)`` for ``cls``."""
    def build(self: Optimizer, arguments: Dict[str, Any]) -> None:
        params = arguments.pop("params")
        Optimizer.__init__(self, params, arguments)

    parameters = [keyword("params")] + [keyword(name, value) for name, value in cls._defaults().items()]
    return declared_init(cls, parameters, build)
