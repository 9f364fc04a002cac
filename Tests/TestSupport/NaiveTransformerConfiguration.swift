import Foundation
import GGUF

/// The hyperparameters the naive reference transformer reads from a GGUF file, resolved here
/// from the metadata on its own (independently of the Model module), following llama.cpp's
/// rules for the families llama (dense or Mixtral MoE), qwen2, qwen3, qwen3moe, gemma3, glm4moe
/// and gpt-oss.
public struct NaiveTransformerConfiguration: Sendable {
    /// How RoPE pairs the dimensions of a head.
    public enum RopeStyle: Sendable {
        /// llama.cpp `LLAMA_ROPE_TYPE_NORM`: rotates pairs (2i, 2i+1).
        case adjacentPairs
        /// llama.cpp `LLAMA_ROPE_TYPE_NEOX`: rotates pairs (i, i + n_rot/2).
        case halves
    }

    public let architecture: String
    public let blockCount: Int
    public let embeddingLength: Int
    public let headCount: Int
    public let headCountKV: Int
    /// Width of one query/key head (`attention.key_length`, default n_embd / n_head).
    public let keyLength: Int
    /// Width of one value head (`attention.value_length`, default n_embd / n_head).
    public let valueLength: Int
    /// Feed-forward width: `feed_forward_length`, or `expert_feed_forward_length` for qwen3moe.
    public let feedForwardLength: Int
    /// Width of one expert: `expert_feed_forward_length` (qwen3moe, glm4moe), else ``feedForwardLength``.
    public let expertLength: Int
    /// glm4moe: blocks before the first MoE block (`leading_dense_block_count`).
    public let leadingDenseBlocks: Int
    /// glm4moe: shared experts (`expert_shared_count`), each ``expertLength`` wide.
    public let sharedExperts: Int
    /// Router probabilities by sigmoid (glm4moe) instead of softmax.
    public let sigmoidRouting: Bool
    /// Whether the chosen experts' weights are divided by their sum (glm4moe: `expert_weights_norm`).
    public let normalizeExpertWeights: Bool
    /// Factor on the routing weights (glm4moe: `expert_weights_scale`, 1 when absent or 0).
    public let expertWeightsScale: Double
    /// The name of the norm before the feed-forward (glm4moe: `post_attention_norm`).
    public let feedForwardNormName: String
    /// Experts per MoE layer (0 = dense).
    public let expertCount: Int
    /// Experts used per token.
    public let expertUsedCount: Int
    public let rmsEpsilon: Double
    /// Rotated dimensions per head (`rope.dimension_count`, default key_length).
    public let ropeDimensionCount: Int
    public let ropeStyle: RopeStyle
    /// `rope.freq_base` (default 10000).
    public let ropeFrequencyBase: Double
    /// Position multiplier: 1 / `rope.scaling.factor` for linear or YaRN scaling, else 1.
    public let ropePositionScale: Double
    /// YaRN: `rope.scaling.original_context_length` (nil without YaRN).
    public let yarnOriginalContext: Int?
    /// gpt-oss: sink logits, router choice by logit with softmax over the chosen, clamped SwiGLU.
    public var isGptOss: Bool { architecture == "gpt-oss" }
    /// gpt-oss: `rope.freq_base_swa` (default `rope.freq_base`).
    public let slidingRopeBase: Double
    /// deepseek2: latent attention and grouped routing.
    public var isDeepSeek2: Bool { architecture == "deepseek2" }
    /// deepseek2: `attention.q_lora_rank` (0: attn_q) and `attention.kv_lora_rank`.
    public let queryRank: Int
    public let keyValueRank: Int
    /// deepseek2, absorbed layout: `attention.key_length_mla` and `value_length_mla` (nil otherwise).
    public let absorbedKeyLength: Int?
    public let absorbedValueLength: Int?
    /// deepseek2: each head's query width before absorption (without position + rotary).
    public var queryHeadWidth: Int { absorbedKeyLength ?? keyLength }
    /// deepseek2: `rope.scaling.yarn_log_multiplier` / 0.1.
    public let yarnLogMultiplier: Double
    /// deepseek2: `expert_group_count` (1 = no groups) and `expert_group_used_count`.
    public let expertGroupCount: Int
    public let expertGroupsUsed: Int
    /// q·k scale: 1/√key_length; deepseek2 mscale²/√key_length with
    /// mscale = 1 + 0.1·yarn_log_multiplier·ln(factor) under YaRN.
    public var attentionScale: Double {
        guard isDeepSeek2, yarnOriginalContext != nil else { return 1 / Double(queryHeadWidth).squareRoot() }
        let stretch = log(1 / ropePositionScale)
        let mscale = (1 + 0.1 * yarnLogMultiplier * stretch) * (yarnLogMultiplier == 0 ? 1 + 0.1 * stretch : 1)
        return mscale * mscale / Double(queryHeadWidth).squareRoot()
    }
    /// gemma3: `attention.sliding_window`; nil for families without sliding-window layers.
    public let slidingWindow: Int?
    /// Rows of `token_embd.weight`.
    public let vocabularySize: Int

    /// Whether this is gemma3 (embedding scale, post norms, GELU, sliding window layers).
    public var isGemma: Bool { architecture == "gemma3" }

