"""Learning-rate schedules (PyTorch's classes and semantics, plus the lectures' 1/t decay and
cosine with linear warm-up). A scheduler only changes ``group["lr"]`` of its optimizer's groups.

Usage, as in PyTorch: call ``optimizer.step()`` then ``scheduler.step()`` once per epoch (or per
iteration); ``get_last_lr()`` gives the rates just set. The chainable schedules (StepLR,
ExponentialLR, CosineAnnealingLR, ...) multiply the current rate, so they compose with other
schedulers on the same optimizer exactly as PyTorch's do.

Without an optimizer, ``simulate`` gives a schedule's rate at every step (for plots and checks)::

    simulate(StepLR, 0.1, 100, step_size=30)                       # (100,) rates, 0.1 then 0.01 ...
    simulate(lambda r: SequentialLR(r, [LinearLR(r, 0.1, total_iters=5), CosineAnnealingLR(r, 95)],
                                    milestones=[5]), 0.1, 100)

It runs the very ``step()`` an optimizer's scheduler runs, on a ``LearningRates`` (the groups'
rates and nothing else), so each schedule's formula is written once and both give the same
numbers bit for bit."""
from __future__ import annotations

import math
import types
from bisect import bisect_right
from collections import Counter
from typing import Any, Callable, Dict, Iterable, List, Optional, Sequence, Union

import numpy as np

from .. import _checks as check
from .optimizer import Optimizer

__all__ = [
    "LRScheduler", "LambdaLR", "MultiplicativeLR", "StepLR", "MultiStepLR", "ConstantLR", "LinearLR",
    "ExponentialLR", "SequentialLR", "PolynomialLR", "CosineAnnealingLR", "ReduceLROnPlateau", "InverseTimeLR",
    "OneCycleLR", "LearningRates", "simulate",
]


class LearningRates:
    """What a scheduler acts on, without an optimizer or parameters: ``param_groups`` is one
    ``{"lr": rate}`` dict per group, read and written by schedulers exactly as an optimizer's
    groups are. Every scheduler accepts one in place of an optimizer; ``simulate`` builds one::

        rates = LearningRates(0.1)
        sched = StepLR(rates, step_size=2)
        sched.step(); sched.step()
        rates.lr                     # [0.1 * 0.1]: StepLR multiplied the current rate by gamma

    Args:
        lr: the base learning rate, or one per group (a sequence of numbers >= 0)."""

    def __init__(self, lr: Union[float, Sequence[float]]):
        values = list(lr) if _per_group(lr) else [lr]
        if not values:
            raise ValueError("LearningRates: got no learning rate (an empty sequence)")
        for i, v in enumerate(values):
            if isinstance(v, bool) or not isinstance(v, (int, float, np.integer, np.floating)) or not v >= 0:
                raise ValueError(f"LearningRates: learning rate {i} is {v!r}, expected a number >= 0")
        self.param_groups: List[Dict[str, Any]] = [{"lr": v} for v in values]

    @property
    def lr(self) -> List[float]:
        """The current rate of each group."""
        return [g["lr"] for g in self.param_groups]

    def __repr__(self) -> str:
        return f"LearningRates({self.lr})"


#: What a scheduler's first argument may be.
Target = Union[Optimizer, LearningRates]


def _per_group(lr: Any) -> bool:
    """Whether ``lr`` gives one rate per group (a sequence) rather than one rate."""
    return isinstance(lr, (list, tuple)) or (isinstance(lr, np.ndarray) and lr.ndim > 0)


def _check_target(name: str, optimizer: Any) -> None:
    if not isinstance(optimizer, (Optimizer, LearningRates)):
        raise TypeError(f"{name}: {type(optimizer).__name__} is not an Optimizer (or an lr_scheduler.LearningRates)")


