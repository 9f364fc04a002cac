#!/usr/bin/env python3
"""Stream gguf-py's dequantization of every tensor of a GGUF file to stdout.

For each tensor, in file order: u32 name length, UTF-8 name, u64 element count, then the
float32 values (little-endian, row-major with ne[0] fastest). Tensors of types gguf-py cannot
dequantize are sent with count 2^64-1 and no values.
"""
import struct
import sys

import numpy as np
from gguf import GGUFReader
from gguf.quants import dequantize


def main():
    reader = GGUFReader(sys.argv[1])
    out = sys.stdout.buffer
    for t in reader.tensors:
        name = t.name.encode("utf-8")
        out.write(struct.pack("<I", len(name)))
        out.write(name)
        try:
            values = np.ascontiguousarray(dequantize(t.data, t.tensor_type), dtype=np.float32).reshape(-1)
        except NotImplementedError:
            out.write(struct.pack("<Q", 2**64 - 1))
            continue
        out.write(struct.pack("<Q", values.size))
        out.write(values.astype("<f4", copy=False).tobytes())
        out.flush()


if __name__ == "__main__":
    main()
