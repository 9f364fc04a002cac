import GGUF

/// The shape and features of a small random test model (see ``TinyModels`` for the ones the
/// tests use and ``TinyModelWriter`` for how a spec becomes a GGUF file).
public struct TinyModelSpec: Sendable, CustomStringConvertible {
    /// A short name for messages and file names, e.g. `llama-rope-scaled`.
    public var name: String
    /// `general.architecture`.
    public var architecture: String
    /// Seed of the weights (and of nothing else).
    public var seed: UInt64
    public var blockCount = 2
    public var embeddingLength = 64
    public var headCount = 4
    public var headCountKV = 2
    /// When set, written as `attention.key_length` and `attention.value_length` (head width
    /// different from embedding_length / head_count); else the head width is derived.
    public var explicitHeadLength: Int?
    /// `feed_forward_length` (dense FFN width; for llama MoE also the expert width).
    public var feedForwardLength = 128
    /// qwen3moe: `expert_feed_forward_length` (the expert width).
    public var expertFeedForwardLength: Int?
    public var expertCount = 0
    public var expertUsedCount = 0
    public var vocabularySize = 300
    /// No `output.weight`: logits use `token_embd.weight`.
    public var tiedOutput = false
    /// qwen2: `attn_{q,k,v}.bias`.
    public var attentionBiases = false
    /// qwen3, qwen3moe, gemma3: per-head `attn_q_norm` / `attn_k_norm`.
    public var queryKeyNorms = false
    public var ropeFrequencyBase: Float = 10_000
    /// llama: written as `rope.dimension_count`.
    public var writesRopeDimensionCount = false
    /// `rope.scaling.type = linear` with this `rope.scaling.factor`.
    public var linearRopeScaling: Float?
    /// A `rope_freqs.weight` tensor (n_rot/2 frequency divisors).
    public var ropeFrequencyFactors = false
    /// gemma3: `attention.sliding_window`.
    public var slidingWindow: Int?
    public var rmsEpsilon: Float = 1e-5
    /// Storage type by tensor name; tensors not listed are F32.
    public var tensorTypes: [String: GGMLType] = [:]

    public init(name: String, architecture: String, seed: UInt64) {
        self.name = name
        self.architecture = architecture
        self.seed = seed
    }

    /// Width of one attention head.
    public var headLength: Int { explicitHeadLength ?? embeddingLength / headCount }
    /// Width of one expert's FFN.
    public var expertWidth: Int { expertFeedForwardLength ?? feedForwardLength }
    /// Whether this is gemma3 (post norms, GELU, sliding window).
    public var isGemma: Bool { architecture == "gemma3" }

    public var description: String { name }
}