class LRScheduler:
    """Base class: ``base_lrs`` are the groups' ``initial_lr``; ``last_epoch`` counts ``step()``
    calls (0 after construction, which applies the schedule's value at epoch 0). ``optimizer`` is
    an ``xgrad.optim`` optimizer or a ``LearningRates`` (rates without parameters, see
    ``simulate``)."""

    def __init__(self, optimizer: Target, last_epoch: int = -1):
        _check_target(type(self).__name__, optimizer)
        last_epoch = check.integer(last_epoch, "last_epoch", type(self).__name__, low=-1)
        self.optimizer = optimizer
        if last_epoch == -1:
            for group in optimizer.param_groups:
                group.setdefault("initial_lr", group["lr"])
        else:
            for i, group in enumerate(optimizer.param_groups):
                if "initial_lr" not in group:
                    raise KeyError(f"{type(self).__name__}: param 'initial_lr' is not specified in param_groups[{i}] "
                                   f"when resuming a scheduler with last_epoch={last_epoch}")
        self.base_lrs: List[float] = [group["initial_lr"] for group in optimizer.param_groups]
        self.last_epoch = last_epoch
        self._initial_step()

    def _initial_step(self) -> None:
        self._step_count = 0
        self._is_initial = True
        try:
            self.step()
        finally:
            self._is_initial = False

    def _group_lrs(self) -> List[float]:
        return [group["lr"] for group in self.optimizer.param_groups]

    def get_lr(self) -> List[float]:
        """The rates for the current ``last_epoch`` (called by ``step``)."""
        raise NotImplementedError

    def get_last_lr(self) -> List[float]:
        """The learning rate of each group as last set by this scheduler."""
        return self._last_lr

    def step(self, epoch: Optional[int] = None) -> None:
        """Advance one epoch (or jump to ``epoch`` using the closed form where there is one)."""
        self._step_count += 1
        self._update_lr(epoch)

    def _update_lr(self, epoch: Optional[int] = None) -> None:
        if epoch is None:
            self.last_epoch += 1
            values = self.get_lr()
        else:
            self.last_epoch = epoch
            values = self._get_closed_form_lr() if hasattr(self, "_get_closed_form_lr") else self.get_lr()
        for group, lr in zip(self.optimizer.param_groups, values):
            group["lr"] = lr
        self._last_lr = self._group_lrs()

    def state_dict(self) -> Dict[str, Any]:
        """Everything but the optimizer (functions in LambdaLR are not saved)."""
        return {k: v for k, v in self.__dict__.items() if k != "optimizer"}

    def load_state_dict(self, state_dict: Dict[str, Any]) -> None:
        self.__dict__.update(state_dict)


def _lambdas(name: str, optimizer: Target, lr_lambda: Any) -> List[Callable[[int], float]]:
    _check_target(name, optimizer)
    if not isinstance(lr_lambda, (list, tuple)):
        fns = [lr_lambda] * len(optimizer.param_groups)
    else:
        if len(lr_lambda) != len(optimizer.param_groups):
            raise ValueError(f"{name}: expected {len(optimizer.param_groups)} lr_lambdas, got {len(lr_lambda)}")
        fns = list(lr_lambda)
    for fn in fns:
        if not callable(fn):
            raise TypeError(f"{name}: lr_lambda should be a function, got {type(fn).__name__}")
    return fns


class _LambdaState:
    def state_dict(self) -> Dict[str, Any]:
        sd = {k: v for k, v in self.__dict__.items() if k not in ("optimizer", "lr_lambdas")}
        sd["lr_lambdas"] = [None if isinstance(fn, types.FunctionType) else fn.__dict__.copy()
                            for fn in self.lr_lambdas]
        return sd

    def load_state_dict(self, state_dict: Dict[str, Any]) -> None:
        state_dict = dict(state_dict)
        lambdas = state_dict.pop("lr_lambdas")
        self.__dict__.update(state_dict)
        for fn, saved in zip(self.lr_lambdas, lambdas):
            if saved is not None:
                fn.__dict__.update(saved)


class LambdaLR(_LambdaState, LRScheduler):
    """``lr = base_lr * lr_lambda(epoch)``."""

    def __init__(self, optimizer: Target, lr_lambda: Any, last_epoch: int = -1):
        self.lr_lambdas = _lambdas("LambdaLR", optimizer, lr_lambda)
        super().__init__(optimizer, last_epoch)

    def get_lr(self) -> List[float]:
        return [base * fn(self.last_epoch) for fn, base in zip(self.lr_lambdas, self.base_lrs)]


class MultiplicativeLR(_LambdaState, LRScheduler):
    """``lr *= lr_lambda(epoch)`` at every step after the first."""

    def __init__(self, optimizer: Target, lr_lambda: Any, last_epoch: int = -1):
        self.lr_lambdas = _lambdas("MultiplicativeLR", optimizer, lr_lambda)
        super().__init__(optimizer, last_epoch)

    def get_lr(self) -> List[float]:
        if self._is_initial:
            return self._group_lrs()
        return [g["lr"] * fn(self.last_epoch) for fn, g in zip(self.lr_lambdas, self.optimizer.param_groups)]


