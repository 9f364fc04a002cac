// Quantization: ggml-exact quantizers (Q4_0 … Q6_K, IQ4_NL, IQ4_XS, …) that take per-element
// importance weights from a weighting formula.
//
// Filled by the quantizers/weighting issue; the target exists so the architecture is visible.
