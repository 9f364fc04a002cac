// Weighting: importance-weighting formulas and importance-weighted error scores.
//
// - `WeightFormula` (protocol) and `FormulaRegistry` (by name, parameters positional, named or
//   JSON): `llama` (ggml's exact per-type rule), `qw`, `abs-x`, `x2`, `sigma2-plus-x2`,
//   `sqrt-sigma2-plus-x2`, `uniform`, `lognormal(lambda)`, `floor(eps)`, the expert-aware
//   `shrink(k)` (an `ImportanceAdjusting` formula: the importance itself is pulled toward the
//   tensor's pooled mean by the expert's tokens) and `lognormal-n(k)`, and expressions
//   (`ExpressionFormula`: parsed once into postfix code, evaluated per element on a fixed stack).
//   `FormulaSpec` is a formula as written (text or JSON object), shared by `--formula` and sweeps.
// - `FormulaQuantizer`: the one formula-quantize entry point (a formula, plain per-column
//   importance of one matrix, the type) used by scoring, `quantize-raw`, `imx quantize` and tests.
//   The importance comes in as `[Float]` slices (IMatrix's `ImportanceMatrix.slices` makes them):
//   this module imports neither IMatrix nor Model.
// - `QuantizationScoring` / `ErrorTotals`: quantize, dequantize, and measure RMSE, weighted RMSE
//   with the raw importance, relative weighted error and max error.
//
// Dependency direction: Weighting → Quantization (one way). Quantization owns the ggml search
// routines and the small `ElementWeighting` protocol they call for per-element weights; a formula
// here produces an `ElementWeighting` for one matrix, and scoring needs the quantizers, so this
// module sits above Quantization and Quantization knows nothing about formulas.
