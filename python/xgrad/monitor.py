"""Monitors for babysitting the learning process (CS231n "Neural Networks 3"): per-layer activation
statistics and histograms, per-parameter gradient norms, and the update/weight ratio
``||w_after - w_before|| / ||w_before||`` that the lectures want near 1e-3.

Each monitor is an ``xgrad.train.Callback`` (pass it in ``Trainer(callbacks=[...])``) and also
works by hand in a plain loop::

    acts = ActivationMonitor(model)               # forward hooks on every activation layer
    grads = GradientMonitor(model)
    ratios = UpdateRatioMonitor(model)
    for x, y in loader:
        loss = loss_fn(model(x), y)
        optimizer.zero_grad(); loss.backward()
        grads.record()                            # gradient norms (before the step)
        ratios.before_step()                      # copies the weights (only when recording)
        optimizer.step()
        ratios.after_step()                       # ||dw|| / ||w|| per parameter
    acts.remove()

Records are NumPy arrays (one entry per recorded pass/step) so they plot and compare directly.
"""
from __future__ import annotations

from collections import OrderedDict
from typing import Any, Dict, List, Optional, Sequence, Tuple

import numpy as np

from ._tensor import Tensor
from .nn import activation as _act
from .nn.module import Module, RemovableHandle
from .train.callback import Callback

__all__ = ["ActivationMonitor", "GradientMonitor", "UpdateRatioMonitor"]

# Saturation thresholds of the lectures' plots: a tanh unit whose |output| exceeds 0.99 (or a sigmoid
# unit within 0.01 of 0 or 1) has a local gradient below ~0.02 and barely learns.
_TANH_SATURATION = 0.99
_SIGMOID_SATURATION = 0.01


def _as_array(x: Any) -> np.ndarray:
    """A NumPy view of a Tensor (shared memory) or the array itself; callers copy what they keep."""
    return x.numpy() if isinstance(x, Tensor) else np.asarray(x)


def _kind(module: Module) -> str:
    if isinstance(module, _act.Tanh):
        return "tanh"
    if isinstance(module, _act.Sigmoid):
        return "sigmoid"
    if isinstance(module, _act.ReLU):
        return "relu"
    return "other"


def _default_range(kind: str) -> Optional[Tuple[float, float]]:
    return {"tanh": (-1.0, 1.0), "sigmoid": (0.0, 1.0)}.get(kind)


