"""Datasets of the lectures: MNIST, Fashion-MNIST, CIFAR-10 (full python batches or the shared
4k/1k subset), scikit-learn's 8x8 digits, and the synthetic 2-D sets (CS231n's spiral, two moons,
blobs).

Files are looked for, in this order, in: the ``root`` argument, ``$XGRAD_DATA``, the cache folder
(``$XDG_CACHE_HOME/xgrad`` or ``~/.cache/xgrad``) and ``/usr/share/datasets`` (where Debian's
``dataset-fashion-mnist`` puts its files). In each place a file is accepted in the dataset's
sub-folder (``mnist/``, ``fashion-mnist/``, ``cifar-10-batches-py/``, ``cifar10-subset/``) or
directly in it. Every file's digest is checked against the published one on first use in a
process. A missing file is downloaded into the cache folder when the machine is online; otherwise
``DatasetNotFoundError`` names the file and every place searched.
"""
from __future__ import annotations

import hashlib
import os
import pickle
import shutil
import tarfile
import tempfile
import urllib.error
import urllib.request
from dataclasses import dataclass
from typing import Dict, List, NamedTuple, Optional, Sequence, Tuple, Union

import numpy as np

from .. import _checks as check
from .idx import read_idx

__all__ = [
    "Splits", "DatasetNotFoundError", "load_mnist", "load_fashion_mnist", "load_cifar10", "load_digits",
    "make_spiral", "make_moons", "make_blobs", "search_paths", "cache_dir",
    "MNIST_CLASSES", "FASHION_MNIST_CLASSES", "CIFAR10_CLASSES",
]

PathLike = Union[str, os.PathLike]

MNIST_CLASSES = tuple(str(d) for d in range(10))
FASHION_MNIST_CLASSES = ("T-shirt/top", "Trouser", "Pullover", "Dress", "Coat", "Sandal", "Shirt",
                         "Sneaker", "Bag", "Ankle boot")
CIFAR10_CLASSES = ("airplane", "automobile", "bird", "cat", "deer", "dog", "frog", "horse", "ship", "truck")


class Splits(NamedTuple):
    """Train and test arrays of a dataset: ``x_*`` float32, ``y_*`` int64 class indices."""
    x_train: np.ndarray
    y_train: np.ndarray
    x_test: np.ndarray
    y_test: np.ndarray


class DatasetNotFoundError(FileNotFoundError):
    """A dataset file is in none of the searched places and could not be downloaded."""


# --------------------------------------------------------------------------------------------
# Known files. A file may have several accepted digests: the published gzip, the same file
# uncompressed, and (Fashion-MNIST) Debian's re-compressed copy, whose bytes differ from upstream.
# MNIST: SHA-256 from the shared SHA256SUMS; Fashion-MNIST and CIFAR-10: the MD5s published by the
# dataset authors (also torchvision's), plus SHA-256 of the copies we could see.
# --------------------------------------------------------------------------------------------

@dataclass(frozen=True)
class _FileSpec:
    names: Tuple[str, ...]        # accepted file names, preferred first (gzip, then uncompressed)
    subdir: str                   # the dataset's folder inside a data root
    digests: Tuple[str, ...]      # "sha256:<hex>" or "md5:<hex>", any one must match
    urls: Tuple[str, ...] = ()    # download mirrors for names[0]; empty: never downloaded


_MNIST_MIRRORS = ("https://ossci-datasets.s3.amazonaws.com/mnist/",
                  "https://storage.googleapis.com/cvdf-datasets/mnist/")
_FASHION_MIRRORS = ("http://fashion-mnist.s3-website.eu-central-1.amazonaws.com/",
                    "https://raw.githubusercontent.com/zalandoresearch/fashion-mnist/master/data/fashion/")


def _idx_spec(name: str, subdir: str, digests: Sequence[str], mirrors: Sequence[str]) -> _FileSpec:
    return _FileSpec((name + ".gz", name), subdir, tuple(digests), tuple(m + name + ".gz" for m in mirrors))


