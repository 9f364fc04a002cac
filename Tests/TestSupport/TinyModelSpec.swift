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
    /// glm4moe: `leading_dense_block_count` (dense blocks of `feed_forward_length` before the MoE ones).
    public var leadingDenseBlocks = 0
    /// glm4moe: `expert_shared_count` (`ffn_*_shexp` of width expert width × count).
    public var sharedExperts = 0
    /// glm4moe: the `exp_probs_b.bias` of every MoE block (one value per expert), when set.
    public var selectionBias: [Float]?
    /// `expert_gating_func` (1 softmax, 2 sigmoid), written when set.
    public var expertGatingFunction: Int?
    /// `expert_weights_norm`, written when set.
    public var expertWeightsNorm: Bool?
    /// `expert_weights_scale`, written when set.
    public var expertWeightsScale: Float?
    /// `nextn_predict_layers`: trailing multi-token-prediction blocks with `nextn.*` tensors,
    /// counted in `block_count` but not run by llama.cpp's trunk.
    public var nextPredictionLayers = 0
    /// `rope.dimension_count` when only part of each head rotates.
    public var ropeDimensionCount: Int?
    /// gpt-oss: `attn_output.bias`.
    public var attentionOutputBias = false
    /// gpt-oss: `attn_sinks.weight` (one logit per head).
    public var attentionSinks = false
    /// gpt-oss: `ffn_gate_inp.bias` and `ffn_{gate,up,down}_exps.bias`.
    public var expertBiases = false
    /// deepseek2: latent attention ranks and widths (`attention.q_lora_rank`, `kv_lora_rank`, the
    /// key part without position; the rotary part is `ropeDimensionCount`).
    public var latentAttention: (queryRank: Int, keyValueRank: Int, noPositionLength: Int)?
    /// deepseek2: the MLA-absorbed layout (`attn_k_b`, `attn_v_b`; `attention.key_length_mla`,
    /// `value_length_mla`; the file's key/value lengths the latent's, one KV head).
    public var absorbedLatent = false
    /// `attention.value_length` when it differs from the key's.
    public var explicitValueLength: Int?
    /// deepseek2: `expert_group_count` and `expert_group_used_count`.
    public var expertGroups: (count: Int, used: Int)?
    /// `rope.scaling.yarn_log_multiplier` (DeepSeek's converter writes 0.1 × mscale_all_dim).
    public var yarnLogMultiplier: Float?
    /// `rope.scaling.type = yarn` with this factor and `rope.scaling.original_context_length`.
    public var yarnRopeScaling: (factor: Float, originalContext: Int)?
    /// Storage type by tensor name; tensors not listed are F32.
    public var tensorTypes: [String: GGMLType] = [:]

    public init(name: String, architecture: String, seed: UInt64) {
        self.name = name
        self.architecture = architecture
        self.seed = seed
    }

    /// Width of one attention head.
    public var headLength: Int { explicitHeadLength ?? embeddingLength / headCount }
    /// Width of one value head.
    public var valueLength: Int { explicitValueLength ?? headLength }
    /// Width of one expert's FFN.
    public var expertWidth: Int { expertFeedForwardLength ?? feedForwardLength }
    /// Whether this is gemma3 (post norms, GELU, sliding window).
    public var isGemma: Bool { architecture == "gemma3" }
    /// The norm before the feed-forward: glm4moe's and gpt-oss's converters name it `post_attention_norm`.
    public var feedForwardNormName: String { ["glm4moe", "gpt-oss"].contains(architecture) ? "post_attention_norm" : "ffn_norm" }
    /// Whether block `layer` has experts (after the leading dense blocks).
    public func hasExperts(layer: Int) -> Bool { expertCount > 0 && layer >= leadingDenseBlocks }

    public var description: String { name }
}
