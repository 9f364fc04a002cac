// Model: architectures bound to GGUF weights, the CPU forward pass (OpenBLAS sgemm), and the
// observer hook that reports every weight matrix's input rows to the imatrix accumulator.
//
// Filled by the forward-pass issue; the target exists so the architecture is visible.