def _subsample(values: np.ndarray, shape: Tuple[int, ...], limit: int) -> np.ndarray:
    """At most ``limit`` of a pass's ``values`` (flattened, batch first) for the histograms: the first
    whole samples, so every unit appears (a stride over the flat array can fall on the same few units
    of every row)."""
    per_sample = values.size // shape[0] if len(shape) > 1 and shape[0] > 0 else values.size
    if per_sample and values.size > limit >= per_sample:
        values = values[:(limit // per_sample) * per_sample]
    elif values.size > limit:  # one sample alone is larger than the limit: stride within it
        values = values[:per_sample][::-(-per_sample // limit)]
    return np.array(values, dtype=np.float32)


class ActivationMonitor(Callback):
    """Per-layer statistics of the outputs of chosen modules, recorded by forward hooks.

    For each watched layer and each recorded forward pass: ``mean``, ``std``, ``saturated``
    (fraction with ``|tanh| > 0.99`` for Tanh, within 0.01 of 0 or 1 for Sigmoid, NaN for other
    layers), ``dead`` (fraction of outputs exactly 0: dead ReLUs), a histogram with fixed bins, and
    the values of the last pass (a subsample of at most ``max_values`` per layer) for the lecture's
    per-layer histograms (``xgrad.viz.plot_activation_histograms``).

    Args:
        model: the Module to watch.
        layers: None (every ``nn.Activation`` module; if the model has none, every leaf module), or a
            sequence of sub-module names (as in ``named_modules``), Module objects or Module types
            (kept in the given order; in model order when a type is among them).
        bins: number of histogram bins.
        hist_range: (low, high) of the histogram bins; None: (-1, 1) for Tanh, (0, 1) for Sigmoid,
            otherwise the first recorded pass's (min, max). Values outside fall in the end bins.
        every: record one forward pass in ``every`` (1: all) to keep training cheap.
        max_values: how many values of the last pass to keep per layer (whole samples of the batch,
            so that every unit is represented).
        train_only: record only passes made in training mode (skips the Trainer's evaluation).

    Use as a context manager (hooks removed on exit) or call ``remove()``."""

    def __init__(self, model: Module, layers: Optional[Sequence[Any]] = None, bins: int = 50,
                 hist_range: Optional[Tuple[float, float]] = None, every: int = 1, max_values: int = 100_000,
                 train_only: bool = False):
        if not isinstance(model, Module):
            raise TypeError(f"ActivationMonitor: model must be an xgrad.nn.Module, got {type(model).__name__}")
        if int(bins) < 1:
            raise ValueError(f"ActivationMonitor: bins must be >= 1, got {bins}")
        if int(every) < 1:
            raise ValueError(f"ActivationMonitor: every must be >= 1, got {every}")
        if int(max_values) < 1:
            raise ValueError(f"ActivationMonitor: max_values must be >= 1, got {max_values}")
        if hist_range is not None and not (len(hist_range) == 2 and hist_range[0] < hist_range[1]):
            raise ValueError(f"ActivationMonitor: hist_range must be (low, high) with low < high, got {hist_range!r}")
        self.model = model
        self.bins = int(bins)
        self.hist_range = None if hist_range is None else (float(hist_range[0]), float(hist_range[1]))
        self.every = int(every)
        self.max_values = int(max_values)
        self.train_only = bool(train_only)
        self.enabled = True
        self.modules: "OrderedDict[str, Module]" = self._select(model, layers)
        self.kinds: Dict[str, str] = {name: _kind(m) for name, m in self.modules.items()}
        self._handles: List[RemovableHandle] = []
        self._calls: Dict[str, int] = {}
        self.clear()
        for name, m in self.modules.items():
            self._handles.append(m.register_forward_hook(self._make_hook(name)))

    # ------------------------------------------------------------ layer selection
    @staticmethod
    def _select(model: Module, layers: Optional[Sequence[Any]]) -> "OrderedDict[str, Module]":
        named = list(model.named_modules())
        chosen: "OrderedDict[str, Module]" = OrderedDict()
        if layers is None:
            acts = [(n, m) for n, m in named if isinstance(m, _act.Activation)]
            if not acts:
                acts = [(n, m) for n, m in named if not any(True for _ in m.children())]
            for n, m in acts:
                chosen[n or type(m).__name__] = m
        else:
            if isinstance(layers, (str, Module)) or (isinstance(layers, type)):
                layers = [layers]
            by_name = dict(named)
            types = tuple(t for t in layers if isinstance(t, type) and issubclass(t, Module))
            for item in layers:
                if isinstance(item, str):
                    if item not in by_name:
                        raise ValueError(f"ActivationMonitor: no sub-module named {item!r} "
                                         f"(names: {', '.join(n for n, _ in named if n)})")
                    chosen[item] = by_name[item]
                elif isinstance(item, Module):
                    match = [n for n, m in named if m is item]
                    if not match:
                        raise ValueError(f"ActivationMonitor: the {type(item).__name__} given in layers is not "
                                         f"part of the model")
                    chosen[match[0] or type(item).__name__] = item
                elif isinstance(item, type) and issubclass(item, Module):
                    continue  # types are matched below, in model order
                else:
                    raise TypeError(f"ActivationMonitor: layers entries must be names, Modules or Module types, "
                                    f"got {type(item).__name__}")
            if types:
                # a type selects layers all over the model: list everything in model order
                picked = {id(m) for m in chosen.values()}
                chosen = OrderedDict((n or type(m).__name__, m) for n, m in named
                                     if isinstance(m, types) or id(m) in picked)
        if not chosen:
            raise ValueError(f"ActivationMonitor: no layer of {type(model).__name__} matches layers={layers!r}")
        return chosen

    # ------------------------------------------------------------ recording
    def _make_hook(self, name: str):
        def hook(module: Module, inputs: tuple, output: Any) -> None:
            if not self.enabled or (self.train_only and not module.training):
                return
            count = self._calls.get(name, 0)
            self._calls[name] = count + 1
            if count % self.every == 0:
                self.record(name, output)
        return hook

    def record(self, name: str, output: Any) -> None:
        """Record one pass of layer ``name`` whose output is ``output`` (the hooks call this; call it
        by hand to add values from elsewhere)."""
        if name not in self._records:
            raise ValueError(f"ActivationMonitor.record: unknown layer {name!r} (watched: {', '.join(self._records)})")
        array = _as_array(output) if isinstance(output, (Tensor, np.ndarray)) else np.asarray(None)
        if array.dtype.kind not in "fiub":
            raise TypeError(f"ActivationMonitor: layer {name!r} returned a {type(output).__name__}; only Tensor or "
                            f"array outputs can be monitored (choose other layers with layers=[...])")
        values = array.astype(np.float64, copy=False).ravel()
        rec = self._records[name]
        kind = self.kinds.get(name, "other")
        finite = values[np.isfinite(values)]
        rec["mean"].append(float(finite.mean()) if finite.size else np.nan)
        rec["std"].append(float(finite.std()) if finite.size else np.nan)
        if kind == "tanh":
            sat = float(np.mean(np.abs(values) > _TANH_SATURATION)) if values.size else np.nan
        elif kind == "sigmoid":
            sat = (float(np.mean((values < _SIGMOID_SATURATION) | (values > 1 - _SIGMOID_SATURATION)))
                   if values.size else np.nan)
        else:
            sat = np.nan
        rec["saturated"].append(sat)
        rec["dead"].append(float(np.mean(values == 0.0)) if values.size else np.nan)
        if name not in self._edges:
            rng = self.hist_range or _default_range(kind)
            if rng is None:
                lo, hi = (float(finite.min()), float(finite.max())) if finite.size else (-1.0, 1.0)
                if hi <= lo:
                    lo, hi = lo - 0.5, hi + 0.5
                rng = (lo, hi)
            self._edges[name] = np.linspace(rng[0], rng[1], self.bins + 1)
        edges = self._edges[name]
        counts, _ = np.histogram(np.clip(finite, edges[0], edges[-1]), bins=edges)
        rec["hist"].append(counts)
        self._values[name] = _subsample(values, array.shape, self.max_values)

    # ------------------------------------------------------------ results
    @property
    def layer_names(self) -> List[str]:
        """Names of the watched layers, in model order."""
        return list(self.modules)

    def stats(self) -> "OrderedDict[str, Dict[str, np.ndarray]]":
        """``{layer: {"mean", "std", "saturated", "dead": arrays (passes,), "hist": (passes, bins),
        "edges": (bins + 1,), "values": last pass (subsampled), "kind": str}}``."""
        out: "OrderedDict[str, Dict[str, Any]]" = OrderedDict()
        for name, rec in self._records.items():
            edges = self._edges.get(name, np.zeros(0))
            out[name] = {
                "mean": np.asarray(rec["mean"], dtype=np.float64),
                "std": np.asarray(rec["std"], dtype=np.float64),
                "saturated": np.asarray(rec["saturated"], dtype=np.float64),
                "dead": np.asarray(rec["dead"], dtype=np.float64),
                "hist": (np.asarray(rec["hist"], dtype=np.int64) if rec["hist"]
                         else np.zeros((0, self.bins), dtype=np.int64)),
                "edges": edges,
                "values": self._values.get(name, np.zeros(0, dtype=np.float32)),
                "kind": self.kinds.get(name, "other"),
            }
        return out

    def summary(self) -> str:
        """A text table of the last recorded pass: layer, kind, mean, std, saturated, dead."""
        lines = [f"{'layer':<16} {'kind':<8} {'mean':>10} {'std':>10} {'saturated':>10} {'dead':>8}"]
        for name, s in self.stats().items():
            if not len(s["mean"]):
                lines.append(f"{name:<16} {s['kind']:<8} {'(no pass recorded)':>40}")
                continue
            sat = s["saturated"][-1]
            lines.append(f"{name:<16} {s['kind']:<8} {s['mean'][-1]:>10.4f} {s['std'][-1]:>10.4f} "
                         f"{'-' if np.isnan(sat) else f'{sat:.3f}':>10} {s['dead'][-1]:>8.3f}")
        return "\n".join(lines)

    def __repr__(self) -> str:
        passes = {n: len(r["mean"]) for n, r in self._records.items()}
        return f"ActivationMonitor(layers={self.layer_names}, passes recorded={passes})"

    def clear(self) -> None:
        """Forget every record (the hooks stay)."""
        self._records: Dict[str, Dict[str, list]] = {
            name: {"mean": [], "std": [], "saturated": [], "dead": [], "hist": []} for name in self.modules}
        self._edges: Dict[str, np.ndarray] = {}
        self._values: Dict[str, np.ndarray] = {}
        self._calls = {}

    def remove(self) -> None:
        """Unregister the forward hooks (records are kept)."""
        for h in self._handles:
            h.remove()
        self._handles = []

    def __enter__(self) -> "ActivationMonitor":
        return self

    def __exit__(self, *exc: Any) -> None:
        self.remove()

    def state_dict(self) -> Dict[str, Any]:
        """Records and pass counters (the Trainer stores them in checkpoints, so a resumed run
        records exactly what an uninterrupted one would)."""
        layers = {}
        for name, rec in self._records.items():
            entry = {k: np.asarray(rec[k], dtype=np.float64) for k in ("mean", "std", "saturated", "dead")}
            entry["hist"] = np.asarray(rec["hist"], dtype=np.int64).reshape(len(rec["hist"]), self.bins)
            if name in self._edges:
                entry["edges"] = self._edges[name]
            if name in self._values:
                entry["values"] = self._values[name]
            layers[name] = entry
        return {"layers": layers, "calls": dict(self._calls), "bins": self.bins}

    def load_state_dict(self, state: Dict[str, Any]) -> None:
        """Restore what ``state_dict`` returned; the watched layers and bins must match."""
        layers = state["layers"]
        if list(layers) != list(self._records) or int(state["bins"]) != self.bins:
            raise ValueError(f"ActivationMonitor.load_state_dict: the state has layers {list(layers)} with "
                             f"{state['bins']} bins, this monitor {list(self._records)} with {self.bins}")
        self.clear()
        for name, entry in layers.items():
            rec = self._records[name]
            for k in ("mean", "std", "saturated", "dead"):
                rec[k] = [float(v) for v in np.asarray(entry[k])]
            rec["hist"] = [np.asarray(h, dtype=np.int64) for h in np.asarray(entry["hist"])]
            if "edges" in entry:
                self._edges[name] = np.asarray(entry["edges"], dtype=np.float64)
            if "values" in entry:
                self._values[name] = np.asarray(entry["values"], dtype=np.float32)
        self._calls = {str(k): int(v) for k, v in state["calls"].items()}


def _named_params(source: Any, include_bias: bool, who: str) -> "OrderedDict[str, Tensor]":
    """Named parameters of a Module, an Optimizer (``group{i}.param{j}``), a dict or an iterable."""
    if isinstance(source, Module):
        items = list(source.named_parameters())
    elif hasattr(source, "param_groups"):
        items = [(f"group{i}.param{j}", p) for i, g in enumerate(source.param_groups)
                 for j, p in enumerate(g["params"])]
    elif isinstance(source, dict):
        items = list(source.items())
    elif isinstance(source, Tensor):
        items = [("param0", source)]
    else:
        try:
            items = [(f"param{j}", p) for j, p in enumerate(source)]
        except TypeError:
            raise TypeError(f"{who}: expected a Module, an Optimizer, a dict of tensors or an iterable of tensors, "
                            f"got {type(source).__name__}") from None
    out: "OrderedDict[str, Tensor]" = OrderedDict()
    for name, p in items:
        if not isinstance(p, Tensor):
            raise TypeError(f"{who}: parameter {name!r} is a {type(p).__name__}, not a Tensor")
        is_bias = name.split(".")[-1] == "bias" or p.ndim <= 1
        if include_bias or not is_bias:
            out[name] = p
    if not out:
        raise ValueError(f"{who}: no parameters to monitor (include_bias={include_bias}, got {len(items)} tensors)")
    return out


def _check_names(who: str, saved: Dict[str, Any], params: Dict[str, Any]) -> None:
    if list(saved) != list(params):
        raise ValueError(f"{who}.load_state_dict: the state has parameters {list(saved)}, this monitor "
                         f"{list(params)}")


class GradientMonitor(Callback):
    """The L2 norm of every parameter's gradient per recorded step (``||dL/dw||``), and the global
    norm over all of them (what ``clip_grad_norm_`` clips).

    Args:
        params: a Module (names from ``named_parameters``), an Optimizer, a dict name -> tensor, or
            an iterable of tensors.
        every: record one step in ``every``.
        include_bias: also watch biases and other 1-D parameters.

    By hand: call ``record()`` after ``loss.backward()``. In a Trainer it records in
    ``on_before_step``. A parameter without a gradient records NaN."""

    def __init__(self, params: Any, every: int = 1, include_bias: bool = True):
        if int(every) < 1:
            raise ValueError(f"GradientMonitor: every must be >= 1, got {every}")
        self.params = _named_params(params, include_bias, "GradientMonitor")
        self.every = int(every)
        self.clear()

    def clear(self) -> None:
        """Forget every record."""
        self._norms: Dict[str, List[float]] = {name: [] for name in self.params}
        self._steps: List[int] = []
        self._calls = 0

    def record(self, step: Optional[int] = None) -> bool:
        """Record the current gradient norms (if this call is one of the ``every``-th); returns
        whether it recorded. ``step`` labels the record (default: the call count)."""
        call = self._calls
        self._calls += 1
        if call % self.every:
            return False
        for name, p in self.params.items():
            g = p.grad
            norm = np.nan if g is None else float(np.linalg.norm(_as_array(g).astype(np.float64).ravel()))
            self._norms[name].append(norm)
        self._steps.append(call if step is None else int(step))
        return True

    @property
    def steps(self) -> np.ndarray:
        """The step index of each record."""
        return np.asarray(self._steps, dtype=np.int64)

    @property
    def norms(self) -> "OrderedDict[str, np.ndarray]":
        """``{parameter name: gradient L2 norms (records,)}``."""
        return OrderedDict((n, np.asarray(v, dtype=np.float64)) for n, v in self._norms.items())

    @property
    def global_norm(self) -> np.ndarray:
        """``sqrt(sum over parameters of ||g||^2)`` per record (NaN entries ignored)."""
        if not self._steps:
            return np.zeros(0)
        stacked = np.stack([np.asarray(v, dtype=np.float64) for v in self._norms.values()])
        return np.sqrt(np.nansum(stacked ** 2, axis=0))

    def on_before_step(self, trainer: Any) -> None:
        """``record`` the gradients of this step, labelled with ``trainer.iteration``."""
        self.record(getattr(trainer, "iteration", None))

    def state_dict(self) -> Dict[str, Any]:
        """Records and the step counter (saved in Trainer checkpoints)."""
        return {"norms": {n: np.asarray(v, dtype=np.float64) for n, v in self._norms.items()},
                "steps": self.steps, "calls": self._calls}

    def load_state_dict(self, state: Dict[str, Any]) -> None:
        """Restore what ``state_dict`` returned; the parameter names must match."""
        _check_names("GradientMonitor", state["norms"], self.params)
        self._norms = {n: [float(v) for v in np.asarray(state["norms"][n])] for n in self.params}
        self._steps = [int(v) for v in np.asarray(state["steps"])]
        self._calls = int(state["calls"])

    def __repr__(self) -> str:
        return f"GradientMonitor(params={list(self.params)}, records={len(self._steps)})"


class UpdateRatioMonitor(Callback):
    """The update/weight ratio ``||w_after - w_before|| / ||w_before||`` of every parameter per
    recorded step. The lectures' rule of thumb: around 1e-3; much lower means the learning rate is
    too low, much higher (1e-1 and up) that it is too high.

    Args:
        params: a Module, an Optimizer, a dict name -> tensor, or an iterable of tensors.
        every: record one step in ``every``; weights are copied only for recorded steps.
        include_bias: also watch biases (off by default: biases start at 0, where the ratio is
            undefined, and the lectures' rule is about weights).

    By hand: ``before_step()`` just before ``optimizer.step()`` and ``after_step()`` right after.
    In a Trainer it uses ``on_before_step``/``on_after_step``. A parameter whose weights are all
    zero before the step records NaN."""

    def __init__(self, params: Any, every: int = 1, include_bias: bool = False):
        if int(every) < 1:
            raise ValueError(f"UpdateRatioMonitor: every must be >= 1, got {every}")
        self.params = _named_params(params, include_bias, "UpdateRatioMonitor")
        self.every = int(every)
        self.clear()

    def clear(self) -> None:
        """Forget every record."""
        self._ratios: Dict[str, List[float]] = {name: [] for name in self.params}
        self._update_norms: Dict[str, List[float]] = {name: [] for name in self.params}
        self._weight_norms: Dict[str, List[float]] = {name: [] for name in self.params}
        self._steps: List[int] = []
        self._calls = 0
        self._before: Optional[Dict[str, np.ndarray]] = None
        self._pending_step: Optional[int] = None

    def before_step(self, step: Optional[int] = None) -> bool:
        """Copy the weights if this step is to be recorded; returns whether it will be."""
        call = self._calls
        self._calls += 1
        if call % self.every:
            self._before = None
            return False
        self._before = {name: np.array(_as_array(p), dtype=np.float64, copy=True) for name, p in self.params.items()}
        self._pending_step = call if step is None else int(step)
        return True

    def after_step(self) -> None:
        """Compute the ratios against the copy taken by ``before_step`` (no-op if none was taken)."""
        if self._before is None:
            return
        for name, p in self.params.items():
            w0 = self._before[name]
            w1 = _as_array(p).astype(np.float64)
            update = float(np.linalg.norm((w1 - w0).ravel()))
            weight = float(np.linalg.norm(w0.ravel()))
            self._update_norms[name].append(update)
            self._weight_norms[name].append(weight)
            self._ratios[name].append(update / weight if weight > 0 else np.nan)
        self._steps.append(self._pending_step)
        self._before = None

    @property
    def steps(self) -> np.ndarray:
        """The step index of each record."""
        return np.asarray(self._steps, dtype=np.int64)

    @property
    def ratios(self) -> "OrderedDict[str, np.ndarray]":
        """``{parameter name: ||dw|| / ||w|| (records,)}``."""
        return OrderedDict((n, np.asarray(v, dtype=np.float64)) for n, v in self._ratios.items())

    @property
    def update_norms(self) -> "OrderedDict[str, np.ndarray]":
        """``{parameter name: ||w_after - w_before|| (records,)}``."""
        return OrderedDict((n, np.asarray(v, dtype=np.float64)) for n, v in self._update_norms.items())

    @property
    def weight_norms(self) -> "OrderedDict[str, np.ndarray]":
        """``{parameter name: ||w_before|| (records,)}``."""
        return OrderedDict((n, np.asarray(v, dtype=np.float64)) for n, v in self._weight_norms.items())

    def median_ratio(self) -> "OrderedDict[str, float]":
        """The median ratio of each parameter over all records (robust to the first steps)."""
        return OrderedDict((n, float(np.nanmedian(v)) if len(v) and not np.all(np.isnan(v)) else np.nan)
                           for n, v in self.ratios.items())

    def on_before_step(self, trainer: Any) -> None:
        """``before_step``: copy the weights if this step is recorded."""
        self.before_step(getattr(trainer, "iteration", None))

    def on_after_step(self, trainer: Any) -> None:
        """``after_step``: the ratios of this step."""
        self.after_step()

    def state_dict(self) -> Dict[str, Any]:
        """Records and the step counter (saved in Trainer checkpoints)."""
        pack = lambda d: {n: np.asarray(v, dtype=np.float64) for n, v in d.items()}  # noqa: E731
        return {"ratios": pack(self._ratios), "update_norms": pack(self._update_norms),
                "weight_norms": pack(self._weight_norms), "steps": self.steps, "calls": self._calls}

    def load_state_dict(self, state: Dict[str, Any]) -> None:
        """Restore what ``state_dict`` returned; the parameter names must match."""
        _check_names("UpdateRatioMonitor", state["ratios"], self.params)
        unpack = lambda d: {n: [float(v) for v in np.asarray(d[n])] for n in self.params}  # noqa: E731
        self._ratios = unpack(state["ratios"])
        self._update_norms = unpack(state["update_norms"])
        self._weight_norms = unpack(state["weight_norms"])
        self._steps = [int(v) for v in np.asarray(state["steps"])]
        self._calls = int(state["calls"])
        self._before = None

    def __repr__(self) -> str:
        return f"UpdateRatioMonitor(params={list(self.params)}, records={len(self._steps)})"
