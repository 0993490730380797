"""xgrad.data datasets: the IDX reader and its corruption checks, the search order, checksums,
the offline error, the download path (network mocked), the real files when present, and the
synthetic 2-D sets."""
import gzip
import hashlib
import io
import os
import pickle
import urllib.error

import numpy as np
import pytest

import xgrad
from xgrad.data import datasets as ds
from xgrad.data import (
    DatasetNotFoundError, load_cifar10, load_digits, load_fashion_mnist, load_mnist, make_blobs, make_moons,
    make_spiral, parse_idx, read_idx,
)

from conftest import data_dir


# ------------------------------------------------------------------------------------------
# helpers: write IDX files and make the loader accept them
# ------------------------------------------------------------------------------------------

_CODES = {np.dtype("u1"): 0x08, np.dtype("i1"): 0x09, np.dtype("i2"): 0x0B, np.dtype("i4"): 0x0C,
          np.dtype("f4"): 0x0D, np.dtype("f8"): 0x0E}


def idx_bytes(a: np.ndarray) -> bytes:
    """The IDX encoding of ``a``, written from the format's definition."""
    a = np.asarray(a)
    header = bytes([0, 0, _CODES[a.dtype.newbyteorder("=")], a.ndim])
    header += np.asarray(a.shape, dtype=">u4").tobytes()
    return header + a.astype(a.dtype.newbyteorder(">")).tobytes()


def write(path, raw: bytes, compress: bool = True) -> str:
    os.makedirs(os.path.dirname(path), exist_ok=True)
    with open(path, "wb") as f:
        f.write(gzip.compress(raw) if compress else raw)
    return str(path)


def sha256(path) -> str:
    with open(path, "rb") as f:
        return "sha256:" + hashlib.sha256(f.read()).hexdigest()


def fake_mnist(folder, n_train=7, n_test=3, offset=0, compress=True, subdir="mnist"):
    """Tiny MNIST-format files whose pixel values encode ``offset`` (to tell copies apart)."""
    paths = {}
    for split, n in (("train", n_train), ("t10k", n_test)):
        images = ((np.arange(n * 28 * 28).reshape(n, 28, 28) + offset) % 256).astype(np.uint8)
        labels = (np.arange(n) % 10).astype(np.uint8)
        suffix = ".gz" if compress else ""
        base = os.path.join(str(folder), subdir) if subdir else str(folder)
        paths[f"{split}-images"] = write(os.path.join(base, f"{split}-images-idx3-ubyte{suffix}"),
                                         idx_bytes(images), compress)
        paths[f"{split}-labels"] = write(os.path.join(base, f"{split}-labels-idx1-ubyte{suffix}"),
                                         idx_bytes(labels), compress)
    return paths


@pytest.fixture
def isolated(tmp_path, monkeypatch):
    """No $XGRAD_DATA, a private cache folder, no real downloads, an empty verification cache."""
    monkeypatch.delenv("XGRAD_DATA", raising=False)
    monkeypatch.setenv("XDG_CACHE_HOME", str(tmp_path / "xdg"))
    monkeypatch.setattr(ds, "_VERIFIED", {})
    monkeypatch.setattr(ds, "SYSTEM_DATA_DIR", str(tmp_path / "system"))
    monkeypatch.setattr(ds, "CHECKOUT_DATA_DIR", None)
    calls = []

    def offline(url, dest, timeout=30.0):
        calls.append(url)
        raise urllib.error.URLError("network is unreachable (test)")

    monkeypatch.setattr(ds, "_download", offline)
    return calls


def accept(monkeypatch, *path_dicts):
    """Make the MNIST specs accept the digests of these fake files (and nothing else)."""
    specs = {}
    for key, spec in ds._MNIST.items():
        split, kind = key.split("-")
        fname = {"train": "train", "test": "t10k"}[split] + f"-{kind}"
        digests = tuple(sha256(p[fname]) for p in path_dicts)
        specs[key] = ds._FileSpec(spec.names, spec.subdir, digests, spec.urls)
    monkeypatch.setattr(ds, "_MNIST", specs)


# ------------------------------------------------------------------------------------------
# IDX reader
# ------------------------------------------------------------------------------------------

