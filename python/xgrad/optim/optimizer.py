"""The Optimizer base: parameter groups (hyper-parameters per group) and per-parameter state."""
from __future__ import annotations

import copy
import inspect
from typing import Any, Callable, Dict, Iterable, List, Optional

import numpy as np

from .. import _core
from .._tensor import Tensor
from ..autograd import enable_grad


def _check(ok: bool, optimizer: str, message: str) -> None:
    """Raise ``ValueError("<optimizer>: <message>")`` unless ``ok``."""
    if not ok:
        raise ValueError(f"{optimizer}: {message}")


def _check_lr_eps_wd(name: str, group: Dict[str, Any]) -> None:
    """The checks every optimizer shares: lr, eps and weight_decay non-negative."""
    _check(group["lr"] >= 0, name, f"invalid learning rate lr={group['lr']} (must be >= 0)")
    if "eps" in group:
        _check(group["eps"] >= 0, name, f"invalid epsilon eps={group['eps']} (must be >= 0)")
    if "weight_decay" in group:
        _check(group["weight_decay"] >= 0, name,
               f"invalid weight_decay={group['weight_decay']} (must be >= 0)")


def _check_betas(name: str, betas: Any) -> None:
    _check(isinstance(betas, (tuple, list)) and len(betas) == 2, name, f"betas must be a pair, got {betas!r}")
    for i, b in enumerate(betas):
        _check(0.0 <= b < 1.0, name, f"invalid beta parameter at index {i}: betas[{i}]={b} (must be in [0, 1))")


class Optimizer:
    """Holds ``param_groups`` (each a dict with 'params' and its hyper-parameters) and ``state``
    (per parameter, keyed by the parameter). Subclasses implement ``step()``."""

    def __init__(self, params: Iterable[Any], defaults: Dict[str, Any]):
        self.defaults = dict(defaults)
        self.state: Dict[Tensor, Dict[str, Any]] = {}
        self.param_groups: List[Dict[str, Any]] = []
        groups = list(params)
        if not groups:
            raise ValueError(f"{type(self).__name__}: got an empty parameter list")
        if not isinstance(groups[0], dict):
            groups = [{"params": groups}]
        for g in groups:
            self.add_param_group(g)

    def add_param_group(self, group: Dict[str, Any]) -> None:
        """Add parameters with their own hyper-parameters (missing ones take the defaults)."""
        group = dict(group)
        params = group["params"]
        params = [params] if isinstance(params, Tensor) else list(params)
        for i, p in enumerate(params):
            if not isinstance(p, Tensor):
                raise TypeError(f"{type(self).__name__}: parameter {i} is a {type(p).__name__}, not a Tensor")
            if not p.is_leaf:
                raise ValueError(f"{type(self).__name__}: parameter {i} is not a leaf tensor (optimize leaves)")
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

    @staticmethod
    def _validate(group: Dict[str, Any]) -> None:
        """Raise ValueError naming the optimizer and the bad value; subclasses override."""

    # ------------------------------------------------------------ helpers for the C++ update rules

    #: The optimizer's name in ``_core.trace`` (None: not available in the 2-D playground).
    _trace_name: Optional[str] = None

    @staticmethod
    def _core_hyper(group: Dict[str, Any]) -> Dict[str, Any]:
        """The group's hyper-parameters as the C++ step (and the 2-D tracer) take them."""
        raise NotImplementedError

    @classmethod
    def _defaults(cls) -> Dict[str, Any]:
        """The keyword defaults of ``__init__`` (the one place defaults are written)."""
        sig = inspect.signature(cls.__init__)
        return {k: p.default for k, p in sig.parameters.items()
                if k not in ("self", "params") and p.default is not inspect.Parameter.empty}

    @classmethod
    def _trace_hyper(cls, hyper: Dict[str, Any]) -> Dict[str, Any]:
        """Hyper-parameters for ``_core.trace``: the class defaults updated by ``hyper``, validated
        exactly as the optimizer validates a parameter group."""
        defaults = cls._defaults()
        unknown = sorted(set(hyper) - set(defaults))
        if unknown:
            raise ValueError(f"{cls.__name__}: unknown hyper-parameter(s) {', '.join(unknown)} "
                             f"(known: {', '.join(sorted(defaults))})")
        group = {**defaults, **hyper}
        cls._validate(group)
        return cls._core_hyper(group)

    def _state_for(self, p: Tensor, **initial: Callable[[], Any]) -> Dict[str, Any]:
        """The state of parameter ``p``, creating missing entries from the given factories."""
        st = self.state.setdefault(p, {})
        for k, make in initial.items():
            if k not in st:
                st[k] = make()
        return st

    @staticmethod
    def _zeros_like(p: Tensor) -> Tensor:
        return _core.zeros(list(p.shape), p.dtype)

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

        groups = state_dict["param_groups"]
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
        new_state: Dict[Tensor, Dict[str, Any]] = {}
        for idx, entries in state_dict["state"].items():
            p = by_index[int(idx)]
            restored = {}
            for k, v in entries.items():
                if isinstance(v, np.ndarray) and k not in self._array_state_keys:
                    if v.shape != tuple(p.shape):
                        raise ValueError(f"{type(self).__name__}.load_state_dict: state '{k}' of parameter {idx} "
                                         f"has shape {v.shape}, the parameter {tuple(p.shape)}")
                    restored[k] = tensor(np.array(v, copy=True), dtype=p.dtype)
                else:
                    restored[k] = copy.deepcopy(v)
            new_state[p] = restored
        self.state = new_state
        for saved, own in zip(groups, self.param_groups):
            for k, v in saved.items():
                if k != "params":
                    own[k] = copy.deepcopy(v)

    def __repr__(self) -> str:
        lines = [f"{type(self).__name__} ("]
        for i, g in enumerate(self.param_groups):
            lines.append(f"Parameter Group {i}")
            for k in sorted(k for k in g if k != "params"):
                lines.append(f"    {k}: {g[k]}")
        lines.append(")")
        return "\n".join(lines)
