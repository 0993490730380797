"""xgrad.data preprocessing vs scikit-learn (StandardScaler, MinMaxScaler, PCA with and without
whiten) and NumPy formulas (per-channel statistics, ZCA's W = U diag(1/sqrt(S+eps)) U^T)."""
import numpy as np
import pytest

import xgrad
from xgrad.data import (
    PCA, MeanSubtraction, MinMaxScaler, NotFittedError, PCAWhitening, Standardize, ZCAWhitening,
)

SKLEARN_MISSING = "scikit-learn (part of the test extra) is the reference for this comparison and is not installed"


@pytest.fixture
def sk_pre():
    return pytest.importorskip("sklearn.preprocessing", reason=SKLEARN_MISSING)


@pytest.fixture
def sk_dec():
    return pytest.importorskip("sklearn.decomposition", reason=SKLEARN_MISSING)


def correlated(rng, n=400, d=6, scale=None):
    """Gaussian data with a random full covariance and nonzero mean."""
    a = rng.normal(size=(d, d))
    x = rng.normal(size=(n, d)) @ a + rng.normal(size=d) * 3
    if scale is not None:
        x = x * scale
    return x


def match_signs(ours, ref):
    """Flip the columns of ``ours`` to agree in sign with ``ref`` (principal axes have no sign)."""
    signs = np.sign(np.sum(ours * ref, axis=0))
    return ours * signs


# ------------------------------------------------------------------------------------------
# elementwise scalers
# ------------------------------------------------------------------------------------------

def test_standardize_matches_sklearn(rng, sk_pre):
    x = correlated(rng, scale=np.array([1, 10, 0.1, 5, 1, 2]))
    x[:, 4] = 7.0  # a constant feature is only centred, as sklearn does
    x_test = correlated(rng, n=50)
    ours, ref = Standardize().fit(x), sk_pre.StandardScaler().fit(x)
    np.testing.assert_allclose(ours.transform(x_test), ref.transform(x_test), rtol=1e-12, atol=1e-12)
    np.testing.assert_allclose(ours.scale_, ref.scale_, rtol=1e-12)
    np.testing.assert_allclose(ours.inverse_transform(ours.transform(x_test)), x_test, rtol=1e-12, atol=1e-10)
    z = ours.transform(x)
    np.testing.assert_allclose(z.mean(axis=0), 0, atol=1e-12)
    np.testing.assert_allclose(np.delete(z.std(axis=0), 4), 1, rtol=1e-12)


@pytest.mark.parametrize("scale", [1e-16, 1e-8, 1e8])
def test_standardize_scales_features_of_any_magnitude_like_sklearn(rng, scale, sk_pre):
    # small-magnitude features are not constant: they must be scaled, not only centred
    x = correlated(rng) * scale
    x[:, 1] = 0.1 * scale  # constant, stored with rounding noise in its mean
    x[:, 3] = 1e6  # constant and large
    ours, ref = Standardize().fit(x), sk_pre.StandardScaler().fit(x)
    np.testing.assert_allclose(ours.scale_, ref.scale_, rtol=1e-12)
    np.testing.assert_array_equal(ours.scale_[[1, 3]], 1.0)
    np.testing.assert_allclose(ours.transform(x), ref.transform(x), rtol=1e-9, atol=1e-9)
    z = ours.transform(x)
    np.testing.assert_allclose(np.delete(z.std(axis=0), [1, 3]), 1, rtol=1e-9)


@pytest.mark.parametrize("feature_range", [(-1, 1), (0, 1), (-3, 0.5)])
def test_minmax_matches_sklearn(rng, feature_range, sk_pre):
    x = correlated(rng)
    x[:, 2] = -1.5
    x_test = correlated(rng, n=30) * 1.5
    ours = MinMaxScaler(feature_range=feature_range).fit(x)
    ref = sk_pre.MinMaxScaler(feature_range=feature_range).fit(x)
    np.testing.assert_allclose(ours.transform(x_test), ref.transform(x_test), rtol=1e-12, atol=1e-12)
    np.testing.assert_allclose(ours.inverse_transform(ours.transform(x_test)), x_test, rtol=1e-12, atol=1e-10)
    lo, hi = feature_range
    z = ours.transform(x)
    keep = [0, 1, 3, 4, 5]
    np.testing.assert_allclose(z[:, keep].min(axis=0), lo, atol=1e-12)
    np.testing.assert_allclose(z[:, keep].max(axis=0), hi, atol=1e-12)


