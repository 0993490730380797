"""xgrad.data.augment: every kernel against a NumPy transcription given the same parameters (flip,
pad + slice, shifts, a NumPy bilinear inverse-affine sampler, torchvision's colour formulas,
cutout squares), geometry anchors (rot90, identity), seeded repeatability, per-sample draws and
their distributions, both dtypes, NumPy/Tensor round trips and error messages."""
import math

import numpy as np
import pytest

import xgrad
from xgrad.data import augment as A
from xgrad.data import (
    ColorJitter, Compose, Cutout, RandomAffine, RandomCrop, RandomHorizontalFlip, RandomRotation, RandomTranslate,
    mixup,
)

DTYPES = [np.float32, np.float64]


def images(rng, n=6, c=3, h=9, w=11, dtype=np.float32):
    return rng.random((n, c, h, w)).astype(dtype)


def tol(dtype):
    return dict(rtol=1e-5, atol=1e-6) if dtype == np.float32 else dict(rtol=1e-12, atol=1e-12)


# ------------------------------------------------------------------------------------------ NumPy references

def np_crop(x, size, padding, top, left):
    h, w = size
    p = np.pad(x, ((0, 0), (0, 0), (padding, padding), (padding, padding)))
    return np.stack([p[i, :, t:t + h, l:l + w] for i, (t, l) in enumerate(zip(top, left))])


def np_translate(x, dy, dx):
    out = np.zeros_like(x)
    H, W = x.shape[2:]
    for i, (a, b) in enumerate(zip(dy, dx)):
        for r in range(H):
            for s in range(W):
                if 0 <= r - a < H and 0 <= s - b < W:
                    out[i, :, r, s] = x[i, :, r - a, s - b]
    return out


def np_affine(x, angle, tx, ty, sx, sy, shx, shy):
    """Bilinear inverse mapping written from the docstring's formula, one sample at a time."""
    n, c, H, W = x.shape
    out = np.zeros((n, c, H, W), dtype=np.float64)
    centre = np.array([(W - 1) / 2, (H - 1) / 2])
    ys, xs = np.mgrid[0:H, 0:W]
    pts = np.stack([xs.ravel(), ys.ravel()]).astype(np.float64)  # (2, HW), x then y
    for i in range(n):
        th = math.radians(angle[i])
        R = np.array([[math.cos(th), math.sin(th)], [-math.sin(th), math.cos(th)]])
        shear_x = np.array([[1.0, math.tan(math.radians(shx[i]))], [0.0, 1.0]])
        shear_y = np.array([[1.0, 0.0], [math.tan(math.radians(shy[i])), 1.0]])
        Amat = R @ shear_y @ shear_x @ np.diag([sx[i], sy[i]])
        src = np.linalg.inv(Amat) @ (pts - (centre + [tx[i], ty[i]])[:, None]) + centre[:, None]
        x0, y0 = np.floor(src[0]), np.floor(src[1])
        wx, wy = src[0] - x0, src[1] - y0
        for dyy, wyy in ((0, 1 - wy), (1, wy)):
            for dxx, wxx in ((0, 1 - wx), (1, wx)):
                xi, yi = (x0 + dxx).astype(int), (y0 + dyy).astype(int)
                ok = (xi >= 0) & (xi < W) & (yi >= 0) & (yi < H)
                vals = np.zeros((c, H * W))
                vals[:, ok] = x[i][:, yi[ok], xi[ok]]
                out[i] += (wxx * wyy * vals).reshape(c, H, W)
    return out


def np_gray(x):
    return 0.2989 * x[:, 0] + 0.587 * x[:, 1] + 0.114 * x[:, 2]


def np_color(x, brightness, contrast, saturation, order):
    """torchvision.transforms.functional.adjust_brightness/contrast/saturation on float images."""
    out = x.astype(np.float64).copy()
    for i in range(len(x)):
        img = out[i:i + 1]
        for op in order[i]:
            if op == 0 and brightness is not None:
                img = np.clip(brightness[i] * img, 0, 1)
            elif op == 1 and contrast is not None:
                gray = np_gray(img) if img.shape[1] == 3 else img[:, 0]
                img = np.clip(contrast[i] * img + (1 - contrast[i]) * gray.mean(), 0, 1)
            elif op == 2 and saturation is not None:
                img = np.clip(saturation[i] * img + (1 - saturation[i]) * np_gray(img)[:, None], 0, 1)
        out[i] = img[0]
    return out