_MNIST = {
    "train-images": _idx_spec("train-images-idx3-ubyte", "mnist", (
        "sha256:440fcabf73cc546fa21475e81ea370265605f56be210a4024d2ca8f203523609",
        "sha256:ba891046e6505d7aadcbbe25680a0738ad16aec93bde7f9b65e87a2fc25776db"), _MNIST_MIRRORS),
    "train-labels": _idx_spec("train-labels-idx1-ubyte", "mnist", (
        "sha256:3552534a0a558bbed6aed32b30c495cca23d567ec52cac8be1a0730e8010255c",
        "sha256:65a50cbbf4e906d70832878ad85ccda5333a97f0f4c3dd2ef09a8a9eef7101c5"), _MNIST_MIRRORS),
    "test-images": _idx_spec("t10k-images-idx3-ubyte", "mnist", (
        "sha256:8d422c7b0a1c1c79245a5bcf07fe86e33eeafee792b84584aec276f5a2dbc4e6",
        "sha256:0fa7898d509279e482958e8ce81c8e77db3f2f8254e26661ceb7762c4d494ce7"), _MNIST_MIRRORS),
    "test-labels": _idx_spec("t10k-labels-idx1-ubyte", "mnist", (
        "sha256:f7ae60f92e00ec6debd23a6088c31dbd2371eca3ffa0defaefb259924204aec6",
        "sha256:ff7bcfd416de33731a308c3f266cc351222c34898ecbeaf847f06e48f7ec33f2"), _MNIST_MIRRORS),
}

_FASHION = {
    "train-images": _idx_spec("train-images-idx3-ubyte", "fashion-mnist", (
        "md5:8d4fb7e6c68d591d4c3dfef9ec88bf0d",
        "sha256:b0564c3eedabfbf835052cff8503ea422014ce006caf5b757f851416ee8300c7",
        "sha256:c59f468a2f672dc815687fe0f83887768d799fd8a3f3276145d20f83aa44d888"), _FASHION_MIRRORS),
    "train-labels": _idx_spec("train-labels-idx1-ubyte", "fashion-mnist", (
        "md5:25c81989df183df01b3e8a0aad5dffbe",
        "sha256:0ae29f65d86684f32d1b9c85147786c547b9c6aebcaf235f0400a0cce308b056",
        "sha256:bad3541b69d912435c50bb6ba87bec294ff4f6a2e1246121d8633921760443d9"), _FASHION_MIRRORS),
    "test-images": _idx_spec("t10k-images-idx3-ubyte", "fashion-mnist", (
        "md5:bef4ecab320f06d8554ea6380940ec79",
        "sha256:cc1d090a38ace84dfa1aa66e3ada7c336ef481a96936906477e6dd344da56eaa",
        "sha256:5b4141f0afbad91edebe8549f8fcffe087ea10ca49f1dbef5c9a5cd8815ce37b"), _FASHION_MIRRORS),
    "test-labels": _idx_spec("t10k-labels-idx1-ubyte", "fashion-mnist", (
        "md5:bb300cfdad3c16e7a12a480ee83cd310",
        "sha256:8d3605d196f4be44669e46906da9733c8131fef761fdbfec72c424d5222f1a05",
        "sha256:0402a96d92fd2663957122ceb108a494c5af83dab82d92729df917d7dec38c34"), _FASHION_MIRRORS),
}

_CIFAR_DIR = "cifar-10-batches-py"
_CIFAR_BATCHES = {
    "data_batch_1": "md5:c99cafc152244af753f735de768cd75f",
    "data_batch_2": "md5:d4bba439e000b95fd0a9bffe97cbabec",
    "data_batch_3": "md5:54ebc095f3ab1f0389bbae665268c751",
    "data_batch_4": "md5:634d18415352ddfa80567beed471001a",
    "data_batch_5": "md5:482c414d41f54cd18b22e5b47cb7c3cb",
    "test_batch": "md5:40351d587109b95175f43aff81a1287e",
}
_CIFAR = {name: _FileSpec((name,), _CIFAR_DIR, (digest,)) for name, digest in _CIFAR_BATCHES.items()}
_CIFAR_ARCHIVE = _FileSpec(("cifar-10-python.tar.gz",), "", ("md5:c58f30108f718f92721af3b95e74349a",),
                           ("https://www.cs.toronto.edu/~kriz/cifar-10-python.tar.gz",))
_CIFAR_SUBSET = _FileSpec(("cifar10_subset_4k_1k.npz",), "cifar10-subset",
                          ("sha256:24509afa76b910c619d0e25af49e9672f168292b78022fb16080d182121cc28b",))


# --------------------------------------------------------------------------------------------
# Finding, verifying and downloading files
# --------------------------------------------------------------------------------------------

