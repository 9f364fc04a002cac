/// A metadata key that GGUF stores under the model's architecture prefix, e.g. `block_count`
/// stored as `gemma3.block_count`. Resolve it with ``GGUFMetadata/key(_:)``.
public struct GGUFArchitectureKey: Sendable, Hashable, CustomStringConvertible {
    /// The part after `{arch}.`.
    public let suffix: String

    public init(_ suffix: String) { self.suffix = suffix }

    public var description: String { "{arch}.\(suffix)" }

    public static let contextLength = Self("context_length")
    public static let embeddingLength = Self("embedding_length")
    public static let blockCount = Self("block_count")
    public static let feedForwardLength = Self("feed_forward_length")
    public static let expertFeedForwardLength = Self("expert_feed_forward_length")
    public static let expertSharedFeedForwardLength = Self("expert_shared_feed_forward_length")
    public static let expertCount = Self("expert_count")
    public static let expertUsedCount = Self("expert_used_count")
    public static let expertSharedCount = Self("expert_shared_count")
    public static let expertGatingFunction = Self("expert_gating_func")
    public static let expertWeightsNorm = Self("expert_weights_norm")
    public static let expertWeightsScale = Self("expert_weights_scale")
    public static let leadingDenseBlockCount = Self("leading_dense_block_count")
    public static let vocabSize = Self("vocab_size")
    public static let headCount = Self("attention.head_count")
    public static let headCountKV = Self("attention.head_count_kv")
    public static let keyLength = Self("attention.key_length")
    public static let valueLength = Self("attention.value_length")
    public static let rmsNormEpsilon = Self("attention.layer_norm_rms_epsilon")
    public static let layerNormEpsilon = Self("attention.layer_norm_epsilon")
    public static let slidingWindow = Self("attention.sliding_window")
    public static let slidingWindowPattern = Self("attention.sliding_window_pattern")
    public static let ropeFreqBase = Self("rope.freq_base")
    public static let ropeFreqBaseSlidingWindow = Self("rope.freq_base_swa")
    public static let ropeDimensionCount = Self("rope.dimension_count")
    public static let ropeDimensionSections = Self("rope.dimension_sections")
    public static let ropeScalingType = Self("rope.scaling.type")
    public static let ropeScalingFactor = Self("rope.scaling.factor")
}

extension GGUFMetadata {
    /// `general.architecture`, e.g. `llama`, `gemma3`.
    public func architecture() throws(GGUFError) -> String {
        try string("general.architecture")
    }

    /// The full key for `key` under this file's architecture prefix: `{arch}.{suffix}`.
    ///
    /// This is the one place where architecture-prefixed keys are resolved.
    public func key(_ key: GGUFArchitectureKey) throws(GGUFError) -> String {
        "\(try architecture()).\(key.suffix)"
    }

    /// The integer under `{arch}.{suffix}`.
    public func int(_ key: GGUFArchitectureKey) throws(GGUFError) -> Int { try int(self.key(key)) }
    /// The integer under `{arch}.{suffix}`, or nil when absent.
    public func intIfPresent(_ key: GGUFArchitectureKey) throws(GGUFError) -> Int? { try intIfPresent(self.key(key)) }
    /// One integer or a per-layer integer array under `{arch}.{suffix}`.
    public func intOrInts(_ key: GGUFArchitectureKey) throws(GGUFError) -> [Int] { try intOrInts(self.key(key)) }
    /// The float under `{arch}.{suffix}`.
    public func float(_ key: GGUFArchitectureKey) throws(GGUFError) -> Float { try float(self.key(key)) }
    /// The float under `{arch}.{suffix}`, or nil when absent.
    public func floatIfPresent(_ key: GGUFArchitectureKey) throws(GGUFError) -> Float? { try floatIfPresent(self.key(key)) }
    /// The boolean under `{arch}.{suffix}`, or nil when absent.
    public func boolIfPresent(_ key: GGUFArchitectureKey) throws(GGUFError) -> Bool? { try boolIfPresent(self.key(key)) }
    /// The string under `{arch}.{suffix}`, or nil when absent.
    public func stringIfPresent(_ key: GGUFArchitectureKey) throws(GGUFError) -> String? { try stringIfPresent(self.key(key)) }
}
