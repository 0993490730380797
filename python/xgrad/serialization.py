"""``xgrad.save`` / ``xgrad.load``: state dicts as NumPy ``.npz`` files (no pickle).

Saving never leaves a torn file at the path, nor an orphan beside it. On Linux the data goes to an
unnamed temporary file in the target's folder (``O_TMPFILE``), which the kernel frees if the
writer dies; once complete and fsync'ed it is linked under a temporary name and renamed over the
path (``os.replace``, atomic). Where ``O_TMPFILE`` is unsupported the temporary file is named from
the start. Either way the temporary name, ``.xgrad-save-<pid>-<random>.tmp``, records the writer's
process id, and every save sweeps the folder of the temporary files whose writer is gone (killed
between creating and renaming them, e.g. by SIGKILL).

Loading checks what it reads and says what it found: a folder, an unreadable file (the real
OSError), a file that is not a zip archive, a truncated archive, a zip whose members are not
``.npy`` arrays (a .docx, a zip of text files), arrays of pickled objects, entries whose header
does not match their size."""
from __future__ import annotations

import errno
import os
import re
import secrets
import sys
import zipfile
from collections import OrderedDict
from typing import Any, BinaryIO, Iterator, Optional, Union

import numpy as np
from numpy.lib import format as npy_format

from ._checks import show
from ._tensor import Tensor

PathLike = Union[str, "os.PathLike[str]"]

_TEMP_PREFIX = ".xgrad-save-"
_TEMP_NAME = re.compile(r"^\.xgrad-save-(?P<pid>\d+)-[0-9a-f]+\.tmp$")
#: ``os.O_TMPFILE`` where the platform has it; set to None to use named temporary files only.
_O_TMPFILE: Optional[int] = getattr(os, "O_TMPFILE", None) if sys.platform.startswith("linux") else None


# ------------------------------------------------------------------------------------------ save

def _arrays(obj: Any) -> "OrderedDict[str, np.ndarray]":
    if hasattr(obj, "state_dict") and callable(obj.state_dict):
        obj = obj.state_dict()
    if not isinstance(obj, dict):
        raise TypeError(f"save: expected a Module or a dict of arrays (a state dict), got {type(obj).__name__}")
    out: "OrderedDict[str, np.ndarray]" = OrderedDict()
    for name, value in obj.items():
        if not isinstance(name, str):
            raise TypeError(f"save: state dict keys must be strings, got {name!r}")
        array = np.array(value.numpy() if isinstance(value, Tensor) else value, copy=True)
        if array.dtype.hasobject:
            raise TypeError(f"save: entry '{name}' is not numeric ({type(value).__name__}); only arrays, tensors "
                            f"and numbers can be saved")
        out[name] = array
    return out


def _write_npz(f: BinaryIO, arrays: "OrderedDict[str, np.ndarray]") -> None:
    """The ``.npz`` layout ``np.savez`` writes (one uncompressed ``<key>.npy`` member per entry),
    written member by member: ``np.savez(f, **arrays)`` would take an entry named ``file`` or
    ``allow_pickle`` for its own keyword argument."""
    with zipfile.ZipFile(f, mode="w", compression=zipfile.ZIP_STORED, allowZip64=True) as zf:
        for key, value in arrays.items():
            with zf.open(key + ".npy", mode="w", force_zip64=True) as member:
                npy_format.write_array(member, np.asanyarray(value), allow_pickle=False)


def _temp_name() -> str:
    return f"{_TEMP_PREFIX}{os.getpid()}-{secrets.token_hex(8)}.tmp"


def _writer_gone(pid: int) -> bool:
    """Whether no live process has this id (a zombie, dead but not yet reaped, counts as gone)."""
    if pid == os.getpid():
        return False
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return True
    except PermissionError:  # alive, owned by another user
        return False
    except OSError:
        return False
    try:
        with open(f"/proc/{pid}/stat", "rb") as f:
            state = f.read().rsplit(b")", 1)[1].split()[0]
        return state in (b"Z", b"X")
    except (OSError, IndexError):
        return False


def _sweep(directory: str) -> None:
    """Remove the temporary files of saves whose writer is gone. POSIX only: elsewhere the
    liveness test (signal 0) does not exist."""
    if os.name != "posix":
        return
    try:
        names = os.listdir(directory)
    except OSError:
        return
    for name in names:
        m = _TEMP_NAME.match(name)
        if m and _writer_gone(int(m.group("pid"))):
            _unlink_quietly(os.path.join(directory, name))


#: Devices (``st_dev``) whose file system refused an unnamed temporary file: named files there.
_NO_UNNAMED: set = set()


