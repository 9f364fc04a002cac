/// The tokenization algorithm a vocabulary uses (`tokenizer.ggml.model`).
public enum TokenizerModel: String, Sendable, Codable {
    /// SentencePiece with score-ordered merges and byte fallback (`llama`).
    case sentencePiece = "llama"
    /// Byte-level BPE with ranked merges and a pre-tokenizer (`gpt2`).
    case bytePair = "gpt2"
}

/// The ids of the tokens with a special role; nil where the vocabulary has none.
public struct SpecialTokenIDs: Sendable, Equatable {
    public var beginOfSequence: Int32?
    public var endOfSequence: Int32?
    public var unknown: Int32?
    public var separator: Int32?
    public var padding: Int32?
}
