"""Plots of the lectures' babysitting figures: loss and accuracy curves, per-layer activation
histograms, first-layer filters, optimizer paths on 2-D functions, learning-rate schedules and
update/weight ratios.

Every function returns the matplotlib ``Figure`` and never calls ``show()`` (Jupyter displays a
returned figure; scripts call ``plt.show()`` or ``fig.savefig``). matplotlib is imported inside
the functions so ``import xgrad`` stays light.
"""
from __future__ import annotations

import math
from collections import OrderedDict
from typing import TYPE_CHECKING, Any, Callable, Dict, Mapping, Optional, Sequence, Tuple, Union

import numpy as np

from ._tensor import Tensor

if TYPE_CHECKING:
    from matplotlib.figure import Figure

__all__ = ["plot_history", "plot_activation_histograms", "plot_filters", "plot_contour_paths", "plot_schedules",
           "plot_update_ratios", "moving_average"]

#: The update/weight ratio the lectures aim for.
UPDATE_RATIO_GUIDE = 1e-3


def _plt():
    import matplotlib.pyplot as plt  # lazy: matplotlib is heavy and only needed for plots
    return plt


def _field(obj: Any, name: str) -> Optional[np.ndarray]:
    """``obj.name`` or ``obj[name]`` as a float array, or None when absent, empty or all NaN (a
    ``History`` fills ``val_loss``/``val_acc`` with NaN when there was no validation loader)."""
    if isinstance(obj, Mapping):
        value = obj.get(name)
    else:
        value = getattr(obj, name, None)
    if value is None:
        return None
    arr = np.asarray(value, dtype=np.float64).ravel()
    return arr if arr.size and not np.all(np.isnan(arr)) else None


def moving_average(values: Sequence[float], window: int) -> np.ndarray:
    """Mean of each run of ``window`` consecutive values (length ``len(values) - window + 1``); the
    smoothed loss curve of the lectures' plots."""
    v = np.asarray(values, dtype=np.float64).ravel()
    window = int(window)
    if window < 1:
        raise ValueError(f"moving_average: window must be >= 1, got {window}")
    if v.size < window:
        return np.zeros(0)
    c = np.cumsum(np.insert(v, 0, 0.0))
    return (c[window:] - c[:-window]) / window


