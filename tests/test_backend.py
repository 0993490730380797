"""Threads: XGRAD_NUM_THREADS sets xgrad's loops and OpenBLAS at import (how tools/run_lectures.py
--threads N runs the notebooks with 1 or 2 threads)."""
import os
import subprocess
import sys

import pytest


@pytest.mark.parametrize("n", [1, 2])
def test_xgrad_num_threads_from_the_environment(n):
    env = dict(os.environ, XGRAD_NUM_THREADS=str(n))
    out = subprocess.run([sys.executable, "-c", "import xgrad; i = xgrad.blas_info(); "
                          "print(xgrad.get_num_threads(), i['blas_threads'])"],
                         env=env, capture_output=True, text=True, check=True).stdout.split()
    assert out == [str(n), str(n)]


def test_a_bad_xgrad_num_threads_names_the_variable():
    env = dict(os.environ, XGRAD_NUM_THREADS="two")
    proc = subprocess.run([sys.executable, "-c", "import xgrad"], env=env, capture_output=True, text=True)
    assert proc.returncode != 0 and "XGRAD_NUM_THREADS" in proc.stderr