def _save_unnamed(arrays: "OrderedDict[str, np.ndarray]", directory: str, path: str) -> bool:
    """Write through an unnamed temporary file (Linux ``O_TMPFILE``) linked under a temporary name
    and renamed over ``path``. False, leaving nothing behind, where the file system (or /proc) does
    not allow it."""
    dir_fd = os.open(directory, os.O_RDONLY | os.O_DIRECTORY)
    try:
        device = os.fstat(dir_fd).st_dev
        if device in _NO_UNNAMED:
            return False
        try:
            fd = os.open(".", _O_TMPFILE | os.O_WRONLY, 0o666, dir_fd=dir_fd)  # type: ignore[operator]
        except OSError as e:
            if e.errno in (errno.EOPNOTSUPP, errno.EISDIR, errno.EINVAL):
                _NO_UNNAMED.add(device)  # an old kernel, or a file system without O_TMPFILE
                return False
            raise
        tmp = _temp_name()
        try:
            with os.fdopen(fd, "wb", closefd=False) as f:
                _write_npz(f, arrays)
                f.flush()
                os.fsync(f.fileno())
            try:
                # linkat(..., AT_SYMLINK_FOLLOW) of the /proc magic link (a dst_dir_fd makes
                # os.link call linkat with that flag; plain link() would not follow the link)
                os.link(f"/proc/self/fd/{fd}", tmp, dst_dir_fd=dir_fd, follow_symlinks=True)
            except OSError as e:
                if e.errno in (errno.ENOENT, errno.EXDEV, errno.EPERM, errno.EOPNOTSUPP, errno.EACCES):
                    _NO_UNNAMED.add(device)  # no /proc, or it does not resolve to the file
                    return False
                raise
        finally:
            os.close(fd)
        try:
            os.replace(os.path.join(directory, tmp), path)
        except BaseException:
            _unlink_quietly(os.path.join(directory, tmp))
            raise
        _fsync_directory(dir_fd)
        return True
    finally:
        os.close(dir_fd)


def _save_named(arrays: "OrderedDict[str, np.ndarray]", directory: str, path: str) -> None:
    """Write to a named temporary file (created with mode 0o666 less the umask, as ``open`` would;
    ``tempfile.mkstemp``'s 0o600 would survive the rename), fsync, rename over ``path``."""
    while True:
        tmp = os.path.join(directory, _temp_name())
        try:
            fd = os.open(tmp, os.O_WRONLY | os.O_CREAT | os.O_EXCL | getattr(os, "O_BINARY", 0), 0o666)
            break
        except FileExistsError:
            continue
    try:
        with os.fdopen(fd, "wb") as f:
            _write_npz(f, arrays)
            f.flush()
            os.fsync(f.fileno())
        os.replace(tmp, path)
    except BaseException:
        _unlink_quietly(tmp)
        raise
    if os.name == "posix":
        dir_fd = os.open(directory, os.O_RDONLY)
        try:
            _fsync_directory(dir_fd)
        finally:
            os.close(dir_fd)


def _fsync_directory(dir_fd: int) -> None:
    """Make the rename itself durable (a power cut right after it keeps the new file)."""
    try:
        os.fsync(dir_fd)
    except OSError:
        pass


def _unlink_quietly(path: str) -> None:
    try:
        os.unlink(path)
    except OSError:
        pass


def _path(path: Any, owner: str) -> str:
    """``path`` as a str: a str, bytes or os.PathLike naming a file (not an int: ``os.fspath``
    refuses it, but ``open(3)`` would take it as a file descriptor)."""
    if not isinstance(path, (str, bytes, os.PathLike)):
        raise TypeError(f"{owner}: path must be a str or os.PathLike, got {show(path)} ({type(path).__name__})")
    path = os.fspath(path)
    if isinstance(path, bytes):
        path = os.fsdecode(path)
    if not path:
        raise ValueError(f"{owner}: path must name a file, got an empty string")
    if "\0" in path:
        raise ValueError(f"{owner}: path must not contain a NUL character, got {show(path)}")
    return path


def save(obj: Any, path: PathLike) -> None:
    """Write a Module's ``state_dict()`` (or any dict of tensors / arrays / numbers) to ``path`` as
    an uncompressed ``.npz``. The file appears complete or not at all: the data is written to a
    temporary file in the same folder (unnamed where Linux allows, so a killed writer leaves
    nothing), fsync'ed and renamed over ``path``; the temporary files of writers that died are
    swept. Concurrent saves to one path leave one of them, whole. Read it back with
    ``xgrad.load`` and ``model.load_state_dict``."""
    arrays = _arrays(obj)
    path = os.path.abspath(_path(path, "save"))
    if os.path.isdir(path):
        raise IsADirectoryError(errno.EISDIR, f"save: {path} is a folder; give a file name such as "
                                f"{os.path.join(path, 'model.npz')}", path)
    directory = os.path.dirname(path)
    if not os.path.isdir(directory):
        what = "is not a folder" if os.path.exists(directory) else "does not exist"
        raise FileNotFoundError(errno.ENOENT, f"save: the folder {directory} {what}", directory)
    _sweep(directory)
    if _O_TMPFILE is None or not _save_unnamed(arrays, directory, path):
        _save_named(arrays, directory, path)


# ------------------------------------------------------------------------------------------ load

def _not_npz(path: str, found: str) -> ValueError:
    return ValueError(f"load: {path} is not a readable .npz state dict ({found})")


