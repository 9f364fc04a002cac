import GGUF

/// The mixture-of-experts keys GLM-4.5 and DeepSeek share, with llama.cpp's defaults: dense
/// blocks first (`leading_dense_block_count`, width `feed_forward_length`), then routed experts
/// (`expert_count`, `expert_used_count`, `expert_feed_forward_length`) with
/// `expert_shared_count` shared experts, routed by `expert_gating_func` (1 softmax, 2 sigmoid;
/// absent or 0 is the family's own default), weights renormalised by `expert_weights_norm` and
/// scaled by `expert_weights_scale`.
public struct SharedExpertMixture: Sendable, Equatable {
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

    /// - Parameters:
    ///   - defaultGating: what an absent (or 0) `expert_gating_func` means for the family.
    ///   - widthFromDense: whether `expert_feed_forward_length = 0` means `feed_forward_length /
    ///     expert_used_count` (GLM-4.5) rather than an error.
    public init(metadata: GGUFMetadata, blockCount: Int, defaultGating: ExpertBlockSpec.Gating,
                widthFromDense: Bool) throws(GGUFError) {
        let require = { (ok: Bool, key: GGUFArchitectureKey, message: String) throws(GGUFError) in
            try CommonHyperparameters.require(ok, metadata, key, message)
        }
        feedForwardLength = try metadata.contains(metadata.key(.feedForwardLength))
            ? CommonHyperparameters.uniform(metadata, .feedForwardLength) : 0
        expertCount = try metadata.int(.expertCount)
        expertUsedCount = try CommonHyperparameters.uniform(metadata, .expertUsedCount)
        try require(expertCount > 0 && (1...expertCount).contains(expertUsedCount), .expertUsedCount,
                    "must be between 1 and expert_count \(expertCount), got \(expertUsedCount)")
        let expertWidth = try CommonHyperparameters.uniform(metadata, .expertFeedForwardLength)
        expertFeedForwardLength = expertWidth == 0 && widthFromDense ? feedForwardLength / expertUsedCount : expertWidth
        try require(expertFeedForwardLength > 0, .expertFeedForwardLength,
                    widthFromDense ? "must be positive (or 0 with a positive feed_forward_length), got \(expertWidth)"
                                   : "must be positive, got \(expertWidth)")
        expertSharedCount = try metadata.int(.expertSharedCount)
        try require(expertSharedCount >= 0, .expertSharedCount, "must not be negative, got \(expertSharedCount)")
        leadingDenseBlockCount = try metadata.intIfPresent(.leadingDenseBlockCount) ?? 0
        try require((0...blockCount).contains(leadingDenseBlockCount), .leadingDenseBlockCount,
                    "must be between 0 and the \(blockCount) trunk blocks, got \(leadingDenseBlockCount)")
        if leadingDenseBlockCount > 0 {
            try require(feedForwardLength > 0, .feedForwardLength, "the leading dense blocks need a positive width, got \(feedForwardLength)")
        }
        switch try metadata.intIfPresent(.expertGatingFunction) ?? 0 {
        case 0: gating = defaultGating
        case 1: gating = .softmax
        case 2: gating = .sigmoid
        case let other:
            throw GGUFError(file: metadata.source, field: try metadata.key(.expertGatingFunction), kind: .invalidValue,
                            message: "gating function \(other) is not supported (1 softmax, 2 sigmoid)")
        }
        normalizeWeights = try metadata.boolIfPresent(.expertWeightsNorm) ?? false
        weightsScale = try metadata.floatIfPresent(.expertWeightsScale) ?? 0
    }

    /// The routed block (SwiGLU experts) with the shared experts, before family-specific settings.
    public var expertBlock: ExpertBlockSpec {
        var block = ExpertBlockSpec(count: expertCount, used: expertUsedCount, length: expertFeedForwardLength,
                                    activation: .silu, normalizeWeights: normalizeWeights)
        block.gating = gating
        block.weightsScale = weightsScale == 0 ? 1 : weightsScale
        block.sharedLength = expertFeedForwardLength * expertSharedCount
        return block
    }

    /// Makes the leading blocks of `spec` dense SwiGLU blocks.
    public func applyLeadingDenseBlocks(to spec: inout TransformerSpec) {
        for layer in 0..<leadingDenseBlockCount {
            spec.layers[layer].feedForward = .dense(length: feedForwardLength, activation: .silu)
        }
    }
}
