import GGUF

/// A `qwen2` model: the Llama block with biases on the q, k and v projections (added before
/// RoPE) and rotary positions in the NeoX (i, i + n/2) layout.
public struct Qwen2Configuration: Sendable, Equatable {
    public var common: CommonHyperparameters
    public var feedForwardLength: Int

    public init(metadata: GGUFMetadata) throws(GGUFError) {
        common = try CommonHyperparameters(metadata: metadata)
        feedForwardLength = try metadata.int(.feedForwardLength)
    }

    public func spec(vocabularySize: Int) -> TransformerSpec {
        common.spec(family: .qwen2, vocabularySize: vocabularySize, layout: .neox, attentionBiases: .required,
                    feedForward: .dense(length: feedForwardLength, activation: .silu))
    }
}
