/// Per-column sums of squares of a row-major matrix, the inner loop of the importance matrix.
public enum ColumnSquares {
    /// Rows squared and summed in float32 before the partial sums are added into float64.
    public static let rowsPerPartial = 16

    /// `sums[j] += Σ_r x[r·columns + j]²` for `j` in `0..<columns`, over `rows` rows.
    ///
    /// Squares are summed in float32 over groups of ``rowsPerPartial`` rows, then added to the
    /// float64 `sums`; columns are split across `threads` workers (a small matrix stays on the
    /// calling thread). `sums` must not alias `x`.
    public static func accumulate(_ x: UnsafePointer<Float>, rows: Int, columns: Int,
                                  into sums: UnsafeMutablePointer<Double>, threads: Int) {
        guard rows > 0, columns > 0 else { return }
        let workers = rows &* columns >= 1 << 16 ? threads : 1
        // Columns in whole SIMD lanes per worker, so workers never share a vector.
        let groups = (columns &+ 7) / 8
        Parallel.forEachRange(count: groups, threads: workers) { range in
            let first = range.lowerBound &* 8
            let end = Swift.min(columns, range.upperBound &* 8)
            accumulate(x, rows: rows, stride: columns, columns: first..<end, into: sums)
        }
    }

    /// The single-threaded loop over one column range.
    @inline(__always)
    static func accumulate(_ x: UnsafePointer<Float>, rows: Int, stride: Int, columns: Range<Int>,
                           into sums: UnsafeMutablePointer<Double>) {
        let width = columns.count
        let whole = width & ~7
        withUnsafeTemporaryAllocation(of: Float.self, capacity: width) { partialBuffer in
            let partial = partialBuffer.baseAddress!
            var row = 0
            while row < rows {
                let groupEnd = Swift.min(rows, row &+ rowsPerPartial)
                partial.initialize(repeating: 0, count: width)
                while row < groupEnd {
                    let source = x + (row &* stride &+ columns.lowerBound)
                    var j = 0
                    while j < whole {
                        let value = VectorMath.load8(source, j)
                        VectorMath.store8(VectorMath.load8(partial, j) + value * value, partial, j)
                        j &+= 8  // j < whole ≤ width: cannot overflow
                    }
                    while j < width {
                        partial[j] += source[j] * source[j]
                        j &+= 1
                    }
                    row &+= 1
                }
                let target = sums + columns.lowerBound
                for j in 0..<width { target[j] += Double(partial[j]) }
            }
        }
    }
}
