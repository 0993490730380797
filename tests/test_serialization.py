"""xgrad.save / xgrad.load: round trip, atomic writes, load_state_dict's checks."""
import os

import numpy as np
import pytest

import xgrad
import xgrad.nn as nn


def cnn():
    return nn.Sequential(nn.Conv2d(3, 4, 3, padding=1), nn.BatchNorm2d(4), nn.ReLU(), nn.MaxPool2d(2), nn.Flatten(),
                         nn.Linear(4 * 2 * 2, 3))


def test_round_trip_restores_parameters_and_buffers(tmp_path):
    a = cnn()
    a(xgrad.randn(2, 3, 4, 4))  # running statistics move away from their initial values
    path = tmp_path / "model.npz"
    xgrad.save(a, path)
    b = cnn()
    b.load_state_dict(xgrad.load(path))
    sa, sb = a.state_dict(), b.state_dict()
    assert list(sa) == list(sb) and "1.running_mean" in sa  # zip alone would stop at the shorter one
    for k in sa:
        np.testing.assert_array_equal(sa[k], sb[k], err_msg=k)
    x = xgrad.randn(2, 3, 4, 4)
    a.eval(), b.eval()
    np.testing.assert_array_equal(a(x).numpy(), b(x).numpy())
    assert [p.name for p in tmp_path.iterdir()] == ["model.npz"]  # no temporary file left behind


def test_failed_save_keeps_the_old_file(tmp_path):
    path = tmp_path / "ckpt.npz"
    xgrad.save({"w": np.ones(3)}, path)
    with pytest.raises(TypeError, match="entry 'bad' is not numeric"):
        xgrad.save({"w": np.zeros(3), "bad": object()}, path)
    np.testing.assert_array_equal(xgrad.load(path)["w"], np.ones(3))
    assert sorted(os.listdir(tmp_path)) == ["ckpt.npz"]


def test_load_checks_names_shapes_dtypes(tmp_path):
    path = tmp_path / "m.npz"
    xgrad.save(nn.Linear(3, 2), path)
    with pytest.raises(ValueError, match=r"weight: shape \(2, 3\) in the state, \(4, 3\) in the model"):
        nn.Linear(3, 4).load_state_dict(xgrad.load(path))
    with pytest.raises(ValueError, match=r"weight: dtype float32 in the state, float64 in the model"):
        nn.Linear(3, 2, dtype=xgrad.float64).load_state_dict(xgrad.load(path))
    with pytest.raises(ValueError, match=r"bias: missing from the state"):
        nn.Linear(3, 2).load_state_dict({"weight": np.zeros((2, 3), np.float32)})
    (tmp_path / "junk.npz").write_bytes(b"not a zip")
    with pytest.raises(ValueError, match="not a readable .npz"):
        xgrad.load(tmp_path / "junk.npz")
    with pytest.raises(FileNotFoundError):
        xgrad.load(tmp_path / "missing.npz")


@pytest.mark.skipif(os.name != "posix", reason="file modes and umask are POSIX")
@pytest.mark.parametrize("umask", [0o022, 0o077])
def test_saved_file_gets_the_mode_a_plain_write_would(tmp_path, umask):
    old = os.umask(umask)
    try:
        xgrad.save(nn.Linear(3, 2), tmp_path / "model.npz")
        np.savez(tmp_path / "plain.npz", w=np.ones(3))
    finally:
        os.umask(old)
    mode = os.stat(tmp_path / "model.npz").st_mode & 0o777
    assert mode == 0o666 & ~umask == os.stat(tmp_path / "plain.npz").st_mode & 0o777
