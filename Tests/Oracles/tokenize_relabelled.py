#!/usr/bin/env python3
"""llama-tokenize's ids for every test string of a llama.cpp vocabulary fixture, with the
vocabulary relabelled to other pre-tokenizers (relabel_vocab.py): the reference for
pre-tokenizers whose own vocabularies are not in the fixtures.

Usage: tokenize_relabelled.py LLAMA_TOKENIZE VOCAB.gguf OUT.json PRE [PRE ...]
Writes {"vocabulary": NAME, "pretokenizers": {PRE: [[ids] per test string]}}.
"""
import json
import os
import subprocess
import sys
import tempfile

import relabel_vocab

SEPARATOR = b"\n__ggml_vocab_test__\n"


def main():
    tool, vocab, out, names = sys.argv[1], sys.argv[2], sys.argv[3], sys.argv[4:]
    with open(vocab + ".inp", "rb") as f:
        texts = f.read().split(SEPARATOR)[:-1]  # the file ends with a separator and an empty piece
    result = {"vocabulary": os.path.basename(vocab), "pretokenizers": {}}
    with tempfile.TemporaryDirectory() as work:
        for name in names:
            relabelled = os.path.join(work, name + ".gguf")
            sys.argv = ["relabel_vocab.py", vocab, relabelled, name]
            relabel_vocab.main()
            ids = []
            for index, text in enumerate(texts):
                prompt = os.path.join(work, "prompt.txt")
                with open(prompt, "wb") as f:
                    f.write(text)
                run = subprocess.run([tool, "-m", relabelled, "-f", prompt, "--ids", "--no-bos", "--no-escape",
                                      "--log-disable"], capture_output=True, check=True)
                ids.append(json.loads(run.stdout.decode().strip().splitlines()[-1]))
            result["pretokenizers"][name] = ids
    with open(out, "w") as f:
        json.dump(result, f)


if __name__ == "__main__":
    main()