# ------------------------------------------------------------------------------------------ flip

@pytest.mark.parametrize("dtype", DTYPES)
def test_flip_matches_numpy(rng, dtype):
    x = images(rng, dtype=dtype)
    t = RandomHorizontalFlip(0.5)
    xgrad.manual_seed(0)
    params = t.get_params(x.shape)
    expected = np.where(params["flip"][:, None, None, None], x[..., ::-1], x)
    np.testing.assert_array_equal(A.hflip(x, params["flip"]), expected)
    xgrad.manual_seed(0)
    y = t(x)
    assert y.dtype == dtype and isinstance(y, np.ndarray)
    np.testing.assert_array_equal(y, expected)
    assert 0 < params["flip"].sum() < len(x) or len(x) < 4


def test_flip_probability_per_sample():
    x = np.zeros((4000, 1, 1, 2), np.float32)
    x[..., 1] = 1.0
    y = RandomHorizontalFlip(0.3)(x)
    frac = float((y[:, 0, 0, 0] == 1.0).mean())
    assert abs(frac - 0.3) < 4 * math.sqrt(0.3 * 0.7 / 4000)
    np.testing.assert_array_equal(RandomHorizontalFlip(0.0)(x), x)
    np.testing.assert_array_equal(RandomHorizontalFlip(1.0)(x), x[..., ::-1])


# ------------------------------------------------------------------------------------------ crop, translate

@pytest.mark.parametrize("dtype", DTYPES)
@pytest.mark.parametrize("size,padding", [((9, 11), 3), ((5, 7), 0), ((12, 4), 2)])
def test_crop_matches_pad_and_slice(rng, dtype, size, padding):
    x = images(rng, n=20, dtype=dtype)
    t = RandomCrop(size, padding=padding)
    xgrad.manual_seed(5)
    params = t.get_params(x.shape)
    xgrad.manual_seed(5)
    y = t(x)
    np.testing.assert_array_equal(y, np_crop(x, size, padding, params["top"], params["left"]))
    assert y.shape == (20, 3) + tuple(size)
    assert params["top"].min() >= 0 and params["top"].max() <= 9 + 2 * padding - size[0]
    assert params["left"].min() >= 0 and params["left"].max() <= 11 + 2 * padding - size[1]


def test_crop_offsets_cover_the_range_uniformly():
    x = np.zeros((3000, 1, 8, 8), np.float32)
    top = RandomCrop(8, padding=4).get_params(x.shape)["top"]
    counts = np.bincount(top, minlength=9)
    assert len(counts) == 9 and counts.min() > 0
    # chi-square against uniform over 0..8 (8 dof, 0.999 quantile ~ 26.1)
    expected = len(top) / 9
    assert ((counts - expected) ** 2 / expected).sum() < 26.1


@pytest.mark.parametrize("dtype", DTYPES)
def test_translate_matches_numpy(rng, dtype):
    x = images(rng, n=8, h=6, w=7, dtype=dtype)
    dy = np.array([0, 1, -2, 3, 0, -6, 9, -1])
    dx = np.array([0, -1, 2, 0, 7, 1, 0, -3])
    np.testing.assert_array_equal(A.translate(x, dy, dx), np_translate(x, dy, dx))
    t = RandomTranslate(2)
    xgrad.manual_seed(1)
    p = t.get_params(x.shape)
    xgrad.manual_seed(1)
    np.testing.assert_array_equal(t(x), np_translate(x, p["dy"], p["dx"]))
    assert np.abs(p["dy"]).max() <= 2 and np.abs(p["dx"]).max() <= 2


def test_translate_equals_crop_of_padded_image(rng):
    x = images(rng, n=5, h=8, w=8)
    dy, dx = np.array([1, -2, 0, 2, -1]), np.array([2, 0, -1, -2, 1])
    np.testing.assert_array_equal(A.translate(x, dy, dx), A.crop(x, 8, 2, 2 - dy, 2 - dx))