def test_mean_subtraction_uses_train_statistics(rng):
    x_train, x_test = correlated(rng), correlated(rng, n=80) + 1.0
    m = MeanSubtraction().fit(x_train)
    np.testing.assert_allclose(m.transform(x_train).mean(axis=0), 0, atol=1e-12)
    np.testing.assert_allclose(m.transform(x_test), x_test - x_train.mean(axis=0), rtol=1e-12)
    np.testing.assert_allclose(m.inverse_transform(m.transform(x_test)), x_test, rtol=1e-12)


def test_per_feature_on_images_is_the_mean_image(rng):
    x = rng.uniform(size=(20, 3, 4, 5)).astype(np.float32)
    m = MeanSubtraction().fit(x)
    assert m.mean_.shape == (3, 4, 5)
    out = m.transform(x)
    assert out.dtype == np.float32 and out.shape == x.shape
    np.testing.assert_allclose(out, x - x.mean(axis=0), atol=1e-6)


def test_per_channel_statistics_on_nchw(rng):
    x = rng.uniform(size=(16, 3, 5, 5)) * np.array([1.0, 2.0, 4.0])[None, :, None, None] \
        + np.array([0.0, 1.0, -2.0])[None, :, None, None]
    mean = x.mean(axis=(0, 2, 3))
    std = x.std(axis=(0, 2, 3))
    m = MeanSubtraction(axis="channel").fit(x)
    np.testing.assert_allclose(m.mean_, mean, rtol=1e-12)
    np.testing.assert_allclose(m.transform(x), x - mean[None, :, None, None], rtol=1e-12, atol=1e-12)
    s = Standardize(axis="channel").fit(x)
    z = s.transform(x)
    np.testing.assert_allclose(z, (x - mean[None, :, None, None]) / std[None, :, None, None], rtol=1e-12)
    np.testing.assert_allclose(z.mean(axis=(0, 2, 3)), 0, atol=1e-12)
    np.testing.assert_allclose(z.std(axis=(0, 2, 3)), 1, rtol=1e-12)
    mm = MinMaxScaler(axis="channel").fit(x)
    zz = mm.transform(x)
    np.testing.assert_allclose(zz.min(axis=(0, 2, 3)), -1, atol=1e-12)
    np.testing.assert_allclose(zz.max(axis=(0, 2, 3)), 1, atol=1e-12)
    np.testing.assert_allclose(mm.inverse_transform(zz), x, rtol=1e-12)
    # a different image size is fine per channel, a different channel count is not
    assert s.transform(x[:, :, :2, :3]).shape == (16, 3, 2, 3)
    with pytest.raises(ValueError, match=r"Standardize.transform: .*\(16, 4, 5, 5\)"):
        s.transform(np.zeros((16, 4, 5, 5)))


def test_accepts_tensors_and_keeps_float32(rng):
    x = rng.normal(size=(30, 4)).astype(np.float32)
    out = Standardize().fit(xgrad.tensor(x)).transform(xgrad.tensor(x))
    assert isinstance(out, np.ndarray) and out.dtype == np.float32
    np.testing.assert_allclose(out, (x - x.mean(0)) / x.std(0), rtol=1e-4, atol=1e-5)


# ------------------------------------------------------------------------------------------
# PCA and whitening
# ------------------------------------------------------------------------------------------

@pytest.mark.parametrize("k", [2, 6])
def test_pca_matches_sklearn(rng, k, sk_dec):
    x, x_test = correlated(rng), correlated(rng, n=40)
    ours, ref = PCA(k).fit(x), sk_dec.PCA(k, svd_solver="full").fit(x)
    np.testing.assert_allclose(ours.explained_variance_, ref.explained_variance_, rtol=1e-10)
    np.testing.assert_allclose(ours.explained_variance_ratio_, ref.explained_variance_ratio_, rtol=1e-10)
    comp = match_signs(ours.components_.T, ref.components_.T).T
    np.testing.assert_allclose(comp, ref.components_, atol=1e-10)
    z = ours.transform(x_test)
    np.testing.assert_allclose(match_signs(z, ref.transform(x_test)), ref.transform(x_test), atol=1e-9)
    np.testing.assert_allclose(ours.inverse_transform(z), ref.inverse_transform(ref.transform(x_test)), atol=1e-9)


def test_pca_variance_fraction_matches_sklearn(rng, sk_dec):
    x = correlated(rng, d=10)
    assert PCA(0.9).fit(x).n_components_ == sk_dec.PCA(0.9, svd_solver="full").fit(x).n_components_


