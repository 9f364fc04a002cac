import GGUF

/// A `qwen3` model: the Llama block without biases, with a per-head RMS norm on q and k
/// (`attn_q_norm`, `attn_k_norm`, applied before RoPE), NeoX rotary layout, and a head width
/// (`attention.key_length`) that need not equal n_embd / n_head.
public struct Qwen3Configuration: Sendable, Equatable {
    public var common: CommonHyperparameters
    public var feedForwardLength: Int

    public init(metadata: GGUFMetadata) throws(GGUFError) {
        common = try CommonHyperparameters(metadata: metadata)
        feedForwardLength = try metadata.int(.feedForwardLength)
    }

    public func spec(vocabularySize: Int) -> TransformerSpec {
        common.spec(family: .qwen3, vocabularySize: vocabularySize, layout: .neox, queryKeyNorms: .required,
                    feedForward: .dense(length: feedForwardLength, activation: .silu))
    }
}
