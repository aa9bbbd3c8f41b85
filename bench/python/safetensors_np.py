"""Minimal .safetensors reader/writer on numpy (the `safetensors` package is not installed).

Layout: 8-byte little-endian header length, a JSON header {name: {dtype, shape, data_offsets}}
plus an optional "__metadata__" string map, then the raw little-endian data; data_offsets are
relative to the start of the data section.
"""
import json
import mmap
import struct

import numpy as np

# BF16 has no numpy dtype: its bits travel as int16 and the caller reinterprets them.
NUMPY_DTYPES = {
    "F64": np.float64, "F32": np.float32, "F16": np.float16, "BF16": np.int16,
    "I64": np.int64, "I32": np.int32, "I16": np.int16, "I8": np.int8, "U8": np.uint8, "BOOL": np.bool_,
}
_TAGS = {np.dtype(v): k for k, v in NUMPY_DTYPES.items() if k != "BF16"}


def read(path):
    """Returns ({name: (dtype_tag, array)}, metadata). Arrays are read-only views on a memory
    map: out-of-fold files can exceed memory, and the OS pages them in on use."""
    with open(path, "rb") as f:
        data = mmap.mmap(f.fileno(), 0, access=mmap.ACCESS_READ)
    (header_len,) = struct.unpack("<Q", data[:8])
    header = json.loads(bytes(data[8:8 + header_len]))
    metadata = header.pop("__metadata__", {}) or {}
    base = 8 + header_len
    tensors = {}
    for name, info in header.items():
        begin, end = info["data_offsets"]
        dtype = np.dtype(NUMPY_DTYPES[info["dtype"]]).newbyteorder("<")
        array = np.frombuffer(data, dtype=dtype, count=(end - begin) // dtype.itemsize, offset=base + begin)
        tensors[name] = (info["dtype"], array.reshape(info["shape"]))
    return tensors, metadata


def write(arrays, path, metadata=None):
    """Writes {name: array or (dtype_tag, array)} (the tuple form carries BF16 bits as int16)."""
    header, blobs, offset = {}, [], 0
    if metadata:
        header["__metadata__"] = {str(k): str(v) for k, v in metadata.items()}
    for name, value in arrays.items():
        tag, array = value if isinstance(value, tuple) else (_TAGS[np.asarray(value).dtype], value)
        blob = np.ascontiguousarray(array).astype(np.dtype(NUMPY_DTYPES[tag]).newbyteorder("<"), copy=False).tobytes()
        header[name] = {"dtype": tag, "shape": list(np.shape(array)), "data_offsets": [offset, offset + len(blob)]}
        blobs.append(blob)
        offset += len(blob)
    text = json.dumps(header).encode()
    text += b" " * (-len(text) % 8)  # 8-byte alignment of the data section, as the format recommends
    with open(path, "wb") as f:
        f.write(struct.pack("<Q", len(text)))
        f.write(text)
        for blob in blobs:
            f.write(blob)
