#!/usr/bin/env python3
"""Write a fixed GGUF file with gguf-py's GGUFWriter, for byte comparison with the Swift writer.

Usage: write_reference.py OUT ALIGNMENT. The content is mirrored in GGUFTests/WriterTests.swift.
"""
import sys

import numpy as np
from gguf import GGMLQuantizationType, GGUFWriter


def main():
    out, alignment = sys.argv[1], int(sys.argv[2])
    w = GGUFWriter(out, "llama")
    w.add_uint32("llama.block_count", 2)
    w.add_string("general.name", "tiny ü")
    w.add_int8("i8", -5)
    w.add_uint64("u64", 2**63 + 11)
    w.add_int64("i64", -(2**40))
    w.add_float64("f64", 0.1)
    w.add_float32("f32", -2.5)
    w.add_bool("flag", True)
    w.add_array("tokens", ["a", "bb", "", "ü▁"])
    w.add_array("nested", [[1, 2], [3]])
    if alignment != 32:
        w.add_custom_alignment(alignment)
    w.add_tensor("t0", np.arange(6, dtype=np.float32).reshape(2, 3))
    w.add_tensor("t1", np.array([0.5, -1, 65504, 1e-8, 3], dtype=np.float16))
    q = np.array([(i * 37) % 256 for i in range(2 * 34)], dtype=np.uint8).reshape(2, 34)
    w.add_tensor("q", q, raw_dtype=GGMLQuantizationType.Q8_0)
    w.write_header_to_file()
    w.write_kv_data_to_file()
    w.write_tensors_to_file()
    w.close()


if __name__ == "__main__":
    main()
