"""ai-edu chapter 15 reproduced from the course's own files ($XGRAD_DATA/ai-edu): 15.4's table of
iterations to loss 0.005, to the iteration."""
import numpy as np
import pytest

import xgrad
from xgrad.data.ai_edu import CourseShuffle
from xgrad.recipes import ai_edu


@pytest.fixture(scope="module")
def race():
    try:
        return ai_edu.optimizer_race()
    except xgrad.data.DatasetNotFoundError as err:
        pytest.skip(f"the ai-edu files are not here: {err}")


def test_15_4_iteration_counts_match_the_course(race):
    assert {name: r.iterations for name, r in race.items()} == {"SGD": 148, "Momentum": 128,
                                                                 "RMSProp": 130, "Adam": 107}
    for r in race.values():
        assert r.loss < 0.005 <= r.losses[-2]          # the first update below the target
        assert abs(r.w - 2) < 0.05 and abs(r.b - 3) < 0.05


def test_15_4_w_and_b_at_the_stop(race):
    # the course's NumPy code, transcribed (float64): same w, b to rounding
    expected = {"SGD": (1.9523125861283976, 3.026438354872394), "Momentum": (1.9629197034770736, 3.0128492612256528),
                "RMSProp": (1.9931131250571075, 3.011001845908136), "Adam": (2.0375648180029584, 2.9915758075498036)}
    for name, (w, b) in expected.items():
        np.testing.assert_allclose([race[name].w, race[name].b], [w, b], rtol=1e-10)


def test_course_shuffle_is_the_course_code():
    x, y = np.arange(10.0), np.arange(10.0) * 2
    ours = CourseShuffle(65)
    state = np.random.get_state()
    try:
        s = 65
        for _ in range(3):
            np.random.seed(s); xp = np.random.permutation(x)
            np.random.seed(s); yp = np.random.permutation(y)
            ox, oy = ours(x, y)
            assert np.array_equal(ox, xp) and np.array_equal(oy, yp)
            x, y = xp, yp
            s = np.random.randint(0, 100)
    finally:
        np.random.set_state(state)
    assert ours.seeds[0] == 65 and len(ours.seeds) == 3
