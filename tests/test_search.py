"""xgrad.search: grid/random/coarse-to-fine search, seeding, failures, results table, backends."""
import itertools
import math
import warnings

import numpy as np
import pytest

import xgrad
from xgrad.search import (Choice, IntUniform, LogUniform, SearchResults, Uniform, coarse_to_fine, grid_search,
                          random_search)


def _identity_score(params):
    return 0.0


def _noisy_bowl(params):
    """A score that also depends on the trial's seed (through xgrad's generator), so backends
    agree only if each trial is seeded the same way wherever it runs."""
    noise = float(xgrad.rand(1, dtype=xgrad.float64).numpy()[0])
    if params["lr"] > 0.05:
        raise FloatingPointError(f"loss exploded at lr={params['lr']:.3g}")
    return {"score": -(math.log10(params["lr"]) + 3.0) ** 2 - 0.1 * params["p"] + noise, "noise": noise}


SPACE = {"lr": LogUniform(1e-5, 1e-1), "p": Uniform(0.0, 1.0), "act": ["relu", "tanh"], "width": 32}


def _ks_uniform(u):
    """Kolmogorov-Smirnov distance between the empirical distribution of ``u`` and U[0, 1]."""
    u = np.sort(np.asarray(u))
    n = len(u)
    i = np.arange(1, n + 1)
    return max(np.max(i / n - u), np.max(u - (i - 1) / n))


# ---------------------------------------------------------------- grid search

def test_grid_covers_the_product_exactly():
    seen = []

    def objective(params):
        seen.append(params)
        return params["a"] * 10 + len(params["b"])

    space = {"a": [1, 2, 3], "b": ["x", "yy"], "c": 5, "d": Choice([0.5, 0.7])}
    res = grid_search(objective, space)
    combos = sorted((t.params["a"], t.params["b"], t.params["d"]) for t in res)
    assert combos == sorted(itertools.product([1, 2, 3], ["x", "yy"], [0.5, 0.7]))
    assert len(res) == len(seen) == 12
    assert all(t.params["c"] == 5 for t in res)
    assert res.best.params["a"] == 3 and res.best.params["b"] == "yy"
    assert res.best.score == 32


def test_grid_cuts_distributions_into_points():
    res = grid_search(_identity_score, {"lr": LogUniform(1e-4, 1e-1), "p": Uniform(0, 1), "h": IntUniform(1, 4)},
                      points={"lr": 4, "p": 3, "h": 4})
    arr = res.to_arrays()
    np.testing.assert_allclose(np.unique(arr["lr"]), np.geomspace(1e-4, 1e-1, 4), rtol=1e-12)
    np.testing.assert_allclose(np.unique(arr["p"]), np.linspace(0, 1, 3))
    assert sorted(set(arr["h"].astype(int))) == [1, 2, 3, 4]
    assert len(res) == 4 * 3 * 4
    with pytest.raises(ValueError, match=r"grid_search: space\['lr'\].*points"):
        grid_search(_identity_score, {"lr": LogUniform(1e-4, 1e-1)})
    with pytest.raises(ValueError, match=r"grid_search: points names \['l_r'\], which are not in the space \['lr', 'p'\]"):
        grid_search(_identity_score, {"lr": [1e-3, 1e-2], "p": Uniform(0, 1)}, points={"p": 3, "l_r": 4})


# ---------------------------------------------------------------- sampling

def test_random_samples_lie_in_range_and_log_is_uniform():
    n = 2000
    res = random_search(_identity_score, {"lr": LogUniform(1e-6, 1e-1), "p": Uniform(-1.0, 3.0),
                                          "h": IntUniform(2, 5), "act": ["a", "b", "c"]}, n_trials=n, seed=3)
    arr = res.to_arrays()
    lr, p, h = arr["lr"], arr["p"], arr["h"]
    assert np.all((lr >= 1e-6) & (lr <= 1e-1)) and np.all((p >= -1) & (p <= 3))
    # KS critical value at alpha = 0.001 is 1.95 / sqrt(n)
    tol = 1.95 / math.sqrt(n)
    assert _ks_uniform((np.log10(lr) + 6) / 5) < tol
    assert _ks_uniform((p + 1) / 4) < tol
    # the same test rejects a plain uniform lr: it does tell log-uniform from uniform
    plain = np.asarray(Uniform(1e-6, 1e-1).sample(n))
    assert _ks_uniform((np.log10(plain) + 6) / 5) > tol
    # integers: every value of [2, 5] (both ends), each near n/4 (binomial sd ~ 19)
    counts = np.bincount(h.astype(int), minlength=6)[2:]
    assert counts.sum() == n and np.all(np.abs(counts - n / 4) < 5 * math.sqrt(n * 0.25 * 0.75))
    acts = arr["act"]
    for a in "abc":
        assert abs(np.sum(acts == a) - n / 3) < 5 * math.sqrt(n * 2 / 9)


