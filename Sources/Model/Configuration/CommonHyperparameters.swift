import Foundation
import GGUF

/// The `{arch}.*` keys every supported family shares, read with llama.cpp's defaults.
///
/// Required keys (`embedding_length`, `block_count`, `context_length`, `attention.head_count`,
/// `attention.layer_norm_rms_epsilon`) throw `.missingKey` naming the full key when absent.
public struct CommonHyperparameters: Sendable, Equatable {
    public var embeddingLength: Int
    /// The blocks the forward pass runs: `block_count` less the `nextn_predict_layers`
    /// multi-token-prediction blocks stored after them (GLM-4.5, DeepSeek-V3), which
    /// llama.cpp's trunk — and so llama-imatrix and llama-perplexity — never executes.
    public var blockCount: Int
    /// `nextn_predict_layers` (default 0): trailing blocks not executed.
    public var nextPredictionLayers: Int
    public var contextLength: Int
    public var headCount: Int
    /// Defaults to ``headCount``.
    public var headCountKV: Int
    /// `attention.key_length`; defaults to embeddingLength / headCount.
    public var keyLength: Int
    /// `attention.value_length`; defaults to ``keyLength``.
    public var valueLength: Int
    public var rmsEpsilon: Float
    /// `rope.freq_base`; defaults to 10000.
    public var ropeBase: Float
    /// `rope.dimension_count`; defaults to ``keyLength``.
    public var ropeDimensions: Int
    /// The rope scaling the keys describe.
    public var ropeScaling: RopeScaling

    /// RoPE context scaling from `rope.scaling.*` (or the older `rope.scale_linear`).
    public struct RopeScaling: Sendable, Equatable {
        /// `rope.scaling.type`: none, linear (positions divided by the factor) or YaRN.
        public enum Kind: String, Sendable { case none, linear, yarn }
        public var kind: Kind
        /// 1/factor (1 when unscaled), ggml's `freq_scale`.
        public var frequencyScale: Float
        public var originalContextLength: Int
        public var extrapolationFactor: Float
        public var attentionFactor: Float
        public var betaFast: Float
        public var betaSlow: Float
        /// `rope.scaling.attn_factor` as the file has it (default 1).
        public var fileAttentionFactor: Float = 1
    }

    public init(metadata: GGUFMetadata) throws(GGUFError) {
        embeddingLength = try metadata.int(.embeddingLength)
        let storedBlocks = try metadata.int(.blockCount)
        nextPredictionLayers = try metadata.intIfPresent(GGUFArchitectureKey("nextn_predict_layers")) ?? 0
        try Self.require(nextPredictionLayers >= 0 && nextPredictionLayers < storedBlocks, metadata,
                         GGUFArchitectureKey("nextn_predict_layers"),
                         "must be at least 0 and less than block_count \(storedBlocks), got \(nextPredictionLayers)")
        blockCount = storedBlocks - nextPredictionLayers
        contextLength = try metadata.int(.contextLength)
        headCount = try Self.uniform(metadata, .headCount)
        headCountKV = try metadata.contains(metadata.key(.headCountKV)) ? Self.uniform(metadata, .headCountKV) : headCount
        try Self.require(embeddingLength > 0, metadata, .embeddingLength, "must be positive, got \(embeddingLength)")
        try Self.require(storedBlocks > 0, metadata, .blockCount, "must be positive, got \(storedBlocks)")
        try Self.require(headCount > 0, metadata, .headCount, "must be positive, got \(headCount)")
        try Self.require(headCountKV > 0 && headCount % headCountKV == 0, metadata, .headCountKV,
                         "\(headCountKV) must be positive and divide head_count \(headCount)")
        keyLength = try metadata.intIfPresent(.keyLength) ?? embeddingLength / headCount
        valueLength = try metadata.intIfPresent(.valueLength) ?? keyLength
        try Self.require(keyLength > 0 && keyLength % 2 == 0, metadata, .keyLength, "must be positive and even, got \(keyLength)")
        rmsEpsilon = try metadata.float(.rmsNormEpsilon)
        ropeBase = try metadata.floatIfPresent(.ropeFreqBase) ?? 10000
        ropeDimensions = try metadata.intIfPresent(.ropeDimensionCount) ?? keyLength
        try Self.require(ropeDimensions > 0 && ropeDimensions % 2 == 0 && ropeDimensions <= keyLength, metadata,
                         .ropeDimensionCount, "must be even and at most the head width \(keyLength), got \(ropeDimensions)")
        ropeScaling = try Self.ropeScaling(metadata, contextLength: contextLength)
    }

