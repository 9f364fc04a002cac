#!/usr/bin/env python3
"""Dump a GGUF file's header, metadata and tensor infos as JSON, using gguf-py's reader."""
import json
import struct
import sys

import numpy as np
from gguf import GGUFReader, GGUFValueType


def scalar(vtype, value):
    if vtype == GGUFValueType.FLOAT32:
        return struct.unpack("<I", struct.pack("<f", float(value)))[0]
    if vtype == GGUFValueType.FLOAT64:
        return struct.unpack("<Q", struct.pack("<d", float(value)))[0]
    if vtype == GGUFValueType.BOOL:
        return bool(value)
    if vtype == GGUFValueType.STRING:
        return bytes(value).decode("utf-8", errors="replace")
    return int(value)


def field_value(field):
    """Rebuild a metadata value by walking gguf-py's raw parts (works for nested arrays)."""
    parts = field.parts
    position = [3]  # parts: key length, key bytes, value type, then the value's parts

    def take():
        part = parts[position[0]]
        position[0] += 1
        return part

    def read(vtype):
        if vtype == GGUFValueType.STRING:
            take()  # length
            return scalar(vtype, take())
        if vtype == GGUFValueType.ARRAY:
            element = GGUFValueType(int(take()[0]))
            count = int(take()[0])
            return {"element_type": element.name, "values": [read(element) for _ in range(count)]}
        return scalar(vtype, take()[0])

    vtype = GGUFValueType(int(parts[2][0]))
    return {"type": vtype.name, "value": read(vtype)}


def main():
    path = sys.argv[1]
    with_data = "--data" in sys.argv[2:]
    reader = GGUFReader(path)
    metadata = []
    for key, field in reader.fields.items():
        if key.startswith("GGUF."):
            continue
        entry = field_value(field)
        entry["key"] = key
        metadata.append(entry)
    tensors = []
    for t in reader.tensors:
        entry = {
            "name": t.name,
            "type": int(t.tensor_type),
            "shape": [int(x) for x in t.shape],
            "data_offset": int(t.data_offset),
            "n_bytes": int(t.n_bytes),
        }
        if with_data:
            entry["data"] = np.asarray(t.data).tobytes().hex()
        tensors.append(entry)
    print(json.dumps({
        "version": int(reader.fields["GGUF.version"].parts[-1][0]),
        "alignment": int(reader.alignment),
        "data_offset": int(reader.data_offset),
        "metadata": metadata,
        "tensors": tensors,
    }))


if __name__ == "__main__":
    main()