def test_int_uniform_log_scale_is_log_uniform():
    x = np.asarray(IntUniform(1, 1023, log=True).sample(4000))
    assert x.min() >= 1 and x.max() <= 1023
    # P(x < 2^k) = k / 10 on the log scale of [1, 1024)
    for k in (2, 5, 8):
        assert abs(np.mean(x < 2 ** k) - k / 10) < 4 * math.sqrt(0.25 / 4000)


def test_search_repeats_with_seed_and_leaves_the_generator_alone():
    xgrad.manual_seed(7)
    expected_next = xgrad.rand(3).numpy().copy()
    xgrad.manual_seed(7)
    a = random_search(_noisy_bowl, SPACE, n_trials=6, seed=11)
    assert np.array_equal(xgrad.rand(3).numpy(), expected_next)   # an explicit seed draws nothing
    b = random_search(_noisy_bowl, SPACE, n_trials=6, seed=11)
    c = random_search(_noisy_bowl, SPACE, n_trials=6, seed=12)
    assert [t.params for t in a] == [t.params for t in b]
    assert [t.metrics for t in a] == [t.metrics for t in b]
    assert [t.params for t in a] != [t.params for t in c]
    # seed=None takes the search seed from xgrad's generator: manual_seed repeats the search
    xgrad.manual_seed(5)
    d = random_search(_noisy_bowl, SPACE, n_trials=4)
    xgrad.manual_seed(5)
    e = random_search(_noisy_bowl, SPACE, n_trials=4)
    assert [t.params for t in d] == [t.params for t in e] and d.seed == e.seed


def test_distributions_compare_by_their_exact_bounds():
    assert Uniform(0, 1) == Uniform(0.0, 1.0) and hash(Uniform(0, 1)) == hash(Uniform(0.0, 1.0))
    assert Uniform(0, 1.0000001) != Uniform(0, 1.0000002)      # equal when printed to 6 digits
    assert LogUniform(1e-4, 0.1) != Uniform(1e-4, 0.1)
    assert IntUniform(1, 8) != IntUniform(1, 8, log=True) and IntUniform(2, 9) == IntUniform(2, 9)
    assert len({LogUniform(1e-4, 1e-1), LogUniform(1e-4, 1e-1), LogUniform(1e-4, 0.1000001)}) == 2


def test_adding_a_parameter_keeps_the_other_draws():
    a = random_search(_identity_score, {"lr": LogUniform(1e-4, 1)}, n_trials=5, seed=1)
    b = random_search(_identity_score, {"lr": LogUniform(1e-4, 1), "p": Uniform(0, 1)}, n_trials=5, seed=1)
    assert [t.params["lr"] for t in a] == [t.params["lr"] for t in b]


# ---------------------------------------------------------------- coarse to fine

def test_coarse_to_fine_narrows_around_the_optimum():
    lr_star, p_star = 3e-3, 0.7

    def objective(params):
        return -((math.log10(params["lr"]) - math.log10(lr_star)) ** 2) - 4 * (params["p"] - p_star) ** 2

    res = coarse_to_fine(objective, {"lr": LogUniform(1e-7, 1e0), "p": Uniform(0, 1), "act": ["relu", "tanh"]},
                         rounds=3, n_trials=30, seed=0, mode="max")
    assert len(res) == 90 and [np.sum(res.to_arrays()["round"] == r) for r in range(3)] == [30, 30, 30]
    widths = [math.log10(s["lr"].high / s["lr"].low) for s in res.spaces]
    assert widths[0] == pytest.approx(7.0)
    # the best fifth of a round fills about sqrt(0.2) of each axis of a 2-D bowl: the ranges shrink
    assert widths[1] < widths[0] / 2 and widths[2] < widths[1] and widths[2] < 2.0
    for s in res.spaces:       # every round's range still holds the optimum
        assert s["lr"].low <= lr_star <= s["lr"].high and s["p"].low <= p_star <= s["p"].high
    assert abs(math.log10(res.best.params["lr"]) - math.log10(lr_star)) < 0.25
    assert abs(res.best.params["p"] - p_star) < 0.1
    # the fine rounds sample near the optimum far more often than the coarse one
    near = [np.mean([abs(math.log10(t.params["lr"] / lr_star)) < 0.5 for t in res if t.round == r]) for r in range(3)]
    assert near[0] < 0.3 and near[2] > 0.5


