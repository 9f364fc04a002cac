import GGUF

/// A `qwen3moe` model: Qwen3 attention (q/k norms, NeoX RoPE) with a mixture of experts in
/// every block — softmax router over `expert_count`, top `expert_used_count`, weights
/// renormalised to sum 1 (llama.cpp's `norm_w = true` for this family), experts of width
/// `expert_feed_forward_length` (`feed_forward_length` is written by converters but unused).
public struct Qwen3MoEConfiguration: Sendable, Equatable {
    public var common: CommonHyperparameters
    public var expertCount: Int
    public var expertUsedCount: Int
    public var expertFeedForwardLength: Int

    public init(metadata: GGUFMetadata) throws(GGUFError) {
        common = try CommonHyperparameters(metadata: metadata)
        expertCount = try metadata.int(.expertCount)
        expertUsedCount = try metadata.int(.expertUsedCount)
        expertFeedForwardLength = try metadata.int(.expertFeedForwardLength)
        guard expertCount > 0, (1...expertCount).contains(expertUsedCount) else {
            throw GGUFError(file: metadata.source, field: try metadata.key(.expertUsedCount), kind: .invalidValue,
                            message: "must be between 1 and expert_count \(expertCount), got \(expertUsedCount)")
        }
    }

    public func spec(vocabularySize: Int) -> TransformerSpec {
        common.spec(family: .qwen3moe, vocabularySize: vocabularySize, layout: .neox, queryKeyNorms: .required,
                    feedForward: .experts(ExpertBlockSpec(count: expertCount, used: expertUsedCount,
                                                          length: expertFeedForwardLength, activation: .silu,
                                                          normalizeWeights: true)))
    }
}
