#!/usr/bin/env python3
"""Write gguf-py's float32 dequantization of packed blocks of TYPE read from FILE to stdout."""
import sys

import numpy as np
from gguf.constants import GGML_QUANT_SIZES, GGMLQuantizationType
from gguf.quants import dequantize


def main():
    qtype = GGMLQuantizationType[sys.argv[1]]
    block_size, type_size = GGML_QUANT_SIZES[qtype]
    raw = np.fromfile(sys.argv[2], dtype=np.uint8)
    rows = raw.reshape(-1, type_size)
    values = dequantize(rows, qtype).astype("<f4").reshape(-1)
    sys.stdout.buffer.write(values.tobytes())


if __name__ == "__main__":
    main()