def _describe_start(head: bytes) -> str:
    """What a file that is not a zip archive looks like, from its first bytes."""
    if not head:
        return "the file is empty"
    if head.startswith(b"\x93NUMPY"):
        return "it is a single .npy array, not an .npz archive; read it with numpy.load"
    if head.startswith(b"\x80") and len(head) > 1 and head[1] <= 5:
        return "it is a pickle, which xgrad never writes nor unpickles"
    if head.startswith(b"\x89HDF"):
        return "it is an HDF5 file"
    if head.startswith(b"PK"):
        return "it starts like a zip archive but has no end-of-archive record: truncated (an interrupted copy?)"
    return f"not a zip archive; it starts with {head[:16]!r}"


def _members(path: str, zf: zipfile.ZipFile) -> Iterator[zipfile.ZipInfo]:
    infos = zf.infolist()
    names = [i.filename for i in infos]
    if len(set(names)) != len(names):
        twice = sorted({n for n in names if names.count(n) > 1})
        raise _not_npz(path, f"the archive holds members named twice: {twice[:5]}")
    other = [n for n in names if not n.endswith(".npy")]
    if other:
        shown = ", ".join(repr(n) for n in other[:5]) + (", ..." if len(other) > 5 else "")
        raise _not_npz(path, f"a zip archive whose members are not .npy arrays: {shown}")
    return iter(infos)


def _read_member(path: str, zf: zipfile.ZipFile, info: zipfile.ZipInfo) -> np.ndarray:
    key = info.filename[:-len(".npy")]
    with zf.open(info) as f:
        try:
            version = npy_format.read_magic(f)
            if version == (1, 0):
                shape, fortran, dtype = npy_format.read_array_header_1_0(f)
            elif version == (2, 0):
                shape, fortran, dtype = npy_format.read_array_header_2_0(f)
            else:  # 3.0 (utf-8 field names) has no public reader
                shape, fortran, dtype = npy_format._read_array_header(f, version)
        except (ValueError, SyntaxError, TypeError) as e:
            raise _not_npz(path, f"entry {key!r} is not a valid .npy array: {e}") from None
        if dtype.hasobject:
            raise _not_npz(path, f"entry {key!r} holds pickled Python objects (dtype {dtype}), which xgrad never "
                                 f"writes nor unpickles")
        count = 1
        for s in shape:
            count *= s
        expected = count * dtype.itemsize
        have = info.file_size - f.tell()
        if have != expected:
            raise _not_npz(path, f"entry {key!r} declares {dtype} {shape} ({expected} bytes) but holds "
                                 f"{have} bytes: truncated or corrupt")
        data = bytearray(expected)  # read once into memory the array then owns (writeable)
        view, done = memoryview(data), 0
        while done < expected:
            n = f.readinto(view[done:])
            if not n:
                raise _not_npz(path, f"entry {key!r} ends after {done} of its {expected} bytes: truncated")
            done += n
    array = np.frombuffer(data, dtype=dtype)
    return array.reshape(shape[::-1]).transpose() if fortran else array.reshape(shape)


def load(path: PathLike) -> "OrderedDict[str, np.ndarray]":
    """Read a file written by ``xgrad.save``: an ordered dict of name -> NumPy array (no pickle).
    ``model.load_state_dict(xgrad.load(path))`` then checks names, shapes and dtypes against the
    model and reports every difference.

    Raises FileNotFoundError, IsADirectoryError or the OSError of opening the file (e.g.
    PermissionError) naming it; ValueError saying what was found when the file is not an ``.npz``
    state dict (not a zip, a truncated or corrupt archive, members that are not .npy arrays,
    pickled object arrays)."""
    path = _path(path, "load")
    try:
        f = open(path, "rb")
    except FileNotFoundError:
        raise FileNotFoundError(errno.ENOENT, f"load: no such file: {path}", path) from None
    except IsADirectoryError:
        raise IsADirectoryError(errno.EISDIR, f"load: {path} is a folder, not a state dict file", path) from None
    except OSError as e:
        raise type(e)(e.errno, f"load: cannot open {path}: {e.strerror}", path) from None
    with f:
        if os.path.isdir(path):  # some platforms open folders for reading
            raise IsADirectoryError(errno.EISDIR, f"load: {path} is a folder, not a state dict file", path)
        try:
            head = f.read(16)
            f.seek(0)
            if not zipfile.is_zipfile(f):
                raise _not_npz(path, _describe_start(head))
            f.seek(0)
            with zipfile.ZipFile(f) as zf:
                return OrderedDict((info.filename[:-len(".npy")], _read_member(path, zf, info))
                                   for info in _members(path, zf))
        except ValueError:
            raise
        except (zipfile.BadZipFile, zipfile.LargeZipFile, EOFError, NotImplementedError, KeyError) as e:
            raise _not_npz(path, f"a damaged zip archive: {e}") from None
        except OSError as e:
            if e.errno is None:  # zlib / zipfile's own errors
                raise _not_npz(path, f"a damaged zip archive: {e}") from None
            raise type(e)(e.errno, f"load: cannot read {path}: {e.strerror}", path) from None
