/// The module a weight tensor belongs to, from its name, for the per-family summaries.
public enum ModuleFamily: String, Codable, Sendable, CaseIterable, Comparable {
    case q, k, v, o, gate, up, down, router, experts, output, other

    /// The family of `blk.N.attn_q.weight` and the like.
    public init(tensorName name: String) {
        let short = name.split(separator: ".").dropFirst(name.hasPrefix("blk.") ? 2 : 0).first.map(String.init) ?? name
        switch short {
        case "attn_q", "attn_q_a", "attn_q_b": self = .q
        case "attn_k", "attn_k_b": self = .k
        case "attn_v", "attn_v_b": self = .v
        case "attn_qkv": self = .q
        case "attn_output": self = .o
        case "ffn_gate": self = .gate
        case "ffn_up": self = .up
        case "ffn_down": self = .down
        case "ffn_gate_inp": self = .router
        case "ffn_gate_exps", "ffn_up_exps", "ffn_down_exps", "ffn_gate_up_exps": self = .experts
        case "output", "token_embd": self = .output
        default: self = .other
        }
    }

    public static func < (lhs: ModuleFamily, rhs: ModuleFamily) -> Bool {
        allCases.firstIndex(of: lhs)! < allCases.firstIndex(of: rhs)!
    }
}
