// Tokenizers: text → token ids, built from the `tokenizer.ggml.*` keys of a GGUF file,
// identical to llama.cpp.
//
//   Vocabulary/      the vocabulary as read from GGUF: token table (byte arena + hash),
//                    scores, attributes, merge ranks, special ids and flags, llama.cpp's fix-ups
//   PreTokenization/ byte-level BPE word splitting: one scanner per llama.cpp regex, applied
//                    in passes (PreTokenizer lists them per `tokenizer.ggml.pre`)
//   Encoding/        special-token matching, SentencePiece and byte-level BPE merging
//   Tokenizer        the entry point: encode (with BOS/EOS and special-token parsing) and decode