def test_coarse_to_fine_per_round_constants_and_minimise():
    def objective(params):
        return (params["x"] - 2.0) ** 2 + params["epochs"]

    res = coarse_to_fine(objective, {"x": Uniform(-10, 10)}, rounds=2, n_trials=[12, 6],
                         per_round=[{"epochs": 1}, {"epochs": 5}], mode="min", seed=2)
    assert [t.params["epochs"] for t in res] == [1] * 12 + [5] * 6
    last = res.of_round(1)
    assert len(last) == 6 and all(t.round == 1 for t in last) and last.mode == "min"
    assert last.best.score == min(t.score for t in res if t.round == 1)
    assert res.spaces[1]["x"].high - res.spaces[1]["x"].low < 20
    assert res.best.score == min(t.score for t in res)


def test_coarse_to_fine_zero_margin_keeps_a_valid_range_around_the_single_best():
    res = coarse_to_fine(lambda p: -abs(p["x"] - 0.3) - abs(p["n"] - 7), {"x": Uniform(0, 1), "n": IntUniform(1, 20)},
                         rounds=2, n_trials=10, top_k=1, margin=0.0, seed=1, warn_edges=False)
    first_best = res.of_round(0).best.params
    x_range, n_range = res.spaces[1]["x"], res.spaces[1]["n"]
    assert x_range.low <= first_best["x"] <= x_range.high and 0 < x_range.high - x_range.low <= 0.05 + 1e-12
    assert n_range.low <= first_best["n"] <= n_range.high and n_range.high > n_range.low
    assert all(x_range.low <= t.params["x"] <= x_range.high for t in res.of_round(1))


def test_coarse_to_fine_warns_when_the_best_is_at_the_edge():
    with pytest.warns(UserWarning, match="edge of the range"):
        coarse_to_fine(lambda p: p["lr"], {"lr": LogUniform(1e-4, 1e-1)}, rounds=3, n_trials=20, seed=0)
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        coarse_to_fine(lambda p: -abs(math.log10(p["lr"]) + 2.5), {"lr": LogUniform(1e-4, 1e-1)},
                       rounds=2, n_trials=10, seed=0)


# ---------------------------------------------------------------- failures and the table

def test_failures_are_recorded_and_the_search_goes_on(capsys):
    def objective(params):
        if params["a"] == 2:
            raise ZeroDivisionError("no good")
        if params["a"] == 3:
            return float("nan")
        if params["a"] == 4:
            return {"loss": 1.0}
        return params["a"]

    res = grid_search(objective, {"a": [1, 2, 3, 4, 5]}, progress=True)
    by_a = {t.params["a"]: t for t in res}
    assert by_a[2].error == "ZeroDivisionError: no good" and "Traceback" in by_a[2].traceback
    assert math.isnan(by_a[3].score) and not by_a[3].ok and by_a[3].error is None
    assert by_a[4].error.startswith("KeyError") and "'score'" in by_a[4].error
    assert by_a[1].ok and by_a[5].ok and res.best.params["a"] == 5
    assert [t.params["a"] for t in res.sorted()] == [5, 1, 2, 3, 4]
    assert len(res.failures) == 3
    bar = capsys.readouterr().err
    assert "grid_search" in bar and "5/5" in bar and "best=5" in bar
    with pytest.raises(ValueError, match="SearchResults.best.*ZeroDivisionError"):
        _ = grid_search(lambda p: 1 / 0 if p["a"] else 0, {"a": [1, 2]}).best


def test_scores_may_be_one_element_tensors_and_arrays():
    def objective(params):
        if params["kind"] == "tensor":
            return xgrad.tensor([[params["v"]]], dtype=xgrad.float64)
        if params["kind"] == "array":
            return {"score": np.array(params["v"]), "acc": np.float32(0.5)}
        return xgrad.tensor([1.0, 2.0])

    res = grid_search(objective, {"kind": ["tensor", "array", "vector"], "v": [0.25]})
    by_kind = {t.params["kind"]: t for t in res}
    assert by_kind["tensor"].score == 0.25 and by_kind["array"].score == 0.25
    assert by_kind["array"].metrics == {"acc": 0.5} and type(by_kind["array"].metrics["acc"]) is float
    assert by_kind["vector"].error.startswith("TypeError") and "Tensor" in by_kind["vector"].error