    /// Reads the configuration of `file`.
    public init(file: GGUFFile) throws {
        let metadata = file.metadata
        let arch = try metadata.architecture()
        guard ["llama", "qwen2", "qwen3", "qwen3moe", "gemma3", "glm4moe", "gpt-oss", "deepseek2"].contains(arch) else {
            throw AssetError("\(file.path): general.architecture: naive reference does not know '\(arch)'")
        }
        func int(_ suffix: String) throws -> Int { try metadata.intOrInts("\(arch).\(suffix)")[0] }
        func optionalInt(_ suffix: String) throws -> Int? {
            metadata.contains("\(arch).\(suffix)") ? try int(suffix) : nil
        }
        func optionalFloat(_ suffix: String) throws -> Double? {
            try metadata.floatIfPresent("\(arch).\(suffix)").map(Double.init)
        }
        architecture = arch
        // glm4moe: the trailing multi-token-prediction blocks are not part of the trunk.
        blockCount = try int("block_count") - (optionalInt("nextn_predict_layers") ?? 0)
        embeddingLength = try int("embedding_length")
        headCount = try int("attention.head_count")
        headCountKV = try optionalInt("attention.head_count_kv") ?? headCount
        keyLength = try optionalInt("attention.key_length") ?? embeddingLength / headCount
        valueLength = try optionalInt("attention.value_length") ?? embeddingLength / headCount
        expertCount = try optionalInt("expert_count") ?? 0
        expertUsedCount = try optionalInt("expert_used_count") ?? 0
        let glm = arch == "glm4moe" || arch == "deepseek2"
        if arch == "qwen3moe" {
            feedForwardLength = try int("expert_feed_forward_length")
        } else {
            feedForwardLength = try int("feed_forward_length")
        }
        expertLength = glm || arch == "gpt-oss" ? try int("expert_feed_forward_length") : feedForwardLength
        leadingDenseBlocks = glm ? try optionalInt("leading_dense_block_count") ?? 0 : 0
        sharedExperts = glm ? try int("expert_shared_count") : 0
        let gating = glm ? try optionalInt("expert_gating_func") ?? 0 : 1
        // glm4moe: absent (0) means sigmoid; deepseek2: absent means softmax.
        sigmoidRouting = gating == 2 || (arch == "glm4moe" && gating == 0)
        normalizeExpertWeights = glm ? try metadata.boolIfPresent("\(arch).expert_weights_norm") ?? false : true
        let scale = glm || arch == "gpt-oss" ? try optionalFloat("expert_weights_scale") ?? 0 : 0
        expertWeightsScale = scale == 0 ? 1 : scale
        feedForwardNormName = arch == "glm4moe" || arch == "gpt-oss" ? "post_attention_norm" : "ffn_norm"
        rmsEpsilon = try optionalFloat("attention.layer_norm_rms_epsilon") ?? 1e-5
        ropeDimensionCount = try optionalInt("rope.dimension_count") ?? keyLength
        ropeStyle = arch == "llama" || arch == "deepseek2" ? .adjacentPairs : .halves
        ropeFrequencyBase = try optionalFloat("rope.freq_base") ?? 10_000
        let scalingType = try metadata.stringIfPresent("\(arch).rope.scaling.type")
        if let type = scalingType, type == "linear" || type == "yarn",
           let factor = try optionalFloat("rope.scaling.factor"), factor != 0 {
            ropePositionScale = 1 / factor
        } else {
            ropePositionScale = 1
        }
        yarnOriginalContext = scalingType == "yarn" ? try optionalInt("rope.scaling.original_context_length") : nil
        slidingRopeBase = try optionalFloat("rope.freq_base_swa") ?? ropeFrequencyBase
        queryRank = try optionalInt("attention.q_lora_rank") ?? 0
        keyValueRank = try optionalInt("attention.kv_lora_rank") ?? 0
        absorbedKeyLength = try optionalInt("attention.key_length_mla")
        absorbedValueLength = try optionalInt("attention.value_length_mla")
        yarnLogMultiplier = (try optionalFloat("rope.scaling.yarn_log_multiplier") ?? 0) / 0.1
        expertGroupCount = max(1, try optionalInt("expert_group_count") ?? 0)
        expertGroupsUsed = try optionalInt("expert_group_used_count") ?? expertGroupCount
        slidingWindow = arch == "gemma3" || arch == "gpt-oss" ? try int("attention.sliding_window") : nil
        let embedding = try file.tensor(named: "token_embd.weight")
        vocabularySize = embedding.shape[1]
    }

    /// Whether `layer` has a mixture of experts (glm4moe: after the leading dense blocks).
    public func hasExperts(layer: Int) -> Bool { expertCount > 0 && layer >= leadingDenseBlocks }

    /// gemma3: layers with `il % 6 < 5` attend through the sliding window (llama.cpp's swa
    /// pattern 6); gpt-oss: the even layers (pattern 2).
    public func usesSlidingWindow(layer: Int) -> Bool {
        slidingWindow != nil && (isGptOss ? layer % 2 == 0 : layer % 6 < 5)
    }

    /// The RoPE base of `layer`: gemma3's sliding-window layers use 10000, gpt-oss's
    /// `rope.freq_base_swa`, all others `rope.freq_base`.
    public func ropeBase(layer: Int) -> Double {
        guard usesSlidingWindow(layer: layer) else { return ropeFrequencyBase }
        return isGptOss ? slidingRopeBase : 10_000
    }

    /// The RoPE position multiplier of `layer`: gemma3's sliding-window layers are never scaled.
    public func ropeScale(layer: Int) -> Double {
        usesSlidingWindow(layer: layer) && !isGptOss ? 1 : ropePositionScale
    }
}
