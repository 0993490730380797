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


# ---------------------------------------------------------------- saving: no torn file, no orphan

import signal  # noqa: E402
import subprocess  # noqa: E402
import sys  # noqa: E402
import threading  # noqa: E402
import time  # noqa: E402
import zipfile  # noqa: E402

import xgrad.serialization as serialization  # noqa: E402

SAVE_MODES = ["unnamed", "named"]  # O_TMPFILE where Linux has it; the named-file fallback


@pytest.fixture(params=SAVE_MODES)
def save_mode(request, monkeypatch):
    if request.param == "unnamed" and serialization._O_TMPFILE is None:
        pytest.skip("no O_TMPFILE on this platform: only the named-file path exists")
    if request.param == "named":
        monkeypatch.setattr(serialization, "_O_TMPFILE", None)
    return request.param


def temp_files(folder):
    return sorted(n for n in os.listdir(folder) if n.startswith(".xgrad-save-"))


def test_entries_named_like_savez_arguments_round_trip(tmp_path, save_mode):
    # np.savez(f, **arrays) took 'file' for its own argument (TypeError) and 'allow_pickle' for its
    # keyword (the entry was silently dropped)
    state = {"file": np.arange(3.0), "allow_pickle": np.ones(2), "args": np.zeros(1), "w.npy": np.eye(2)}
    xgrad.save(state, tmp_path / "m.npz")
    got = xgrad.load(tmp_path / "m.npz")
    assert list(got) == list(state)
    for k in state:
        np.testing.assert_array_equal(got[k], state[k])
    assert sorted(np.load(tmp_path / "m.npz").files) == sorted(state)  # still a plain .npz for NumPy


def test_save_refuses_a_folder_and_a_missing_folder(tmp_path):
    with pytest.raises(IsADirectoryError, match=r"save: .* is a folder"):
        xgrad.save({"w": np.ones(2)}, tmp_path)
    with pytest.raises(FileNotFoundError, match=r"save: the folder .*nope does not exist"):
        xgrad.save({"w": np.ones(2)}, tmp_path / "nope" / "m.npz")


SAVER = r"""
import sys, time, numpy as np
sys.path.insert(0, {python!r})
import xgrad, xgrad.serialization as s
if {named}:
    s._O_TMPFILE = None
state = {{"w%d" % i: np.full((1 << 18,), float(i)) for i in range(6)}}
xgrad.save(state, {path!r})
write = s._write_npz

def stalling(f, arrays):  # the data written, not yet fsync'ed and renamed: kill me here
    write(f, arrays)
    f.flush()
    print("mid-save", flush=True)
    time.sleep(120)

s._write_npz = stalling
xgrad.save({{"new": np.zeros(3)}}, {path!r})
"""


def _python_dir():
    return os.path.dirname(os.path.dirname(os.path.abspath(xgrad.__file__)))


def _kill_mid_save(path, named):
    code = SAVER.format(python=_python_dir(), named=named, path=str(path))
    child = subprocess.Popen([sys.executable, "-c", code], stdout=subprocess.PIPE, stderr=subprocess.PIPE)
    try:
        line = child.stdout.readline().strip()
        assert line == b"mid-save", child.stderr.read().decode()
        child.send_signal(signal.SIGKILL)
    finally:
        child.wait()
    assert child.returncode == -signal.SIGKILL


@pytest.mark.skipif(os.name != "posix", reason="SIGKILL and the liveness sweep are POSIX")
def test_a_save_killed_by_sigkill_leaves_no_orphan_and_no_torn_file(tmp_path, save_mode):
    path = tmp_path / "big.npz"
    _kill_mid_save(path, named=save_mode == "named")
    if save_mode == "unnamed":
        assert temp_files(tmp_path) == []  # the data was in an unnamed file: the kernel freed it
    else:
        assert len(temp_files(tmp_path)) == 1  # a named temporary file is left until the next save
    full = xgrad.load(path)  # the path still holds the last complete save, whole
    assert sorted(full) == [f"w{i}" for i in range(6)] and all(v.shape == (1 << 18,) for v in full.values())
    xgrad.save({"x": np.ones(2)}, tmp_path / "other.npz")  # any later save in that folder sweeps
    assert temp_files(tmp_path) == []


