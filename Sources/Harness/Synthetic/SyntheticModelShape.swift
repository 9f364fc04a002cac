/// The shape of a synthetic model: a real architecture's hyperparameters (as its GGUF metadata
/// states them) without its weights, for benchmarks at the sizes users run — random weights in
/// the published layouts of Llama 3.x, Qwen2.5 and Qwen3-MoE models.
public struct SyntheticModelShape: Sendable, Equatable {
    public var name: String
    /// `general.architecture`: `llama`, `qwen2` or `qwen3moe`.
    public var architecture: String
    public var embedding: Int
    public var feedForward: Int
    public var blocks: Int
    public var heads: Int
    public var headsKV: Int
    /// Width of one head (key and value).
    public var headWidth: Int
    public var ropeBase: Float
    public var normEpsilon: Float
    public var contextLength: Int
    /// Whether the output matrix is the token embedding (no `output.weight`).
    public var tiedOutput: Bool
    /// q/k/v biases (qwen2).
    public var attentionBiases: Bool
    /// q/k RMS norms (qwen3moe).
    public var queryKeyNorms: Bool
    /// Experts per MoE block (0: dense), experts per token, and each expert's feed-forward width.
    public var experts: Int
    public var expertsUsed: Int
    public var expertFeedForward: Int
    /// Which of the project's vocabulary sources fits: the Llama 3 (`llama-bpe`) or Qwen2 one.
    public var vocabulary: String

    /// Parameters, for a vocabulary of `vocabularySize` tokens.
    public func parameterCount(vocabularySize: Int) -> Int {
        let attention = embedding * heads * headWidth * 2 + embedding * headsKV * headWidth * 2
        let feedForwardParameters = experts > 0
            ? experts * 3 * embedding * expertFeedForward + embedding * experts
            : 3 * embedding * feedForward
        let embeddings = vocabularySize * embedding * (tiedOutput ? 1 : 2)
        return blocks * (attention + feedForwardParameters) + embeddings
    }

    /// The shapes `imx synthesize` knows, by name.
    public static let known: [SyntheticModelShape] = [
        // Llama 3.2 1B and 3B (tied output), Llama 3.1 8B.
        SyntheticModelShape(name: "llama-1b", architecture: "llama", embedding: 2048, feedForward: 8192, blocks: 16, heads: 32,
                            headsKV: 8, headWidth: 64, ropeBase: 500_000, normEpsilon: 1e-5, contextLength: 131_072,
                            tiedOutput: true, attentionBiases: false, queryKeyNorms: false, experts: 0, expertsUsed: 0,
                            expertFeedForward: 0, vocabulary: "llama-bpe"),
        SyntheticModelShape(name: "llama-3b", architecture: "llama", embedding: 3072, feedForward: 8192, blocks: 28, heads: 24,
                            headsKV: 8, headWidth: 128, ropeBase: 500_000, normEpsilon: 1e-5, contextLength: 131_072,
                            tiedOutput: true, attentionBiases: false, queryKeyNorms: false, experts: 0, expertsUsed: 0,
                            expertFeedForward: 0, vocabulary: "llama-bpe"),
        SyntheticModelShape(name: "llama-8b", architecture: "llama", embedding: 4096, feedForward: 14336, blocks: 32, heads: 32,
                            headsKV: 8, headWidth: 128, ropeBase: 500_000, normEpsilon: 1e-5, contextLength: 131_072,
                            tiedOutput: false, attentionBiases: false, queryKeyNorms: false, experts: 0, expertsUsed: 0,
                            expertFeedForward: 0, vocabulary: "llama-bpe"),
        // Qwen2.5 1.5B (tied) and 7B.
        SyntheticModelShape(name: "qwen2-1.5b", architecture: "qwen2", embedding: 1536, feedForward: 8960, blocks: 28, heads: 12,
                            headsKV: 2, headWidth: 128, ropeBase: 1_000_000, normEpsilon: 1e-6, contextLength: 32_768,
                            tiedOutput: true, attentionBiases: true, queryKeyNorms: false, experts: 0, expertsUsed: 0,
                            expertFeedForward: 0, vocabulary: "qwen2"),
        SyntheticModelShape(name: "qwen2-7b", architecture: "qwen2", embedding: 3584, feedForward: 18944, blocks: 28, heads: 28,
                            headsKV: 4, headWidth: 128, ropeBase: 1_000_000, normEpsilon: 1e-6, contextLength: 32_768,
                            tiedOutput: false, attentionBiases: true, queryKeyNorms: false, experts: 0, expertsUsed: 0,
                            expertFeedForward: 0, vocabulary: "qwen2"),
        // Qwen3-30B-A3B: 128 experts, 8 per token.
        SyntheticModelShape(name: "qwen3moe-30b-a3b", architecture: "qwen3moe", embedding: 2048, feedForward: 6144, blocks: 48,
                            heads: 32, headsKV: 4, headWidth: 128, ropeBase: 1_000_000, normEpsilon: 1e-6, contextLength: 40_960,
                            tiedOutput: false, attentionBiases: false, queryKeyNorms: true, experts: 128, expertsUsed: 8,
                            expertFeedForward: 768, vocabulary: "qwen2"),
    ]

    /// The shape called `name`, or nil.
    public static func named(_ name: String) -> SyntheticModelShape? { known.first { $0.name == name } }
}