# Debian's dataset-* packages install here (e.g. /usr/share/datasets/fashion-mnist/).
SYSTEM_DATA_DIR = "/usr/share/datasets"


def _checkout_data_dir() -> Optional[str]:
    """``../shared/datasets`` beside the source checkout this package runs from (an editable
    install or PYTHONPATH=python), where the Makefile points XGRAD_DATA; None for an installed wheel."""
    checkout = os.path.dirname(os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__)))))
    shared = os.path.join(os.path.dirname(checkout), "shared", "datasets")
    is_checkout = os.path.isfile(os.path.join(checkout, "pyproject.toml"))
    return shared if is_checkout and os.path.isdir(shared) else None


#: See _checkout_data_dir (tests set it to None to see only the places they control).
CHECKOUT_DATA_DIR = _checkout_data_dir()


def cache_dir() -> str:
    """xgrad's download folder: ``$XDG_CACHE_HOME/xgrad``, else ``~/.cache/xgrad``."""
    base = os.environ.get("XDG_CACHE_HOME") or os.path.join(os.path.expanduser("~"), ".cache")
    return os.path.join(base, "xgrad")


def search_paths(root: Optional[PathLike] = None) -> List[Tuple[str, str]]:
    """The data roots searched, in order, as ``(what, path)`` pairs: the ``root`` argument,
    ``$XGRAD_DATA``, ``../shared/datasets`` beside a source checkout of xgrad (where the Makefile
    looks: so ``python benchmarks/x.py`` or a notebook run by hand finds the same data), the cache
    folder, ``/usr/share/datasets``."""
    places = []
    if root is not None:
        if not isinstance(root, (str, bytes, os.PathLike)):
            raise TypeError(f"xgrad.data: root must be None or a folder path (str or os.PathLike), got {root!r} "
                            f"({type(root).__name__})")
        places.append(("root argument", os.fspath(root)))
    env = os.environ.get("XGRAD_DATA")
    if env:
        places.append(("$XGRAD_DATA", env))
    if CHECKOUT_DATA_DIR:
        places.append(("beside the source checkout", CHECKOUT_DATA_DIR))
    places.append(("cache folder", cache_dir()))
    places.append(("system datasets", SYSTEM_DATA_DIR))
    return places


def _candidates(spec: _FileSpec, root: Optional[PathLike]) -> List[str]:
    out = []
    for _, base in search_paths(root):
        for name in spec.names:
            if spec.subdir:
                out.append(os.path.join(base, spec.subdir, name))
            out.append(os.path.join(base, name))
    return out


# (real path, size, mtime) of files whose digest matched; a file replaced on disk is re-checked.
_VERIFIED: Dict[Tuple[str, int, int], bool] = {}


def _digests_of(path: str, algorithms: Sequence[str]) -> Dict[str, str]:
    hashers = {a: hashlib.new(a) for a in algorithms}
    with open(path, "rb") as f:
        for chunk in iter(lambda: f.read(1 << 20), b""):
            for h in hashers.values():
                h.update(chunk)
    return {a: h.hexdigest() for a, h in hashers.items()}


def _verify(path: str, spec: _FileSpec) -> None:
    st = os.stat(path)
    key = (os.path.realpath(path), st.st_size, st.st_mtime_ns)
    if key in _VERIFIED:
        return
    algorithms = sorted({d.split(":", 1)[0] for d in spec.digests})
    got = _digests_of(path, algorithms)
    if not any(got[d.split(":", 1)[0]] == d.split(":", 1)[1] for d in spec.digests):
        have = ", ".join(f"{a}:{h}" for a, h in got.items())
        raise ValueError(f"xgrad.data: {path} does not match its published checksum (got {have}; "
                         f"expected one of {', '.join(spec.digests)}); the file is corrupt or a "
                         f"different version: delete it and load again")
    _VERIFIED[key] = True


def _download(url: str, dest: str, timeout: float = 30.0) -> None:
    """Fetch ``url`` to ``dest`` with a tqdm progress bar, atomically (temp file, then rename)."""
    from tqdm.auto import tqdm

    folder = os.path.dirname(dest) or "."
    os.makedirs(folder, exist_ok=True)
    fd, tmp = tempfile.mkstemp(dir=folder, prefix=".download-", suffix=".part")
    try:
        with os.fdopen(fd, "wb") as out, urllib.request.urlopen(url, timeout=timeout) as response:
            total = int(response.headers.get("Content-Length") or 0) or None
            with tqdm(total=total, unit="B", unit_scale=True, desc=os.path.basename(dest)) as bar:
                for chunk in iter(lambda: response.read(1 << 16), b""):
                    out.write(chunk)
                    bar.update(len(chunk))
        os.replace(tmp, dest)
    except BaseException:
        if os.path.exists(tmp):
            os.remove(tmp)
        raise