# ------------------------------------------------------------------------------------------ affine

@pytest.mark.parametrize("dtype", DTYPES)
def test_rotation_by_multiples_of_90_is_rot90(rng, dtype):
    x = images(rng, n=3, h=7, w=7, dtype=dtype)
    for k in (1, 2, 3, -1):
        np.testing.assert_allclose(A.rotate(x, 90.0 * k), np.rot90(x, k, axes=(2, 3)), **tol(dtype))
    # even size: the centre is between pixels, still a grid permutation
    x = images(rng, n=2, h=6, w=6, dtype=dtype)
    np.testing.assert_allclose(A.rotate(x, 90.0), np.rot90(x, 1, axes=(2, 3)), **tol(dtype))


@pytest.mark.parametrize("dtype", DTYPES)
def test_identity_affine_and_integer_shift(rng, dtype):
    x = images(rng, dtype=dtype)
    np.testing.assert_array_equal(A.rotate(x, 0.0), x)
    np.testing.assert_array_equal(A.affine(x, scale=1.0, stretch=1.0), x)
    np.testing.assert_array_equal(RandomRotation(0)(x), x)
    np.testing.assert_array_equal(RandomAffine()(x), x)
    dy, dx = np.array([1, 0, -2, 3, 1, 0]), np.array([0, 2, -1, 1, -3, 0])
    np.testing.assert_allclose(A.affine(x, translate=(dx, dy)), A.translate(x, dy, dx), **tol(dtype))


@pytest.mark.parametrize("dtype", DTYPES)
def test_affine_matches_numpy_bilinear_sampler(rng, dtype):
    x = images(rng, n=5, h=10, w=13, dtype=dtype)
    angle = np.array([17.0, -33.0, 0.0, 125.0, 5.0])
    tx, ty = np.array([0.5, -1.25, 2.0, 0.0, 0.3]), np.array([1.5, 0.0, -0.75, 0.2, 0.0])
    scale, stretch = np.array([1.0, 0.8, 1.3, 1.1, 0.95]), np.array([1.0, 1.2, 0.7, 1.0, 1.5])
    shx, shy = np.array([0.0, 10.0, -20.0, 5.0, 30.0]), np.array([0.0, -5.0, 0.0, 15.0, -10.0])
    y = A.affine(x, angle, (tx, ty), scale, (shx, shy), stretch)
    sx, sy = scale * np.sqrt(stretch), scale / np.sqrt(stretch)
    np.testing.assert_allclose(y, np_affine(x, angle, tx, ty, sx, sy, shx, shy),
                               rtol=1e-5 if dtype == np.float32 else 1e-11, atol=1e-5 if dtype == np.float32 else 1e-11)


def test_affine_geometry_of_a_single_pixel():
    # 45° x-shear moves a pixel one row below the centre one column right: x' = x + tan(45°) y
    x = np.zeros((1, 1, 5, 5))
    x[0, 0, 3, 2] = 1.0
    y = A.affine(x, shear=(45.0, 0.0))
    assert y[0, 0, 3, 3] == pytest.approx(1.0) and y.sum() == pytest.approx(1.0)
    # counter-clockwise on screen: the pixel right of the centre goes above it
    x = np.zeros((1, 1, 5, 5))
    x[0, 0, 2, 3] = 1.0
    y = A.rotate(x, 90.0)
    assert y[0, 0, 1, 2] == pytest.approx(1.0) and y.sum() == pytest.approx(1.0)
    # scale 2 about the centre: the pixel one right of the centre lands two right
    x = np.zeros((1, 1, 5, 5))
    x[0, 0, 2, 3] = 1.0
    assert A.affine(x, scale=2.0)[0, 0, 2, 4] == pytest.approx(1.0)


