"""Every lecture notebook runs in quick mode (XGRAD_QUICK=1): a notebook that breaks, or whose
stated check (an assert in a cell) fails, fails the test suite."""
import os
from pathlib import Path

import pytest

nbformat = pytest.importorskip("nbformat", reason="nbformat is part of the test extra")
nbclient = pytest.importorskip("nbclient", reason="nbclient is part of the test extra")
import nbclient.exceptions  # noqa: E402

NOTEBOOKS = sorted((Path(__file__).resolve().parent.parent / "notebooks").glob("*.ipynb"))


def test_there_are_notebooks():
    assert NOTEBOOKS, "notebooks/ holds no .ipynb files"


@pytest.mark.slow
@pytest.mark.parametrize("path", NOTEBOOKS, ids=[p.stem for p in NOTEBOOKS])
def test_notebook_runs_in_quick_mode(path, monkeypatch):
    monkeypatch.setenv("XGRAD_QUICK", "1")
    monkeypatch.setenv("MPLBACKEND", "Agg")
    nb = nbformat.read(path, as_version=4)
    client = nbclient.NotebookClient(nb, timeout=600, kernel_name="python3",
                                     resources={"metadata": {"path": str(path.parent)}})
    try:
        client.execute()
    except nbclient.exceptions.CellExecutionError as err:
        # A notebook that needs MNIST or CIFAR skips, like every test that needs a data file, when
        # the file is absent; the loader's message names the file and every place it looked.
        if err.ename == "DatasetNotFoundError":
            pytest.skip(f"{path.name} needs a data set that is not here: {err.evalue}")
        raise