def plot_history(history: Any, smooth: Optional[int] = None, log_loss: bool = False,
                 title: Optional[str] = None) -> "Figure":
    """Loss per iteration (raw, faint, with a moving average of ``smooth`` iterations; default about
    a fiftieth of the run) and train/val accuracy per epoch; a third panel with the per-epoch
    train/val loss when ``val_loss`` is present.

    ``history``: an ``xgrad.train.History`` or any object/dict with some of ``loss`` (per
    iteration), ``train_loss``, ``val_loss``, ``train_acc``, ``val_acc`` (per epoch) and optionally
    ``epochs`` (the epoch numbers). The Trainer's ``train_acc`` is the running mean over each
    epoch's batches (weights changing), so it trails an evaluation of the final weights. A big
    train/val accuracy gap means overfitting (more
    regularisation); no gap with low accuracy means too little capacity."""
    plt = _plt()
    loss = _field(history, "loss")
    train_loss, val_loss = _field(history, "train_loss"), _field(history, "val_loss")
    train_acc, val_acc = _field(history, "train_acc"), _field(history, "val_acc")
    if all(v is None for v in (loss, train_loss, val_loss, train_acc, val_acc)):
        raise ValueError(f"plot_history: {type(history).__name__} has none of loss, train_loss, val_loss, "
                         f"train_acc, val_acc (expected a History or a dict with those keys)")
    n_epochs = max(len(v) for v in (train_loss, val_loss, train_acc, val_acc, np.zeros(0)) if v is not None)
    epochs = _field(history, "epochs")
    if epochs is None or len(epochs) != n_epochs:
        epochs = np.arange(1, n_epochs + 1, dtype=np.float64)
    panels = ["loss" if loss is not None or train_loss is not None else None,
              "acc" if train_acc is not None or val_acc is not None else None,
              "epoch_loss" if val_loss is not None and loss is not None else None]
    panels = [p for p in panels if p]
    if not panels:
        panels = ["epoch_loss"]
    fig, axes = plt.subplots(1, len(panels), figsize=(5.0 * len(panels), 3.6), squeeze=False)
    for ax, panel in zip(axes[0], panels):
        if panel == "loss":
            if loss is not None:
                ax.plot(np.arange(len(loss)), loss, lw=0.7, alpha=0.45, color="C0", label="minibatch loss")
                window = smooth if smooth is not None else max(1, len(loss) // 50)
                if 1 < window <= len(loss):
                    sm = moving_average(loss, window)
                    ax.plot(np.arange(window - 1, len(loss)), sm, lw=2, color="C1", label=f"{window}-iteration mean")
                ax.set_xlabel("iteration")
            else:
                if train_loss is not None:
                    ax.plot(epochs[:len(train_loss)], train_loss, marker="o", label="train loss")
                if val_loss is not None:
                    ax.plot(epochs[:len(val_loss)], val_loss, marker="s", label="val loss")
                ax.set_xlabel("epoch")
            ax.set_ylabel("loss")
            ax.set_title("training loss")
            if log_loss:
                ax.set_yscale("log")
            ax.legend()
        elif panel == "acc":
            if train_acc is not None:
                ax.plot(epochs[:len(train_acc)], train_acc, marker="o", label="train")
            if val_acc is not None:
                ax.plot(epochs[:len(val_acc)], val_acc, marker="s", label="val")
            if train_acc is not None and val_acc is not None and len(train_acc) and len(val_acc):
                gap = train_acc[len(val_acc) - 1] - val_acc[-1] if len(train_acc) >= len(val_acc) else np.nan
                ax.set_title(f"accuracy (last epoch: train - val = {gap:+.3f})")
            else:
                ax.set_title("accuracy")
            ax.set_xlabel("epoch")
            ax.set_ylabel("accuracy")
            ax.legend()
        else:
            if train_loss is not None:
                ax.plot(epochs[:len(train_loss)], train_loss, marker="o", label="train")
            ax.plot(epochs[:len(val_loss)], val_loss, marker="s", label="val")
            ax.set_xlabel("epoch")
            ax.set_ylabel("loss")
            ax.set_title("loss per epoch")
            if log_loss:
                ax.set_yscale("log")
            ax.legend()
        if panel in ("acc", "epoch_loss") or (panel == "loss" and loss is None):
            ax.xaxis.set_major_locator(plt.MaxNLocator(integer=True))
    if title:
        fig.suptitle(title)
    fig.tight_layout()
    return fig


def _activation_stats(stats_or_monitor: Any) -> "OrderedDict[str, Dict[str, Any]]":
    """Normalise the accepted inputs to ``{layer: {"values", "kind", "label", "mean", "std"}}``."""
    if hasattr(stats_or_monitor, "stats") and callable(stats_or_monitor.stats):
        stats = stats_or_monitor.stats()
        labels = {n: f"{n}: {type(m).__name__}" for n, m in getattr(stats_or_monitor, "modules", {}).items()}
    elif isinstance(stats_or_monitor, Mapping):
        stats, labels = stats_or_monitor, {}
    else:
        raise TypeError(f"plot_activation_histograms: expected an ActivationMonitor or a dict layer -> values, "
                        f"got {type(stats_or_monitor).__name__}")
    out: "OrderedDict[str, Dict[str, Any]]" = OrderedDict()
    for name, s in stats.items():
        exact = {}
        if isinstance(s, Mapping):
            values = s.get("values")
            kind = s.get("kind", "other")
            # a monitor's per-pass mean/std cover every activation; its "values" are a strided subsample
            for key in ("mean", "std"):
                rec = np.asarray(s[key], dtype=np.float64).ravel() if s.get(key) is not None else np.zeros(0)
                if rec.size:
                    exact[key] = float(rec[-1])
        else:
            values, kind = s, "other"
        if values is None:
            raise ValueError(f"plot_activation_histograms: layer {name!r} has no 'values'")
        v = np.asarray(values, dtype=np.float64).ravel()
        finite = v[np.isfinite(v)]
        out[str(name)] = {"values": v, "kind": kind, "label": labels.get(name, str(name)),
                          "mean": exact.get("mean", float(finite.mean()) if finite.size else np.nan),
                          "std": exact.get("std", float(finite.std()) if finite.size else np.nan)}
    if not out:
        raise ValueError("plot_activation_histograms: no layers to plot (was anything recorded?)")
    return out


def plot_activation_histograms(stats_or_monitor: Any, bins: int = 50, ncols: Optional[int] = None,
                               range: Optional[Tuple[float, float]] = None, title: Optional[str] = None) -> "Figure":
    """The lectures' initialisation figure: a row of mean and std per layer (when there are two
    layers or more), then one histogram of the activations per layer with its mean and std in the
    title.

    ``stats_or_monitor``: an ``xgrad.monitor.ActivationMonitor`` (its last recorded pass: mean and
    std of every activation, histogram of its stored subsample) or a dict ``{layer name: values}``
    (arrays of any shape, or dicts with a ``"values"`` entry). ``range``
    fixes the histogram x-range for every layer (default: (-1, 1) when all layers are tanh, else
    the values' range)."""
    plt = _plt()
    layers = _activation_stats(stats_or_monitor)
    names = list(layers)
    n = len(names)
    ncols = int(ncols) if ncols else min(n, 5)
    if ncols < 1:
        raise ValueError(f"plot_activation_histograms: ncols must be >= 1, got {ncols}")
    summary = n > 1  # mean/std per layer lines need at least two layers
    nrows = int(summary) + math.ceil(n / ncols)
    means = np.array([layers[k]["mean"] for k in names])
    stds = np.array([layers[k]["std"] for k in names])
    fig = plt.figure(figsize=(max(8.0, 2.6 * ncols), 2.5 * nrows + 0.4))
    grid = fig.add_gridspec(nrows, ncols)
    x = np.arange(1, n + 1)
    ax_mean = ax_std = None
    if summary:
        half = max(1, ncols // 2)
        # with one column there is room for the std line only
        ax_mean = fig.add_subplot(grid[0, :half]) if ncols > 1 else None
        ax_std = fig.add_subplot(grid[0, half:] if ncols > 1 else grid[0, :])
    # long module names ("encoder.block3.act") would overlap on the layer axis: slant them
    tick_style = dict(fontsize=8, rotation=30, ha="right") if max(map(len, names), default=0) > 4 else dict(fontsize=8)
    if ax_mean is not None:
        ax_mean.plot(x, means, marker="o", label="mean")
        ax_mean.set_xlabel("layer")
        ax_mean.set_ylabel("mean")
        ax_mean.set_title("layer mean")
        ax_mean.set_xticks(x, names, **tick_style)
    if ax_std is not None:
        ax_std.plot(x, stds, marker="o", color="C1", label="std")
        ax_std.set_xlabel("layer")
        ax_std.set_ylabel("std")
        ax_std.set_title("layer std")
        ax_std.set_xticks(x, names, **tick_style)
    if range is None and all(layers[k]["kind"] == "tanh" for k in names):
        range = (-1.0, 1.0)
    for i, name in enumerate(names):
        ax = fig.add_subplot(grid[int(summary) + i // ncols, i % ncols])
        v = layers[name]["values"]
        v = v[np.isfinite(v)]
        if v.size:
            lo, hi = range if range is not None else (float(v.min()), float(v.max()))
            if hi <= lo:
                lo, hi = lo - 0.5, hi + 0.5
            ax.hist(v, bins=bins, range=(lo, hi), color="C0")
        ax.set_title(f"{layers[name]['label']}\nmean {means[i]:+.3f}, std {stds[i]:.3f}", fontsize=9)
        ax.set_xlabel("activation", fontsize=8)
        if i % ncols == 0:
            ax.set_ylabel("count", fontsize=8)
        ax.tick_params(labelsize=7)
    if title:
        fig.suptitle(title)
    fig.tight_layout()
    return fig


def _infer_image_shape(n: int) -> Tuple[int, ...]:
    known = {784: (28, 28), 3072: (3, 32, 32), 64: (8, 8), 1024: (32, 32)}
    if n in known:
        return known[n]
    side = int(round(math.sqrt(n)))
    if side * side == n:
        return (side, side)
    side = int(round(math.sqrt(n / 3)))
    if 3 * side * side == n:
        return (3, side, side)
    raise ValueError(f"plot_filters: cannot infer an image shape for rows of {n} weights "
                     f"(pass image_shape=(H, W) or (C, H, W))")


def plot_filters(weight: Any, image_shape: Optional[Sequence[int]] = None, max_filters: int = 64,
                 ncols: Optional[int] = None, channel: Optional[int] = None, cmap: str = "gray",
                 title: Optional[str] = None) -> "Figure":
    """First-layer filters as an image grid (CS231n's "visualise the first-layer weights": smooth,
    structured filters mean a well-trained net; noisy ones a too-high learning rate or too little
    regularisation/training).

    ``weight``: Conv2d weights (C_out, C_in, kh, kw) — RGB when C_in == 3, grey when C_in == 1,
    else input channel ``channel`` (default 0) — or Linear weights (out_features, in_features), each
    row reshaped to ``image_shape`` (inferred for 784 -> 28x28, 3072 -> 3x32x32, 64 -> 8x8 and
    squares). Each filter is min-max normalised on its own. At most ``max_filters`` are drawn."""
    plt = _plt()
    w = np.asarray(weight.detach() if isinstance(weight, Tensor) else weight, dtype=np.float64)
    if w.ndim == 4:
        c_in = w.shape[1]
        if channel is not None:
            if not 0 <= channel < c_in:
                raise IndexError(f"plot_filters: channel {channel} out of range for {c_in} input channels")
            images = w[:, channel]
            note = f", input channel {channel}"
        elif c_in == 3:
            images = w.transpose(0, 2, 3, 1)
            note = ""
        elif c_in == 1:
            images = w[:, 0]
            note = ""
        else:
            images = w[:, 0]
            note = ", input channel 0"
    elif w.ndim == 2:
        shape = tuple(int(s) for s in image_shape) if image_shape is not None else _infer_image_shape(w.shape[1])
        if int(np.prod(shape)) != w.shape[1]:
            raise ValueError(f"plot_filters: image_shape {shape} has {int(np.prod(shape))} elements, the weight "
                             f"rows {w.shape[1]}")
        images = w.reshape((w.shape[0],) + shape)
        if images.ndim == 4:
            if shape[0] == 3:
                images = images.transpose(0, 2, 3, 1)
            elif shape[0] == 1:
                images = images[:, 0]
            else:
                raise ValueError(f"plot_filters: image_shape {shape} must be (H, W), (1, H, W) or (3, H, W)")
        note = ""
    else:
        raise ValueError(f"plot_filters: expected weights of shape (C_out, C_in, kh, kw) or (out, in), "
                         f"got shape {w.shape}")
    if int(max_filters) < 1:
        raise ValueError(f"plot_filters: max_filters must be >= 1, got {max_filters}")
    images = images[:int(max_filters)]
    n = len(images)
    if n == 0:
        raise ValueError(f"plot_filters: the weight has no filters (shape {w.shape})")
    if ncols is not None and int(ncols) < 1:
        raise ValueError(f"plot_filters: ncols must be >= 1, got {ncols}")
    ncols = int(ncols) if ncols else int(math.ceil(math.sqrt(n)))
    nrows = int(math.ceil(n / ncols))
    fig, axes = plt.subplots(nrows, ncols, figsize=(1.2 * ncols + 0.4, 1.2 * nrows + 0.6), squeeze=False)
    for i, ax in enumerate(axes.ravel()):
        ax.set_xticks([])
        ax.set_yticks([])
        if i >= n:
            ax.axis("off")
            continue
        img = images[i]
        lo, hi = img.min(), img.max()
        img = (img - lo) / (hi - lo) if hi > lo else np.zeros_like(img)
        ax.imshow(img, cmap=None if img.ndim == 3 else cmap, vmin=0, vmax=1, interpolation="nearest")
    fig.suptitle(title or f"{n} filters (each normalised to [0, 1]{note})")
    fig.tight_layout()
    return fig


def _function_values(fn: Union[str, Callable], X: np.ndarray, Y: np.ndarray) -> np.ndarray:
    if isinstance(fn, str):
        from .optim import playground
        if fn not in playground.FUNCTIONS:
            raise ValueError(f"plot_contour_paths: unknown function {fn!r} (expected one of "
                             f"{', '.join(playground.FUNCTIONS)} or a callable f(x, y))")
        return playground.evaluate(fn, X, Y)
    if not callable(fn):
        raise TypeError(f"plot_contour_paths: fn must be a name or a callable f(x, y), got {type(fn).__name__}")
    try:
        Z = np.asarray(fn(X, Y), dtype=np.float64)
        if Z.shape != X.shape:
            raise ValueError
    except (TypeError, ValueError):
        # a scalar-only callable (e.g. using math functions): evaluate point by point
        Z = np.vectorize(lambda a, b: float(fn(a, b)))(X, Y)
    return Z


def plot_contour_paths(fn: Union[str, Callable], paths: Mapping[str, Any], xlim: Optional[Tuple[float, float]] = None,
                       ylim: Optional[Tuple[float, float]] = None, levels: int = 30, resolution: int = 300,
                       title: Optional[str] = None, ax: Any = None, colorbar: bool = True) -> "Figure":
    """Contours of a 2-D function with log-spaced levels (the valleys stay visible) and one path per
    optimizer, with a legend (the lectures' optimizer animations as a still).

    ``fn``: a name from ``xgrad.optim.FUNCTIONS`` or a vectorised ``f(x, y)``. ``paths``: ``{label:
    (T, 2) points}`` or ``{label: (path, losses)}`` as returned by ``xgrad.optim.trace``. The view
    covers every finite path point (and the function's minimum) unless ``xlim``/``ylim`` are given.
    ``ax``: draw into this Axes (e.g. one panel of a grid) instead of a new figure; the Axes'
    figure is returned. ``colorbar=False`` leaves the colour bar out."""
    plt = _plt()
    from matplotlib.colors import LogNorm
    from matplotlib.ticker import LogFormatterSciNotation, LogLocator

    if not isinstance(paths, Mapping):
        raise TypeError(f"plot_contour_paths: paths must be a dict label -> (T, 2) points, got {type(paths).__name__}")
    clean: "OrderedDict[str, np.ndarray]" = OrderedDict()
    for label, p in paths.items():
        if isinstance(p, tuple) and len(p) == 2 and np.ndim(p[0]) == 2:
            p = p[0]
        arr = np.asarray(p, dtype=np.float64)
        if arr.ndim != 2 or arr.shape[1] != 2 or arr.shape[0] == 0:
            raise ValueError(f"plot_contour_paths: path {label!r} must have shape (T, 2) with T >= 1, got {arr.shape}")
        clean[str(label)] = arr
    if int(levels) < 2 or int(resolution) < 2:
        raise ValueError(f"plot_contour_paths: levels and resolution must be >= 2, got levels={levels}, "
                         f"resolution={resolution}")
    minimum = None
    if isinstance(fn, str):
        from .optim import playground
        if fn in playground.FUNCTIONS:
            m = playground.minimum(fn)
            minimum = None if np.isnan(m[0]) else m
    if xlim is None or ylim is None:
        pts = [a[np.all(np.isfinite(a), axis=1)] for a in clean.values()]
        pts = [a for a in pts if len(a)]
        if minimum is not None:
            pts.append(np.asarray([minimum]))
        allp = np.concatenate(pts) if pts else np.array([[-1.0, -1.0], [1.0, 1.0]])
        lo, hi = allp.min(axis=0), allp.max(axis=0)
        span = np.maximum(hi - lo, 1e-3)
        lo, hi = lo - 0.15 * span, hi + 0.15 * span
        xlim = xlim or (float(lo[0]), float(hi[0]))
        ylim = ylim or (float(lo[1]), float(hi[1]))
    xs = np.linspace(xlim[0], xlim[1], int(resolution))
    ys = np.linspace(ylim[0], ylim[1], int(resolution))
    X, Y = np.meshgrid(xs, ys)
    Z = _function_values(fn, X, Y)
    # shift so the lowest value on the grid is 0: log levels then also work for functions that go
    # negative (the saddle)
    shifted = Z - np.nanmin(Z)
    positive = shifted[shifted > 0]
    top = float(np.nanmax(shifted)) if positive.size else 1.0
    bottom = float(np.nanpercentile(positive, 0.5)) if positive.size else top * 1e-3
    bottom = max(bottom, top * 1e-8)
    lev = np.logspace(np.log10(bottom), np.log10(top), int(levels))
    if ax is None:
        fig, ax = plt.subplots(figsize=(6.5, 5.0))
    else:
        fig = ax.figure
    cs = ax.contour(X, Y, np.maximum(shifted, bottom), levels=lev, norm=LogNorm(vmin=bottom, vmax=top),
                    cmap="viridis", linewidths=0.8)
    if colorbar:
        cbar = fig.colorbar(cs, ax=ax)
        # ticks at powers of ten, not at the (arbitrary) contour levels
        cbar.locator = LogLocator()
        cbar.formatter = LogFormatterSciNotation()
        cbar.update_ticks()
        cbar.set_label("f(x, y) - min f on the grid (log levels)")
    for i, (label, arr) in enumerate(clean.items()):
        ax.plot(arr[:, 0], arr[:, 1], marker="o", ms=2, lw=1.3, color=f"C{i % 10}", label=label)
        ax.plot(arr[0, 0], arr[0, 1], marker="s", ms=6, color=f"C{i % 10}")
    if minimum is not None:
        ax.plot(*minimum, marker="*", ms=14, color="k", ls="none", label="minimum")
    ax.set_xlim(xlim)
    ax.set_ylim(ylim)
    ax.set_xlabel("x")
    ax.set_ylabel("y")
    name = fn if isinstance(fn, str) else getattr(fn, "__name__", "f")
    ax.set_title(title or f"optimizer paths on {name}")
    if clean or minimum is not None:
        ax.legend(fontsize=8, loc="best")
    fig.tight_layout()
    return fig


def _schedule_values(name: str, spec: Any, epochs: int, lr: float, metrics: Optional[Sequence[float]]) -> np.ndarray:
    """Learning rate at each epoch (the value in force during that epoch) for one entry: the
    given array, or ``lr_scheduler.simulate`` of the factory."""
    from .optim import lr_scheduler

    if not callable(spec) and not isinstance(spec, lr_scheduler.LRScheduler):
        values = np.asarray(spec, dtype=np.float64).ravel()
        if values.size < epochs:
            raise ValueError(f"plot_schedules: entry {name!r} has {values.size} values, fewer than epochs={epochs}")
        return values[:epochs]
    try:
        return lr_scheduler.simulate(spec, lr, epochs, metrics=metrics)
    except TypeError as exc:
        raise TypeError(f"plot_schedules: entry {name!r}: {exc}") from exc
    except ValueError as exc:
        raise ValueError(f"plot_schedules: entry {name!r}: {exc}") from exc


def plot_schedules(schedules: Mapping[str, Any], epochs: int, lr: float = 0.1, log: bool = False,
                   metrics: Optional[Sequence[float]] = None, title: Optional[str] = None) -> "Figure":
    """Learning rate against epoch, one line per named schedule.

    ``schedules``: ``{name: factory}`` where ``factory(rates)`` returns a scheduler, e.g.
    ``{"step": lambda o: StepLR(o, 30, 0.1), "cosine": lambda o: CosineAnnealingLR(o, 100)}``
    (each curve is ``xgrad.optim.lr_scheduler.simulate(factory, lr, epochs, metrics)``: the rate
    in force during each epoch from base rate ``lr``, stepped once per epoch, no optimizer
    needed), or ``{name: array of rates}`` (drawn as given). ``ReduceLROnPlateau`` is fed
    ``metrics[epoch]`` at the end of each epoch (default: a constant loss, i.e. a plateau).
    ``log``: logarithmic learning-rate axis."""
    plt = _plt()
    epochs = int(epochs)
    if epochs < 1:
        raise ValueError(f"plot_schedules: epochs must be >= 1, got {epochs}")
    if not isinstance(schedules, Mapping) or not schedules:
        raise ValueError(f"plot_schedules: schedules must be a non-empty dict name -> scheduler factory, "
                         f"got {schedules!r}")
    if metrics is not None and len(metrics) < epochs:
        raise ValueError(f"plot_schedules: metrics has {len(metrics)} values, fewer than epochs={epochs}")
    fig, ax = plt.subplots(figsize=(6.5, 3.8))
    x = np.arange(epochs)
    for name, spec in schedules.items():
        ax.plot(x, _schedule_values(str(name), spec, epochs, float(lr), metrics), lw=1.8, label=str(name))
    ax.set_xlabel("epoch")
    ax.set_ylabel("learning rate")
    if log:
        ax.set_yscale("log")
    ax.set_title(title or "learning-rate schedules")
    ax.legend(fontsize=8)
    fig.tight_layout()
    return fig


def plot_update_ratios(monitor: Any, guide: float = UPDATE_RATIO_GUIDE, smooth: int = 1,
                       title: Optional[str] = None) -> "Figure":
    """Update/weight ratio ``||dw|| / ||w||`` per parameter against step, on a log scale with the
    lectures' 1e-3 guide line (far below: learning rate too low; far above: too high).

    ``monitor``: an ``xgrad.monitor.UpdateRatioMonitor`` or a dict ``{name: ratios}`` (steps are
    then 0, 1, ...). ``smooth``: moving-average window over records."""
    plt = _plt()
    if hasattr(monitor, "ratios") and hasattr(monitor, "steps"):
        ratios, steps = monitor.ratios, np.asarray(monitor.steps)
    elif isinstance(monitor, Mapping):
        ratios, steps = monitor, None
    else:
        raise TypeError(f"plot_update_ratios: expected an UpdateRatioMonitor or a dict name -> ratios, "
                        f"got {type(monitor).__name__}")
    if not ratios or all(len(np.asarray(v)) == 0 for v in ratios.values()):
        raise ValueError("plot_update_ratios: no ratios recorded (call before_step()/after_step() around "
                         "optimizer.step(), or pass the monitor to the Trainer)")
    window = int(smooth)
    if window < 1:
        raise ValueError(f"plot_update_ratios: smooth must be >= 1, got {smooth}")
    fig, ax = plt.subplots(figsize=(6.5, 3.8))
    for name, r in ratios.items():
        r = np.asarray(r, dtype=np.float64)
        s = np.arange(len(r)) if steps is None or len(steps) != len(r) else steps
        if window > 1 and len(r) >= window:
            r, s = moving_average(r, window), s[window - 1:]
        ax.plot(s, r, lw=1.2, label=str(name))
    ax.axhline(guide, color="k", ls="--", lw=1, label=f"guide {guide:g}")
    ax.set_yscale("log")
    ax.set_xlabel("step")
    ax.set_ylabel("||update|| / ||weights||")
    ax.set_title(title or "update / weight ratio")
    ax.legend(fontsize=8)
    fig.tight_layout()
    return fig
