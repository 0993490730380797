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


# --- the convolution algorithm (Winograd F(2x2, 3x3) or im2col + gemm) ---

@pytest.fixture
def one_thread():
    import xgrad
    before = xgrad.get_num_threads()
    xgrad.set_num_threads(1)
    yield
    xgrad.set_num_threads(before)


def test_auto_on_more_threads_takes_winograd_from_128_channels(one_thread):
    import xgrad
    import xgrad.backend as B
    xgrad.set_num_threads(2)
    assert B.conv_algorithm_for((64, 32, 16, 16), (64, 32, 3, 3), padding=1) == "gemm"
    assert B.conv_algorithm_for((32, 128, 8, 8), (128, 128, 3, 3), padding=1) == "winograd"
    assert B.conv_algorithm_for((32, 128, 8, 8), (64, 128, 3, 3), padding=1) == "gemm"


def test_auto_takes_winograd_for_3x3_stride_1_from_16_channels_in_and_out(one_thread):
    import xgrad.backend as B
    assert B.get_conv_algorithm() == "auto"
    assert B.conv_algorithm_for((64, 32, 16, 16), (64, 32, 3, 3), padding=1) == "winograd"
    assert B.conv_algorithm_for((64, 16, 8, 8), (16, 16, 3, 3)) == "winograd"
    assert B.conv_algorithm_for((64, 8, 16, 16), (64, 8, 3, 3), padding=1) == "gemm"      # too few inputs
    assert B.conv_algorithm_for((64, 32, 16, 16), (8, 32, 3, 3), padding=1) == "gemm"     # too few outputs
    for kw in (dict(stride=2), dict(dilation=2), dict(groups=2)):                         # not Winograd's
        assert B.conv_algorithm_for((4, 32, 16, 16), (32, 32 // kw.get("groups", 1), 3, 3), padding=1, **kw) == "gemm"
    assert B.conv_algorithm_for((4, 32, 16, 16), (32, 32, 5, 5), padding=2) == "gemm"
    with B.conv_algorithm("winograd"):
        assert B.conv_algorithm_for((1, 1, 5, 5), (1, 1, 3, 3)) == "winograd"
        assert B.conv_algorithm_for((1, 1, 5, 5), (1, 1, 3, 3), stride=2) == "gemm"   # forced only where it applies
    with B.conv_algorithm("gemm"):
        assert B.conv_algorithm_for((64, 32, 16, 16), (64, 32, 3, 3), padding=1) == "gemm"
    assert B.get_conv_algorithm() == "auto"


def test_conv_algorithm_restores_the_setting_and_rejects_unknown_names():
    import xgrad.backend as B
    with pytest.raises(RuntimeError):
        with B.conv_algorithm("gemm"):
            raise RuntimeError("inside")
    assert B.get_conv_algorithm() == "auto"
    with pytest.raises(ValueError, match="set_conv_algorithm: name must be one of 'auto', 'gemm', 'winograd', got 'fft'"):
        B.set_conv_algorithm("fft")
    with pytest.raises(TypeError, match="set_conv_algorithm"):
        B.set_conv_algorithm(1)


@pytest.mark.parametrize("algorithm", ["gemm", "winograd"])
def test_float32_convolution_error_against_float64(algorithm):
    """The bound backend.set_conv_algorithm states: forward, dx and dw of a 64-channel 3x3
    convolution in float32 are within 1e-5 of the largest value of the float64 result."""
    import numpy as np
    import xgrad
    import xgrad.nn.functional as F
    rng = np.random.default_rng(0)
    x, g = rng.standard_normal((4, 64, 10, 9)), rng.standard_normal((4, 64, 10, 9))
    w = rng.standard_normal((64, 64, 3, 3)) / np.sqrt(64 * 9)

    def run(dtype, alg):
        with xgrad.backend.conv_algorithm(alg):
            xt, wt = xgrad.tensor(x.astype(dtype), requires_grad=True), xgrad.tensor(w.astype(dtype), requires_grad=True)
            y = F.conv2d(xt, wt, padding=1)
            (y * xgrad.tensor(g.astype(dtype))).sum().backward()
            return [a.numpy().astype(np.float64) for a in (y, xt.grad, wt.grad)]

    for ours, ref in zip(run(np.float32, algorithm), run(np.float64, "gemm")):
        err = np.max(np.abs(ours - ref)) / np.max(np.abs(ref))
        assert 0 < err < 1e-5, err


def test_conv_algorithm_for_checks_its_arguments_and_allocates_nothing():
    import xgrad.backend as B
    from xgrad import _core
    before = _core.allocator_stats()
    # a query for an input of 64 GiB answers from the shapes alone
    assert B.conv_algorithm_for((2 ** 20, 64, 256, 256), (64, 64, 3, 3), padding=1) in ("gemm", "winograd")
    after = _core.allocator_stats()
    assert after["misses"] == before["misses"] and after["live_bytes"] == before["live_bytes"]
    with pytest.raises(ValueError, match="conv_algorithm_for: input_shape must be an integer >= 0, got -1"):
        B.conv_algorithm_for((-1, 3, 8, 8), (4, 3, 3, 3))
    with pytest.raises(TypeError, match="conv_algorithm_for: weight_shape must be an integer"):
        B.conv_algorithm_for((1, 3, 8, 8), (4, "3", 3, 3))
    with pytest.raises(TypeError, match="conv_algorithm_for: stride"):
        B.conv_algorithm_for((1, 3, 8, 8), (4, 3, 3, 3), stride=1.5)
    with pytest.raises(ValueError, match=r"conv2d: input must be 4-D"):
        B.conv_algorithm_for((1, 3, 8), (4, 3, 3, 3))
    with pytest.raises(ValueError, match=r"conv2d: input of shape \(1, 2, 8, 8\) has 2 channels"):
        B.conv_algorithm_for((1, 2, 8, 8), (4, 3, 3, 3))
