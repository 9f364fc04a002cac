import GGUF

/// A `glm4moe` model (GLM-4.5, GLM-4.5-Air, GLM-4.6), following llama.cpp's `glm4-moe` graph:
///
/// - each block: RMS norm → q/k/v (biases when the file has them) → per-head q/k RMS norms when
///   present (the 355B model) → NeoX RoPE on the first `rope.dimension_count` dimensions of
///   each head → attention scaled by 1/√head → `attn_output` → residual add, then the RMS norm
///   the converter calls `post_attention_norm` → feed-forward → residual add;
/// - the first `leading_dense_block_count` blocks have a dense SwiGLU feed-forward of width
///   `feed_forward_length`; the others a mixture of experts of width
///   `expert_feed_forward_length` (0 means `feed_forward_length / expert_used_count`): sigmoid
///   router (`expert_gating_func`, absent = sigmoid), the selection bias `exp_probs_b`,
///   `expert_weights_norm` and `expert_weights_scale`, and `expert_shared_count` shared experts
///   (`ffn_*_shexp`) added to every token's output;
/// - the trailing `nextn_predict_layers` blocks (multi-token prediction, `nextn.*`) are not part
///   of the trunk and are neither bound nor executed, as in llama-imatrix and llama-perplexity;
/// - the output projection falls back to `token_embd` when `output.weight` is absent.
///
/// Multimodal rope sections (`rope.dimension_sections`, M-RoPE) are refused.
public struct Glm4MoEConfiguration: Sendable, Equatable {
    public var common: CommonHyperparameters
    /// Dense blocks, experts, shared experts and routing (absent gating = sigmoid; expert width 0
    /// = `feed_forward_length / expert_used_count`).
    public var mixture: SharedExpertMixture

    public init(metadata: GGUFMetadata) throws(GGUFError) {
        common = try CommonHyperparameters(metadata: metadata)
        try CommonHyperparameters.require(common.valueLength == common.keyLength, metadata, .valueLength,
                                          "must equal attention.key_length \(common.keyLength), got \(common.valueLength)")
        mixture = try SharedExpertMixture(metadata: metadata, blockCount: common.blockCount, defaultGating: .sigmoid,
                                          widthFromDense: true)
        if try metadata.contains(metadata.key(.ropeDimensionSections)) {
            let sections = try metadata.intOrInts(.ropeDimensionSections)
            try CommonHyperparameters.require(sections.count < 2 || sections[0] <= 0 || sections[1] <= 0, metadata,
                                              .ropeDimensionSections, "multimodal rope sections \(sections) (M-RoPE) are not supported")
        }
    }

    public func spec(vocabularySize: Int) -> TransformerSpec {
        var experts = mixture.expertBlock
        experts.selectionBias = .required
        var spec = common.spec(family: .glm4moe, vocabularySize: vocabularySize, layout: .neox,
                               attentionBiases: .optional, queryKeyNorms: .optional, feedForward: .experts(experts))
        spec.feedForwardNormName = "post_attention_norm"
        mixture.applyLeadingDenseBlocks(to: &spec)
        return spec
    }
}
