// Harness: whole experiments over the lower modules.
//
//   Runs/            runs of a model over a text in chunks: TextRunSettings (shared by every
//                    run and its command), ImatrixRun (imx compute), PerplexityRun, ChunkedTextRun
//   Sweeps/Config    JSON sweep configs validated with JSON paths, formula grids, tensor recipes
//   Sweeps/Execution planning, fingerprints, the imatrix settings (one per combination of the
//                    config's imatrix axes) and their imatrices, the references, fake
//                    quantization (VariantQuantizer), scoring, --emit
//   Sweeps/Results   results.jsonl records, the grid they fill, merging shards
//   Sweeps/Paired    per-token scores in the cache (TokenScores), paired differences from the
//                    baseline with bootstrap intervals over chunks, verdicts, --compare
//   Sweeps/Report    report.md, summary.csv, experts.csv and the SVG plots
//   ReportAssembly/  domain data (coverage, statistics, model summaries) → Reports' tables and charts;
//                    ReportFile writes them atomically
//   Quantize/        imx quantize: preflight, metadata, the streaming tensor converter
//   Benchmarks/, Synthetic/, Studies/, Fuzzing/   bench, synthesize, quantize-error, fuzz
//
// Rendering lives in Reports (no project imports); imx diagnose lives in Diagnosis, above this module.