def test_results_table_and_arrays():
    res = random_search(_noisy_bowl, SPACE, n_trials=12, seed=4, mode="max")
    order = [t.score for t in res.sorted() if t.ok]
    assert order == sorted(order, reverse=True)
    md = res.to_markdown(top=5).splitlines()
    assert md[0].startswith("| rank | trial | lr | p | act | width | score | noise |")
    assert len(md) == 2 + 5
    text = res.to_text()
    assert len(text.splitlines()) == 2 + 12 and "lr" in text.splitlines()[0]
    arr = res.to_arrays()
    assert arr["lr"].dtype == np.float64 and arr["act"].dtype == object and len(arr["score"]) == 12
    assert np.array_equal(np.isnan(arr["score"]), ~arr["ok"])
    np.testing.assert_array_equal(arr["noise"], [t.metrics.get("noise", np.nan) for t in res])
    res_min = SearchResults(list(res), "min")
    assert res_min.best.score == np.nanmin(arr["score"])
    assert res.best.score == np.nanmax(arr["score"])


def test_table_rows_stay_on_one_line_with_multiline_errors():
    def objective(params):
        if params["a"] == 2:
            raise ValueError("shapes differ:\n  (3, 4)\n  | (4, 3)")
        return params["a"]

    res = grid_search(objective, {"a": [1, 2]})
    md = res.to_markdown().splitlines()
    assert len(md) == 2 + 2
    assert md[-1].endswith("| ValueError: shapes differ: (3, 4) \\| (4, 3) |")
    assert all(line.count(" | ") == md[0].count(" | ") for line in md[2:])
    assert len(res.to_text().splitlines()) == 2 + 2
    assert res[1].error == "ValueError: shapes differ:\n  (3, 4)\n  | (4, 3)"


def test_public_api_has_docstrings():
    import inspect
    import xgrad.search as search
    missing = []
    for name in search.__all__:
        obj = getattr(search, name)
        if not inspect.getdoc(obj):
            missing.append(name)
        if inspect.isclass(obj):
            for attr, value in vars(obj).items():
                if not attr.startswith("_") and (callable(value) or isinstance(value, property)):
                    if not inspect.getdoc(getattr(obj, attr)):
                        missing.append(f"{name}.{attr}")
    assert not missing, f"public API without a docstring: {missing}"


# ---------------------------------------------------------------- bad input

@pytest.mark.parametrize("make, match", [
    (lambda: LogUniform(0.0, 1.0), r"LogUniform: low must be > 0.*low=0\.0"),
    (lambda: LogUniform(-1e-3, 1.0), r"LogUniform: low must be > 0"),
    (lambda: Uniform(1.0, 1.0), r"Uniform: low must be < high, got low=1\.0, high=1\.0"),
    (lambda: LogUniform(1e-1, 1e-3), r"LogUniform: low must be < high"),
    (lambda: IntUniform(5, 2), r"IntUniform: low must be < high"),
    (lambda: IntUniform(0, 8, log=True), r"IntUniform: low must be >= 1"),
    (lambda: Choice([]), r"Choice: values must hold at least one option"),
    (lambda: random_search(_identity_score, {}, 3), r"random_search: space is empty"),
    (lambda: grid_search(_identity_score, {}), r"grid_search: space is empty"),
    (lambda: random_search(_identity_score, {"lr": []}, 3), r"random_search: space\['lr'\] is an empty list"),
    (lambda: random_search(_identity_score, SPACE, 0), r"random_search: n_trials must be a positive integer, got 0"),
    (lambda: random_search(_identity_score, SPACE, -2), r"n_trials must be a positive integer, got -2"),
    (lambda: random_search(_identity_score, SPACE, 3, mode="best"), r"random_search: mode must be 'max'.*'best'"),
    (lambda: random_search(_identity_score, SPACE, 3, n_jobs=0), r"random_search: n_jobs must be"),
    (lambda: random_search(_identity_score, SPACE, 3, threads_per_trial=True), r"random_search: threads_per_trial.*True"),
    (lambda: grid_search(_identity_score, {"a": [1]}, threads_per_trial=0), r"grid_search: threads_per_trial.*got 0"),
    (lambda: coarse_to_fine(_identity_score, SPACE, rounds=0), r"coarse_to_fine: rounds must be a positive"),
    (lambda: coarse_to_fine(_identity_score, SPACE, rounds=2, n_trials=[3]), r"coarse_to_fine: n_trials must"),
    (lambda: coarse_to_fine(_identity_score, SPACE, rounds=2, n_trials=5.0), r"coarse_to_fine: n_trials must.*5\.0"),
    (lambda: coarse_to_fine(_identity_score, SPACE, rounds=2, n_trials="20"), r"coarse_to_fine: n_trials must.*'20'"),
    (lambda: coarse_to_fine(_identity_score, SPACE, rounds=2, n_trials=None), r"coarse_to_fine: n_trials must.*None"),
    (lambda: coarse_to_fine(_identity_score, {"a": 1}), r"coarse_to_fine: space has no searched parameter"),
    (lambda: coarse_to_fine(_identity_score, SPACE, margin=-1), r"coarse_to_fine: margin must be"),
])
def test_bad_input_raises_value_error_naming_the_parameter(make, match):
    with pytest.raises(ValueError, match=match):
        make()