def test_pca_variance_fraction_never_exceeds_the_feature_count(rng):
    # no variance at all: every cumulative ratio is 0, yet at most D components are kept
    const = np.ones((10, 3))
    p = PCA(0.9).fit(const)
    assert p.n_components_ == p.components_.shape[0] == 3
    np.testing.assert_allclose(p.inverse_transform(p.transform(const)), const, atol=1e-12)
    x = correlated(rng, d=4)
    assert PCA(1 - 1e-16).fit(x).n_components_ == 4
    # a NumPy float is a fraction too: the fewest components whose variance reaches half the total
    ev = np.linalg.eigvalsh(np.cov(x, rowvar=False))[::-1]
    half = int(np.searchsorted(np.cumsum(ev) / ev.sum(), 0.5, side="right")) + 1
    assert PCA(np.float32(0.5)).fit(x).n_components_ == PCA(0.5).fit(x).n_components_ == half < 4


@pytest.mark.parametrize("frac", [1.0, 2.0, 0.0, -0.5])
def test_pca_float_n_components_is_a_fraction(rng, frac):
    # PCA(1.0) meaning "all the variance" must not silently become one component
    # refused when the PCA is made, before any data
    with pytest.raises(ValueError, match=r"PCA: a float n_components is a fraction of variance in \(0, 1\)"):
        PCA(frac)


def test_pca_on_images_flattens_and_restores(rng):
    x = rng.normal(size=(50, 2, 3, 3))
    p = PCA(18).fit(x)
    z = p.transform(x)
    assert z.shape == (50, 18)
    np.testing.assert_allclose(p.inverse_transform(z), x, atol=1e-10)  # all components: exact


def test_pca_whitening_matches_sklearn_whiten(rng, sk_dec):
    x, x_test = correlated(rng), correlated(rng, n=40)
    ours = PCAWhitening(4, eps=0.0).fit(x)
    ref = sk_dec.PCA(4, whiten=True, svd_solver="full").fit(x)
    want = ref.transform(x_test)
    np.testing.assert_allclose(match_signs(ours.transform(x_test), want), want, atol=1e-9)
    np.testing.assert_allclose(ours.inverse_transform(ours.transform(x_test)),
                               ref.inverse_transform(want), atol=1e-9)


def test_pca_whitening_lecture_formula_and_identity_covariance(rng):
    x = correlated(rng)
    eps = 1e-5
    w = PCAWhitening(eps=eps).fit(x)
    xc = x - x.mean(axis=0)
    cov = xc.T @ xc / (len(x) - 1)
    s, u = np.linalg.eigh(cov)
    s, u = s[::-1], u[:, ::-1]
    want = xc @ u / np.sqrt(s + eps)
    np.testing.assert_allclose(match_signs(w.transform(x), want), want, atol=1e-9)
    # covariance diag(S / (S + eps)): the identity up to eps's shrinkage of small directions
    np.testing.assert_allclose(np.cov(w.transform(x), rowvar=False), np.diag(s / (s + eps)), atol=1e-10)
    np.testing.assert_allclose(np.cov(w.transform(x), rowvar=False), np.eye(6), atol=1e-3)


def test_zca_matches_formula(rng):
    x = correlated(rng)
    eps = 1e-2
    z = ZCAWhitening(eps=eps).fit(x)
    xc = x - x.mean(axis=0)
    s, u = np.linalg.eigh(xc.T @ xc / (len(x) - 1))
    w = u @ np.diag(1.0 / np.sqrt(s + eps)) @ u.T
    np.testing.assert_allclose(z.whitening_matrix_, w, rtol=1e-9, atol=1e-12)
    np.testing.assert_allclose(z.transform(x), xc @ w, rtol=1e-9, atol=1e-12)
    np.testing.assert_allclose(z.whitening_matrix_, z.whitening_matrix_.T, atol=1e-12)


def test_zca_whitened_covariance_is_identity_and_round_trips(rng):
    x = correlated(rng, n=2000, d=8)
    z = ZCAWhitening(eps=1e-8).fit(x)
    xw = z.transform(x)
    np.testing.assert_allclose(np.cov(xw, rowvar=False), np.eye(8), atol=1e-6)
    np.testing.assert_allclose(z.inverse_transform(xw), x, rtol=1e-9, atol=1e-9)
    # among all whitening transforms ZCA stays closest to the data: closer than PCA whitening
    pw = PCAWhitening(eps=1e-8).fit_transform(x)
    xc = x - x.mean(axis=0)
    assert np.sum((xw - xc) ** 2) < np.sum((pw - xc) ** 2)


def test_zca_on_images_keeps_shape(rng):
    x = rng.uniform(size=(100, 3, 4, 4)).astype(np.float32)
    out = ZCAWhitening(eps=1e-3).fit_transform(x)
    assert out.shape == x.shape and out.dtype == np.float32
    flat = out.reshape(100, -1).astype(np.float64)
    cov = np.cov(flat, rowvar=False)
    assert np.abs(np.diag(cov) - 1).max() < 0.2  # eps shrinks the smallest directions a little
    assert np.abs(cov - np.diag(np.diag(cov))).max() < 0.05


