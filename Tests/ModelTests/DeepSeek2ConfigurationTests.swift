import Foundation
import GGUF
import Kernels
import Model
import Testing

/// How `deepseek2` metadata becomes the forward pass's description (llama.cpp's
/// `deepseek2.cpp` `load_arch_hparams` and the graph's attention scale), and its one-line errors.
@Suite("deepseek2 configuration")
struct DeepSeek2ConfigurationTests {
    static func metadata(_ extra: [String: GGUFValue] = [:]) -> GGUFMetadata {
        var metadata = GGUFMetadata(source: "m.gguf")
        let keys: [String: GGUFValue] = [
            "general.architecture": .string("deepseek2"), "deepseek2.block_count": .uint32(4),
            "deepseek2.context_length": .uint32(4096), "deepseek2.embedding_length": .uint32(64),
            "deepseek2.attention.head_count": .uint32(4), "deepseek2.attention.head_count_kv": .uint32(4),
            "deepseek2.attention.key_length": .uint32(32), "deepseek2.attention.value_length": .uint32(16),
            "deepseek2.rope.dimension_count": .uint32(8), "deepseek2.attention.layer_norm_rms_epsilon": .float32(1e-6),
            "deepseek2.attention.q_lora_rank": .uint32(48), "deepseek2.attention.kv_lora_rank": .uint32(32),
            "deepseek2.feed_forward_length": .uint32(128), "deepseek2.expert_feed_forward_length": .uint32(64),
            "deepseek2.expert_count": .uint32(8), "deepseek2.expert_used_count": .uint32(2),
            "deepseek2.expert_shared_count": .uint32(1), "deepseek2.leading_dense_block_count": .uint32(1),
        ]
        for (key, value) in keys.merging(extra, uniquingKeysWith: { $1 }) { metadata.set(key, value) }
        return metadata
    }

    @Test("Defaults: softmax routing without groups, 1/√key_length without YaRN, latent widths from the key and rope lengths")
    func defaults() throws {
        let spec = try DeepSeek2Configuration(metadata: Self.metadata()).spec(vocabularySize: 300)
        #expect(spec.latentAttention == LatentAttentionSpec(queryRank: 48, keyValueRank: 32, noPositionLength: 24, positionLength: 8))
        #expect(spec.rope.layout == .normal && spec.headCountKV == 4 && spec.valueLength == 16)
        #expect(abs(spec.attentionScale - 1 / Float(32).squareRoot()) < 1e-7)
        #expect(spec.layers[0].feedForward == .dense(length: 128, activation: .silu))
        guard case .experts(let block) = spec.layers[1].feedForward else { Issue.record("not MoE"); return }
        #expect(block.gating == .softmax && block.groupCount == 1 && block.selectionBias == .optional && block.sharedLength == 64)
    }

    @Test("YaRN with the log multiplier: q·k × mscale², RoPE's magnitude cancelled; grouped routing read")
    func yarnAndGroups() throws {
        let spec = try DeepSeek2Configuration(metadata: Self.metadata([
            "deepseek2.rope.scaling.type": .string("yarn"), "deepseek2.rope.scaling.factor": .float32(40),
            "deepseek2.rope.scaling.original_context_length": .uint32(4096),
            "deepseek2.rope.scaling.yarn_log_multiplier": .float32(0.1),
            "deepseek2.expert_group_count": .uint32(4), "deepseek2.expert_group_used_count": .uint32(2),
        ])).spec(vocabularySize: 300)
        let mscale = 1 + 0.1 * log(40.0)
        #expect(abs(Double(spec.attentionScale) - mscale * mscale / 32.0.squareRoot()) < 1e-5)
        #expect(abs(Double(spec.rope.attentionFactor) * (1 + 0.1 * log(40.0)) - 1) < 1e-6)
        guard case .experts(let block) = spec.layers[1].feedForward else { Issue.record("not MoE"); return }
        #expect(block.groupCount == 4 && block.groupsUsed == 2)
    }

    @Test("Unsupported or inconsistent settings are one-line errors naming the key", arguments: [
        (["deepseek2.attention.key_length_mla": GGUFValue.uint32(192)], "deepseek2.attention.value_length_mla", "come together"),
        (["deepseek2.attention.key_length_mla": GGUFValue.uint32(32), "deepseek2.attention.value_length_mla": GGUFValue.uint32(16)],
         "deepseek2.attention.key_length", "needs key_length = kv_lora_rank + rope (40)"),
        (["deepseek2.expert_group_count": GGUFValue.uint32(3)], "deepseek2.expert_group_count", "groups must split expert_count 8"),
        (["deepseek2.rope.dimension_count": GGUFValue.uint32(32)], "deepseek2.rope.dimension_count", "less than attention.key_length 32"),
        (["deepseek2.expert_gating_func": GGUFValue.uint32(3)], "deepseek2.expert_gating_func", "gating function 3"),
    ] as [([String: GGUFValue], String, String)])
    func refused(_ extra: [String: GGUFValue], field: String, message: String) {
        do {
            _ = try DeepSeek2Configuration(metadata: Self.metadata(extra))
            Issue.record("accepted \(extra)")
        } catch {
            #expect(error.field == field && error.message.contains(message), "\(error)")
        }
    }
}
