/// The attribute fix-ups llama.cpp applies after loading a vocabulary, which change how text
/// containing these tokens is split:
/// - end-of-generation and fill-in-the-middle tokens recognised by their text become control
///   tokens (so they are plain text unless special tokens are parsed);
/// - for Phi-3 models, special tokens swallow the whitespace after them (right strip), except
///   `<unk>`, `<s>` and `<|endoftext|>`.
enum SpecialTokenRules {
    static let forcedControl: [String] = [
        "<|eot_id|>", "<|im_end|>", "<|end|>", "<|return|>", "<|call|>", "<end_of_turn>", "<|endoftext|>",
        "<|eom_id|>", "<EOT>", "_<EOT>", "<｜end▁of▁sentence｜>",
        "<|fim_prefix|>", "<fim-prefix>", "<fim_prefix>", "<｜fim▁begin｜>", "<PRE>", "▁<PRE>",
        "<|fim_suffix|>", "<fim-suffix>", "<fim_suffix>", "<｜fim▁hole｜>", "<SUF>", "▁<SUF>",
        "<|fim_middle|>", "<fim-middle>", "<fim_middle>", "<｜fim▁end｜>", "<MID>", "▁<MID>",
        "<|fim_pad|>", "<fim-pad>", "<fim_pad>",
        "<|fim_repo|>", "<|repo_name|>", "<fim-repo>", "<REPO>", "<reponame>",
        "<|file_sep|>", "<file_sep>",
    ]

    static func apply(to attributes: inout [TokenAttributes], tokens: TokenTable, modelName: String) {
        for text in forcedControl {
            if let id = tokens.id(of: text.utf8), !attributes[Int(id)].contains(.control) {
                attributes[Int(id)] = .control
            }
        }
        if modelName.contains("phi-3") || modelName.contains("phi3") {
            for id in attributes.indices where !attributes[id].isDisjoint(with: TokenAttributes.matchedVerbatim) {
                attributes[id].insert(.rightStrip)
            }
            if let id = tokens.id(of: "</s>".utf8) { attributes[Int(id)].insert(.rightStrip) }
            for text in ["<unk>", "<s>", "<|endoftext|>"] {
                if let id = tokens.id(of: text.utf8) { attributes[Int(id)].remove(.rightStrip) }
            }
        }
    }
}
