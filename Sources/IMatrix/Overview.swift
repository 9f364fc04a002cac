// IMatrix: importance matrices as llama.cpp computes, stores and combines them.
//
//   Accumulation/  ImatrixAccumulator — the forward-pass observer: Σx² per input column (float64)
//                  and token counts, per expert for `*_exps` tensors.
//   Collection/    ImatrixCollection / ImatrixEntry — the in-memory state, with llama-imatrix's
//                  rules for loading and adding files (`--in-file`, combine, resume).
//   Files/         ImportanceMatrix, the one importance matrix: a file as llama.cpp's loader reads
//                  it (GGUF imatrix or legacy `imatrix.dat`) and llama-quantize's per-matrix
//                  slices; both formats in both directions, byte-compatible; writes are atomic.
//   Policies/      what to do with experts that got no tokens (keep, fill-one, ik, skip, prior).
//   Reports/       expert coverage and llama.cpp's `--show-statistics` figures.
