import GGUF

/// The small random models the forward-pass tests build for themselves, one (or two) per
/// supported family, each exercising that family's particular rules and some quantized
/// storage types (Q8_0, Q4_K, Q6_K, F16) so the dequantization path runs too.
public enum TinyModels {
    /// llama, dense: NORM RoPE, separate `output.weight`, `rope.dimension_count`, FFN 256 wide so
    /// `ffn_down` rows fit Q6_K/Q4_K blocks.
    public static let llama: TinyModelSpec = {
        var s = TinyModelSpec(name: "llama", architecture: "llama", seed: 101)
        s.feedForwardLength = 256
        s.writesRopeDimensionCount = true
        s.tensorTypes = [
            "output.weight": .q8_0, "blk.0.attn_q.weight": .q8_0, "blk.1.ffn_gate.weight": .f16,
            "blk.0.ffn_down.weight": .q6_K, "blk.1.ffn_down.weight": .q4_K,
        ]
        return s
    }()

    /// llama with linear RoPE scaling (factor 4) and `rope_freqs.weight` frequency factors.
    public static let llamaScaledRope: TinyModelSpec = {
        var s = TinyModelSpec(name: "llama-rope-scaled", architecture: "llama", seed: 102)
        s.writesRopeDimensionCount = true
        s.linearRopeScaling = 4
        s.ropeFrequencyFactors = true
        s.ropeFrequencyBase = 500_000
        return s
    }()

    /// llama with Mixtral-style experts: 4 experts, 2 used, 3-D `*_exps` tensors [in, out, experts].
    public static let mixtral: TinyModelSpec = {
        var s = TinyModelSpec(name: "mixtral", architecture: "llama", seed: 103)
        s.expertCount = 4
        s.expertUsedCount = 2
        s.writesRopeDimensionCount = true
        s.ropeFrequencyBase = 1_000_000
        s.tensorTypes = [
            "token_embd.weight": .f16, "blk.0.ffn_gate_exps.weight": .q8_0, "blk.1.ffn_down_exps.weight": .q8_0,
        ]
        return s
    }()

    /// qwen2: q/k/v biases, tied output (quantized embedding), NEOX RoPE.
    public static let qwen2: TinyModelSpec = {
        var s = TinyModelSpec(name: "qwen2", architecture: "qwen2", seed: 104)
        s.attentionBiases = true
        s.tiedOutput = true
        s.ropeFrequencyBase = 1_000_000
        s.rmsEpsilon = 1e-6
        s.tensorTypes = ["token_embd.weight": .q8_0, "blk.0.attn_v.weight": .f16]
        return s
    }()

    /// qwen3: per-head q/k norms, head width 32 ≠ n_embd/n_head (q is 128 wide), tied output.
    public static let qwen3: TinyModelSpec = {
        var s = TinyModelSpec(name: "qwen3", architecture: "qwen3", seed: 105)
        s.explicitHeadLength = 32
        s.queryKeyNorms = true
        s.tiedOutput = true
        s.feedForwardLength = 256
        s.ropeFrequencyBase = 1_000_000
        s.rmsEpsilon = 1e-6
        s.tensorTypes = ["blk.1.ffn_down.weight": .q4_K, "blk.0.attn_output.weight": .q8_0]
        return s
    }()

    /// qwen3moe: 8 experts, 2 used, `expert_feed_forward_length` 64 (`feed_forward_length` 256
    /// is written like real files but unused), q/k norms, head width 32, tied output.
    public static let qwen3moe: TinyModelSpec = {
        var s = TinyModelSpec(name: "qwen3moe", architecture: "qwen3moe", seed: 106)
        s.explicitHeadLength = 32
        s.queryKeyNorms = true
        s.tiedOutput = true
        s.expertCount = 8
        s.expertUsedCount = 2
        s.feedForwardLength = 256
        s.expertFeedForwardLength = 64
        s.ropeFrequencyBase = 1_000_000
        s.rmsEpsilon = 1e-6
        s.tensorTypes = ["blk.0.ffn_up_exps.weight": .q8_0, "blk.1.ffn_down_exps.weight": .q8_0]
        return s
    }()

    /// gemma3: 7 layers (0–4 and 6 sliding-window with RoPE base 10000, 5 global with base
    /// 1e6), window 5 (so 16-token sequences feel it), 4 heads / 1 KV head of width 64,
    /// q/k norms, post-attention and post-FFN norms, GELU, tied Q8_0 embedding.
    public static let gemma3: TinyModelSpec = {
        var s = TinyModelSpec(name: "gemma3", architecture: "gemma3", seed: 107)
        s.blockCount = 7
        s.headCountKV = 1
        s.explicitHeadLength = 64
        s.queryKeyNorms = true
        s.tiedOutput = true
        s.feedForwardLength = 256
        s.ropeFrequencyBase = 1_000_000
        s.slidingWindow = 5
        s.rmsEpsilon = 1e-6
        var types: [String: GGMLType] = ["token_embd.weight": .q8_0, "blk.0.attn_q.weight": .q8_0]
        for layer in 0..<s.blockCount {
            types["blk.\(layer).attn_output.weight"] = .q4_K
            types["blk.\(layer).ffn_down.weight"] = .q6_K
        }
        s.tensorTypes = types
        return s
    }()

