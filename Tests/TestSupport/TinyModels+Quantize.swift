/// Models for the `imx quantize` references: rows 256 and 512 wide, so the k-quant and i-quant
/// types are used as the mixes choose them rather than their 32-block fallbacks; all F32.
extension TinyModels {
    /// llama, dense: 8 blocks (so the mixes' first/last-eighth and every-third-layer rules
    /// differ by layer), 8 query heads sharing 2 KV heads (GQA 4), FFN 512, separate output.
    public static let quantDense: TinyModelSpec = {
        var s = TinyModelSpec(name: "quant-dense", architecture: "llama", seed: 201)
        s.blockCount = 8
        s.embeddingLength = 256
        s.headCount = 8
        s.headCountKV = 2
        s.feedForwardLength = 512
        s.vocabularySize = 300
        s.writesRopeDimensionCount = true
        return s
    }()

    /// qwen3moe with 8 experts (the count llama-quantize's mixes single out), 2 used, experts
    /// 256 wide, 3 blocks, GQA 2, tied output.
    public static let quantMoE: TinyModelSpec = {
        var s = TinyModelSpec(name: "quant-moe", architecture: "qwen3moe", seed: 202)
        s.blockCount = 3
        s.embeddingLength = 256
        s.headCount = 4
        s.headCountKV = 2
        s.explicitHeadLength = 64
        s.queryKeyNorms = true
        s.tiedOutput = true
        s.expertCount = 8
        s.expertUsedCount = 2
        s.feedForwardLength = 512
        s.expertFeedForwardLength = 256
        s.ropeFrequencyBase = 1_000_000
        s.rmsEpsilon = 1e-6
        return s
    }()
}