def test_bad_types_raise_type_error():
    with pytest.raises(TypeError, match="random_search: space must be a dict"):
        random_search(_identity_score, [("lr", 1)], 3)
    with pytest.raises(TypeError, match="random_search: objective must be a callable"):
        random_search("f", SPACE, 3)
    with pytest.raises(TypeError, match=r"space\['lr'\] is the class LogUniform"):
        random_search(_identity_score, {"lr": LogUniform}, 3)
    with pytest.raises(TypeError, match="Uniform: low must be a real number"):
        Uniform("0", 1)


# ---------------------------------------------------------------- backends

def _as_main(fn):
    """Make ``fn`` look like a function typed into a notebook cell (module ``__main__``), which a
    fresh worker process cannot import by name."""
    fn.__module__ = "__main__"
    fn.__qualname__ = fn.__name__
    return fn


@pytest.mark.slow
def test_processes_agree_with_sequential_for_a_notebook_defined_objective():
    offset = 0.25   # a closure variable: travels with the function

    @_as_main
    def cell_objective(params):
        out = _noisy_bowl(params)
        out["score"] += offset
        return out

    seq = random_search(cell_objective, SPACE, n_trials=8, seed=21)
    par = random_search(cell_objective, SPACE, n_trials=8, seed=21, n_jobs=2)
    assert [t.params for t in seq] == [t.params for t in par]
    assert [t.error for t in seq] == [t.error for t in par]
    np.testing.assert_array_equal(seq.to_arrays()["score"], par.to_arrays()["score"])
    assert any(t.error and t.error.startswith("FloatingPointError") for t in par)
    grid_seq = grid_search(cell_objective, {"lr": [1e-3, 1e-2], "p": [0.0, 1.0]}, seed=3)
    grid_par = grid_search(cell_objective, {"lr": [1e-3, 1e-2], "p": [0.0, 1.0]}, seed=3, n_jobs=2)
    np.testing.assert_array_equal(grid_seq.to_arrays()["score"], grid_par.to_arrays()["score"])


@pytest.mark.slow
def test_dask_cluster_agrees_with_sequential():
    distributed = pytest.importorskip("distributed", reason="dask.distributed is part of the test extra")
    cell_objective = _as_main(lambda params: _noisy_bowl(params))
    seq = coarse_to_fine(cell_objective, SPACE, rounds=2, n_trials=6, seed=5, warn_edges=False)
    with distributed.LocalCluster(n_workers=2, threads_per_worker=1, processes=True, dashboard_address=None,
                                  silence_logs=40) as cluster, distributed.Client(cluster) as client:
        on_dask = coarse_to_fine(cell_objective, SPACE, rounds=2, n_trials=6, seed=5, warn_edges=False,
                                 client=client)
        with pytest.raises(ValueError, match="either n_jobs .* or client"):
            random_search(_noisy_bowl, SPACE, 2, n_jobs=2, client=client)
    assert [t.params for t in seq] == [t.params for t in on_dask]
    assert [t.seed for t in seq] == [t.seed for t in on_dask]
    np.testing.assert_array_equal(seq.to_arrays()["score"], on_dask.to_arrays()["score"])
    assert [repr(s) for s in seq.spaces] == [repr(s) for s in on_dask.spaces]
