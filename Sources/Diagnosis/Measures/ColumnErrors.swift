import Kernels

/// Per-column sums over the rows of a weight matrix and its reconstruction: Σ(W − Ŵ)², ΣW²
/// and Σ|W| for each input column.
public struct ColumnErrors: Sendable {
    public var squaredError: [Double]
    public var squaredWeight: [Double]
    public var absoluteWeight: [Double]
    /// Rows summed over.
    public var rows: Int

    /// Sums over `rowCount` rows of `columns`; `reconstruction` nil leaves the error at zero.
    public init(weights: UnsafePointer<Float>, reconstruction: UnsafePointer<Float>?, rowCount: Int, columns: Int,
                threads: Int = Parallel.processorCount) {
        var error = [Double](repeating: 0, count: columns)
        var square = error, magnitude = error
        error.withUnsafeMutableBufferPointer { e in
        square.withUnsafeMutableBufferPointer { s in
        magnitude.withUnsafeMutableBufferPointer { m in
            let e = e.baseAddress!, s = s.baseAddress!, m = m.baseAddress!
            Parallel.forEachRange(count: columns, threads: threads, grain: 64) { range in
                for row in 0..<rowCount {
                    let w = weights + row &* columns
                    for j in range {
                        let value = Double(w[j])
                        s[j] += value * value
                        m[j] += abs(value)
                    }
                    if let reconstruction {
                        let r = reconstruction + row &* columns
                        for j in range {
                            let d = Double(w[j] - r[j])
                            e[j] += d * d
                        }
                    }
                }
            }
        }}}
        squaredError = error
        squaredWeight = square
        absoluteWeight = magnitude
        rows = rowCount
    }
}
