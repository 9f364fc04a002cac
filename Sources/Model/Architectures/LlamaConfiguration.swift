import GGUF

/// A `llama` model: pre-norm blocks with RMS norm, rotary positions in the normal (2i, 2i+1)
/// layout, grouped-query attention and a SwiGLU feed-forward block — or, when
/// `llama.expert_count > 0`, a Mixtral-style mixture of experts (softmax router, top-k,
/// weights renormalised) whose experts have width `llama.feed_forward_length`.
///
/// Llama 3.x frequency factors (`rope_freqs.weight`) divide the rotation frequencies.
public struct LlamaConfiguration: Sendable, Equatable {
    public var common: CommonHyperparameters
    public var feedForwardLength: Int
    /// 0 for dense models.
    public var expertCount: Int
    public var expertUsedCount: Int

    public init(metadata: GGUFMetadata) throws(GGUFError) {
        common = try CommonHyperparameters(metadata: metadata)
        feedForwardLength = try metadata.int(.feedForwardLength)
        expertCount = try metadata.intIfPresent(.expertCount) ?? 0
        expertUsedCount = expertCount > 0 ? try metadata.int(.expertUsedCount) : 0
        if expertCount > 0, !(1...expertCount).contains(expertUsedCount) {
            throw GGUFError(file: metadata.source, field: try metadata.key(.expertUsedCount), kind: .invalidValue,
                            message: "must be between 1 and expert_count \(expertCount), got \(expertUsedCount)")
        }
    }

    /// The spec the forward pass runs; `frequencyFactors` come from `rope_freqs.weight` when present.
    public func spec(vocabularySize: Int, frequencyFactors: [Float]?) -> TransformerSpec {
        let feedForward: FeedForwardSpec = expertCount > 0
            ? .experts(ExpertBlockSpec(count: expertCount, used: expertUsedCount, length: feedForwardLength,
                                      activation: .silu, normalizeWeights: true))
            : .dense(length: feedForwardLength, activation: .silu)
        var spec = common.spec(family: .llama, vocabularySize: vocabularySize, layout: .normal, feedForward: feedForward)
        spec.rope.frequencyFactors = frequencyFactors
        return spec
    }
}
