import Foundation

/// One row of llama-imatrix's `--show-statistics` table: figures over A, the per-column mean
/// of x² (`Σx² / count`) of every matrix (expert) that received tokens, computed in float32 in
/// llama.cpp's order of operations so the printed digits agree.
///
/// | field | definition |
/// |---|---|
/// | ``sum`` | Σ(Act²) = Σ A (sequential float sum) |
/// | ``minimum``, ``maximum`` | min A, max A |
/// | ``mean`` | μ = Σ / N |
/// | ``standardDeviation`` | σ = sqrt(max(0, Σ A² / N − μ²)) (population) |
/// | ``activeFraction`` | 1 − #{\|a\| ≤ 1e-5} / N |
/// | ``elements`` | N = \|A\| |
/// | ``entropy`` | −Σ p log₂ p with p = a / Σ (bits; 0 unless Σ > 0) |
/// | ``normalizedEntropy`` | 100 · entropy / log₂ N (percent) |
/// | ``zScoreFraction`` | ZD = #{(a − μ)/σ > 1} / N (one-sided; 0 unless σ > 0) |
/// | ``cosineSimilarity`` | against the same tensor one block earlier, on the raw Σx² (set by ``ImatrixStatistics``) |
public struct TensorStatistics: Sendable, Equatable {
    /// The full tensor name, e.g. `blk.3.attn_q.weight`.
    public let name: String
    /// Layer and short name as the table prints them.
    public let label: TensorLabel
    public let sum: Float
    public let minimum: Float
    public let maximum: Float
    public let mean: Float
    public let standardDeviation: Float
    public let activeFraction: Float
    public let elements: Int
    public let entropy: Float
    public let normalizedEntropy: Float
    public let zScoreFraction: Float
    /// Cosine similarity of the raw sums with the previous block's same tensor; 0 for block 0,
    /// for tensors outside blocks, when the previous tensor is absent, and when the sizes
    /// differ (llama.cpp reads past the shorter vector there). NaN when a vector is all zero.
    public internal(set) var cosineSimilarity: Float = 0

    /// The statistics of `entry`, or nil when no matrix received tokens (llama.cpp: "all counts
    /// are zero for tensor …, skipping statistics computation").
    public init?(entry: ImatrixEntry) {
        let values = TensorStatistics.meanSquares(of: entry)
        guard !values.isEmpty else { return nil }
        let count = Float(values.count)
        var total: Float = 0, squares: Float = 0
        var minimum = values[0], maximum = values[0]
        var inactive = 0
        for value in values {
            total += value
            squares += value * value
            minimum = Swift.min(minimum, value)
            maximum = Swift.max(maximum, value)
            if abs(value) <= 1e-5 { inactive += 1 }
        }
        let mean = total / count
        let deviation = (Swift.max(0, squares / count - mean * mean)).squareRoot()
        var entropy: Float = 0
        if total > 0 {
            for value in values {
                let p = value / total
                if p > 0 { entropy -= p * log2f(p) }
            }
        }
        var outliers = 0
        if deviation > 0 {
            for value in values where (value - mean) / deviation > 1 { outliers += 1 }
        }
        name = entry.name
        label = TensorLabel(name: entry.name)
        sum = total
        self.minimum = minimum
        self.maximum = maximum
        self.mean = mean
        standardDeviation = deviation
        activeFraction = 1 - Float(inactive) / count
        elements = values.count
        self.entropy = entropy
        normalizedEntropy = Float(100 * (Double(entropy) / log2(Double(values.count))))
        zScoreFraction = Float(outliers) / count
    }

    /// A: the float32 mean of x² per column of every matrix with a non-zero count, matrix by
    /// matrix (`Float(Σx²) / Float(count)`); zero-count matrices are left out.
    public static func meanSquares(of entry: ImatrixEntry) -> [Float] {
        let columns = entry.columns
        var values: [Float] = []
        values.reserveCapacity(entry.sums.count)
        for matrix in 0..<entry.matrixCount where entry.counts[matrix] != 0 {
            let count = Float(entry.counts[matrix])
            for column in 0..<columns { values.append(Float(entry.sums[matrix * columns + column]) / count) }
        }
        return values
    }

    /// Cosine similarity of two raw Σx² vectors in float32 (`dot / (‖a‖·‖b‖)`, sequential
    /// sums), or 0 when their sizes differ.
    public static func cosineSimilarity(_ a: [Double], _ b: [Double]) -> Float {
        guard a.count == b.count else { return 0 }
        var dot: Float = 0, normA: Float = 0, normB: Float = 0
        for index in a.indices {
            let x = Float(a[index]), y = Float(b[index])
            dot += x * y
            normA += x * x
            normB += y * y
        }
        return dot / (normA.squareRoot() * normB.squareRoot())
    }
}

extension TensorStatistics: Encodable {
    private enum CodingKeys: String, CodingKey {
        case name, layer, tensor, sum, minimum, maximum, mean, standardDeviation, activeFraction, elements,
             entropy, normalizedEntropy, zScoreFraction, cosineSimilarity
    }

    /// Figures as JSON numbers; a non-finite figure (NaN cosine, N = 1 entropy) is null.
    public func encode(to encoder: any Encoder) throws {
        var container = encoder.container(keyedBy: CodingKeys.self)
        func put(_ value: Float, _ key: CodingKeys) throws {
            if value.isFinite { try container.encode(value, forKey: key) } else { try container.encodeNil(forKey: key) }
        }
        try container.encode(name, forKey: .name)
        try container.encode(label.layer, forKey: .layer)
        try container.encode(label.tensor, forKey: .tensor)
        try put(sum, .sum)
        try put(minimum, .minimum)
        try put(maximum, .maximum)
        try put(mean, .mean)
        try put(standardDeviation, .standardDeviation)
        try put(activeFraction, .activeFraction)
        try container.encode(elements, forKey: .elements)
        try put(entropy, .entropy)
        try put(normalizedEntropy, .normalizedEntropy)
        try put(zScoreFraction, .zScoreFraction)
        try put(cosineSimilarity, .cosineSimilarity)
    }
}