# ------------------------------------------------------------------------------------------
# errors
# ------------------------------------------------------------------------------------------

ALL = [MeanSubtraction, Standardize, MinMaxScaler, lambda: PCA(2), lambda: PCAWhitening(2), ZCAWhitening]


@pytest.mark.parametrize("make", ALL)
def test_transform_before_fit_raises(make):
    t = make()
    with pytest.raises(NotFittedError, match=r"\.transform: call fit\(x_train\) first"):
        t.transform(np.zeros((3, 4)))
    assert issubclass(NotFittedError, ValueError)


@pytest.mark.parametrize("make", ALL)
def test_wrong_feature_count_names_shapes(make, rng):
    t = make().fit(rng.normal(size=(20, 4)))
    with pytest.raises(ValueError, match=r"fitted on samples of shape \(4,\), got an array of shape \(5, 3\)"):
        t.transform(np.zeros((5, 3)))


@pytest.mark.parametrize("make", ALL)
@pytest.mark.parametrize("bad", ["empty", "nan", "inf"])
def test_fit_rejects_empty_or_non_finite_training_data(make, bad):
    x = np.random.default_rng(0).normal(size=(20, 4))
    if bad == "empty":
        x, pattern = x[:0], r"\.fit: got no samples \(shape \(0, 4\)\)"
    else:
        x[3, 2] = np.nan if bad == "nan" else -np.inf
        pattern = r"\.fit: the training data holds NaN or Inf \(first at index \(3, 2\)"
    t = make()
    with pytest.raises(ValueError, match=type(t).__name__ + pattern):
        t.fit(x)
    with pytest.raises(NotFittedError):  # nothing half-fitted is left behind
        t.transform(np.zeros((2, 4)))


@pytest.mark.parametrize("make, bad", [
    (lambda: PCA(5), np.random.default_rng(1).normal(size=(10, 3))),           # too many components
    (lambda: PCAWhitening(eps=0.0), np.zeros((10, 3))),                         # zero variance
    (lambda: ZCAWhitening(eps=0.0), np.zeros((10, 3))),                         # singular covariance
], ids=["PCA", "PCAWhitening", "ZCAWhitening"])
def test_failed_fit_changes_nothing(make, bad, rng):
    t = make()
    with pytest.raises(ValueError, match=r"\.fit: "):
        t.fit(bad)
    with pytest.raises(NotFittedError):  # was an AttributeError on a half-fitted object
        t.transform(bad)
    good = correlated(rng, d=6)
    t = make()
    before = t.fit(good).transform(good)
    with pytest.raises(ValueError):
        t.fit(bad)
    # a failed refit keeps the previous fit whole (was: new sample shape, old matrices)
    np.testing.assert_array_equal(t.transform(good), before)
    with pytest.raises(ValueError, match=r"fitted on samples of shape \(6,\)"):
        t.transform(bad)


def test_bad_arguments():
    with pytest.raises(ValueError, match="MeanSubtraction: axis must be 'feature' or 'channel', got 'pixel'"):
        MeanSubtraction(axis="pixel")
    with pytest.raises(ValueError, match="MinMaxScaler: feature_range must have low < high"):
        MinMaxScaler(feature_range=(1, -1))
    with pytest.raises(ValueError, match=r"MinMaxScaler: feature_range must have low < high, both finite, got \(0, inf\)"):
        MinMaxScaler(feature_range=(0, float("inf")))  # was accepted: every output inf or NaN
    for cls in (PCAWhitening, ZCAWhitening):  # was NumPy's unnamed ufunc TypeError
        with pytest.raises(TypeError, match=cls.__name__ + r": eps must be a number, got str '1e-5'"):
            cls(eps="1e-5")
        with pytest.raises(ValueError, match=cls.__name__ + r": eps must be a finite number >= 0, got -1"):
            cls(eps=-1)
    with pytest.raises(ValueError, match=r"PCA.fit: n_components must be an integer in \[1, 3\]"):
        PCA(5).fit(np.random.default_rng(0).normal(size=(10, 3)))
    with pytest.raises(ValueError, match="expected samples along the first axis"):
        Standardize().fit(np.zeros(5))
    with pytest.raises(ValueError, match="at least 2 samples"):
        ZCAWhitening().fit(np.zeros((1, 3)))
    with pytest.raises(ValueError, match="zero eigenvalues"):
        ZCAWhitening(eps=0).fit(np.zeros((10, 3)))
    with pytest.raises(TypeError, match="numeric array"):
        Standardize().fit(np.array([["a", "b"]]))