@pytest.mark.skipif(os.name != "posix", reason="SIGKILL and the liveness sweep are POSIX")
def test_saves_killed_at_random_moments_leave_nothing_after_the_next_save(tmp_path, save_mode):
    path = tmp_path / "loop.npz"
    code = ("import sys, numpy as np\nsys.path.insert(0, %r)\nimport xgrad, xgrad.serialization as s\n"
            "if %r:\n    s._O_TMPFILE = None\n"
            "state = {'w%%d' %% i: np.full((1 << 19,), float(i)) for i in range(4)}\n"
            "xgrad.save(state, %r)\nprint('saved', flush=True)\nwhile True:\n    xgrad.save(state, %r)\n"
            % (_python_dir(), save_mode == "named", str(path), str(path)))
    for delay in (0.05, 0.13, 0.29):
        child = subprocess.Popen([sys.executable, "-c", code], stdout=subprocess.PIPE, stderr=subprocess.PIPE)
        try:
            assert child.stdout.readline().strip() == b"saved", child.stderr.read().decode()
            time.sleep(delay)
            child.send_signal(signal.SIGKILL)
        finally:
            child.wait()
        assert sorted(xgrad.load(path)) == ["w0", "w1", "w2", "w3"]
    xgrad.save({"x": np.ones(2)}, tmp_path / "other.npz")
    assert temp_files(tmp_path) == []


@pytest.mark.skipif(os.name != "posix", reason="the liveness sweep is POSIX")
def test_the_sweep_removes_only_files_of_writers_that_are_gone(tmp_path):
    sleeper = subprocess.Popen([sys.executable, "-c", "import time; time.sleep(60)"])
    dead = subprocess.Popen([sys.executable, "-c", "pass"])
    dead.wait()
    try:
        names = {
            "live": f".xgrad-save-{sleeper.pid}-00ff.tmp",
            "mine": f".xgrad-save-{os.getpid()}-00ff.tmp",    # a concurrent save of this process
            "dead": f".xgrad-save-{dead.pid}-00ff.tmp",
            "other": ".xgrad-save-notapid.tmp",                   # not ours: left alone
        }
        for n in names.values():
            (tmp_path / n).write_bytes(b"partial")
        xgrad.save({"x": np.ones(2)}, tmp_path / "m.npz")
        assert sorted(os.listdir(tmp_path)) == sorted(["m.npz", names["live"], names["mine"], names["other"]])
    finally:
        sleeper.kill()
        sleeper.wait()


def test_concurrent_saves_to_one_path_leave_one_complete_file(tmp_path, save_mode):
    path = tmp_path / "shared.npz"
    states = [{"w": np.full((200_000,), float(i)), "b": np.full((7,), float(i))} for i in range(6)]
    errors = []

    def worker(state):
        try:
            for _ in range(5):
                xgrad.save(state, path)
        except BaseException as e:  # noqa: BLE001
            errors.append(e)

    threads = [threading.Thread(target=worker, args=(s,)) for s in states]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert not errors
    got = xgrad.load(path)
    i = int(got["w"][0])
    np.testing.assert_array_equal(got["w"], states[i]["w"])  # all of one writer's file, no mix
    np.testing.assert_array_equal(got["b"], states[i]["b"])
    assert os.listdir(tmp_path) == ["shared.npz"]


@pytest.mark.skipif(os.name != "posix", reason="file modes and umask are POSIX")
def test_both_save_paths_give_the_mode_a_plain_write_would(tmp_path, save_mode):
    old = os.umask(0o027)
    try:
        xgrad.save(nn.Linear(3, 2), tmp_path / "model.npz")
    finally:
        os.umask(old)
    assert os.stat(tmp_path / "model.npz").st_mode & 0o777 == 0o640


def test_a_failed_write_leaves_the_old_file_and_no_temporary(tmp_path, save_mode, monkeypatch):
    path = tmp_path / "m.npz"
    xgrad.save({"w": np.ones(3)}, path)

    def broken(f, arrays):
        f.write(b"PK\x03\x04 half an archive")
        raise OSError(28, "No space left on device")

    monkeypatch.setattr(serialization, "_write_npz", broken)
    with pytest.raises(OSError, match="No space left"):
        xgrad.save({"w": np.zeros(3)}, path)
    monkeypatch.undo()
    np.testing.assert_array_equal(xgrad.load(path)["w"], np.ones(3))
    assert os.listdir(tmp_path) == ["m.npz"]


# ---------------------------------------------------------------- loading: say what was found

def _zip(path, members):
    with zipfile.ZipFile(path, "w") as z:
        for name, data in members.items():
            z.writestr(name, data)
    return path


def _npy_bytes(array, **header_changes):
    import io
    buf = io.BytesIO()
    np.lib.format.write_array(buf, array, allow_pickle=True)
    return buf.getvalue()


