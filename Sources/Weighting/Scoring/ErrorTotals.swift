/// Sums for the error metrics of one quantization (double precision, poolable across rows,
/// tensors and experts by adding).
public struct ErrorTotals: Sendable, Codable, Equatable {
    /// Σ Δ² (Δ = x − x̂).
    public var squaredError: Double = 0
    /// Σ qw·Δ², with the raw importance (not the formula's weights).
    public var weightedSquaredError: Double = 0
    /// Σ qw.
    public var importanceSum: Double = 0
    /// Σ qw·x².
    public var weightedSignal: Double = 0
    /// max |Δ|.
    public var maxAbsError: Double = 0
    /// Number of elements.
    public var elements: Int = 0

    public init() {}

    /// `sqrt(Σ Δ² / n)`.
    public var rmse: Double { elements > 0 ? (squaredError / Double(elements)).squareRoot() : 0 }
    /// `sqrt(Σ qw·Δ² / Σ qw)`.
    public var weightedRMSE: Double { importanceSum > 0 ? (weightedSquaredError / importanceSum).squareRoot() : 0 }
    /// `sqrt(Σ qw·Δ² / Σ qw·x²)`.
    public var relativeWeightedError: Double { weightedSignal > 0 ? (weightedSquaredError / weightedSignal).squareRoot() : 0 }

    /// Adds another set of sums.
    public mutating func add(_ other: ErrorTotals) {
        squaredError += other.squaredError
        weightedSquaredError += other.weightedSquaredError
        importanceSum += other.importanceSum
        weightedSignal += other.weightedSignal
        maxAbsError = max(maxAbsError, other.maxAbsError)
        elements += other.elements
    }

    /// Accumulates one row: originals `x`, reconstruction `y`, importance per column (nil = 1).
    public mutating func addRow(_ x: UnsafePointer<Float>, _ y: UnsafePointer<Float>, count: Int, importance: UnsafePointer<Float>?) {
        for j in 0..<count {
            let xj = Double(x[j])
            let delta = xj - Double(y[j])
            let q = importance.map { Double($0[j]) } ?? 1
            squaredError += delta * delta
            weightedSquaredError += q * delta * delta
            importanceSum += q
            weightedSignal += q * xj * xj
            maxAbsError = max(maxAbsError, abs(delta))
        }
        elements += count
    }
}