def _fetch(spec: _FileSpec) -> Tuple[Optional[str], List[str]]:
    """Download ``spec`` into the cache folder from the first mirror that answers; returns the
    verified path (or None) and one line per failed attempt."""
    failures = []
    dest = os.path.join(cache_dir(), spec.subdir, spec.names[0])
    for url in spec.urls:
        try:
            _download(url, dest)
            _verify(dest, spec)
            return dest, failures
        except (OSError, urllib.error.URLError, ValueError) as exc:
            failures.append(f"{url}: {exc}")
            if os.path.exists(dest):
                os.remove(dest)
    for folder in (os.path.dirname(dest), cache_dir()):  # offline: no empty cache folders left
        try:
            os.rmdir(folder)
        except OSError:
            pass
    return None, failures


def _not_found(what: str, spec_names: Sequence[str], places: Sequence[str], failures: Sequence[str]) -> DatasetNotFoundError:
    lines = [f"xgrad.data: {what}: {' or '.join(spec_names)} not found. Searched:"]
    lines += [f"  {p}" for p in places]
    if failures:
        lines.append("Download failed (offline?):")
        lines += [f"  {f}" for f in failures]
    lines.append("Pass root=<folder>, set $XGRAD_DATA, or copy the file into one of these places.")
    return DatasetNotFoundError("\n".join(lines))


def _locate(spec: _FileSpec, root: Optional[PathLike]) -> Optional[str]:
    for path in _candidates(spec, root):
        if os.path.isfile(path):
            _verify(path, spec)
            return path
    return None


def _find(spec: _FileSpec, root: Optional[PathLike], download: bool, what: str) -> str:
    path = _locate(spec, root)
    if path is not None:
        return path
    failures: List[str] = []
    if download and spec.urls:
        path, failures = _fetch(spec)
        if path is not None:
            return path
    raise _not_found(what, spec.names, _candidates(spec, root), failures)


# --------------------------------------------------------------------------------------------
# MNIST and Fashion-MNIST
# --------------------------------------------------------------------------------------------

def _load_idx_pair(specs: Dict[str, _FileSpec], split: str, root, download, what) -> Tuple[np.ndarray, np.ndarray]:
    img_path = _find(specs[f"{split}-images"], root, download, what)
    lbl_path = _find(specs[f"{split}-labels"], root, download, what)
    images, labels = read_idx(img_path), read_idx(lbl_path)
    if images.ndim != 3 or images.shape[1:] != (28, 28) or images.dtype != np.uint8:
        raise ValueError(f"{what}: {img_path} holds {images.dtype} {images.shape}, expected uint8 (N, 28, 28)")
    if labels.ndim != 1 or labels.dtype != np.uint8:
        raise ValueError(f"{what}: {lbl_path} holds {labels.dtype} {labels.shape}, expected uint8 (N,)")
    if len(images) != len(labels):
        raise ValueError(f"{what}: {img_path} has {len(images)} images but {lbl_path} has {len(labels)} labels")
    if labels.size and labels.max() > 9:
        raise ValueError(f"{what}: {lbl_path} holds label {labels.max()}, expected classes 0..9")
    x = (images.astype(np.float32) / np.float32(255.0)).reshape(len(images), 1, 28, 28)
    return x, labels.astype(np.int64)


def _load_idx_dataset(specs, root, download, what) -> Splits:
    download = check.flag(download, "download", what)  # "no" would be truthy: a download
    x_train, y_train = _load_idx_pair(specs, "train", root, download, what)
    x_test, y_test = _load_idx_pair(specs, "test", root, download, what)
    return Splits(x_train, y_train, x_test, y_test)


