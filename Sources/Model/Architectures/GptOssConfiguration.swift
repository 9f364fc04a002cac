import GGUF

/// A `gpt-oss` model (gpt-oss-20b, gpt-oss-120b), following llama.cpp's `openai-moe` graph:
///
/// - each block: RMS norm → q/k/v with biases → NeoX RoPE (YaRN from the file's rope scaling) →
///   attention scaled by 1/√head with a learned sink logit per head (`attn_sinks`) →
///   `attn_output` + `attn_output.bias` → residual add, then the RMS norm stored as
///   `post_attention_norm` → mixture of experts → residual add;
/// - sliding-window attention over `attention.sliding_window` keys on alternate layers (layer
///   % 2 == 0 unless `attention.sliding_window_pattern` says otherwise), with
///   `rope.freq_base_swa` when present;
/// - the router has a bias (`ffn_gate_inp.bias`) and chooses by logit; the weights are the
///   softmax over the chosen experts' logits (llama.cpp's `SOFTMAX_WEIGHT`), scaled by
///   `expert_weights_scale` when set; every expert has gate/up/down biases, and the activation
///   is the clamped SwiGLU `swiglu_oai` (α 1.702, limit 7). Expert weights are usually MXFP4;
/// - the head width is `rope.dimension_count`, as llama.cpp sizes q/k/v by it.
public struct GptOssConfiguration: Sendable, Equatable {
    public var common: CommonHyperparameters
    public var expertFeedForwardLength: Int
    public var expertCount: Int
    public var expertUsedCount: Int
    public var slidingWindow: Int
    /// Layers per sliding-window period; the last layer of each period is global (0: every layer windowed).
    public var slidingWindowPattern: Int
    /// RoPE base of the sliding-window layers.
    public var slidingRopeBase: Float
    /// `expert_weights_scale` (0 when absent: no scaling).
    public var weightsScale: Float

    public init(metadata: GGUFMetadata) throws(GGUFError) {
        common = try CommonHyperparameters(metadata: metadata)
        try CommonHyperparameters.require(common.ropeDimensions == common.keyLength && common.valueLength == common.keyLength,
                                          metadata, .ropeDimensionCount,
                                          "gpt-oss sizes its heads by the rotary width: \(common.ropeDimensions) must equal attention.key_length \(common.keyLength) and value_length \(common.valueLength)")
        expertCount = try metadata.int(.expertCount)
        expertUsedCount = try CommonHyperparameters.uniform(metadata, .expertUsedCount)
        try CommonHyperparameters.require(expertCount > 0 && (1...expertCount).contains(expertUsedCount), metadata,
                                          .expertUsedCount, "must be between 1 and expert_count \(expertCount), got \(expertUsedCount)")
        expertFeedForwardLength = try CommonHyperparameters.uniform(metadata, .expertFeedForwardLength)
        try CommonHyperparameters.require(expertFeedForwardLength > 0, metadata, .expertFeedForwardLength,
                                          "must be positive, got \(expertFeedForwardLength)")
        slidingWindow = try metadata.int(.slidingWindow)
        try CommonHyperparameters.require(slidingWindow > 0, metadata, .slidingWindow, "must be positive, got \(slidingWindow)")
        slidingWindowPattern = try metadata.intIfPresent(.slidingWindowPattern) ?? 2
        try CommonHyperparameters.require(slidingWindowPattern >= 0, metadata, .slidingWindowPattern,
                                          "must not be negative, got \(slidingWindowPattern)")
        slidingRopeBase = try metadata.floatIfPresent(.ropeFreqBaseSlidingWindow) ?? common.ropeBase
        weightsScale = try metadata.floatIfPresent(.expertWeightsScale) ?? 0
    }

    /// Whether `layer` attends through the sliding window (llama.cpp's `set_swa_pattern`).
    public func isSlidingWindow(layer: Int) -> Bool {
        slidingWindowPattern == 0 || layer % slidingWindowPattern < slidingWindowPattern - 1
    }

    public func spec(vocabularySize: Int) -> TransformerSpec {
        var experts = ExpertBlockSpec(count: expertCount, used: expertUsedCount, length: expertFeedForwardLength,
                                      activation: .clampedSwiGLU, normalizeWeights: false)
        experts.gating = .softmaxOverChosen
        experts.weightsScale = weightsScale == 0 ? 1 : weightsScale
        experts.routerBias = true
        experts.expertBiases = true
        var spec = common.spec(family: .gptOSS, vocabularySize: vocabularySize, layout: .neox,
                               attentionBiases: .optional, feedForward: .experts(experts))
        spec.attentionOutputBias = .required
        spec.attentionSinks = true
        spec.feedForwardNormName = "post_attention_norm"
        for layer in spec.layers.indices where isSlidingWindow(layer: layer) {
            spec.layers[layer].slidingWindow = slidingWindow
            spec.layers[layer].ropeBase = slidingRopeBase
        }
        return spec
    }
}
