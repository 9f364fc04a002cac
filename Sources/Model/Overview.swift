// Model: GGUF language models on the CPU.
//
// Reading order:
//   Configuration/  — TransformerSpec, the one description the forward pass executes, and the
//                     metadata keys every family shares (CommonHyperparameters).
//   Architectures/  — one file per family (llama incl. Mixtral MoE, qwen2, qwen3, qwen3moe,
//                     gemma3, glm4moe, gpt-oss, deepseek2): its configuration struct read from
//                     metadata and the spec it yields. What a family needs beyond the plain block
//                     (shared experts, sigmoid or grouped routing, selection and expert biases,
//                     attention sinks, latent attention, per-layer feed-forward) is a switch in the
//                     spec that any family can turn on, not a branch on the family's name.
//   Weights/        — tensors bound by name with shape checks, and the f32 weight store
//                     (cached within a memory budget, otherwise dequantized just before use).
//   Forward/        — TransformerModel.evaluate: embeddings, attention (or LatentAttentionProjection
//                     for DeepSeek), feed-forward or experts,
//                     output projection in blocks; every weight product is BLAS.sgemm.
//   Observation/    — ActivationObserver, the hook the imatrix accumulator hangs on.
//   Evaluation/     — llama-perplexity's chunking and scoring.
