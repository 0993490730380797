"""xgrad.claims: mean ± std over seeds, and a claim that holds only for every seed or by a margin
larger than the spread."""
import math

import numpy as np
import pytest

from xgrad.claims import Spread, claim


def test_mean_std_and_text():
    s = Spread.of([0.9, 0.92, 0.94], seeds=(0, 1, 2))
    assert math.isclose(s.mean, 0.92) and math.isclose(s.std, np.std([0.9, 0.92, 0.94], ddof=1))
    assert str(s) == "0.9200 ± 0.0200 (3 seeds: 0.9000, 0.9200, 0.9400)"
    assert Spread.over(lambda seed: seed * 2, range(3)).values == (0.0, 2.0, 4.0)


def test_beats_needs_every_seed_or_a_margin_beyond_the_spread():
    a = Spread.of([0.96, 0.95, 0.97])
    b = Spread.of([0.95, 0.96, 0.94])        # a ahead on two seeds of three, means 0.96 vs 0.95
    assert not a.beats(b) and not b.beats(a)
    assert a.beats(Spread.of([0.90, 0.94, 0.96]))     # every seed, paired
    assert not a.beats(Spread.of([0.90, 0.94, 0.96]), margin=0.02)
    # lower is better (losses); NaN (a diverged run) is the worst value
    assert Spread.of([0.2, 0.3, 0.25]).beats(Spread.of([0.5, float("nan"), 0.4]), higher_is_better=False)
    assert not Spread.of([0.2, float("nan"), 0.25]).beats(Spread.of([0.5, 0.6, 0.4]), higher_is_better=False)
    assert math.isnan(Spread.of([0.2, float("nan")]).mean)


def test_claim_prints_the_gallery_line(capsys):
    assert claim("BN trains faster", "lecture", "0.25 vs 0.55", True) is True
    assert claim("BN more accurate", "96.6%", "0.96 vs 0.95", False) is False
    out = capsys.readouterr().out.splitlines()
    assert out == ["CLAIM: BN trains faster | lecture | 0.25 vs 0.55 | holds",
                   "CLAIM: BN more accurate | 96.6% | 0.96 vs 0.95 | does not hold"]


def test_run_lectures_collects_claims():
    import importlib.util
    from pathlib import Path
    path = Path(__file__).resolve().parent.parent / "tools" / "run_lectures.py"
    if importlib.util.find_spec("nbformat") is None or importlib.util.find_spec("nbclient") is None:
        pytest.skip("nbformat/nbclient are part of the test extra")
    spec = importlib.util.spec_from_file_location("run_lectures", path)
    module = importlib.util.module_from_spec(spec)
    import sys
    sys.modules["run_lectures"] = module      # its dataclasses look their module up there
    try:
        spec.loader.exec_module(module)
    finally:
        del sys.modules["run_lectures"]
    m = module.CLAIM_LINE.match("CLAIM: a vs b | 96.6% | 0.96 ± 0.01 (3 seeds: 1, 2, 3) | does not hold")
    assert m and m.group("name") == "a vs b" and m.group("holds") == "does not hold"
    assert m.group("ours") == "0.96 ± 0.01 (3 seeds: 1, 2, 3)"
