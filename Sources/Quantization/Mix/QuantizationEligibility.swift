/// Which tensors llama-quantize quantizes at all (`tensor_allows_quantization`): 2-D and 3-D
/// tensors whose name ends in `weight`, except norms, routers, positional and token-type
/// embeddings, and the small special weights of some architectures. Every other tensor is
/// copied unchanged.
public enum QuantizationEligibility {
    /// Whether tensor `name` with `dimensions` dimensions (trailing 1s not counted) of a model of
    /// architecture `architecture` may be quantized.
    public static func allows(
        name: String, dimensions: Int, architecture: String, quantizeOutput: Bool = true, onlyCopy: Bool = false
    ) -> Bool {
        if onlyCopy || dimensions < 2 || !name.hasSuffix("weight") { return false }
        if !quantizeOutput && name == "output.weight" { return false }
        if name == "position_embd.weight" || name == "token_types.weight" { return false }
        if excludedParts.contains(where: { name.contains($0) }) { return false }
        if architecture == "glm5-next" && glm5NextParts.contains(where: { name.contains($0) }) { return false }
        return true
    }

    /// The dimension count ggml gives a shape (`ggml_n_dims`: trailing dimensions of 1 dropped).
    public static func dimensionCount(_ shape: [Int]) -> Int {
        var count = shape.count
        while count > 1 && shape[count - 1] == 1 { count -= 1 }
        return count
    }

    private static let excludedParts = [
        "_norm.weight", "ffn_gate_inp.weight", "ffn_gate_tid2eid.weight", "altup", "laurel", "per_layer_model_proj",
        "ssm_conv1d", "shortconv.conv.weight", "indexer.k_proj.weight", "indexer.q_proj.weight",
        "time_mix_first.weight", "time_mix_w0.weight", "time_mix_w1.weight", "time_mix_w2.weight",
        "time_mix_v0.weight", "time_mix_v1.weight", "time_mix_v2.weight", "time_mix_a0.weight",
        "time_mix_a1.weight", "time_mix_a2.weight", "time_mix_g1.weight", "time_mix_g2.weight",
        "time_mix_decay_w1.weight", "time_mix_decay_w2.weight", "time_mix_lerp_fused.weight",
        "attn_rel_b.weight", ".position_embd", "sam.pos_embd", "sam.neck.", "sam.net_", ".rel_pos",
        ".patch_embd", ".patch_merger", "a.rvq.codebook", "mm.a.code_embd",
    ]

    private static let glm5NextParts = [
        "hc_", "indexer.attn_q_b", "indexer.attn_k", "indexer.proj", "indexer_compressor_gate",
        "indexer_compressor_ape", "ssm_f_a.weight", "ssm_f_b.weight", "ssm_g_a.weight", "ssm_g_b.weight",
        "ssm_beta.weight", "attn_kv_a_mqa.weight", "attn_k_b.weight", "attn_v_b.weight",
    ]
}