class StepLR(LRScheduler):
    """Step decay: ``lr = base_lr * gamma ** (epoch // step_size)`` (CS231n: "reduce the learning
    rate by some factor every few epochs")."""

    def __init__(self, optimizer: Target, step_size: int, gamma: float = 0.1, last_epoch: int = -1):
        self.step_size = check.positive_int(step_size, "step_size", "StepLR")
        self.gamma = check.number(gamma, "gamma", "StepLR", low=0.0)
        super().__init__(optimizer, last_epoch)

    def get_lr(self) -> List[float]:
        if self.last_epoch == 0 or self.last_epoch % self.step_size != 0:
            return self._group_lrs()
        return [g["lr"] * self.gamma for g in self.optimizer.param_groups]

    def _get_closed_form_lr(self) -> List[float]:
        return [base * self.gamma ** (self.last_epoch // self.step_size) for base in self.base_lrs]


class MultiStepLR(LRScheduler):
    """``lr = base_lr * gamma ** (number of milestones <= epoch)``."""

    def __init__(self, optimizer: Target, milestones: Iterable[int], gamma: float = 0.1, last_epoch: int = -1):
        if isinstance(milestones, (str, bytes)) or not hasattr(milestones, "__iter__"):
            raise check.type_error("MultiStepLR", "milestones", "an iterable of integers >= 0", milestones)
        self.milestones = Counter(check.nonnegative_int(m, f"milestones[{i}]", "MultiStepLR")
                                  for i, m in enumerate(milestones))
        self.gamma = check.number(gamma, "gamma", "MultiStepLR", low=0.0)
        super().__init__(optimizer, last_epoch)

    def get_lr(self) -> List[float]:
        if self.last_epoch not in self.milestones:
            return self._group_lrs()
        return [g["lr"] * self.gamma ** self.milestones[self.last_epoch] for g in self.optimizer.param_groups]

    def _get_closed_form_lr(self) -> List[float]:
        milestones = sorted(self.milestones.elements())
        return [base * self.gamma ** bisect_right(milestones, self.last_epoch) for base in self.base_lrs]


class ConstantLR(LRScheduler):
    """``lr = base_lr * factor`` until ``total_iters``, then ``base_lr``."""

    def __init__(self, optimizer: Target, factor: float = 1.0 / 3, total_iters: int = 5, last_epoch: int = -1):
        # factor 0 would divide by zero at total_iters (the chainable step restores base_lr by
        # multiplying with 1 / factor), so unlike PyTorch's [0, 1] the range is (0, 1]
        self.factor = check.number(factor, "factor", "ConstantLR", low=0.0, high=1.0, low_open=True)
        self.total_iters = check.nonnegative_int(total_iters, "total_iters", "ConstantLR")
        super().__init__(optimizer, last_epoch)

    def get_lr(self) -> List[float]:
        if self.last_epoch == 0:
            return [g["lr"] * self.factor for g in self.optimizer.param_groups]
        if self.last_epoch != self.total_iters:
            return self._group_lrs()
        return [g["lr"] * (1.0 / self.factor) for g in self.optimizer.param_groups]

    def _get_closed_form_lr(self) -> List[float]:
        return [base * (self.factor + (self.last_epoch >= self.total_iters) * (1 - self.factor))
                for base in self.base_lrs]


class LinearLR(LRScheduler):
    """The factor on ``base_lr`` goes linearly from ``start_factor`` to ``end_factor`` over
    ``total_iters`` steps (a linear warm-up when start_factor < end_factor)."""

    def __init__(self, optimizer: Target, start_factor: float = 1.0 / 3, end_factor: float = 1.0,
                 total_iters: int = 5, last_epoch: int = -1):
        self.start_factor = check.number(start_factor, "start_factor", "LinearLR", low=0.0, high=1.0, low_open=True)
        self.end_factor = check.number(end_factor, "end_factor", "LinearLR", low=0.0, high=1.0)
        self.total_iters = check.positive_int(total_iters, "total_iters", "LinearLR")
        super().__init__(optimizer, last_epoch)

    def get_lr(self) -> List[float]:
        if self.last_epoch == 0:
            return [g["lr"] * self.start_factor for g in self.optimizer.param_groups]
        if self._is_initial or self.last_epoch > self.total_iters:
            return self._group_lrs()
        return [g["lr"] * (1.0 + (self.end_factor - self.start_factor)
                           / (self.total_iters * self.start_factor
                              + (self.last_epoch - 1) * (self.end_factor - self.start_factor)))
                for g in self.optimizer.param_groups]

    def _get_closed_form_lr(self) -> List[float]:
        return [base * (self.start_factor + (self.end_factor - self.start_factor)
                        * min(self.total_iters, self.last_epoch) / self.total_iters) for base in self.base_lrs]


class ExponentialLR(LRScheduler):
    """Exponential decay ``lr = base_lr * gamma ** epoch`` (CS231n's ``a0 * exp(-k t)`` with
    ``gamma = exp(-k)``)."""

    def __init__(self, optimizer: Target, gamma: float, last_epoch: int = -1):
        self.gamma = check.number(gamma, "gamma", "ExponentialLR", low=0.0)
        super().__init__(optimizer, last_epoch)

    def get_lr(self) -> List[float]:
        if self._is_initial:
            return self._group_lrs()
        return [g["lr"] * self.gamma for g in self.optimizer.param_groups]

    def _get_closed_form_lr(self) -> List[float]:
        return [base * self.gamma ** self.last_epoch for base in self.base_lrs]


class InverseTimeLR(LRScheduler):
    """The lectures' 1/t decay: ``lr = base_lr / (1 + decay * epoch)`` (CS231n's ``a0 / (1 + k t)``).
    Not in PyTorch (``LambdaLR(opt, lambda t: 1 / (1 + k * t))`` is the same schedule)."""

    def __init__(self, optimizer: Target, decay: float, last_epoch: int = -1):
        self.decay = check.number(decay, "decay", "InverseTimeLR", low=0.0)
        super().__init__(optimizer, last_epoch)

    def get_lr(self) -> List[float]:
        return [base / (1.0 + self.decay * self.last_epoch) for base in self.base_lrs]


class PolynomialLR(LRScheduler):
    """``lr = base_lr * (1 - min(epoch, total_iters) / total_iters) ** power``."""

    def __init__(self, optimizer: Target, total_iters: int = 5, power: float = 1.0, last_epoch: int = -1):
        self.total_iters = check.positive_int(total_iters, "total_iters", "PolynomialLR")
        self.power = check.number(power, "power", "PolynomialLR", low=0.0)
        super().__init__(optimizer, last_epoch)

    def get_lr(self) -> List[float]:
        if self._is_initial or self.last_epoch > self.total_iters:
            return self._group_lrs()
        factor = ((1.0 - self.last_epoch / self.total_iters)
                  / (1.0 - (self.last_epoch - 1) / self.total_iters)) ** self.power
        return [g["lr"] * factor for g in self.optimizer.param_groups]

    def _get_closed_form_lr(self) -> List[float]:
        return [base * (1.0 - min(self.total_iters, self.last_epoch) / self.total_iters) ** self.power
                for base in self.base_lrs]


class CosineAnnealingLR(LRScheduler):
    r"""Cosine annealing (SGDR without restarts), optionally after a linear warm-up.

    Without warm-up (PyTorch's class, same recursive update)::

        lr_t = eta_min + (base_lr - eta_min) * (1 + cos(pi * t / T_max)) / 2

    With ``warmup_iters = W > 0`` (the lectures' "cosine with linear warm-up", closed form)::

        t <  W:  lr_t = base_lr * (f0 + (1 - f0) * t / W)          f0 = warmup_start_factor
        t >= W:  lr_t = eta_min + (base_lr - eta_min) * (1 + cos(pi * (t - W) / T_max)) / 2

    so ``T_max`` counts the cosine phase after the warm-up."""

    def __init__(self, optimizer: Target, T_max: int, eta_min: float = 0.0, last_epoch: int = -1,
                 warmup_iters: int = 0, warmup_start_factor: float = 0.0):
        self.T_max = check.positive_int(T_max, "T_max", "CosineAnnealingLR")
        self.eta_min = check.number(eta_min, "eta_min", "CosineAnnealingLR", low=0.0)
        self.warmup_iters = check.nonnegative_int(warmup_iters, "warmup_iters", "CosineAnnealingLR")
        self.warmup_start_factor = check.probability(warmup_start_factor, "warmup_start_factor", "CosineAnnealingLR")
        super().__init__(optimizer, last_epoch)

    def get_lr(self) -> List[float]:
        if self.warmup_iters > 0:
            return self._get_closed_form_lr()
        if self._is_initial:
            return self._group_lrs()
        if self._step_count == 1 and self.last_epoch > 0:
            return [self.eta_min + (base - self.eta_min) * (1 + math.cos(self.last_epoch * math.pi / self.T_max)) / 2
                    for base in self.base_lrs]
        if (self.last_epoch - 1 - self.T_max) % (2 * self.T_max) == 0:
            return [g["lr"] + (base - self.eta_min) * (1 - math.cos(math.pi / self.T_max)) / 2
                    for base, g in zip(self.base_lrs, self.optimizer.param_groups)]
        return [(1 + math.cos(math.pi * self.last_epoch / self.T_max))
                / (1 + math.cos(math.pi * (self.last_epoch - 1) / self.T_max)) * (g["lr"] - self.eta_min) + self.eta_min
                for g in self.optimizer.param_groups]

    def _get_closed_form_lr(self) -> List[float]:
        t, w = self.last_epoch, self.warmup_iters
        if t < w:
            f0 = self.warmup_start_factor
            return [base * (f0 + (1 - f0) * t / w) for base in self.base_lrs]
        return [self.eta_min + (base - self.eta_min) * (1 + math.cos(math.pi * (t - w) / self.T_max)) / 2
                for base in self.base_lrs]


class SequentialLR(LRScheduler):
    """Runs ``schedulers[i]`` between ``milestones[i-1]`` and ``milestones[i]`` (PyTorch's class)."""

    def __init__(self, optimizer: Target, schedulers: Sequence[LRScheduler], milestones: Sequence[int],
                 last_epoch: int = -1):
        _check_target("SequentialLR", optimizer)
        last_epoch = check.integer(last_epoch, "last_epoch", "SequentialLR", low=-1)
        if not isinstance(schedulers, (list, tuple)):
            raise check.type_error("SequentialLR", "schedulers", "a list of schedulers", schedulers)
        if not isinstance(milestones, (list, tuple)):
            raise check.type_error("SequentialLR", "milestones", "a list of integers", milestones)
        if len(schedulers) < 1:
            raise ValueError("SequentialLR: expects at least one scheduler")
        for i, s in enumerate(schedulers):
            if not isinstance(s, LRScheduler):
                raise check.type_error("SequentialLR", f"schedulers[{i}]", "a scheduler", s)
            if isinstance(s, ReduceLROnPlateau):
                raise ValueError(f"SequentialLR: scheduler {i} is a ReduceLROnPlateau, which is not supported")
            if s.optimizer is not optimizer:
                raise ValueError(f"SequentialLR: scheduler {i} belongs to another optimizer")
        if len(milestones) != len(schedulers) - 1:
            raise ValueError(f"SequentialLR: expects {len(schedulers) - 1} milestones for {len(schedulers)} "
                             f"schedulers, got {len(milestones)}")
        self._schedulers = list(schedulers)
        self._milestones = [check.positive_int(m, f"milestones[{i}]", "SequentialLR") for i, m in enumerate(milestones)]
        if self._milestones != sorted(self._milestones):
            raise ValueError(f"SequentialLR: milestones must be increasing, got {list(milestones)}")
        self.last_epoch = last_epoch + 1
        self.optimizer = optimizer
        for group in optimizer.param_groups:
            group["lr"] = group["initial_lr"]
        for s in self._schedulers:  # undo the initial step each scheduler took
            s.last_epoch -= 1
        idx = bisect_right(self._milestones, 0)
        self._schedulers[idx]._initial_step()
        self._last_lr = self._schedulers[idx].get_last_lr()

    def step(self) -> None:  # type: ignore[override]
        self.last_epoch += 1
        idx = bisect_right(self._milestones, self.last_epoch)
        scheduler = self._schedulers[idx]
        if idx > 0 and self._milestones[idx - 1] == self.last_epoch:
            scheduler._update_lr(0)
        else:
            scheduler.step()
        self._last_lr = scheduler.get_last_lr()

    def state_dict(self) -> Dict[str, Any]:
        sd = {k: v for k, v in self.__dict__.items() if k not in ("optimizer", "_schedulers")}
        sd["_schedulers"] = [s.state_dict() for s in self._schedulers]
        return sd

    def load_state_dict(self, state_dict: Dict[str, Any]) -> None:
        state_dict = dict(state_dict)
        saved = state_dict.pop("_schedulers")
        self.__dict__.update(state_dict)
        for s, sd in zip(self._schedulers, saved):
            s.load_state_dict(sd)


def _metric(value: Any) -> float:
    """The metric given to ``ReduceLROnPlateau.step``: a number, or a one-element Tensor/array."""
    from .._tensor import Tensor  # local: avoid an import cycle at package import

    if isinstance(value, (Tensor, np.ndarray)) and int(np.prod(value.shape)) == 1:
        value = (value.detach().numpy() if isinstance(value, Tensor) else value).reshape(()).item()
    if not check.is_number(value):
        raise check.type_error("ReduceLROnPlateau.step", "metrics", "a number", value)
    return float(value)  # NaN and Inf too: as in PyTorch, they are never an improvement


class ReduceLROnPlateau(LRScheduler):
    """Multiply the rate by ``factor`` when the metric passed to ``step(metric)`` has not improved
    (by ``threshold``, relative or absolute) for more than ``patience`` steps. ``simulate`` feeds
    it the ``metrics`` it is given, or a constant (a plateau) without them."""

    def __init__(self, optimizer: Target, mode: str = "min", factor: float = 0.1, patience: int = 10,
                 threshold: float = 1e-4, threshold_mode: str = "rel", cooldown: int = 0,
                 min_lr: Union[float, List[float]] = 0, eps: float = 1e-8):
        name = "ReduceLROnPlateau"
        factor = check.number(factor, "factor", name, low=0.0, high=1.0, high_open=True)
        _check_target(name, optimizer)
        check.choice(mode, "mode", name, ("min", "max"))
        check.choice(threshold_mode, "threshold_mode", name, ("rel", "abs"))
        patience = check.nonnegative_int(patience, "patience", name)
        cooldown = check.nonnegative_int(cooldown, "cooldown", name)
        threshold = check.number(threshold, "threshold", name, low=0.0)
        eps = check.number(eps, "eps", name, low=0.0)
        self.factor = factor
        self.optimizer = optimizer
        if isinstance(min_lr, (list, tuple)):
            if len(min_lr) != len(optimizer.param_groups):
                raise ValueError(f"ReduceLROnPlateau: expected {len(optimizer.param_groups)} min_lrs, got "
                                 f"{len(min_lr)}")
            self.min_lrs = [check.number(v, f"min_lr[{i}]", name, low=0.0) for i, v in enumerate(min_lr)]
        else:
            self.min_lrs = [check.number(min_lr, "min_lr", name, low=0.0)] * len(optimizer.param_groups)
        self.patience = patience
        self.cooldown = cooldown
        self.eps = eps
        self.last_epoch = 0
        self.mode = mode
        self.threshold = threshold
        self.threshold_mode = threshold_mode
        self.mode_worse = math.inf if mode == "min" else -math.inf
        self._last_lr = self._group_lrs()
        self.best = self.mode_worse
        self.cooldown_counter = 0
        self.num_bad_epochs = 0

    def step(self, metrics: float, epoch: Optional[int] = None) -> None:  # type: ignore[override]
        current = _metric(metrics)
        self.last_epoch = self.last_epoch + 1 if epoch is None else epoch
        if self._is_better(current, self.best):
            self.best = current
            self.num_bad_epochs = 0
        else:
            self.num_bad_epochs += 1
        if self.cooldown_counter > 0:
            self.cooldown_counter -= 1
            self.num_bad_epochs = 0
        if self.num_bad_epochs > self.patience:
            for i, group in enumerate(self.optimizer.param_groups):
                old = float(group["lr"])
                new = max(old * self.factor, self.min_lrs[i])
                if old - new > self.eps:
                    group["lr"] = new
            self.cooldown_counter = self.cooldown
            self.num_bad_epochs = 0
        self._last_lr = self._group_lrs()

    def _is_better(self, a: float, best: float) -> bool:
        if self.mode == "min" and self.threshold_mode == "rel":
            return a < best * (1.0 - self.threshold)
        if self.mode == "min":
            return a < best - self.threshold
        if self.threshold_mode == "rel":
            return a > best * (self.threshold + 1.0)
        return a > best + self.threshold


#: The metric ``simulate`` feeds ``ReduceLROnPlateau`` when given none: a constant, i.e. a plateau.
_PLATEAU_METRIC = 1.0


class OneCycleLR(LRScheduler):
    r"""The 1cycle policy (Smith & Topin 2018; PyTorch's class and semantics), stepped once per
    *batch*: the rate rises from ``max_lr / div_factor`` to ``max_lr`` over the first
    ``pct_start`` of ``total_steps``, then anneals to ``max_lr / (div_factor * final_div_factor)``;
    the momentum (SGD's ``momentum``, Adam's ``beta1``) moves the opposite way, from
    ``max_momentum`` down to ``base_momentum`` and back. With ``pct = (t - t0) / (t1 - t0)`` the
    fraction of the current phase::

        cos:     x(t) = x_end + (x_start - x_end) * (1 + cos(pi * pct)) / 2
        linear:  x(t) = x_start + (x_end - x_start) * pct

    Phases (t counts ``step()`` calls from 0): two, ``[0, pct_start*T - 1]`` and ``[.., T - 1]``;
    with ``three_phase=True`` the rate first comes back down to its start symmetrically, then
    anneals to the minimum. ``max_lr`` (and the momenta) may be one value per group.
    ``total_steps`` or ``epochs`` and ``steps_per_epoch``. On a ``LearningRates`` (``simulate``),
    which has no momentum, only the rate is scheduled."""

    def __init__(self, optimizer: Target, max_lr: Union[float, Sequence[float]], total_steps: Optional[int] = None,
                 epochs: Optional[int] = None, steps_per_epoch: Optional[int] = None, pct_start: float = 0.3,
                 anneal_strategy: str = "cos", cycle_momentum: bool = True,
                 base_momentum: Union[float, Sequence[float]] = 0.85,
                 max_momentum: Union[float, Sequence[float]] = 0.95, div_factor: float = 25.0,
                 final_div_factor: float = 1e4, three_phase: bool = False, last_epoch: int = -1):
        _check_target("OneCycleLR", optimizer)
        if total_steps is not None:
            if isinstance(total_steps, bool) or not isinstance(total_steps, (int, np.integer)) or total_steps <= 0:
                raise ValueError(f"OneCycleLR: expected a positive integer total_steps, got {total_steps!r}")
            self.total_steps = int(total_steps)
        elif epochs is not None and steps_per_epoch is not None:
            for name, v in (("epochs", epochs), ("steps_per_epoch", steps_per_epoch)):
                if isinstance(v, bool) or not isinstance(v, (int, np.integer)) or v <= 0:
                    raise ValueError(f"OneCycleLR: expected a positive integer {name}, got {v!r}")
            self.total_steps = int(epochs) * int(steps_per_epoch)
        else:
            raise ValueError("OneCycleLR: you must define either total_steps OR (epochs AND steps_per_epoch)")
        if not 0 <= pct_start <= 1 or isinstance(pct_start, bool):
            raise ValueError(f"OneCycleLR: expected a float between 0 and 1 for pct_start, got {pct_start!r}")
        if anneal_strategy not in ("cos", "linear"):
            raise ValueError(f"OneCycleLR: anneal_strategy must be 'cos' or 'linear', got {anneal_strategy!r}")
        T = float(self.total_steps)
        if three_phase:
            self._phases = [
                dict(end_step=float(pct_start * T) - 1, start_lr="initial_lr", end_lr="max_lr",
                     start_momentum="max_momentum", end_momentum="base_momentum"),
                dict(end_step=float(2 * pct_start * T) - 2, start_lr="max_lr", end_lr="initial_lr",
                     start_momentum="base_momentum", end_momentum="max_momentum"),
                dict(end_step=T - 1, start_lr="initial_lr", end_lr="min_lr",
                     start_momentum="max_momentum", end_momentum="max_momentum"),
            ]
        else:
            self._phases = [
                dict(end_step=float(pct_start * T) - 1, start_lr="initial_lr", end_lr="max_lr",
                     start_momentum="max_momentum", end_momentum="base_momentum"),
                dict(end_step=T - 1, start_lr="max_lr", end_lr="min_lr",
                     start_momentum="base_momentum", end_momentum="max_momentum"),
            ]
        self.anneal_strategy = anneal_strategy
        groups = optimizer.param_groups

        def per_group(name: str, value: Any) -> List[float]:
            values = list(value) if _per_group(value) else [value] * len(groups)
            if len(values) != len(groups):
                raise ValueError(f"OneCycleLR: expected {len(groups)} values for {name}, got {len(values)}")
            return [float(v) for v in values]

        if last_epoch == -1:
            for lr, group in zip(per_group("max_lr", max_lr), groups):
                group["initial_lr"] = lr / div_factor
                group["max_lr"] = lr
                group["min_lr"] = group["initial_lr"] / final_div_factor
        # momentum: SGD's "momentum" or Adam's "betas"[0]; a LearningRates has neither
        self.cycle_momentum = cycle_momentum and isinstance(optimizer, Optimizer)
        if self.cycle_momentum:
            first = groups[0]
            if "momentum" not in first and "betas" not in first:
                raise ValueError(f"OneCycleLR: optimizer {type(optimizer).__name__} has neither momentum nor betas; "
                                 f"pass cycle_momentum=False")
            self._use_beta1 = "betas" in first
            for m_base, m_max, group in zip(per_group("base_momentum", base_momentum),
                                            per_group("max_momentum", max_momentum), groups):
                if last_epoch == -1:
                    self._set_momentum(group, m_max)
                    group["max_momentum"] = m_max
                    group["base_momentum"] = m_base
        super().__init__(optimizer, last_epoch)

    def _set_momentum(self, group: Dict[str, Any], value: float) -> None:
        if self._use_beta1:
            group["betas"] = (value, *tuple(group["betas"])[1:])
        else:
            group["momentum"] = value

    def _anneal(self, start: float, end: float, pct: float) -> float:
        if self.anneal_strategy == "cos":
            return end + (start - end) / 2.0 * (math.cos(math.pi * pct) + 1)
        return (end - start) * pct + start

    def get_lr(self) -> List[float]:
        step = self.last_epoch
        if step > self.total_steps:
            raise ValueError(f"OneCycleLR: tried to step {step} times; the total number of steps is {self.total_steps}")
        lrs = []
        for group in self.optimizer.param_groups:
            start_step = 0.0
            for i, phase in enumerate(self._phases):
                end_step = phase["end_step"]
                if step <= end_step or i == len(self._phases) - 1:
                    pct = (step - start_step) / (end_step - start_step)
                    lr = self._anneal(group[phase["start_lr"]], group[phase["end_lr"]], pct)
                    if self.cycle_momentum:
                        self._set_momentum(group, self._anneal(group[phase["start_momentum"]],
                                                               group[phase["end_momentum"]], pct))
                    break
                start_step = phase["end_step"]
            lrs.append(lr)
        return lrs


def simulate(schedule: Any, base_lr: Union[float, Sequence[float]], steps: int,
             metrics: Optional[Sequence[float]] = None, **kwargs: Any) -> np.ndarray:
    """The learning rate of a schedule at steps 0, 1, ..., ``steps - 1``, without an optimizer.

    ``out[t]`` is the rate in force during step (epoch) ``t``: the value after construction for
    ``t = 0``, then the value after ``t`` calls of ``scheduler.step()``, exactly what an optimizer
    driven by the same scheduler holds in ``param_groups[i]["lr"]`` (the same ``step()`` code runs,
    on a ``LearningRates`` instead of an optimizer, so the numbers are identical bit for bit)::

        simulate(StepLR, 0.1, 100, step_size=30)                   # 0.1 x 30, 0.01 x 30, ...
        simulate(lambda r: CosineAnnealingLR(r, T_max=100), 0.1, 100)
        simulate(lambda r: SequentialLR(r, [LinearLR(r, 0.1, total_iters=5), CosineAnnealingLR(r, 95)],
                                        milestones=[5]), 0.1, 100)
        simulate(ReduceLROnPlateau, 0.1, 50, metrics=val_losses, factor=0.5, patience=3)

    Args:
        schedule: a scheduler class, built as ``schedule(rates, **kwargs)``, or a factory
            ``schedule(rates)`` returning a scheduler (or a list of schedulers chained on ``rates``,
            stepped in order as PyTorch chains schedulers on one optimizer), where ``rates`` is a
            fresh ``LearningRates(base_lr)``. A scheduler *object* is refused: it is bound to its
            optimizer and has already been stepped.
        base_lr: the initial learning rate, or one per parameter group.
        steps: how many rates to return (>= 1).
        metrics: for ``ReduceLROnPlateau``, the monitored value at the end of each step:
            ``metrics[t]`` is what ``step(metrics[t])`` receives after step ``t``, so ``out[t + 1]``
            depends on ``metrics[:t + 1]`` (at least ``steps - 1`` values; the other schedulers
            ignore them). Without metrics ``ReduceLROnPlateau`` sees a constant value: a plateau
            from the first step, so the rate is cut by ``factor`` after every ``patience + 1``
            steps without improvement (and ``cooldown``), down to ``min_lr``.
        kwargs: the scheduler's arguments, with a class only.

    Returns a float64 array of shape (steps,) for one ``base_lr``, (steps, groups) for a sequence."""
    if isinstance(steps, bool) or not isinstance(steps, (int, np.integer)) or steps < 1:
        raise ValueError(f"simulate: steps={steps!r}, expected an int >= 1")
    if isinstance(schedule, LRScheduler):
        raise TypeError(f"simulate: got a {type(schedule).__name__} object, which is bound to its optimizer and "
                        f"already stepped; pass its class with keyword arguments, or a factory "
                        f"`lambda rates: {type(schedule).__name__}(rates, ...)`, so the schedule starts fresh")
    rates = LearningRates(base_lr)
    if isinstance(schedule, type):
        if not issubclass(schedule, LRScheduler):
            raise TypeError(f"simulate: {schedule.__name__} is not an xgrad.optim.lr_scheduler scheduler class")
        built = schedule(rates, **kwargs)
    elif callable(schedule):
        if kwargs:
            raise TypeError(f"simulate: keyword arguments {sorted(kwargs)} go with a scheduler class; a factory "
                            f"takes its arguments itself")
        built = schedule(rates)
    else:
        raise TypeError(f"simulate: schedule must be a scheduler class or a factory rates -> scheduler, got "
                        f"{type(schedule).__name__}")
    schedulers = list(built) if isinstance(built, (list, tuple)) else [built]
    for s in schedulers:
        if not isinstance(s, LRScheduler):
            raise TypeError(f"simulate: the factory returned {type(s).__name__}, not an xgrad.optim.lr_scheduler "
                            f"scheduler")
        if s.optimizer is not rates:
            raise ValueError(f"simulate: the factory built a {type(s).__name__} on another optimizer than the "
                             f"LearningRates it was given")
    if not schedulers:
        raise TypeError("simulate: the factory returned no scheduler (an empty list)")
    if metrics is not None and len(metrics) < steps - 1:
        raise ValueError(f"simulate: metrics has {len(metrics)} values, {steps - 1} are needed for {steps} steps")
    out = np.empty((int(steps), len(rates.param_groups)), dtype=np.float64)
    out[0] = rates.lr
    for t in range(1, int(steps)):
        for s in schedulers:
            if isinstance(s, ReduceLROnPlateau):
                s.step(_PLATEAU_METRIC if metrics is None else metrics[t - 1])
            else:
                s.step()
        out[t] = rates.lr
    return out if _per_group(base_lr) else out[:, 0]