def test_random_rotation_and_affine_use_their_params(rng):
    x = images(rng, n=6, h=8, w=8)
    t = RandomAffine(degrees=20, translate=(0.2, 0.1), scale=(0.8, 1.2), shear=(-10, 10, -5, 5),
                     stretch=(0.8, 1.25))
    xgrad.manual_seed(3)
    p = t.get_params(x.shape)
    xgrad.manual_seed(3)
    y = t(x)
    sx, sy = p["scale"] * np.sqrt(p["stretch"]), p["scale"] / np.sqrt(p["stretch"])
    np.testing.assert_allclose(y, np_affine(x, p["angle"], p["tx"], p["ty"], sx, sy, p["shear_x"], p["shear_y"]),
                               atol=1e-5)
    assert np.all(np.abs(p["angle"]) <= 20) and np.all(np.abs(p["tx"]) <= round(0.2 * 8)) and np.all(np.abs(p["ty"]) <= round(0.1 * 8))
    np.testing.assert_array_equal(p["tx"], np.round(p["tx"]))
    assert np.all((p["scale"] >= 0.8) & (p["scale"] <= 1.2)) and np.all((p["stretch"] >= 0.8) & (p["stretch"] <= 1.25))
    assert np.all(np.abs(p["shear_x"]) <= 10) and np.all(np.abs(p["shear_y"]) <= 5)
    assert len(np.unique(p["angle"])) == len(x)  # one draw per sample
    r = RandomRotation((10, 30))
    xgrad.manual_seed(4)
    angle = r.get_params(x.shape)["angle"]
    xgrad.manual_seed(4)
    np.testing.assert_array_equal(r(x), A.rotate(x, angle))
    assert np.all((angle >= 10) & (angle <= 30))


# ------------------------------------------------------------------------------------------ colour

@pytest.mark.parametrize("dtype", DTYPES)
def test_color_functions_match_torchvision_formulas(rng, dtype):
    x = images(rng, n=6, dtype=dtype)
    b = np.array([0.5, 1.4, 1.0, 2.0, 0.0, 1.1])
    c = np.array([0.3, 1.7, 1.0, 0.0, 1.2, 0.9])
    s = np.array([0.0, 1.5, 0.6, 1.0, 2.0, 0.4])
    order = np.array([[0, 1, 2], [2, 1, 0], [1, 0, 2], [0, 2, 1], [2, 0, 1], [1, 2, 0]])
    for kwargs in ({"brightness": b}, {"contrast": c}, {"saturation": s},
                   {"brightness": b, "contrast": c, "saturation": s}):
        got = A.adjust_color(x, order=order, **kwargs)
        want = np_color(x, kwargs.get("brightness"), kwargs.get("contrast"), kwargs.get("saturation"), order)
        np.testing.assert_allclose(got, want, **tol(dtype))
        assert got.dtype == dtype


def test_color_jitter_draws_torchvision_ranges_and_order(rng):
    x = images(rng, n=300, h=2, w=2)
    t = ColorJitter(brightness=0.4, contrast=(0.5, 1.5), saturation=2.0)
    assert t.brightness == (0.6, 1.4) and t.contrast == (0.5, 1.5) and t.saturation == (0.0, 3.0)
    xgrad.manual_seed(9)
    p = t.get_params(x.shape)
    xgrad.manual_seed(9)
    y = t(x)
    np.testing.assert_allclose(y, np_color(x, p["brightness"], p["contrast"], p["saturation"], p["order"]),
                               rtol=1e-5, atol=1e-6)
    assert p["brightness"].min() >= 0.6 and p["brightness"].max() <= 1.4
    assert p["saturation"].min() >= 0.0 and p["saturation"].max() <= 3.0
    assert all(sorted(o) == [0, 1, 2] for o in p["order"].tolist())
    assert len({tuple(o) for o in p["order"].tolist()}) == 6  # all orders occur in 300 draws
    assert "saturation" not in ColorJitter(brightness=0.2).get_params(x.shape)


