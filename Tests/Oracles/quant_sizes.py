#!/usr/bin/env python3
"""Print gguf-py's GGML_QUANT_SIZES as JSON: {name: [id, block size, type size]}."""
import json

from gguf.constants import GGML_QUANT_SIZES

print(json.dumps({t.name: [int(t.value), b, s] for t, (b, s) in GGML_QUANT_SIZES.items()}))
