// Quantization: ggml-exact quantizers (Q4_0, Q4_1, Q5_0, Q5_1, Q8_0, Q2_K…Q6_K, IQ4_NL, IQ4_XS,
// IQ3_XXS, IQ3_S, IQ2_XXS, IQ2_XS, IQ2_S, IQ1_S, IQ1_M, TQ1_0, TQ2_0, F16, BF16)
// that take per-element weights from an `ElementWeighting`.
//
// Dependency direction: Quantization ← Weighting. This module owns the search routines (ported
// from ggml-quants.c, float32 in C's association order, no fused multiply-add) and the minimal
// `ElementWeighting` protocol the searches call for their weights. The Weighting module defines
// the formulas (llama, qw, |x|, x², log-normal, expressions) as `ElementWeighting`s and the
// scoring that quantizes and dequantizes; it depends on this module, never the other way round.
//
// Entry point: `RowQuantizer.quantize(type, rows:…, importance:, weighting:, into:)`.