@pytest.mark.parametrize("dtype", ["u1", "i1", "i2", "i4", "f4", "f8"])
@pytest.mark.parametrize("compress", [True, False])
def test_read_idx_round_trip(tmp_path, dtype, compress):
    a = (np.arange(2 * 3 * 5).reshape(2, 3, 5) - 7).astype(dtype)
    path = write(tmp_path / "a.idx", idx_bytes(a), compress)
    got = read_idx(path)
    assert got.dtype == np.dtype(dtype) and got.dtype.isnative
    np.testing.assert_array_equal(got, a)


@pytest.mark.parametrize("mutate, message", [
    (lambda raw: raw[:-1], "truncated"),
    (lambda raw: raw + b"\0", "longer than its header"),
    (lambda raw: raw[:6], "inside its header"),
    (lambda raw: b"\x01" + raw[1:], "magic number"),
    (lambda raw: raw[:2] + b"\x07" + raw[3:], "dtype code 0x07"),
    (lambda raw: raw[:3] + b"\x00" + raw[4:], "0 dimensions"),
    (lambda raw: raw[:2], "shorter than the 4-byte"),
])
def test_read_idx_rejects_corrupt_files(tmp_path, mutate, message):
    raw = idx_bytes(np.zeros((4, 28, 28), np.uint8))
    path = write(tmp_path / "bad-idx3-ubyte.gz", mutate(raw))
    with pytest.raises(ValueError, match=message) as info:
        read_idx(path)
    assert "bad-idx3-ubyte.gz" in str(info.value)


