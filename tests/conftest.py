import importlib
import os

import numpy as np
import pytest

import xgrad


def _torch():
    try:
        return importlib.import_module("torch")
    except ImportError:
        return None


torch = _torch()
TORCH_MISSING = "PyTorch is not installed (the test extra installs torch==2.13.0); comparison skipped"
requires_torch = pytest.mark.skipif(torch is None, reason=TORCH_MISSING)


@pytest.fixture(autouse=True)
def _seed():
    xgrad.manual_seed(0)
    yield


@pytest.fixture
def rng():
    return np.random.default_rng(0)


def data_dir():
    """Where the shared datasets are (XGRAD_DATA, as the Makefile sets it), or None."""
    path = os.environ.get("XGRAD_DATA")
    return path if path and os.path.isdir(path) else None
