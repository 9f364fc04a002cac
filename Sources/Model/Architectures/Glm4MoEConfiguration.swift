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
    /// Width of the dense blocks' feed-forward (`feed_forward_length`; 0 when absent).
    public var feedForwardLength: Int
    /// Width of one routed expert.
    public var expertFeedForwardLength: Int
    public var expertCount: Int
    public var expertUsedCount: Int
    public var expertSharedCount: Int
    public var leadingDenseBlockCount: Int
    public var gating: ExpertBlockSpec.Gating
    public var normalizeWeights: Bool
    /// `expert_weights_scale` (0 when absent: no scaling).
    public var weightsScale: Float

    public init(metadata: GGUFMetadata) throws(GGUFError) {
        common = try CommonHyperparameters(metadata: metadata)
        try CommonHyperparameters.require(common.valueLength == common.keyLength, metadata, .valueLength,
                                          "must equal attention.key_length \(common.keyLength), got \(common.valueLength)")
        let present = { (key: GGUFArchitectureKey) throws(GGUFError) -> Bool in try metadata.contains(metadata.key(key)) }
        feedForwardLength = try present(.feedForwardLength) ? CommonHyperparameters.uniform(metadata, .feedForwardLength) : 0
        expertCount = try metadata.int(.expertCount)
        expertUsedCount = try CommonHyperparameters.uniform(metadata, .expertUsedCount)
        try CommonHyperparameters.require(expertCount > 0 && (1...expertCount).contains(expertUsedCount), metadata,
                                          .expertUsedCount, "must be between 1 and expert_count \(expertCount), got \(expertUsedCount)")
        let expertWidth = try CommonHyperparameters.uniform(metadata, .expertFeedForwardLength)
        expertFeedForwardLength = expertWidth > 0 ? expertWidth : feedForwardLength / expertUsedCount
        try CommonHyperparameters.require(expertFeedForwardLength > 0, metadata, .expertFeedForwardLength,
                                          "must be positive (or 0 with a positive feed_forward_length), got \(expertWidth)")
        expertSharedCount = try metadata.int(.expertSharedCount)
        try CommonHyperparameters.require(expertSharedCount >= 0, metadata, .expertSharedCount,
                                          "must not be negative, got \(expertSharedCount)")
        leadingDenseBlockCount = try metadata.intIfPresent(.leadingDenseBlockCount) ?? 0
        try CommonHyperparameters.require((0...common.blockCount).contains(leadingDenseBlockCount), metadata,
                                          .leadingDenseBlockCount,
                                          "must be between 0 and the \(common.blockCount) trunk blocks, got \(leadingDenseBlockCount)")
        if leadingDenseBlockCount > 0 {
            try CommonHyperparameters.require(feedForwardLength > 0, metadata, .feedForwardLength,
                                              "the leading dense blocks need a positive width, got \(feedForwardLength)")
        }
        gating = try Self.gating(metadata)
        normalizeWeights = try metadata.boolIfPresent(.expertWeightsNorm) ?? false
        weightsScale = try metadata.floatIfPresent(.expertWeightsScale) ?? 0
        if try present(.ropeDimensionSections) {
            let sections = try metadata.intOrInts(.ropeDimensionSections)
            try CommonHyperparameters.require(sections.count < 2 || sections[0] <= 0 || sections[1] <= 0, metadata,
                                              .ropeDimensionSections, "multimodal rope sections \(sections) (M-RoPE) are not supported")
        }
    }

    /// `expert_gating_func`: absent or 0 → sigmoid (GLM-4.5's), 1 → softmax, 2 → sigmoid.
    static func gating(_ metadata: GGUFMetadata) throws(GGUFError) -> ExpertBlockSpec.Gating {
        switch try metadata.intIfPresent(.expertGatingFunction) ?? 0 {
        case 0, 2: return .sigmoid
        case 1: return .softmax
        case let other:
            throw GGUFError(file: metadata.source, field: try metadata.key(.expertGatingFunction), kind: .invalidValue,
                            message: "gating function \(other) is not supported (1 softmax, 2 sigmoid)")
        }
    }

    public func spec(vocabularySize: Int) -> TransformerSpec {
        var experts = ExpertBlockSpec(count: expertCount, used: expertUsedCount, length: expertFeedForwardLength,
                                      activation: .silu, normalizeWeights: normalizeWeights)
        experts.gating = gating
        experts.weightsScale = weightsScale == 0 ? 1 : weightsScale
        experts.selectionBias = .required
        experts.sharedLength = expertFeedForwardLength * expertSharedCount
        var spec = common.spec(family: .glm4moe, vocabularySize: vocabularySize, layout: .neox,
                               attentionBiases: .optional, queryKeyNorms: .optional, feedForward: .experts(experts))
        spec.feedForwardNormName = "post_attention_norm"
        for layer in 0..<leadingDenseBlockCount {
            spec.layers[layer].feedForward = .dense(length: feedForwardLength, activation: .silu)
        }
        return spec
    }
}