def load_mnist(root: Optional[PathLike] = None, download: bool = True) -> Splits:
    """MNIST handwritten digits (LeCun & Cortes): 60,000 train and 10,000 test images.

    Returns ``Splits(x_train, y_train, x_test, y_test)``: x float32 in [0, 1] of shape
    ``(N, 1, 28, 28)`` (NCHW; ``x.reshape(len(x), -1)`` gives the 784 features of an MLP), y int64
    in 0..9. Reads the four IDX files (``train-images-idx3-ubyte.gz`` ...; gzip or not) from the
    first place that has them (``root``, ``$XGRAD_DATA``, cache folder, ``/usr/share/datasets``),
    checks their SHA-256, and downloads missing ones into the cache folder when online
    (``download=False`` never touches the network). Raises ``DatasetNotFoundError`` naming each
    place searched, ``ValueError`` for a corrupt file.
    """
    return _load_idx_dataset(_MNIST, root, download, "load_mnist")


def load_fashion_mnist(root: Optional[PathLike] = None, download: bool = True) -> Splits:
    """Fashion-MNIST (Xiao, Rasul & Vollgraf 2017): 28x28 grey images of 10 clothing classes
    (``FASHION_MNIST_CLASSES``), 60,000 train and 10,000 test, a harder drop-in for MNIST.

    Same layout, search order and checks as ``load_mnist`` (folder ``fashion-mnist/``; Debian's
    ``dataset-fashion-mnist`` package installs the files in ``/usr/share/datasets/fashion-mnist``).
    """
    return _load_idx_dataset(_FASHION, root, download, "load_fashion_mnist")


# --------------------------------------------------------------------------------------------
# CIFAR-10
# --------------------------------------------------------------------------------------------

def _read_cifar_batch(path: str) -> Tuple[np.ndarray, np.ndarray]:
    # The digest was checked before this point, so unpickling reads the published file only.
    try:
        with open(path, "rb") as f:
            batch = pickle.load(f, encoding="bytes")
        data = np.asarray(batch[b"data"], dtype=np.uint8)
        labels = np.asarray(batch[b"labels"], dtype=np.int64)
    except (pickle.UnpicklingError, EOFError, KeyError, TypeError, ValueError) as exc:
        raise ValueError(f"load_cifar10: {path} is not a CIFAR-10 python batch ({exc!r})") from None
    if data.ndim != 2 or data.shape[1] != 3072 or len(labels) != len(data):
        raise ValueError(f"load_cifar10: {path} holds data {data.shape} and {len(labels)} labels, "
                         f"expected (N, 3072) and N labels")
    return data.reshape(-1, 3, 32, 32), labels


def _cifar_from_batches(paths: Dict[str, str]) -> Splits:
    parts = [_read_cifar_batch(paths[f"data_batch_{i}"]) for i in range(1, 6)]
    x_test, y_test = _read_cifar_batch(paths["test_batch"])
    x_train = np.concatenate([p[0] for p in parts])
    y_train = np.concatenate([p[1] for p in parts])
    scale = np.float32(1.0 / 255.0)
    return Splits(x_train.astype(np.float32) * scale, y_train, x_test.astype(np.float32) * scale, y_test)


def _cifar_from_subset(path: str) -> Splits:
    with np.load(path, allow_pickle=False) as z:
        arrays = {k: z[k] for k in ("x_train", "y_train", "x_test", "y_test")}
    out = []
    for split in ("train", "test"):
        x, y = arrays[f"x_{split}"], arrays[f"y_{split}"]
        if x.ndim != 4 or x.shape[1:] != (32, 32, 3) or len(y) != len(x):
            raise ValueError(f"load_cifar10: {path} holds x_{split} {x.shape} and y_{split} {y.shape}, "
                             f"expected (N, 32, 32, 3) and (N,)")
        # The subset is stored NHWC like the images; xgrad's layers want NCHW.
        out += [np.ascontiguousarray(x.transpose(0, 3, 1, 2)).astype(np.float32) * np.float32(1 / 255.0),
                y.astype(np.int64)]
    return Splits(*out)


def _extract_cifar_archive(archive: str) -> None:
    dest = cache_dir()
    with tarfile.open(archive, "r:gz") as tar:
        members = [m for m in tar.getmembers()
                   if m.isfile() and os.path.dirname(m.name) == _CIFAR_DIR
                   and os.path.basename(m.name) in _CIFAR_BATCHES]
        for m in members:
            target = os.path.join(dest, _CIFAR_DIR, os.path.basename(m.name))
            os.makedirs(os.path.dirname(target), exist_ok=True)
            fd, tmp = tempfile.mkstemp(dir=os.path.dirname(target), prefix=".extract-")
            try:
                with os.fdopen(fd, "wb") as out, tar.extractfile(m) as src:
                    shutil.copyfileobj(src, out)
                os.replace(tmp, target)
            except BaseException:
                os.remove(tmp)
                raise


