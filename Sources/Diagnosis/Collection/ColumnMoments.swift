import Kernels

/// Per-column statistics of one matrix's input rows: Σx, Σ|x|, Σx², Σx⁴ and max|x| per
/// column, and per column the number of values that are outliers (|x| > 6σ), negative, or
/// near zero (|x| < 0.01σ).
///
/// σ is the tensor's input RMS over every value seen so far including the current batch
/// (pooled over experts), so the thresholds settle after the first batch. Sums are float64.
public struct ColumnMoments: Sendable {
    /// Multiples of σ above which a value is an outlier, and below which it is near zero.
    public static let outlierSigmas = 6.0
    public static let nearZeroSigmas = 0.01

    public let columns: Int
    public private(set) var rows: Double = 0
    public private(set) var sum: [Double]
    public private(set) var sumAbs: [Double]
    public private(set) var sumSquares: [Double]
    public private(set) var sumFourth: [Double]
    public private(set) var maxAbs: [Double]
    public private(set) var outliers: [Double]
    public private(set) var negatives: [Double]
    public private(set) var nearZero: [Double]

    public init(columns: Int) {
        self.columns = columns
        sum = [Double](repeating: 0, count: columns)
        sumAbs = sum
        sumSquares = sum
        sumFourth = sum
        maxAbs = sum
        outliers = sum
        negatives = sum
        nearZero = sum
    }

    /// Adds `rowCount` rows of `columns` floats, classifying values against `sigma`.
    public mutating func add(_ input: UnsafePointer<Float>, rows rowCount: Int, sigma: Double, threads: Int) {
        rows += Double(rowCount)
        let columns = self.columns
        let high = sigma * ColumnMoments.outlierSigmas, low = sigma * ColumnMoments.nearZeroSigmas
        sum.withUnsafeMutableBufferPointer { s in
        sumAbs.withUnsafeMutableBufferPointer { a in
        sumSquares.withUnsafeMutableBufferPointer { q in
        sumFourth.withUnsafeMutableBufferPointer { f in
        maxAbs.withUnsafeMutableBufferPointer { m in
        outliers.withUnsafeMutableBufferPointer { o in
        negatives.withUnsafeMutableBufferPointer { n in
        nearZero.withUnsafeMutableBufferPointer { z in
            let s = s.baseAddress!, a = a.baseAddress!, q = q.baseAddress!, f = f.baseAddress!
            let m = m.baseAddress!, o = o.baseAddress!, n = n.baseAddress!, z = z.baseAddress!
            Parallel.forEachRange(count: columns, threads: threads, grain: 64) { range in
                for row in 0..<rowCount {
                    let line = input + row &* columns
                    for column in range {
                        let x = Double(line[column])
                        let magnitude = abs(x), square = x * x
                        s[column] += x
                        a[column] += magnitude
                        q[column] += square
                        f[column] += square * square
                        if magnitude > m[column] { m[column] = magnitude }
                        if magnitude > high { o[column] += 1 }
                        if x < 0 { n[column] += 1 }
                        if magnitude < low { z[column] += 1 }
                    }
                }
            }
        }}}}}}}}
    }

    /// Adds another matrix's statistics column by column (pooling experts).
    public mutating func merge(_ other: ColumnMoments) {
        precondition(other.columns == columns)
        rows += other.rows
        for j in 0..<columns {
            sum[j] += other.sum[j]
            sumAbs[j] += other.sumAbs[j]
            sumSquares[j] += other.sumSquares[j]
            sumFourth[j] += other.sumFourth[j]
            maxAbs[j] = max(maxAbs[j], other.maxAbs[j])
            outliers[j] += other.outliers[j]
            negatives[j] += other.negatives[j]
            nearZero[j] += other.nearZero[j]
        }
    }

    /// Mean of x² per column (0 without rows).
    public var meanSquares: [Double] { rows > 0 ? sumSquares.map { $0 / rows } : sumSquares }
    /// Mean of |x| per column (0 without rows).
    public var meanAbs: [Double] { rows > 0 ? sumAbs.map { $0 / rows } : sumAbs }
}
