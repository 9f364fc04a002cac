/// One row of llama-imatrix's per-layer table: the element-weighted means of a block's tensor
/// rows, accumulated in float32 in the order the tensor table lists them.
///
/// μΣ(Act²) = Σ(N_t·Σ_t)/ΣN_t, μZD = Σ(N_t·ZD_t)/ΣN_t (a fraction; printed ×100),
/// μCosSim = Σ(N_t·cos_t)/ΣN_t.
public struct LayerStatistics: Sendable, Equatable, Encodable {
    /// The block number.
    public let layer: Int
    public let weightedSum: Float
    public let weightedZScoreFraction: Float
    public let weightedCosineSimilarity: Float
    /// ΣN_t over the block's tensors.
    public let elements: Int

    /// Per-block rows from `tensors` (in table order): blocks ≥ 0 in ascending order; tensors
    /// outside blocks are left out, as llama.cpp does.
    public static func layers(of tensors: [TensorStatistics]) -> [LayerStatistics] {
        var totals: [Int: (sum: Float, zScore: Float, cosine: Float, elements: Int)] = [:]
        for tensor in tensors {
            let elements = Float(tensor.elements)
            var total = totals[tensor.label.block] ?? (0, 0, 0, 0)
            total.sum += elements * tensor.sum
            total.zScore += elements * tensor.zScoreFraction
            total.cosine += elements * tensor.cosineSimilarity
            total.elements += tensor.elements
            totals[tensor.label.block] = total
        }
        return totals.keys.sorted().filter { $0 >= 0 }.compactMap { block in
            let total = totals[block]!
            guard total.elements > 0 else { return nil }
            let count = Float(total.elements)
            return LayerStatistics(layer: block, weightedSum: total.sum / count,
                                   weightedZScoreFraction: total.zScore / count,
                                   weightedCosineSimilarity: total.cosine / count, elements: total.elements)
        }
    }
}