def test_color_on_grayscale(rng):
    x = images(rng, n=4, c=1)
    c = np.array([0.2, 1.5, 1.0, 0.7])
    order = np.tile([1, 0, 2], (4, 1))
    np.testing.assert_allclose(A.adjust_color(x, contrast=c, order=order),
                               np_color(x, None, c, None, order), rtol=1e-5, atol=1e-6)
    # ColorJitter on 1 channel: brightness and contrast as drawn, in the drawn order
    jitter = ColorJitter(brightness=0.3, contrast=0.3)
    xgrad.manual_seed(6)
    p = jitter.get_params(x.shape)
    xgrad.manual_seed(6)
    y = jitter(x)
    assert y.shape == x.shape and not np.allclose(y, x)
    np.testing.assert_allclose(y, np_color(x, p["brightness"], p["contrast"], None, p["order"]), rtol=1e-5, atol=1e-6)
    with pytest.raises(ValueError, match=r"ColorJitter: saturation needs 3-channel.*\(4, 1, 9, 11\)"):
        ColorJitter(saturation=0.5)(x)
    with pytest.raises(ValueError, match=r"saturation needs 3-channel"):
        A.adjust_color(x, saturation=0.5)


def test_color_against_torchvision_if_available(rng):
    torchvision = pytest.importorskip("torchvision", reason="torchvision is not installed (formula tests above)")
    import torch
    TF = torchvision.transforms.functional
    x = images(rng, n=3)
    for i in range(3):
        img = torch.from_numpy(x[i])
        np.testing.assert_allclose(A.adjust_color(x[i:i + 1], brightness=1.3)[0], TF.adjust_brightness(img, 1.3).numpy(),
                                   atol=1e-6)
        np.testing.assert_allclose(A.adjust_color(x[i:i + 1], contrast=0.6)[0], TF.adjust_contrast(img, 0.6).numpy(),
                                   atol=1e-6)
        np.testing.assert_allclose(A.adjust_color(x[i:i + 1], saturation=1.7)[0],
                                   TF.adjust_saturation(img, 1.7).numpy(), atol=1e-6)


# ------------------------------------------------------------------------------------------ cutout

