import GGUF
import Kernels
import Model
import Testing

/// How `gpt-oss` metadata becomes the forward pass's description (llama.cpp's `openai-moe.cpp`
/// `load_arch_hparams`), and its one-line errors.
@Suite("gpt-oss configuration")
struct GptOssConfigurationTests {
    static func metadata(_ extra: [String: GGUFValue] = [:]) -> GGUFMetadata {
        var metadata = GGUFMetadata(source: "m.gguf")
        let keys: [String: GGUFValue] = [
            "general.architecture": .string("gpt-oss"), "gpt-oss.block_count": .uint32(4),
            "gpt-oss.context_length": .uint32(4096), "gpt-oss.embedding_length": .uint32(64),
            "gpt-oss.attention.head_count": .uint32(4), "gpt-oss.attention.head_count_kv": .uint32(2),
            "gpt-oss.attention.key_length": .uint32(32), "gpt-oss.attention.value_length": .uint32(32),
            "gpt-oss.rope.dimension_count": .uint32(32), "gpt-oss.attention.layer_norm_rms_epsilon": .float32(1e-5),
            "gpt-oss.expert_feed_forward_length": .uint32(64), "gpt-oss.expert_count": .uint32(8),
            "gpt-oss.expert_used_count": .uint32(2), "gpt-oss.attention.sliding_window": .uint32(128),
            "gpt-oss.rope.freq_base": .float32(150_000),
        ]
        for (key, value) in keys.merging(extra, uniquingKeysWith: { $1 }) { metadata.set(key, value) }
        return metadata
    }

    @Test("Even layers slide (pattern 2), sinks and output bias on, router choosing by logit, clamped SwiGLU")
    func defaults() throws {
        let spec = try GptOssConfiguration(metadata: Self.metadata()).spec(vocabularySize: 300)
        #expect(spec.layers.map(\.slidingWindow) == [128, nil, 128, nil])
        #expect(spec.attentionSinks && spec.attentionOutputBias == .required && spec.attentionBiases == .optional)
        #expect(spec.feedForwardNormName == "post_attention_norm" && spec.rope.layout == .neox)
        guard case .experts(let block) = spec.layers[0].feedForward else { Issue.record("not MoE"); return }
        #expect(block.gating == .softmaxOverChosen && block.routerBias && block.expertBiases && !block.normalizeWeights)
        #expect(block.activation == .clampedSwiGLU && block.weightsScale == 1)
    }

    @Test("sliding_window_pattern and rope.freq_base_swa are read")
    func patternAndBase() throws {
        let spec = try GptOssConfiguration(metadata: Self.metadata([
            "gpt-oss.attention.sliding_window_pattern": .uint32(4), "gpt-oss.rope.freq_base_swa": .float32(10_000),
        ])).spec(vocabularySize: 300)
        #expect(spec.layers.map(\.slidingWindow) == [128, 128, 128, nil])
        #expect(spec.layers.map(\.ropeBase) == [10_000, 10_000, 10_000, 150_000])
    }

    @Test("A head width other than the rotary width is a one-line error naming the key")
    func headWidth() {
        do {
            _ = try GptOssConfiguration(metadata: Self.metadata(["gpt-oss.rope.dimension_count": .uint32(16)]))
            Issue.record("accepted")
        } catch {
            #expect(error.field == "gpt-oss.rope.dimension_count" && error.message.contains("must equal attention.key_length 32"))
        }
    }
}