def test_read_idx_rejects_damaged_gzip(tmp_path):
    raw = gzip.compress(idx_bytes(np.zeros((50, 28, 28), np.uint8)))
    path = write(tmp_path / "cut.gz", raw[: len(raw) // 2], compress=False)
    with pytest.raises(ValueError, match="damaged gzip") as info:
        read_idx(path)
    assert "cut.gz" in str(info.value)


def test_parse_idx_names_dimensions_in_length_error():
    raw = idx_bytes(np.zeros((3, 2), np.int32))
    with pytest.raises(ValueError, match=r"shape \(3, 2\)"):
        parse_idx(raw[:-4], "x")


# ------------------------------------------------------------------------------------------
# search order, checksums, verification cache
# ------------------------------------------------------------------------------------------

def test_search_paths_order(tmp_path, monkeypatch):
    monkeypatch.setattr(ds, "CHECKOUT_DATA_DIR", None)
    monkeypatch.setenv("XGRAD_DATA", str(tmp_path / "env"))
    monkeypatch.setenv("XDG_CACHE_HOME", str(tmp_path / "xdg"))
    got = [p for _, p in ds.search_paths(tmp_path / "arg")]
    assert got == [str(tmp_path / "arg"), str(tmp_path / "env"), str(tmp_path / "xdg" / "xgrad"),
                   "/usr/share/datasets"]
    monkeypatch.delenv("XDG_CACHE_HOME")
    assert ds.cache_dir() == os.path.join(os.path.expanduser("~"), ".cache", "xgrad")


def test_search_order_root_then_env_then_cache_then_system(tmp_path, monkeypatch, isolated):
    a = fake_mnist(tmp_path / "arg", offset=1)
    b = fake_mnist(tmp_path / "env", offset=2)
    c = fake_mnist(tmp_path / "xdg" / "xgrad", offset=3)
    d = fake_mnist(tmp_path / "system", offset=4)
    accept(monkeypatch, a, b, c, d)
    monkeypatch.setenv("XGRAD_DATA", str(tmp_path / "env"))
    first_pixel = lambda s: int(round(s.x_train[0, 0, 0, 0] * 255))  # noqa: E731
    assert first_pixel(load_mnist(tmp_path / "arg")) == 1
    assert first_pixel(load_mnist()) == 2
    monkeypatch.delenv("XGRAD_DATA")
    assert first_pixel(load_mnist()) == 3
    monkeypatch.setenv("XDG_CACHE_HOME", str(tmp_path / "elsewhere"))
    assert first_pixel(load_mnist()) == 4
    assert isolated == []  # nothing was downloaded


def test_loads_uncompressed_files_and_files_directly_in_root(tmp_path, monkeypatch, isolated):
    plain = fake_mnist(tmp_path / "plain", compress=False, subdir="")
    accept(monkeypatch, plain)
    s = load_mnist(tmp_path / "plain")
    assert s.x_train.shape == (7, 1, 28, 28) and s.x_test.shape == (3, 1, 28, 28)
    assert s.x_train.dtype == np.float32 and s.y_train.dtype == np.int64
    raw = read_idx(plain["train-images"])
    np.testing.assert_allclose(s.x_train[:, 0], raw / 255.0, rtol=0, atol=1e-7)
    np.testing.assert_array_equal(s.y_train, np.arange(7) % 10)


def test_checksum_mismatch_raises_naming_file(tmp_path, monkeypatch, isolated):
    good = fake_mnist(tmp_path / "good")
    accept(monkeypatch, good)
    fake_mnist(tmp_path / "other", offset=9)  # same format, different bytes
    with pytest.raises(ValueError, match="checksum") as info:
        load_mnist(tmp_path / "other")
    assert str(tmp_path / "other") in str(info.value)


def test_verification_is_cached_per_file_until_it_changes(tmp_path, monkeypatch, isolated):
    paths = fake_mnist(tmp_path / "d")
    accept(monkeypatch, paths)
    load_mnist(tmp_path / "d")
    hashed = []
    real = ds._digests_of
    monkeypatch.setattr(ds, "_digests_of", lambda p, a: hashed.append(p) or real(p, a))
    load_mnist(tmp_path / "d")
    assert hashed == []
    st = os.stat(paths["train-labels"])
    os.utime(paths["train-labels"], ns=(st.st_atime_ns, st.st_mtime_ns + 10**9))
    load_mnist(tmp_path / "d")
    assert hashed == [paths["train-labels"]]


def test_image_label_count_mismatch(tmp_path, monkeypatch, isolated):
    paths = fake_mnist(tmp_path / "d")
    write(paths["train-labels"], idx_bytes(np.zeros(5, np.uint8)))
    accept(monkeypatch, paths)
    with pytest.raises(ValueError, match="7 images but .* 5 labels"):
        load_mnist(tmp_path / "d")


# ------------------------------------------------------------------------------------------
# offline error and download path (network mocked)
# ------------------------------------------------------------------------------------------

def test_offline_missing_file_lists_every_place(tmp_path, monkeypatch, isolated):
    monkeypatch.setenv("XGRAD_DATA", str(tmp_path / "env"))
    with pytest.raises(DatasetNotFoundError) as info:
        load_mnist(tmp_path / "arg")
    msg = str(info.value)
    assert isinstance(info.value, FileNotFoundError)
    assert "train-images-idx3-ubyte.gz" in msg
    for place in (tmp_path / "arg", tmp_path / "env", tmp_path / "xdg" / "xgrad", tmp_path / "system"):
        assert str(place) in msg
    assert "network is unreachable" in msg
    assert len(isolated) == len(ds._MNIST["train-images"].urls)  # every mirror was tried


def test_offline_through_the_real_download_leaves_no_folder(tmp_path, monkeypatch):
    monkeypatch.delenv("XGRAD_DATA", raising=False)
    monkeypatch.setenv("XDG_CACHE_HOME", str(tmp_path / "xdg"))
    monkeypatch.setattr(ds, "SYSTEM_DATA_DIR", str(tmp_path / "system"))
    monkeypatch.setattr(ds, "CHECKOUT_DATA_DIR", None)
    urls = []

    def no_network(url, timeout):
        urls.append(url)
        raise urllib.error.URLError("[Errno -2] Name or service not known (test)")

    monkeypatch.setattr(ds.urllib.request, "urlopen", no_network)
    with pytest.raises(DatasetNotFoundError, match="Name or service not known"):
        load_mnist()
    assert urls and all(u.endswith("train-images-idx3-ubyte.gz") for u in urls)
    assert not (tmp_path / "xdg" / "xgrad").exists()  # no empty cache folders left behind


def test_download_false_never_touches_network(tmp_path, isolated):
    with pytest.raises(DatasetNotFoundError):
        load_fashion_mnist(tmp_path, download=False)
    assert isolated == []


def test_download_lands_in_cache_and_is_verified(tmp_path, monkeypatch, isolated):
    source = fake_mnist(tmp_path / "server")
    accept(monkeypatch, source)
    by_name = {os.path.basename(p): p for p in source.values()}
    fetched = []

    def fake_download(url, dest, timeout=30.0):
        fetched.append(url)
        os.makedirs(os.path.dirname(dest), exist_ok=True)
        with open(by_name[url.rsplit("/", 1)[1]], "rb") as src, open(dest, "wb") as out:
            out.write(src.read())

    monkeypatch.setattr(ds, "_download", fake_download)
    s = load_mnist(tmp_path / "empty")
    assert len(fetched) == 4 and s.x_train.shape == (7, 1, 28, 28)
    cached = tmp_path / "xdg" / "xgrad" / "mnist" / "train-images-idx3-ubyte.gz"
    assert cached.is_file()
    # a second call finds the cached copies and downloads nothing
    load_mnist(tmp_path / "empty")
    assert len(fetched) == 4


def test_downloaded_file_with_wrong_checksum_is_removed(tmp_path, monkeypatch, isolated):
    def bad_download(url, dest, timeout=30.0):
        os.makedirs(os.path.dirname(dest), exist_ok=True)
        with open(dest, "wb") as out:
            out.write(b"<html>captive portal</html>")

    monkeypatch.setattr(ds, "_download", bad_download)
    with pytest.raises(DatasetNotFoundError, match="checksum"):
        load_mnist(tmp_path)
    assert not (tmp_path / "xdg" / "xgrad" / "mnist" / "train-images-idx3-ubyte.gz").exists()


class _FakeResponse(io.BytesIO):
    def __init__(self, payload, fail_after=None):
        super().__init__(payload)
        self.headers = {"Content-Length": str(len(payload))}
        self.fail_after = fail_after

    def read(self, n=-1):
        if self.fail_after is not None and self.tell() >= self.fail_after:
            raise ConnectionResetError("connection reset (test)")
        return super().read(n)


def test_download_writes_atomically(tmp_path, monkeypatch):
    payload = bytes(range(256)) * 1000
    monkeypatch.setattr(ds.urllib.request, "urlopen", lambda url, timeout: _FakeResponse(payload))
    dest = tmp_path / "sub" / "file.gz"
    ds._download("https://example.invalid/file.gz", str(dest))
    assert dest.read_bytes() == payload
    assert os.listdir(tmp_path / "sub") == ["file.gz"]

    monkeypatch.setattr(ds.urllib.request, "urlopen",
                        lambda url, timeout: _FakeResponse(payload, fail_after=1 << 16))
    broken = tmp_path / "sub" / "broken.gz"
    with pytest.raises(ConnectionResetError):
        ds._download("https://example.invalid/broken.gz", str(broken))
    assert os.listdir(tmp_path / "sub") == ["file.gz"]  # no partial file, no temp file left


# ------------------------------------------------------------------------------------------
# CIFAR-10
# ------------------------------------------------------------------------------------------

def test_cifar_python_batches_layout(tmp_path, monkeypatch, isolated):
    folder = tmp_path / "cifar-10-batches-py"
    folder.mkdir()
    specs = {}
    raw = {}
    for i, name in enumerate(ds._CIFAR_BATCHES):
        n = 4
        data = ((np.arange(n * 3072).reshape(n, 3072) + i) % 256).astype(np.uint8)
        labels = [(i + j) % 10 for j in range(n)]
        with open(folder / name, "wb") as f:
            pickle.dump({b"data": data, b"labels": labels}, f)
        raw[name] = (data, labels)
        specs[name] = ds._FileSpec((name,), ds._CIFAR_DIR, (sha256(folder / name),))
    monkeypatch.setattr(ds, "_CIFAR", specs)
    s = load_cifar10(tmp_path)
    assert s.x_train.shape == (20, 3, 32, 32) and s.x_test.shape == (4, 3, 32, 32)
    assert s.x_train.dtype == np.float32 and s.y_train.dtype == np.int64
    # a row is 1024 red values, then green, then blue, each row-major over 32x32
    data1 = raw["data_batch_1"][0]
    np.testing.assert_allclose(s.x_train[0, 1, 2, 3], data1[0, 1024 + 2 * 32 + 3] / 255.0, rtol=1e-6)
    np.testing.assert_array_equal(s.y_test, raw["test_batch"][1])


def test_cifar_archive_download_is_unpacked_into_cache(tmp_path, monkeypatch, isolated):
    import tarfile

    src = tmp_path / "build" / "cifar-10-batches-py"
    src.mkdir(parents=True)
    specs = {}
    for i, name in enumerate(ds._CIFAR_BATCHES):
        with open(src / name, "wb") as f:
            pickle.dump({b"data": np.full((2, 3072), i, np.uint8), b"labels": [i % 10, 0]}, f)
        specs[name] = ds._FileSpec((name,), ds._CIFAR_DIR, (sha256(src / name),))
    (src / "readme.html").write_text("not a batch")
    archive = tmp_path / "build" / "cifar-10-python.tar.gz"
    with tarfile.open(archive, "w:gz") as tar:
        tar.add(src, arcname="cifar-10-batches-py")
    monkeypatch.setattr(ds, "_CIFAR", specs)
    monkeypatch.setattr(ds, "_CIFAR_ARCHIVE", ds._FileSpec(
        ("cifar-10-python.tar.gz",), "", (sha256(archive),), ("https://example.invalid/cifar-10-python.tar.gz",)))

    def fake_download(url, dest, timeout=30.0):
        os.makedirs(os.path.dirname(dest), exist_ok=True)
        with open(archive, "rb") as a, open(dest, "wb") as out:
            out.write(a.read())

    monkeypatch.setattr(ds, "_download", fake_download)
    s = load_cifar10(tmp_path / "empty")
    assert s.x_train.shape == (10, 3, 32, 32) and s.x_test.shape == (2, 3, 32, 32)
    np.testing.assert_allclose(s.x_test, 5 / 255.0, rtol=1e-6)  # test_batch is the 6th file, filled with 5
    unpacked = sorted(os.listdir(tmp_path / "xdg" / "xgrad" / "cifar-10-batches-py"))
    assert unpacked == sorted(ds._CIFAR_BATCHES)  # only the batches, no temp files, no readme


def test_cifar_missing_names_both_forms(tmp_path, isolated):
    with pytest.raises(DatasetNotFoundError) as info:
        load_cifar10(tmp_path, download=False)
    msg = str(info.value)
    assert "data_batch_1" in msg and "cifar10_subset_4k_1k.npz" in msg and str(tmp_path) in msg


# ------------------------------------------------------------------------------------------
# the real files, when present
# ------------------------------------------------------------------------------------------

def _need(path_parts, what):
    root = data_dir()
    if root is None or not os.path.exists(os.path.join(root, *path_parts)):
        pytest.skip(f"{what} not found under $XGRAD_DATA ({os.environ.get('XGRAD_DATA')!r}); "
                    f"set XGRAD_DATA to the shared datasets folder")
    return root


def test_real_mnist():
    root = _need(["mnist", "train-images-idx3-ubyte.gz"], "MNIST")
    s = load_mnist(root, download=False)
    assert s.x_train.shape == (60000, 1, 28, 28) and s.x_test.shape == (10000, 1, 28, 28)
    assert s.x_train.dtype == np.float32 and s.y_train.dtype == np.int64
    assert s.x_train.min() == 0.0 and s.x_train.max() == 1.0
    # the normalisation constants every MNIST tutorial uses: mean 0.1307, std 0.3081
    assert abs(s.x_train.mean() - 0.1307) < 5e-4 and abs(s.x_train.std() - 0.3081) < 5e-4
    np.testing.assert_array_equal(np.bincount(s.y_test), [980, 1135, 1032, 1010, 982, 892, 958, 1028, 974, 1009])


def test_real_fashion_mnist():
    path = "/usr/share/datasets/fashion-mnist/train-images-idx3-ubyte.gz"
    if not os.path.exists(path):
        pytest.skip("Fashion-MNIST not installed (Debian package dataset-fashion-mnist)")
    s = load_fashion_mnist(download=False)
    assert s.x_train.shape == (60000, 1, 28, 28) and s.x_test.shape == (10000, 1, 28, 28)
    np.testing.assert_array_equal(np.bincount(s.y_train), [6000] * 10)
    assert abs(s.x_train.mean() - 0.2860) < 5e-4 and abs(s.x_train.std() - 0.3530) < 5e-4


def test_real_cifar_subset():
    root = _need(["cifar10-subset", "cifar10_subset_4k_1k.npz"], "the CIFAR-10 subset")
    s = load_cifar10(root, download=False)
    with np.load(os.path.join(root, "cifar10-subset", "cifar10_subset_4k_1k.npz")) as z:
        x_raw, y_raw = z["x_test"], z["y_test"]
    assert s.x_train.shape == (4000, 3, 32, 32) and s.x_test.shape == (1000, 3, 32, 32)
    np.testing.assert_allclose(s.x_test, x_raw.transpose(0, 3, 1, 2) / 255.0, rtol=0, atol=1e-7)
    np.testing.assert_array_equal(s.y_test, y_raw)
    # the first labels of data_batch_1 as published: frog, truck, truck, deer, automobile, ...
    np.testing.assert_array_equal(s.y_train[:10], [6, 9, 9, 4, 1, 1, 2, 7, 8, 3])


# ------------------------------------------------------------------------------------------
# sklearn digits and synthetic sets
# ------------------------------------------------------------------------------------------

def test_load_digits_split():
    sklearn = pytest.importorskip("sklearn.datasets", reason="scikit-learn (part of the test extra) ships the 8x8 "
                                                           "digits that load_digits splits; not installed")
    bunch = sklearn.load_digits()
    s = load_digits()
    assert s.x_train.shape == (1347, 64) and s.x_test.shape == (450, 64)
    assert s.x_train.dtype == np.float32 and s.y_train.dtype == np.int64
    assert 0.0 <= s.x_train.min() and s.x_train.max() <= 1.0
    # train and test together are exactly sklearn's samples (as multisets of rows)
    ours = np.concatenate([s.x_train, s.x_test]) * 16
    rows = lambda a: sorted(map(tuple, np.round(a).astype(int)))  # noqa: E731
    assert rows(ours) == rows(bunch.data)
    # stratified: each class's share differs by less than one sample between the splits
    frac_train = np.bincount(s.y_train) / len(s.y_train)
    frac_all = np.bincount(bunch.target) / len(bunch.target)
    assert np.all(np.abs(frac_train - frac_all) * len(s.y_train) < 1.0)
    again = load_digits()
    np.testing.assert_array_equal(again.y_test, s.y_test)


def test_make_spiral_geometry_and_seed():
    x, y = make_spiral(n_per_class=50, n_classes=4, noise=0.3)
    assert x.shape == (200, 2) and x.dtype == np.float32 and y.dtype == np.int64
    np.testing.assert_array_equal(np.bincount(y), [50] * 4)
    # noise only moves the angle: each arm's radii are linspace(0, 1)
    for j in range(4):
        np.testing.assert_allclose(np.hypot(*x[y == j].T), np.linspace(0, 1, 50), atol=1e-6)
    xgrad.manual_seed(3)
    a = make_spiral()[0]
    xgrad.manual_seed(3)
    np.testing.assert_array_equal(make_spiral()[0], a)
    assert not np.array_equal(make_spiral()[0], a)


def test_make_spiral_without_noise_is_cs231n_formula():
    x, y = make_spiral(n_per_class=10, n_classes=3, noise=0.0)
    r = np.linspace(0, 1, 10)
    t = np.linspace(4, 8, 10)
    np.testing.assert_allclose(x[10:20], np.c_[r * np.sin(t), r * np.cos(t)], atol=1e-6)


def test_make_moons_lie_on_half_circles():
    x, y = make_moons(n_samples=101, noise=0.0)
    assert x.shape == (101, 2) and np.bincount(y).tolist() == [50, 51]
    np.testing.assert_allclose(np.hypot(*x[y == 0].T), 1.0, atol=1e-6)
    np.testing.assert_allclose(np.hypot(x[y == 1, 0] - 1.0, x[y == 1, 1] - 0.5), 1.0, atol=1e-6)
    assert np.all(x[y == 0, 1] >= -1e-6) and np.all(x[y == 1, 1] <= 0.5 + 1e-6)
    assert not np.all(np.diff(y) >= 0), "samples should be shuffled"


def test_make_moons_noise_std():
    xgrad.manual_seed(1)
    x0, y0 = make_moons(n_samples=4000, noise=0.0)
    xgrad.manual_seed(1)
    x1, y1 = make_moons(n_samples=4000, noise=0.25)
    np.testing.assert_array_equal(y0, y1)  # same permutation: the noise draw comes first, same seed
    assert abs(np.std(x1 - x0) - 0.25) < 0.01


def test_make_blobs_centres_and_spreads():
    centers = np.array([[-5.0, 0.0], [5.0, 5.0], [0.0, -8.0]])
    x, y = make_blobs(n_samples=3001, centers=centers, cluster_std=[0.5, 1.0, 2.0])
    assert x.shape == (3001, 2) and np.bincount(y).tolist() == [1001, 1000, 1000]
    for k, std in enumerate([0.5, 1.0, 2.0]):
        pts = x[y == k]
        np.testing.assert_allclose(pts.mean(axis=0), centers[k], atol=4 * std / np.sqrt(len(pts)) + 1e-3)
        assert abs(pts.std(axis=0).mean() - std) < 0.1 * std
    xr, yr = make_blobs(n_samples=60, centers=4)
    assert np.bincount(yr).tolist() == [15] * 4 and np.all(np.abs(xr) < 10 + 8)


@pytest.mark.parametrize("make", [make_spiral, make_moons, make_blobs], ids=lambda f: f.__name__)
def test_synthetic_sets_repeat_after_manual_seed_only(make):
    xgrad.manual_seed(5)
    x1, y1 = make()
    np.random.seed(123)  # NumPy's global generator must play no part
    xgrad.manual_seed(5)
    x2, y2 = make()
    np.testing.assert_array_equal(x1, x2)
    np.testing.assert_array_equal(y1, y2)
    x3, _ = make()  # the generator moved on: new draws
    assert not np.array_equal(x3, x1)


@pytest.mark.parametrize("call, message", [
    (lambda: make_spiral(n_per_class=0), "make_spiral: n_per_class"),
    (lambda: make_spiral(noise=-1), "make_spiral: noise"),
    (lambda: make_moons(n_samples=2.5), "make_moons: n_samples"),
    (lambda: make_blobs(centers=np.zeros((3, 3))), r"make_blobs: centers .* shape \(3, 3\)"),
    (lambda: make_blobs(centers=2, cluster_std=[1, 2, 3]), "make_blobs: cluster_std"),
])
def test_synthetic_bad_arguments(call, message):
    with pytest.raises(ValueError, match=message):
        call()


@pytest.mark.parametrize("call, error, message", [
    (lambda: make_spiral(noise="0.2"), TypeError, "make_spiral: noise must be a number, got str '0.2'"),
    (lambda: make_moons(noise=None), TypeError, "make_moons: noise must be a number, got NoneType None"),
    (lambda: make_blobs(centers=np.array([[np.nan, 0.0]])), ValueError, r"make_blobs: centers must be finite"),
    (lambda: make_blobs(center_box=(-np.inf, 10.0)), ValueError, r"make_blobs: center_box must be finite"),
])
def test_synthetic_non_numbers_and_non_finite_values(call, error, message):
    # used to be NumPy's unnamed ufunc TypeError, or NaN/Inf points returned without a word
    with pytest.raises(error, match=message):
        call()


def test_a_source_checkout_also_looks_beside_it_as_the_makefile_does(tmp_path, monkeypatch):
    monkeypatch.setattr(ds, "CHECKOUT_DATA_DIR", str(tmp_path / "shared" / "datasets"))
    monkeypatch.delenv("XGRAD_DATA", raising=False)
    places = ds.search_paths()
    assert places[0] == ("beside the source checkout", str(tmp_path / "shared" / "datasets"))
