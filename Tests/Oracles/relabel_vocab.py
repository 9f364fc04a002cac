#!/usr/bin/env python3
"""Copy a GGUF vocabulary with another tokenizer.ggml.pre (gguf-py's own copier), so that
llama.cpp's tools can show how a pre-tokenizer splits text on a vocabulary we have.

Usage: relabel_vocab.py IN.gguf OUT.gguf PRE
"""
import sys

import gguf
from gguf.scripts import gguf_new_metadata as copier


def main():
    source, target, name = sys.argv[1:4]
    reader = gguf.GGUFReader(source, "r")
    arch = reader.fields["general.architecture"].contents() if "general.architecture" in reader.fields else "llama"
    writer = gguf.GGUFWriter(target, arch=arch, endianess=reader.endianess)
    details = copier.MetadataDetails(gguf.GGUFValueType.STRING, name)
    copier.copy_with_new_metadata(reader, writer, {"tokenizer.ggml.pre": details}, [])


if __name__ == "__main__":
    main()