@pytest.mark.parametrize("members,pattern", [
    ({"notes.txt": "hello", "more.txt": "world"}, r"members are not \.npy arrays: 'notes\.txt', 'more\.txt'"),
    ({"[Content_Types].xml": "<Types/>", "word/document.xml": "<w:document/>"},  # a .docx
     r"members are not \.npy arrays: '\[Content_Types\]\.xml', 'word/document\.xml'"),
    ({"w.npy": _npy_bytes(np.ones(2)), "readme.md": "x"}, r"members are not \.npy arrays: 'readme\.md'"),
    ({"w.npy": b"this is not an npy header"}, r"entry 'w' is not a valid \.npy array"),
    ({"w.npy": _npy_bytes(np.array([{"a": 1}, None], dtype=object))},
     r"entry 'w' holds pickled Python objects \(dtype object\)"),
    ({"w.npy": _npy_bytes(np.ones(10))[:-16]}, r"entry 'w' declares float64 \(10,\) \(80 bytes\) but holds 64 bytes"),
], ids=["zip-of-text", "docx", "npz-with-a-text-member", "member-not-npy", "pickled-object-array",
        "member-shorter-than-its-header"])
def test_load_of_a_zip_that_is_not_an_npz_state_dict_says_what_it_found(tmp_path, members, pattern):
    path = _zip(tmp_path / "thing.zip", members)
    with pytest.raises(ValueError, match=r"load: .*thing\.zip is not a readable \.npz state dict \(.*" + pattern):
        xgrad.load(path)


@pytest.mark.parametrize("content,pattern", [
    (b"", "the file is empty"),
    (b"hello, world", r"not a zip archive; it starts with b'hello, world'"),
    (_npy_bytes(np.ones(3)), r"it is a single \.npy array"),
    (b"\x80\x04\x95 pickled", "it is a pickle"),
], ids=["empty", "text", "npy", "pickle"])
def test_load_of_a_file_that_is_not_a_zip_says_what_it_looks_like(tmp_path, content, pattern):
    (tmp_path / "f.npz").write_bytes(content)
    with pytest.raises(ValueError, match=r"f\.npz is not a readable \.npz state dict \(" + pattern):
        xgrad.load(tmp_path / "f.npz")


@pytest.mark.parametrize("keep", [0.3, 0.6, 0.95])
def test_load_of_a_truncated_npz_names_it(tmp_path, keep):
    xgrad.save({"w": np.arange(1000.0), "b": np.ones(10)}, tmp_path / "full.npz")
    data = (tmp_path / "full.npz").read_bytes()
    (tmp_path / "cut.npz").write_bytes(data[:int(len(data) * keep)])
    with pytest.raises(ValueError, match=r"load: .*cut\.npz is not a readable \.npz state dict \(.*truncated"):
        xgrad.load(tmp_path / "cut.npz")


def test_load_of_a_folder_names_it(tmp_path):
    with pytest.raises(IsADirectoryError, match=r"load: .* is a folder, not a state dict file") as info:
        xgrad.load(tmp_path)
    assert info.value.filename == str(tmp_path)


def test_load_of_an_unreadable_file_gives_the_real_cause(tmp_path, monkeypatch):
    path = tmp_path / "secret.npz"
    xgrad.save({"w": np.ones(2)}, path)
    real_open = open

    def refusing(file, *args, **kwargs):  # what chmod 000 does to a non-root reader
        if os.fspath(file) == str(path):
            raise PermissionError(13, "Permission denied", os.fspath(file))
        return real_open(file, *args, **kwargs)

    import builtins
    monkeypatch.setattr(builtins, "open", refusing)  # wherever the loader opens it
    with pytest.raises(PermissionError, match=r"load: cannot open .*secret\.npz: Permission denied") as info:
        xgrad.load(path)
    assert info.value.errno == 13 and info.value.filename == str(path)


@pytest.mark.skipif(os.name != "posix" or os.geteuid() == 0,
                    reason="root reads a chmod 000 file (the monkeypatched test above covers the message)")
def test_load_of_a_chmod_000_file_raises_permission_error(tmp_path):
    path = tmp_path / "secret.npz"
    xgrad.save({"w": np.ones(2)}, path)
    os.chmod(path, 0)
    try:
        with pytest.raises(PermissionError, match="Permission denied"):
            xgrad.load(path)
    finally:
        os.chmod(path, 0o644)


def test_load_reads_fortran_order_compressed_and_empty_npz(tmp_path):
    f = np.asfortranarray(np.arange(6.0).reshape(2, 3))
    np.savez_compressed(tmp_path / "c.npz", f=f, z=np.zeros((0, 3), np.float32))
    got = xgrad.load(tmp_path / "c.npz")
    np.testing.assert_array_equal(got["f"], f)
    assert got["z"].shape == (0, 3) and got["z"].dtype == np.float32 and got["f"].flags.writeable
    xgrad.save({}, tmp_path / "e.npz")
    assert xgrad.load(tmp_path / "e.npz") == {}
