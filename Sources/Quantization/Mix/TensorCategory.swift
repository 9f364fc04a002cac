/// The broad role of a weight tensor that llama-quantize's mix rules look at
/// (`tensor_get_category`): found from the name alone, whatever the architecture.
public enum TensorCategory: Sendable, Equatable {
    case tokenEmbedding, attentionQ, attentionV, attentionK, attentionQKV, attentionKVB, attentionOutput
    case feedForwardUp, feedForwardGate, feedForwardDown, output, other

    /// The category of tensor `name` (first match wins, in llama.cpp's order).
    public init(name: String) {
        if name == "output.weight" { self = .output; return }
        if Self.isTokenEmbedding(name) { self = .tokenEmbedding; return }
        let rules: [(String, TensorCategory)] = [
            ("attn_qkv.weight", .attentionQKV), ("attn_kv_b.weight", .attentionKVB), ("attn_v.weight", .attentionV),
            ("attn_k.weight", .attentionK), ("attn_q.weight", .attentionQ), ("attn_output.weight", .attentionOutput),
            ("ffn_up", .feedForwardUp), ("ffn_gate", .feedForwardGate), ("ffn_down", .feedForwardDown),
        ]
        self = rules.first { name.contains($0.0) }?.1 ?? .other
    }

    /// `token_embd.weight` or Gemma 3n's `per_layer_token_embd.weight`.
    public static func isTokenEmbedding(_ name: String) -> Bool {
        name == "token_embd.weight" || name == "per_layer_token_embd.weight"
    }

    /// attn_v, attn_qkv and attn_kv_b: the value-carrying weights the mixes give more bits.
    var isValueLike: Bool { self == .attentionV || self == .attentionQKV || self == .attentionKVB }
}
