"""Decodes one PyTorch storage saved in torch's legacy (non-zip) format, without torch.

When plain `pickle` writes a torch tensor (NVlabs' network pickles do), the
tensor's storage becomes `torch.storage._load_from_bytes(data)`, with `data` a
legacy `torch.save` of that storage, the same in torch 1.x and 2.x: five
pickles (magic number, format version 1001, system info, the storage as a
persistent id `("storage", torch.<Kind>Storage, key, location, numel, None)`,
the list of storage keys) followed, per key, by its element count (int64) and
its raw bytes. This module reads them with numpy; the pickles are unpickled
with an allowlist of one kind of global, the storage classes, so nothing
the file carries can run, and torch need not be installed.
"""

import io
import pickle

import numpy as np

_MAGIC_NUMBER = 0x1950A86A20F9469CFC6C
_FORMAT_VERSION = 1001

# torch.<name> storage class → numpy dtype of its elements (bfloat16: read as uint16).
_STORAGE_DTYPES = {
    "FloatStorage": np.float32, "DoubleStorage": np.float64, "HalfStorage": np.float16,
    "BFloat16Storage": np.uint16, "LongStorage": np.int64, "IntStorage": np.int32,
    "ShortStorage": np.int16, "CharStorage": np.int8, "ByteStorage": np.uint8,
    "BoolStorage": np.bool_,
}


class _StorageKind:
    """Stand-in for a `torch.<Kind>Storage` class named in the persistent id."""

    def __init__(self, name):
        self.name = name


class _StoragePickle(pickle.Unpickler):
    """Unpickles the legacy format's pickles: plain data, storage classes, persistent ids."""

    def find_class(self, module, name):
        if module == "torch" and name in _STORAGE_DTYPES:
            return _StorageKind(name)
        raise ValueError(f"A pickled PyTorch storage names the global {module}.{name}, which is "
                         "not a storage class: the bytes may carry code and were not read.")

    def persistent_load(self, record):
        if (not isinstance(record, tuple) or len(record) != 6 or record[0] != "storage"
                or not isinstance(record[1], _StorageKind)):
            raise ValueError(f"A pickled PyTorch storage must be named by "
                             f"('storage', kind, key, location, numel, None). Received: {record!r}")
        return record


def read_legacy_storage(data):
    """The elements of a storage in torch's legacy format, as float32.

    Args:
        data: bytes, what `torch.storage._load_from_bytes` receives.

    Returns:
        float32 array `(number of elements,)` (booleans and integers converted;
        bfloat16 widened exactly).

    Raises:
        ValueError: when `data` is not such a storage, names another global, or
            is truncated.
    """
    stream = io.BytesIO(data)
    try:  # a refused global or persistent id raises ValueError, passed on as it is
        magic, version, system, record, keys = (_StoragePickle(stream).load() for _ in range(5))
    except (pickle.UnpicklingError, EOFError, TypeError, AttributeError) as error:
        raise ValueError(f"Pickled storage bytes must hold a PyTorch storage in torch's "
                         f"legacy format: {type(error).__name__}: {error}") from error
    if magic != _MAGIC_NUMBER or version != _FORMAT_VERSION:
        raise ValueError(f"Pickled storage bytes must start with torch's magic number and "
                         f"format version {_FORMAT_VERSION}. Received: {magic!r}, {version!r}")
    if not isinstance(system, dict) or not system.get("little_endian", False):
        raise ValueError("Pickled storage bytes written on a big-endian machine are not read.")
    if not isinstance(record, tuple) or keys != [record[2]]:
        raise ValueError("Pickled storage bytes must hold exactly one PyTorch storage.")
    dtype = np.dtype(_STORAGE_DTYPES[record[1].name])
    header = stream.read(8)
    count = int(np.frombuffer(header, "<i8")[0]) if len(header) == 8 else -1
    if count < 0 or count != record[4]:
        raise ValueError(f"A pickled PyTorch storage's element count must match its record "
                         f"({record[4]!r}). Received: {count}")
    raw = stream.read(count * dtype.itemsize)
    if len(raw) != count * dtype.itemsize:
        raise ValueError(f"A pickled PyTorch storage of {count} elements is truncated: "
                         f"{len(raw)} of {count * dtype.itemsize} bytes.")
    values = np.frombuffer(raw, dtype.newbyteorder("<"))
    if record[1].name == "BFloat16Storage":  # the upper half of a float32's bits
        return (values.astype(np.uint32) << 16).view(np.float32)
    return values.astype(np.float32)
