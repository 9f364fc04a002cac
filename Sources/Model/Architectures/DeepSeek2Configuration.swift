import Foundation
import GGUF

/// A `deepseek2` model (DeepSeek-V2/V2.5/V3/R1, Kimi-K2 layout), following llama.cpp's
/// `deepseek2` graph:
///
/// - multi-head latent attention (``LatentAttentionSpec``): `attention.q_lora_rank` (0: a direct
///   `attn_q`), `attention.kv_lora_rank`, key heads of `attention.key_length` = the part without
///   position + `rope.dimension_count` (normal-layout RoPE), values of `attention.value_length`;
/// - q·k scaled by mscale²/√key_length, mscale = 1 + 0.1·`rope.scaling.yarn_log_multiplier`/0.1·ln s
///   under YaRN scaling s (the converter's ×0.1 cancelled, as llama.cpp does), and RoPE's own
///   YaRN magnitude cancelled;
/// - the first `leading_dense_block_count` blocks dense (`feed_forward_length`), then experts of
///   `expert_feed_forward_length` with `expert_shared_count` shared experts, routed by softmax or
///   sigmoid (`expert_gating_func`, absent = softmax) with the selection bias `exp_probs_b` when
///   present, grouped top-k (`expert_group_count`, `expert_group_used_count`),
///   `expert_weights_norm` and `expert_weights_scale`;
/// - trailing NextN blocks (`nextn_predict_layers`) not run.
///
/// Both layouts llama.cpp reads: the decompressed one (`attn_kv_b`) and the MLA-absorbed one
/// (`attention.key_length_mla`, `value_length_mla`; `attn_k_b` / `attn_v_b` per head, attention on
/// the latent with one key/value head), whose per-head products llama-imatrix collects as one
/// entry with one count.
public struct DeepSeek2Configuration: Sendable, Equatable {
    public var common: CommonHyperparameters
    public var latent: LatentAttentionSpec
    /// Dense blocks, experts, shared experts and routing (absent gating = softmax).
    public var mixture: SharedExpertMixture
    public var groupCount: Int
    public var groupsUsed: Int
    /// `rope.scaling.yarn_log_multiplier` / 0.1 (0 when absent).
    public var yarnLogMultiplier: Float

    public init(metadata: GGUFMetadata) throws(GGUFError) {
        common = try CommonHyperparameters(metadata: metadata)
        let require = { (ok: Bool, key: GGUFArchitectureKey, message: String) throws(GGUFError) in
            try CommonHyperparameters.require(ok, metadata, key, message)
        }
        let keyLengthMLA = try metadata.intIfPresent(GGUFArchitectureKey("attention.key_length_mla"))
        let valueLengthMLA = try metadata.intIfPresent(GGUFArchitectureKey("attention.value_length_mla"))
        try require((keyLengthMLA == nil) == (valueLengthMLA == nil), GGUFArchitectureKey("attention.value_length_mla"),
                    "attention.key_length_mla and attention.value_length_mla come together (the MLA-absorbed layout)")
        let queryRank = try metadata.intIfPresent(GGUFArchitectureKey("attention.q_lora_rank")) ?? 0
        let keyValueRank = try metadata.int(GGUFArchitectureKey("attention.kv_lora_rank"))
        try require(queryRank >= 0, GGUFArchitectureKey("attention.q_lora_rank"), "must not be negative, got \(queryRank)")
        try require(keyValueRank > 0, GGUFArchitectureKey("attention.kv_lora_rank"), "must be positive, got \(keyValueRank)")
        if let keyLengthMLA, let valueLengthMLA {
            // Absorbed: the file's key/value lengths are the latent attention's.
            try require(common.keyLength == keyValueRank + common.ropeDimensions && common.valueLength == keyValueRank,
                        .keyLength, "the MLA-absorbed layout needs key_length = kv_lora_rank + rope (\(keyValueRank + common.ropeDimensions)) and value_length = kv_lora_rank (\(keyValueRank)), got \(common.keyLength) and \(common.valueLength)")
            try require(common.ropeDimensions < keyLengthMLA && valueLengthMLA > 0, GGUFArchitectureKey("attention.key_length_mla"),
                        "must exceed rope.dimension_count \(common.ropeDimensions), with a positive value_length_mla, got \(keyLengthMLA) and \(valueLengthMLA)")
            latent = LatentAttentionSpec(queryRank: queryRank, keyValueRank: keyValueRank,
                                         noPositionLength: keyLengthMLA - common.ropeDimensions,
                                         positionLength: common.ropeDimensions, absorbedValueLength: valueLengthMLA)
        } else {
            try require(common.ropeDimensions < common.keyLength, .ropeDimensionCount,
                        "must be less than attention.key_length \(common.keyLength) (each key head has a part without position), got \(common.ropeDimensions)")
            latent = LatentAttentionSpec(queryRank: queryRank, keyValueRank: keyValueRank,
                                         noPositionLength: common.keyLength - common.ropeDimensions,
                                         positionLength: common.ropeDimensions)
        }
        mixture = try SharedExpertMixture(metadata: metadata, blockCount: common.blockCount, defaultGating: .softmax,
                                          widthFromDense: false)
        let expertCount = mixture.expertCount, expertUsedCount = mixture.expertUsedCount
        groupCount = max(1, try metadata.intIfPresent(GGUFArchitectureKey("expert_group_count")) ?? 0)
        groupsUsed = try metadata.intIfPresent(GGUFArchitectureKey("expert_group_used_count")) ?? groupCount
        if groupCount > 1 {
            try require(expertCount % groupCount == 0 && expertCount / groupCount >= 2, GGUFArchitectureKey("expert_group_count"),
                        "\(groupCount) groups must split expert_count \(expertCount) into groups of at least 2")
            try require((1...groupCount).contains(groupsUsed) && groupsUsed * (expertCount / groupCount) >= expertUsedCount,
                        GGUFArchitectureKey("expert_group_used_count"),
                        "must be between 1 and \(groupCount) and leave at least expert_used_count \(expertUsedCount) experts, got \(groupsUsed)")
        }
        yarnLogMultiplier = (try metadata.floatIfPresent(GGUFArchitectureKey("rope.scaling.yarn_log_multiplier")) ?? 0) / 0.1
    }

    public func spec(vocabularySize: Int) -> TransformerSpec {
        var experts = mixture.expertBlock
        experts.selectionBias = .optional
        experts.groupCount = groupCount
        experts.groupsUsed = groupsUsed
        var spec = common.spec(family: .deepseek2, vocabularySize: vocabularySize, layout: .normal, feedForward: .experts(experts))
        // Decompressed: a key and value per head; absorbed: the one latent key and value.
        spec.headCountKV = latent.absorbedValueLength == nil ? spec.headCount : 1
        spec.latentAttention = latent
        mixture.applyLeadingDenseBlocks(to: &spec)
        // llama.cpp: with YaRN and a log multiplier, RoPE's magnitude is cancelled and q·k carries mscale².
        let frequencyScale = common.ropeScaling.frequencyScale
        if yarnLogMultiplier != 0, spec.rope.extrapolationFactor != 0 {
            spec.rope.attentionFactor = (1 / (1 + 0.1 * logf(1 / frequencyScale))) * common.ropeScaling.fileAttentionFactor
        }
        let original = spec.rope.attentionFactor * (1 + 0.1 * logf(1 / frequencyScale))
        let mscale = original * (1 + 0.1 * yarnLogMultiplier * logf(1 / frequencyScale))
        spec.attentionScale = mscale * mscale / Float(latent.queryHeadWidth).squareRoot()
        return spec
    }
}
