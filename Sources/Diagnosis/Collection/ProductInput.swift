/// Names for the inputs of weight products, as llama.cpp's graph names them: `attn_norm` feeds
/// q, k and v; `kqv_out` feeds `attn_output`; `ffn_norm` feeds gate, up, the router and the
/// experts' gate/up; `ffn_act` (the GLU product) feeds `ffn_down`; `ffn_act_exps` feeds
/// `ffn_down_exps`; `result_norm` feeds the output. Other tensors get `<name>_in`.
public enum ProductInput {
    /// The block number and input name of the weight `blk.N.NAME.weight` (nil block outside blocks).
    public static func name(forTensor tensorName: String) -> (block: Int?, input: String) {
        var parts = tensorName.split(separator: ".").map(String.init)
        if parts.last == "weight" { parts.removeLast() }
        var block: Int?
        if parts.count >= 3, parts[0] == "blk", let number = Int(parts[1]) {
            block = number
            parts.removeFirst(2)
        }
        let short = parts.joined(separator: "_")
        switch short {
        case "attn_q", "attn_k", "attn_v", "attn_qkv": return (block, "attn_norm")
        case "attn_output": return (block, "kqv_out")
        case "ffn_gate", "ffn_up", "ffn_gate_inp", "ffn_gate_exps", "ffn_up_exps", "ffn_gate_shexp", "ffn_up_shexp":
            return (block, "ffn_norm")
        case "ffn_down": return (block, "ffn_act")
        case "ffn_down_exps": return (block, "ffn_act_exps")
        case "ffn_down_shexp": return (block, "ffn_act_shexp")
        case "output", "token_embd": return (block, "result_norm")
        default: return (block, short + "_in")
        }
    }
}
