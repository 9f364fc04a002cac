// IMatrix: importance matrices as llama.cpp computes, stores and combines them.
//
//   Accumulation/  ImatrixAccumulator — the forward-pass observer: Σx² per input column (float64)
//                  and token counts, per expert for `*_exps` tensors.
//   Collection/    ImatrixCollection / ImatrixEntry — the in-memory state, with llama-imatrix's
//                  rules for loading and adding files (`--in-file`, combine, resume).
//   Files/         the GGUF imatrix format and the legacy `imatrix.dat`, both directions,
//                  byte-compatible with llama.cpp; writes are atomic.
//   Policies/      what to do with experts that got no tokens (keep, fill-one, ik, skip, prior).
//   Reports/       expert coverage and llama.cpp's `--show-statistics` figures.