def load_cifar10(root: Optional[PathLike] = None, download: bool = True) -> Splits:
    """CIFAR-10 (Krizhevsky 2009): 32x32 colour images of 10 classes (``CIFAR10_CLASSES``).

    Returns ``Splits`` with x float32 in [0, 1] of shape ``(N, 3, 32, 32)`` (NCHW) and y int64.
    Looks first for the full data set's python batches (folder ``cifar-10-batches-py/``: 50,000
    train, 10,000 test), then for the shared subset ``cifar10-subset/cifar10_subset_4k_1k.npz``
    (the first 4,000 train and 1,000 test images: never quote its results as CIFAR-10 figures);
    when neither is present and the machine is online, downloads and unpacks the python archive
    into the cache folder. Every file's checksum is verified.
    """
    download = check.flag(download, "download", "load_cifar10")
    searched: List[str] = []
    paths = {}
    for name, spec in _CIFAR.items():
        path = _locate(spec, root)
        if path is None:
            searched += _candidates(spec, root)
            break
        paths[name] = path
    if len(paths) == len(_CIFAR):
        return _cifar_from_batches(paths)
    subset = _locate(_CIFAR_SUBSET, root)
    if subset is not None:
        return _cifar_from_subset(subset)
    searched += _candidates(_CIFAR_SUBSET, root)
    failures: List[str] = []
    if download:
        archive, failures = _fetch(_CIFAR_ARCHIVE)
        if archive is not None:
            _extract_cifar_archive(archive)
            return _cifar_from_batches({name: _find(spec, None, False, "load_cifar10")
                                        for name, spec in _CIFAR.items()})
    raise _not_found("load_cifar10", ["the python batches (data_batch_1..5, test_batch)",
                                      "cifar10_subset_4k_1k.npz"], searched, failures)


# --------------------------------------------------------------------------------------------
# scikit-learn's digits and synthetic 2-D sets
# --------------------------------------------------------------------------------------------

def load_digits() -> Splits:
    """scikit-learn's 8x8 handwritten digits (1,797 samples, 10 classes), a seconds-fast stand-in
    for MNIST. x float32 ``(N, 64)`` scaled from 0..16 to [0, 1], y int64; split 75/25, stratified
    by class, with a fixed seed (the same split on every call)."""
    try:
        from sklearn.datasets import load_digits as _sk_digits
        from sklearn.model_selection import train_test_split
    except ImportError:
        raise ImportError("load_digits: the 8x8 digits ship inside scikit-learn, which is not installed "
                          "(pip install scikit-learn, or the 'notebooks'/'test' extra)") from None

    bunch = _sk_digits()
    x = (bunch.data / 16.0).astype(np.float32)
    y = bunch.target.astype(np.int64)
    x_train, x_test, y_train, y_test = train_test_split(x, y, test_size=0.25, stratify=y, random_state=0)
    return Splits(x_train, y_train, x_test, y_test)


def _positive_int(fn: str, name: str, value) -> int:
    if isinstance(value, bool) or not isinstance(value, (int, np.integer)) or value <= 0:
        raise ValueError(f"{fn}: {name} must be a positive integer, got {value!r}")
    return int(value)


def _non_negative(fn: str, name: str, value) -> float:
    if isinstance(value, bool) or not isinstance(value, (int, float, np.integer, np.floating)):
        raise TypeError(f"{fn}: {name} must be a number, got {type(value).__name__} {value!r}")
    if not np.isfinite(value) or value < 0:
        raise ValueError(f"{fn}: {name} must be a finite number >= 0, got {value!r}")
    return float(value)


def _randn(n: int) -> np.ndarray:
    import xgrad
    return xgrad.randn(n).numpy().astype(np.float64)


