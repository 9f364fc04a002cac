// Tokenizers: text → token ids, built from the `tokenizer.ggml.*` keys of a GGUF file
// (SentencePiece and byte-level BPE with llama.cpp's pre-tokenizers), identical to llama.cpp.
//
// Filled by the tokenizer issue; the target exists so the architecture is visible.
