// IMatrix: the importance-matrix accumulator behind the forward-pass observer (Σx² per input
// column, per-expert token counts), llama.cpp's legacy `imatrix.dat` and GGUF imatrix files,
// MoE coverage and partial-data policies.
//
// Filled by the imatrix issue; the target exists so the architecture is visible.
