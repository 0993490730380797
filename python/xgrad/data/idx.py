"""Reader for the IDX format of MNIST and Fashion-MNIST (LeCun's format: a 4-byte magic number
``0x00 0x00 <dtype code> <ndim>``, then ``ndim`` big-endian uint32 sizes, then the data in C order,
big-endian), gzip-compressed or not.

Every field is checked, so a truncated or corrupt file raises ``ValueError`` naming the file and
what is wrong instead of returning garbage or crashing."""
from __future__ import annotations

import gzip
import os
import zlib
from typing import Union

import numpy as np

__all__ = ["read_idx", "parse_idx"]

# dtype code -> big-endian NumPy dtype, from the format's definition.
_IDX_DTYPES = {
    0x08: np.dtype(">u1"),
    0x09: np.dtype(">i1"),
    0x0B: np.dtype(">i2"),
    0x0C: np.dtype(">i4"),
    0x0D: np.dtype(">f4"),
    0x0E: np.dtype(">f8"),
}
_GZIP_MAGIC = b"\x1f\x8b"


def parse_idx(raw: bytes, name: str = "<bytes>") -> np.ndarray:
    """Decode the bytes of an (uncompressed) IDX file into a NumPy array of native byte order.

    ``name`` is only used in error messages. Raises ``ValueError`` when the magic number, the dtype
    code, the number of dimensions or the length of the data does not match the header.
    """
    if len(raw) < 4:
        raise ValueError(f"read_idx: {name} is {len(raw)} bytes long, shorter than the 4-byte IDX magic number")
    if raw[0] != 0 or raw[1] != 0:
        raise ValueError(f"read_idx: {name} does not start with an IDX magic number (first bytes "
                         f"{raw[:4].hex()}, expected 0000<dtype><ndim>)")
    code, ndim = raw[2], raw[3]
    if code not in _IDX_DTYPES:
        known = ", ".join(f"0x{c:02X}" for c in _IDX_DTYPES)
        raise ValueError(f"read_idx: {name} has IDX dtype code 0x{code:02X}, expected one of {known}")
    if ndim == 0:
        raise ValueError(f"read_idx: {name} declares 0 dimensions, expected at least 1")
    header = 4 + 4 * ndim
    if len(raw) < header:
        raise ValueError(f"read_idx: {name} is truncated inside its header ({len(raw)} bytes, the "
                         f"header of a {ndim}-dimensional IDX file is {header} bytes)")
    dims = tuple(int(d) for d in np.frombuffer(raw, dtype=">u4", count=ndim, offset=4))
    dtype = _IDX_DTYPES[code]
    expected = header + int(np.prod(dims, dtype=np.int64)) * dtype.itemsize
    if len(raw) != expected:
        what = "truncated" if len(raw) < expected else "longer than its header says"
        raise ValueError(f"read_idx: {name} is {what}: {len(raw)} bytes, expected {expected} "
                         f"(header {header} + shape {dims} x {dtype.itemsize} bytes of {dtype.name})")
    data = np.frombuffer(raw, dtype=dtype, offset=header).reshape(dims)
    # A native-order, writable copy: callers scale and reshape it freely.
    return data.astype(dtype.newbyteorder("="))


def read_idx(path: Union[str, os.PathLike]) -> np.ndarray:
    """Read an IDX file (``*-idx3-ubyte`` images, ``*-idx1-ubyte`` labels), gzip-compressed or not
    (detected from the content, not the name). Returns the array with the shape of the header, e.g.
    ``(60000, 28, 28)`` uint8 for MNIST's training images.

    Raises ``FileNotFoundError`` if the file does not exist and ``ValueError`` if it is corrupt or
    truncated (bad gzip stream, magic number, dtype code, dimensions or length).
    """
    if not isinstance(path, (str, bytes, os.PathLike)):
        raise TypeError(f"read_idx: path must be a str or os.PathLike, got {path!r} ({type(path).__name__})")
    path = os.fspath(path)
    try:
        with open(path, "rb") as f:
            raw = f.read()
    except OSError as e:  # the call and the path in the message, the same exception type
        raise type(e)(e.errno, f"read_idx: cannot read {path}: {e.strerror}", path) from None
    if raw[:2] == _GZIP_MAGIC:
        try:
            raw = gzip.decompress(raw)
        except (EOFError, OSError, zlib.error) as exc:
            raise ValueError(f"read_idx: {path} is a damaged gzip stream ({exc})") from None
    return parse_idx(raw, path)
