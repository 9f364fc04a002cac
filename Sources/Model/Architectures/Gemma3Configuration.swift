import GGUF

/// A `gemma3` model, following llama.cpp's `gemma3` graph:
///
/// - the embedding rows are multiplied by √n_embd;
/// - each block: RMS norm → attention → RMS norm (`post_attention_norm`) → residual add, then
///   RMS norm → GeGLU feed-forward (GELU, tanh approximation) → RMS norm (`post_ffw_norm`) →
///   residual add (norm weights are stored with Gemma's +1 already applied by the converter);
/// - q and k get per-head RMS norms before RoPE (NeoX layout), and q·k is scaled by
///   1/√key_length (1/√(n_embd/n_head) for the 62-layer 27B model);
/// - five of every six layers (layer % 6 < 5) use sliding-window attention over
///   `attention.sliding_window` positions with RoPE base 10000 and no scaling; the sixth is
///   global with `rope.freq_base` and the file's rope scaling;
/// - the output projection is tied to `token_embd`.
public struct Gemma3Configuration: Sendable, Equatable {
    public var common: CommonHyperparameters
    public var feedForwardLength: Int
    public var slidingWindow: Int
    /// Layers per sliding-window period; the last layer of each period is global.
    public static let slidingWindowPattern = 6
    /// RoPE base of the sliding-window layers.
    public static let localRopeBase: Float = 10_000

    public init(metadata: GGUFMetadata) throws(GGUFError) {
        common = try CommonHyperparameters(metadata: metadata)
        feedForwardLength = try metadata.int(.feedForwardLength)
        slidingWindow = try metadata.int(.slidingWindow)
        guard slidingWindow > 0 else {
            throw GGUFError(file: metadata.source, field: try metadata.key(.slidingWindow), kind: .invalidValue,
                            message: "must be positive, got \(slidingWindow)")
        }
    }

    public func spec(vocabularySize: Int) -> TransformerSpec {
        let feedForward = FeedForwardSpec.dense(length: feedForwardLength, activation: .geluTanh)
        var spec = common.spec(family: .gemma3, vocabularySize: vocabularySize, layout: .neox, queryKeyNorms: .required,
                               feedForward: feedForward)
        spec.embeddingScale = Float(common.embeddingLength).squareRoot()
        let queryScaleWidth = common.blockCount == 62 ? common.embeddingLength / common.headCount : common.keyLength
        spec.attentionScale = 1 / Float(queryScaleWidth).squareRoot()
        spec.postNorms = true
        spec.layers = (0..<common.blockCount).map { index -> LayerSpec in
            index % Self.slidingWindowPattern < Self.slidingWindowPattern - 1
                ? LayerSpec(ropeBase: Self.localRopeBase, ropeScale: 1, slidingWindow: slidingWindow, feedForward: feedForward)
                : LayerSpec(ropeBase: common.ropeBase, ropeScale: common.ropeScaling.frequencyScale, slidingWindow: nil,
                            feedForward: feedForward)
        }
        return spec
    }
}