    /// glm4moe as GLM-4.5 is built: 3 trunk blocks (block 0 dense, 128 wide; blocks 1–2 with 8
    /// sigmoid-routed experts of width 64, 2 used, weights renormalised and scaled by 2.5, one
    /// shared expert) and one NextN block with `nextn.*` tensors; q/k/v biases, q/k norms,
    /// half of each 32-wide head rotated (NeoX), separate `output.weight`. The selection bias
    /// `exp_probs_b` shuts expert 6 out entirely (−2) and makes expert 7 rare (−0.3), so the
    /// expert report has a zero-count and a low-count expert to show. All F32, so its llama.cpp
    /// references hold to 1e-4 (a quantized tensor's rounded inputs would add ggml's rounding noise).
    public static let glm4moe: TinyModelSpec = {
        var s = TinyModelSpec(name: "glm4moe", architecture: "glm4moe", seed: 109)
        s.blockCount = 3
        s.explicitHeadLength = 32
        s.attentionBiases = true
        s.queryKeyNorms = true
        s.feedForwardLength = 128
        s.expertFeedForwardLength = 64
        s.expertCount = 8
        s.expertUsedCount = 2
        s.sharedExperts = 1
        s.leadingDenseBlocks = 1
        s.selectionBias = [0.05, 0, -0.02, 0.1, 0, 0.03, -2, -0.3]
        s.expertGatingFunction = 2
        s.expertWeightsNorm = true
        s.expertWeightsScale = 2.5
        s.nextPredictionLayers = 1
        s.writesRopeDimensionCount = true
        s.ropeDimensionCount = 16
        s.ropeFrequencyBase = 1_000_000
        return s
    }()

    /// gpt-oss as gpt-oss-20b is built, small: 4 blocks (0 and 2 sliding-window over 5 keys, 1 and
    /// 3 global), 4 heads / 2 KV heads of width 32, q/k/v and output biases, a sink logit per head,
    /// YaRN (factor 4 over 32 positions), 8 experts of width 64 with 2 used, router and expert
    /// biases, the clamped SwiGLU, and the expert stacks stored as MXFP4 (block 3's down as Q8_0).
    public static let gptOSS: TinyModelSpec = {
        var s = TinyModelSpec(name: "gpt-oss", architecture: "gpt-oss", seed: 111)
        s.blockCount = 4
        s.explicitHeadLength = 32
        s.writesRopeDimensionCount = true
        s.attentionBiases = true
        s.attentionOutputBias = true
        s.attentionSinks = true
        s.expertBiases = true
        s.expertCount = 8
        s.expertUsedCount = 2
        s.expertFeedForwardLength = 64
        s.slidingWindow = 5
        s.yarnRopeScaling = (4, 32)
        s.ropeFrequencyBase = 150_000
        var types: [String: GGMLType] = [:]
        for layer in 0..<s.blockCount {
            for name in ["ffn_gate_exps", "ffn_up_exps", "ffn_down_exps"] { types["blk.\(layer).\(name).weight"] = .mxfp4 }
        }
        types["blk.3.ffn_down_exps.weight"] = .q8_0
        s.tensorTypes = types
        return s
    }()

    /// deepseek2 as DeepSeek-V3 is built, small: latent attention (q rank 48, kv rank 32, key heads
    /// of 24 + 8 rotated dimensions, values of 16; YaRN ×4 over 32 positions with the log
    /// multiplier), block 0 dense, blocks 1–2 with 8 experts in 4 groups (2 groups used), 2 chosen
    /// by sigmoid with the selection bias (expert 5 shut out, and with it its group: experts 4 and 5
    /// get no token), weights renormalised and scaled by 2.5, one shared expert, and a NextN block.
    /// All F32, like ``glm4moe``.
    public static let deepseek2: TinyModelSpec = {
        var s = TinyModelSpec(name: "deepseek2", architecture: "deepseek2", seed: 112)
        s.blockCount = 3
        s.headCountKV = 4
        s.explicitHeadLength = 32
        s.explicitValueLength = 16
        s.latentAttention = (48, 32, 24)
        s.writesRopeDimensionCount = true
        s.ropeDimensionCount = 8
        s.yarnRopeScaling = (4, 32)
        s.yarnLogMultiplier = 0.1
        s.feedForwardLength = 128
        s.expertFeedForwardLength = 64
        s.expertCount = 8
        s.expertUsedCount = 2
        s.expertGroups = (4, 2)
        s.sharedExperts = 1
        s.leadingDenseBlocks = 1
        s.selectionBias = [0.05, 0, -0.02, 0.1, 0, -2, 0.03, -0.1]
        s.expertGatingFunction = 2
        s.expertWeightsNorm = true
        s.expertWeightsScale = 2.5
        s.nextPredictionLayers = 1
        return s
    }()

    /// deepseek2 in the MLA-absorbed layout that current DeepSeek-V3/R1 and Kimi-K2 files use:
    /// ``deepseek2`` with per-head `attn_k_b` / `attn_v_b` instead of `attn_kv_b`, and no q rank
    /// (a direct `attn_q`, as in DeepSeek-V2-Lite).
    public static let deepseek2Absorbed: TinyModelSpec = {
        var s = deepseek2
        s.name = "deepseek2-absorbed"
        s.seed = 113
        s.absorbedLatent = true
        s.latentAttention = (0, 32, 24)
        return s
    }()

    /// Every tiny model, one or more per family.
    public static let all: [TinyModelSpec] = [llama, llamaScaledRope, mixtral, qwen2, qwen3, qwen3moe, gemma3, glm4moe, gptOSS,
                                              deepseek2, deepseek2Absorbed]

    /// Writes `spec` into `directory` and returns the file's path.
    public static func write(_ spec: TinyModelSpec, in directory: TemporaryDirectory) throws -> String {
        let path = directory.file("tiny-\(spec.name).gguf")
        try TinyModelWriter.write(spec, to: path)
        return path
    }
}
