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
        TransformerSpec(
            family: .qwen2, embeddingLength: common.embeddingLength, blockCount: common.blockCount,
            contextLength: common.contextLength, vocabularySize: vocabularySize,
            headCount: common.headCount, headCountKV: common.headCountKV,
            keyLength: common.keyLength, valueLength: common.valueLength, normEpsilon: common.rmsEpsilon,
            embeddingScale: 1, attentionScale: 1 / Float(common.keyLength).squareRoot(),
            rope: common.rotary(layout: .neox), layers: common.uniformLayers,
            attentionBiases: true, queryKeyNorms: false, postNorms: false,
            feedForward: .dense(length: feedForwardLength, activation: .silu))
    }
}