@pytest.mark.parametrize("dtype", DTYPES)
@pytest.mark.parametrize("size", [4, 5, 0])
def test_cutout_zeroes_a_clipped_square(rng, dtype, size):
    x = images(rng, n=6, h=10, w=12, dtype=dtype) + 1.0  # no zeros of its own
    cy, cx = np.array([5, 0, 9, 3, 1, 8]), np.array([6, 0, 11, 0, 10, 3])
    y = A.cutout(x, size, cy, cx)
    for i in range(len(x)):
        mask = np.zeros((10, 12), bool)
        mask[max(0, cy[i] - size // 2):max(0, cy[i] - size // 2 + size),
             max(0, cx[i] - size // 2):max(0, cx[i] - size // 2 + size)] = True
        np.testing.assert_array_equal(y[i][:, mask], 0)
        np.testing.assert_array_equal(y[i][:, ~mask], x[i][:, ~mask])
    if size:
        assert (y[0, 0] == 0).sum() == size * size  # interior: exactly size x size
        assert (y[1, 0] == 0).sum() == (size - size // 2) ** 2  # corner: clipped


def test_cutout_centres_are_uniform_and_seeded(rng):
    x = images(rng, n=500, h=6, w=6)
    t = Cutout(2)
    xgrad.manual_seed(2)
    p = t.get_params(x.shape)
    xgrad.manual_seed(2)
    np.testing.assert_array_equal(t(x), A.cutout(x, 2, p["cy"], p["cx"]))
    assert set(p["cy"].tolist()) == set(range(6)) and set(p["cx"].tolist()) == set(range(6))


# ------------------------------------------------------------------------------------------ mixup

def test_mixup_blends_with_a_permutation(rng):
    x = images(rng, n=16)
    y = np.arange(16)
    xm, ya, yb, lam = mixup(x, y, alpha=0.4)
    np.testing.assert_array_equal(ya, y)
    assert sorted(yb.tolist()) == list(range(16))  # y = arange, so y_b is the permutation itself
    np.testing.assert_allclose(xm, lam * x + (1 - lam) * x[yb], rtol=1e-6)
    assert 0.0 <= lam <= 1.0 and xm.dtype == x.dtype
    # the same seed repeats lam and the permutation, for NumPy and Tensor input alike
    xgrad.manual_seed(21)
    xm1, _, yb1, lam1 = mixup(x, y, alpha=0.4)
    np.random.seed(1)  # NumPy's global generator must play no part
    xgrad.manual_seed(21)
    xt, _, ybt, lam_t = mixup(xgrad.tensor(x), y, alpha=0.4)
    assert isinstance(xt, xgrad.Tensor) and xt.requires_grad is False
    assert lam_t == lam1
    np.testing.assert_array_equal(ybt, yb1)
    np.testing.assert_array_equal(xt.numpy(), xm1)
    xm0, _, yb0, lam0 = mixup(x, y, alpha=0.0)
    assert lam0 == 1.0
    np.testing.assert_array_equal(xm0, x)


def test_mixup_lambda_is_beta_distributed():
    alpha = 0.4
    x = np.zeros((2, 1), np.float32)
    lams = np.array([mixup(x, [0, 1], alpha)[3] for _ in range(3000)])
    # Beta(a, a): mean 1/2, variance 1 / (4 (2a + 1))
    assert abs(lams.mean() - 0.5) < 4 * math.sqrt(1 / (4 * (2 * alpha + 1)) / 3000)
    assert lams.var() == pytest.approx(1 / (4 * (2 * alpha + 1)), rel=0.1)
    stats = pytest.importorskip("scipy.stats", reason="scipy is not installed: the Kolmogorov-Smirnov test "
                                                     "against Beta(a, a) is skipped (mean and variance passed)")
    assert stats.kstest(lams, stats.beta(alpha, alpha).cdf).pvalue > 1e-3


def test_mixup_lambda_for_tiny_alpha_is_a_fair_coin():
    # Beta(a, a) tends to a fair coin on {0, 1} as a -> 0 (both gamma draws underflow)
    x = np.zeros((2, 1), np.float32)
    lams = np.array([mixup(x, [0, 1], 1e-3)[3] for _ in range(4000)])
    extreme = (lams < 1e-6) | (lams > 1 - 1e-6)
    assert extreme.mean() > 0.95
    assert abs(lams.mean() - 0.5) < 4 * 0.5 / math.sqrt(4000)


def test_cutout_of_images_without_pixels_names_cutout():
    with pytest.raises(ValueError, match="Cutout: images of shape \\(2, 3, 0, 4\\) have no pixels"):
        Cutout(2)(np.zeros((2, 3, 0, 4), np.float32))


# ------------------------------------------------------------------------------------------ common behaviour

TRANSFORMS = [
    RandomHorizontalFlip(), RandomCrop(9, padding=2), RandomTranslate(3), RandomRotation(25),
    RandomAffine(10, translate=(0.1, 0.1), scale=(0.9, 1.1), shear=8, stretch=(0.9, 1.1)),
    ColorJitter(0.4, 0.4, 0.4), Cutout(4),
    Compose([RandomCrop(9, padding=2), RandomHorizontalFlip(), ColorJitter(0.3, 0.3, 0.3), Cutout(3)]),
]


@pytest.mark.parametrize("t", TRANSFORMS, ids=lambda t: type(t).__name__)
@pytest.mark.parametrize("dtype", DTYPES)
def test_seeded_repeatability_types_and_input_untouched(rng, t, dtype):
    x = images(rng, n=16, h=9, w=9, dtype=dtype)
    x0 = x.copy()
    xgrad.manual_seed(11)
    a = t(x)
    xgrad.manual_seed(11)
    b = t(x)
    np.testing.assert_array_equal(a, b)
    assert isinstance(a, np.ndarray) and a.dtype == dtype
    np.testing.assert_array_equal(x, x0)
    xgrad.manual_seed(11)
    c = t(xgrad.tensor(x))
    assert isinstance(c, xgrad.Tensor) and c.numpy().dtype == dtype
    np.testing.assert_array_equal(c.numpy(), a)
    xgrad.manual_seed(12)
    assert not np.array_equal(t(x), a)
    # a strided view gives the same result as its contiguous copy
    xs = np.ascontiguousarray(np.swapaxes(x, 2, 3)).swapaxes(2, 3)
    assert not xs.flags.c_contiguous
    xgrad.manual_seed(11)
    np.testing.assert_array_equal(t(xs), a)


def test_dataloader_transform():
    x = np.arange(8 * 1 * 2 * 3, dtype=np.float32).reshape(8, 1, 2, 3)
    y = np.arange(8)
    loader = xgrad.data.DataLoader((x, y), batch_size=4, transform=RandomHorizontalFlip(1.0))
    xb, yb = next(iter(loader))
    assert isinstance(xb, xgrad.Tensor) and xb.dtype == xgrad.float32 and yb.dtype == xgrad.int64
    np.testing.assert_array_equal(xb.numpy(), x[:4, ..., ::-1])
    np.testing.assert_array_equal(yb, y[:4])


# ------------------------------------------------------------------------------------------ errors

@pytest.mark.parametrize("make,pattern", [
    (lambda: RandomCrop(8, padding=-1), r"RandomCrop: padding must be >= 0, got -1"),
    (lambda: RandomHorizontalFlip(1.5), r"RandomHorizontalFlip: p must be in \[0, 1\], got 1.5"),
    (lambda: RandomHorizontalFlip(-0.1), r"RandomHorizontalFlip: p must be in \[0, 1\]"),
    (lambda: RandomRotation(-5), r"RandomRotation: degrees must be >= 0.*-5"),
    (lambda: RandomAffine(degrees=-1), r"RandomAffine: degrees must be >= 0"),
    (lambda: RandomAffine(scale=(0, 1)), r"RandomAffine: scale must satisfy 0 < min <= max"),
    (lambda: RandomAffine(translate=(2, 0)), r"RandomAffine: translate fractions must be in \[0, 1\]"),
    (lambda: RandomAffine(shear=95), r"RandomAffine: shear angles must be in \(-90, 90\)"),
    (lambda: ColorJitter(brightness=-0.5), r"ColorJitter: brightness must be >= 0"),
    (lambda: ColorJitter(contrast=(-1, 2)), r"ColorJitter: contrast range must lie in \[0.0, inf\)"),
    (lambda: RandomTranslate(-1), r"RandomTranslate: max_shift must be >= 0"),
    (lambda: RandomRotation(float("inf")), r"RandomRotation: degrees must be finite, got inf"),
    (lambda: Cutout(-2), r"Cutout: size must be >= 0, got -2"),
    (lambda: mixup(np.zeros((2, 3), np.float32), [0, 1], alpha=-1), r"mixup: alpha must be >= 0"),
    (lambda: mixup(np.zeros((2, 3), np.float32), [0, 1, 2]), r"mixup: y must have one label per sample \(2,\)"),
])
def test_bad_arguments(make, pattern):
    with pytest.raises(ValueError, match=pattern):
        make()


def test_bad_batches():
    x3 = np.zeros((3, 8, 8), np.float32)
    for t in TRANSFORMS[:-1]:
        with pytest.raises(ValueError, match=type(t).__name__ + r": expected a 4-D batch \(N, C, H, W\), got shape \(3, 8, 8\)"):
            t(x3)
    with pytest.raises(ValueError, match=r"RandomCrop: crop size \(20, 20\) is larger than the padded image \(12, 12\)"):
        RandomCrop(20, padding=2)(np.zeros((2, 3, 8, 8), np.float32))
    with pytest.raises(TypeError, match=r"RandomCrop: expected a float32 or float64 batch, got dtype uint8"):
        RandomCrop(8)(np.zeros((2, 3, 8, 8), np.uint8))
    with pytest.raises(TypeError, match=r"Cutout: expected a NumPy array or an xgrad.Tensor, got list"):
        Cutout(2)([[[[0.0]]]])
    with pytest.raises(ValueError, match=r"crop: offset \(top 9, left 0\) of sample 0 is outside"):
        A.crop(np.zeros((1, 1, 4, 4), np.float32), 4, 2, [9], [0])
    with pytest.raises(ValueError, match=r"hflip: flip must have one entry per sample \(2,\)"):
        A.hflip(np.zeros((2, 1, 4, 4), np.float32), [1, 0, 1])
    with pytest.raises(ValueError, match=r"affine: scale and stretch must be > 0"):
        A.affine(np.zeros((1, 1, 4, 4), np.float32), scale=0.0)
    with pytest.raises(ValueError, match=r"color_jitter: expected 1 or 3 channels, got shape \(1, 2, 4, 4\)"):
        A.adjust_color(np.zeros((1, 2, 4, 4), np.float32), brightness=1.2)


def test_mixup_as_trainer_batch_transform(rng):
    from xgrad.train import Trainer
    x = rng.standard_normal((32, 6)).astype(np.float32)
    y = rng.integers(0, 3, 32)
    model = xgrad.nn.Linear(6, 3)
    seen = []

    def transform(xb, yb):
        out = mixup(xb, yb, alpha=0.2)
        seen.append((type(out[0]), out[3]))
        return out

    trainer = Trainer(model, xgrad.nn.CrossEntropyLoss(), xgrad.optim.SGD(model.parameters(), lr=0.1),
                      progress=False, batch_transform=transform)
    history = trainer.fit(xgrad.data.DataLoader((x, y), batch_size=8, shuffle=True), epochs=1)
    assert len(seen) == 4 and all(t is xgrad.Tensor and 0.0 <= lam <= 1.0 for t, lam in seen)
    assert np.all(np.isfinite(history.loss))


# ------------------------------------------------------------------------------------------ docs

def test_every_public_transform_method_has_a_docstring():
    import inspect
    missing = []
    for name in A.__all__:
        obj = getattr(A, name)
        if not inspect.getdoc(obj):
            missing.append(name)
        if inspect.isclass(obj):
            missing += [f"{name}.{m}" for m in ("__call__", "get_params")
                        if m in vars(obj) and not inspect.getdoc(getattr(obj, m))]
    assert missing == []


@pytest.mark.parametrize("call, error, pattern", [
    # NaN/Inf parameters used to give black or NaN images without a word
    (lambda x: A.rotate(x, np.nan), ValueError, r"affine: angle must be finite, got nan"),
    (lambda x: A.affine(x, translate=([0.0, np.inf], 0.0)), ValueError, r"affine: tx must be finite, got inf \(sample 1\)"),
    (lambda x: A.affine(x, scale=np.inf), ValueError, r"affine: scale must be finite, got inf"),
    (lambda x: A.adjust_color(x, brightness=[1.0, np.inf]), ValueError, r"adjust_color: brightness must be finite"),
    # fractional offsets used to be truncated silently
    (lambda x: A.crop(x, 4, 1, [1.5, 0], 0), ValueError, r"crop: top must be whole numbers, got 1.5 \(sample 0\)"),
    (lambda x: A.translate(x, np.nan, 0), ValueError, r"translate: dy must be whole numbers, got nan"),
    (lambda x: A.hflip(x, [0.5, 1.0]), ValueError, r"hflip: flip must be whole numbers, got 0.5"),
    (lambda x: A.hflip(x, ["a", "b"]), TypeError, r"hflip: flip must be numbers"),
])
def test_functional_parameters_must_be_finite_and_whole_where_needed(call, error, pattern):
    x = np.ones((2, 1, 4, 4), np.float32)
    with pytest.raises(error, match=pattern):
        call(x)


def test_whole_floats_are_accepted_where_integers_are_expected(rng):
    x = images(rng, n=2, c=1, h=4, w=4)
    expected = x.copy()
    expected[:, :, 0:2, 1:3] = 0.0  # a 2x2 square centred at (1, 2)
    np.testing.assert_array_equal(A.cutout(x, 2, 1.0, 2.0), expected)
    np.testing.assert_array_equal(A.cutout(x, 2, 1, 2), expected)
    np.testing.assert_array_equal(A.crop(x, 3, 1, [1.0, 0.0], 2.0), np_crop(x, (3, 3), 1, [1, 0], [2, 2]))
    np.testing.assert_array_equal(A.translate(x, 1.0, -1.0), np_translate(x, [1, 1], [-1, -1]))
    np.testing.assert_array_equal(A.hflip(x, [1.0, 0.0]), np.stack([x[0, ..., ::-1], x[1]]))
