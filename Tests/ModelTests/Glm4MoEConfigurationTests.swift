import GGUF
import Kernels
import Model
import Testing

/// How `glm4moe` metadata becomes the forward pass's description, with llama.cpp's defaults
/// (`glm4-moe.cpp` `load_arch_hparams`) and one-line errors naming the key.
@Suite("glm4moe configuration")
struct Glm4MoEConfigurationTests {
    static func metadata(_ extra: [String: GGUFValue] = [:]) -> GGUFMetadata {
        var metadata = GGUFMetadata(source: "m.gguf")
        let keys: [String: GGUFValue] = [
            "general.architecture": .string("glm4moe"), "glm4moe.block_count": .uint32(5),
            "glm4moe.nextn_predict_layers": .uint32(1), "glm4moe.context_length": .uint32(4096),
            "glm4moe.embedding_length": .uint32(64), "glm4moe.attention.head_count": .uint32(4),
            "glm4moe.attention.head_count_kv": .uint32(2), "glm4moe.attention.key_length": .uint32(32),
            "glm4moe.attention.value_length": .uint32(32), "glm4moe.attention.layer_norm_rms_epsilon": .float32(1e-5),
            "glm4moe.rope.dimension_count": .uint32(16), "glm4moe.feed_forward_length": .uint32(256),
            "glm4moe.expert_feed_forward_length": .uint32(0), "glm4moe.expert_count": .uint32(8),
            "glm4moe.expert_used_count": .uint32(2), "glm4moe.expert_shared_count": .uint32(1),
            "glm4moe.leading_dense_block_count": .uint32(1),
        ]
        for (key, value) in keys.merging(extra, uniquingKeysWith: { $1 }) { metadata.set(key, value) }
        return metadata
    }

    @Test("Defaults: sigmoid gating, no renormalisation, no scale; trunk without the NextN block; expert width n_ff/used")
    func defaults() throws {
        let spec = try Glm4MoEConfiguration(metadata: Self.metadata()).spec(vocabularySize: 300)
        #expect(spec.blockCount == 4)
        #expect(spec.rope.dimensions == 16 && spec.rope.layout == .neox)
        #expect(spec.feedForwardNormName == "post_attention_norm")
        #expect(spec.attentionBiases == .optional && spec.queryKeyNorms == .optional)
        #expect(spec.layers[0].feedForward == .dense(length: 256, activation: .silu))
        guard case .experts(let block) = spec.layers[1].feedForward else { Issue.record("block 1 is not MoE"); return }
        #expect(block.gating == .sigmoid && !block.normalizeWeights && block.weightsScale == 1)
        #expect(block.length == 128 && block.sharedLength == 128 && block.selectionBias == .required)
    }

    @Test("The file's gating, norm and scale are used")
    func explicitSettings() throws {
        let spec = try Glm4MoEConfiguration(metadata: Self.metadata([
            "glm4moe.expert_gating_func": .uint32(1), "glm4moe.expert_weights_norm": .bool(true),
            "glm4moe.expert_weights_scale": .float32(2.5), "glm4moe.expert_feed_forward_length": .uint32(64),
        ])).spec(vocabularySize: 300)
        guard case .experts(let block) = spec.layers[3].feedForward else { Issue.record("block 3 is not MoE"); return }
        #expect(block.gating == .softmax && block.normalizeWeights && block.weightsScale == 2.5 && block.length == 64)
    }

    @Test("Unsupported settings are one-line errors naming the key", arguments: [
        (["glm4moe.expert_gating_func": GGUFValue.uint32(4)], "glm4moe.expert_gating_func", "gating function 4 is not supported"),
        (["glm4moe.rope.dimension_sections": GGUFValue.array(.int32([8, 8, 0, 0]))], "glm4moe.rope.dimension_sections", "M-RoPE"),
        (["glm4moe.leading_dense_block_count": GGUFValue.uint32(9)], "glm4moe.leading_dense_block_count", "between 0 and the 4 trunk blocks"),
        (["glm4moe.expert_used_count": GGUFValue.uint32(9)], "glm4moe.expert_used_count", "between 1 and expert_count 8"),
        (["glm4moe.nextn_predict_layers": GGUFValue.uint32(5)], "glm4moe.nextn_predict_layers", "less than block_count 5"),
    ] as [([String: GGUFValue], String, String)])
    func refused(_ extra: [String: GGUFValue], field: String, message: String) {
        do {
            _ = try Glm4MoEConfiguration(metadata: Self.metadata(extra))
            Issue.record("accepted \(extra)")
        } catch {
            #expect(error.field == field, "\(error)")
            #expect(error.message.contains(message), "\(error.message)")
            #expect(error.file == "m.gguf")
        }
    }
}