    private static func ropeScaling(_ metadata: GGUFMetadata, contextLength: Int) throws(GGUFError) -> RopeScaling {
        let typeName = try metadata.stringIfPresent(.ropeScalingType) ?? "linear"
        guard let kind = RopeScaling.Kind(rawValue: typeName) else {
            throw GGUFError(file: metadata.source, field: try metadata.key(.ropeScalingType), kind: .invalidValue,
                            message: "unsupported rope scaling '\(typeName)' (supported: none, linear, yarn)")
        }
        var factor = try metadata.floatIfPresent(GGUFArchitectureKey("rope.scale_linear")) ?? 0
        if factor == 0 { factor = try metadata.floatIfPresent(.ropeScalingFactor) ?? 0 }
        let frequencyScale: Float = (kind == .none || factor == 0) ? 1 : 1 / factor
        let yarn = kind == .yarn
        let extrapolation = yarn ? (try metadata.floatIfPresent(GGUFArchitectureKey("rope.scaling.yarn_ext_factor")) ?? 1) : 0
        var attentionFactor: Float = 1
        if extrapolation != 0 {
            // llama_context: YaRN's magnitude 0.1·ln(s) + 1, cancelled against the same factor
            // ggml's rope applies (their Float product is within an ulp of 1).
            let scale = 1 / frequencyScale
            let magnitude: Float = scale <= 1 ? 1 : 0.1 * logf(scale) + 1
            attentionFactor = magnitude * (1 / (1 + 0.1 * logf(scale)))
        }
        let fileAttentionFactor = try metadata.floatIfPresent(GGUFArchitectureKey("rope.scaling.attn_factor")) ?? 1
        attentionFactor *= fileAttentionFactor
        var scaling = RopeScaling(
            kind: kind, frequencyScale: frequencyScale,
            originalContextLength: try metadata.intIfPresent(GGUFArchitectureKey("rope.scaling.original_context_length")) ?? contextLength,
            extrapolationFactor: extrapolation,
            attentionFactor: attentionFactor,
            betaFast: try metadata.floatIfPresent(GGUFArchitectureKey("rope.scaling.yarn_beta_fast")) ?? 32,
            betaSlow: try metadata.floatIfPresent(GGUFArchitectureKey("rope.scaling.yarn_beta_slow")) ?? 1)
        scaling.fileAttentionFactor = fileAttentionFactor
        return scaling
    }

    /// A per-layer array key whose entries must all be equal (the forward pass has one value).
    static func uniform(_ metadata: GGUFMetadata, _ key: GGUFArchitectureKey) throws(GGUFError) -> Int {
        let values = try metadata.intOrInts(key)
        guard let first = values.first, values.allSatisfy({ $0 == first }) else {
            throw GGUFError(file: metadata.source, field: try metadata.key(key), kind: .invalidValue,
                            message: "per-layer values \(values) are not supported; all layers must agree")
        }
        return first
    }

    static func require(_ condition: Bool, _ metadata: GGUFMetadata, _ key: GGUFArchitectureKey,
                                _ message: String) throws(GGUFError) {
        guard condition else {
            throw GGUFError(file: metadata.source, field: try metadata.key(key), kind: .invalidValue, message: message)
        }
    }

    /// The spec of a family built on these keys: every layer global, q·k scaled by
    /// 1/√key_length, no embedding scale and no post-norms unless the family changes them.
    public func spec(family: ArchitectureFamily, vocabularySize: Int, layout: RotarySpec.Layout,
                     attentionBiases: TensorPresence = .absent, queryKeyNorms: TensorPresence = .absent,
                     feedForward: FeedForwardSpec) -> TransformerSpec {
        TransformerSpec(
            family: family, embeddingLength: embeddingLength, blockCount: blockCount,
            contextLength: contextLength, vocabularySize: vocabularySize,
            headCount: headCount, headCountKV: headCountKV,
            keyLength: keyLength, valueLength: valueLength, normEpsilon: rmsEpsilon,
            embeddingScale: 1, attentionScale: 1 / Float(keyLength).squareRoot(),
            rope: rotary(layout: layout), layers: uniformLayers(feedForward: feedForward),
            attentionBiases: attentionBiases, queryKeyNorms: queryKeyNorms, postNorms: false)
    }

    /// The rotary description for `layout`, with this configuration's scaling.
    public func rotary(layout: RotarySpec.Layout) -> RotarySpec {
        RotarySpec(dimensions: ropeDimensions, layout: layout,
                   extrapolationFactor: ropeScaling.extrapolationFactor, attentionFactor: ropeScaling.attentionFactor,
                   betaFast: ropeScaling.betaFast, betaSlow: ropeScaling.betaSlow,
                   originalContextLength: ropeScaling.originalContextLength)
    }

    /// Every layer global with this configuration's base and scale and the same feed-forward block.
    public func uniformLayers(feedForward: FeedForwardSpec) -> [LayerSpec] {
        Array(repeating: LayerSpec(ropeBase: ropeBase, ropeScale: ropeScaling.frequencyScale, slidingWindow: nil,
                                   feedForward: feedForward),
              count: blockCount)
    }
}
