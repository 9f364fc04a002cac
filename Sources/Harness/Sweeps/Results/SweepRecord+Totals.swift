import Weighting

/// Whole-model error figures of a grid point, pooled over its tensors the way
/// `imx quantize-error` pools them: the root of the parameter-weighted mean of the squared
/// per-tensor metric, `sqrt(Σ_t n_t·m_t² / Σ_t n_t)` with `n_t` the tensor's element count.
extension SweepRecord {
    /// Pooled weighted RMSE (raw imatrix weights) over all tensors.
    public var totalWeightedRMSE: Double { SweepRecord.pooled(tensors.map { ($0.totals.elements, $0.totals.weightedRMSE) }) }
    /// Pooled relative weighted error over all tensors.
    public var totalRelativeWeightedError: Double {
        SweepRecord.pooled(tensors.map { ($0.totals.elements, $0.totals.relativeWeightedError) })
    }
    /// Pooled plain RMSE over all tensors.
    public var totalRMSE: Double { SweepRecord.pooled(tensors.map { ($0.totals.elements, $0.totals.rmse) }) }

    /// The tensors that got another type than the recipe asked for (llama-quantize's fallback).
    public var fallbackTensors: [TensorScore] { tensors.filter { $0.requestedType != $0.type } }

    /// Whether any tensor has per-expert scores.
    public var hasExperts: Bool { tensors.contains { !($0.experts ?? []).isEmpty } }

    /// `sqrt(Σ n·m² / Σ n)` over (element count n, metric m) pairs; 0 when there are no elements.
    public static func pooled(_ items: [(elements: Int, metric: Double)]) -> Double {
        var weighted = 0.0, count = 0
        for item in items where item.elements > 0 {
            weighted += Double(item.elements) * item.metric * item.metric
            count += item.elements
        }
        return count > 0 ? (weighted / Double(count)).squareRoot() : 0
    }
}