def make_spiral(n_per_class: int = 100, n_classes: int = 3, noise: float = 0.2) -> Tuple[np.ndarray, np.ndarray]:
    """CS231n's spiral: ``n_classes`` arms of ``n_per_class`` points each, not linearly separable.

    Arm j: radius r = linspace(0, 1), angle t = linspace(4j, 4(j+1)) + noise * N(0, 1), point
    (r sin t, r cos t). Returns ``(X float32 (N, 2), y int64 (N,))``, ordered by class, noise
    from xgrad's generator.
    """
    n = _positive_int("make_spiral", "n_per_class", n_per_class)
    k = _positive_int("make_spiral", "n_classes", n_classes)
    noise = _non_negative("make_spiral", "noise", noise)
    eps = _randn(n * k)
    xs, ys = [], []
    for j in range(k):
        r = np.linspace(0.0, 1.0, n)
        t = np.linspace(j * 4.0, (j + 1) * 4.0, n) + eps[j * n:(j + 1) * n] * noise
        xs.append(np.c_[r * np.sin(t), r * np.cos(t)])
        ys.append(np.full(n, j, dtype=np.int64))
    return np.concatenate(xs).astype(np.float32), np.concatenate(ys)


def make_moons(n_samples: int = 200, noise: float = 0.1) -> Tuple[np.ndarray, np.ndarray]:
    """Two interleaving half circles (scikit-learn's ``make_moons``): the outer one
    (cos t, sin t) is class 0, the inner one (1 - cos t, 0.5 - sin t) class 1, t in [0, pi], plus
    N(0, noise^2) per coordinate. Returns ``(X float32 (N, 2), y int64 (N,))`` shuffled by
    xgrad's generator."""
    n = _positive_int("make_moons", "n_samples", n_samples)
    noise = _non_negative("make_moons", "noise", noise)
    n_out = n // 2
    n_in = n - n_out
    t_out = np.linspace(0.0, np.pi, n_out)
    t_in = np.linspace(0.0, np.pi, n_in)
    x = np.vstack([np.c_[np.cos(t_out), np.sin(t_out)], np.c_[1.0 - np.cos(t_in), 0.5 - np.sin(t_in)]])
    y = np.r_[np.zeros(n_out, dtype=np.int64), np.ones(n_in, dtype=np.int64)]
    x = x + noise * _randn(2 * n).reshape(n, 2)
    import xgrad
    order = xgrad.randperm(n)
    return x[order].astype(np.float32), y[order]


def make_blobs(n_samples: int = 300, centers: Union[int, np.ndarray] = 3,
               cluster_std: Union[float, Sequence[float]] = 1.0,
               center_box: Tuple[float, float] = (-10.0, 10.0)) -> Tuple[np.ndarray, np.ndarray]:
    """Isotropic Gaussian blobs (scikit-learn's ``make_blobs`` in 2-D): ``centers`` is a count
    (centres drawn uniformly in ``center_box``) or a ``(K, 2)`` array; blob k gets
    ``n_samples // K`` points (the first ``n_samples % K`` blobs one more) from
    N(center_k, cluster_std_k^2 I). Returns ``(X float32 (N, 2), y int64 (N,))`` shuffled, all
    draws from xgrad's generator."""
    import xgrad

    n = _positive_int("make_blobs", "n_samples", n_samples)
    if isinstance(centers, (int, np.integer)) and not isinstance(centers, bool):
        k = _positive_int("make_blobs", "centers", centers)
        lo, hi = float(center_box[0]), float(center_box[1])
        if not (np.isfinite(lo) and np.isfinite(hi) and hi > lo):
            raise ValueError(f"make_blobs: center_box must be finite (low, high) with low < high, got {center_box!r}")
        c = lo + (hi - lo) * xgrad.rand(k * 2).numpy().astype(np.float64).reshape(k, 2)
    else:
        c = np.asarray(centers, dtype=np.float64)
        if c.ndim != 2 or c.shape[1] != 2 or len(c) == 0:
            raise ValueError(f"make_blobs: centers must be a count or a (K, 2) array, got shape {c.shape}")
        if not np.isfinite(c).all():
            raise ValueError(f"make_blobs: centers must be finite, got {c.tolist()}")
        k = len(c)
    std = np.broadcast_to(np.asarray(cluster_std, dtype=np.float64), (k,)) if np.ndim(cluster_std) == 0 \
        else np.asarray(cluster_std, dtype=np.float64)
    if std.shape != (k,) or np.any(~np.isfinite(std)) or np.any(std < 0):
        raise ValueError(f"make_blobs: cluster_std must be a number >= 0 or {k} of them, got {cluster_std!r}")
    counts = np.full(k, n // k, dtype=np.int64)
    counts[: n % k] += 1
    y = np.repeat(np.arange(k, dtype=np.int64), counts)
    x = c[y] + std[y, None] * _randn(2 * n).reshape(n, 2)
    order = xgrad.randperm(n)
    return x[order].astype(np.float32), y[order]
