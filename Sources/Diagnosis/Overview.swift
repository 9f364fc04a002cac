// Diagnosis: everything behind `imx diagnose`.
//
//   Collection/  ActivationDiagnostics, the observer beside the imatrix accumulator: per-column
//                moments and outlier counts (ColumnMoments), reservoir samples of input rows
//   Measures/    weight and activation structure, error × activation-power decomposition,
//                saliency, column rankings, the AWQ scale search next to ggml's quantizers
//   Run/         DiagnosisRun (the model over the text, one tensor at a time), module families,
//                findings, text/JSON/HTML output, SVG figures, f32bin dumps
