/// Per-column sums of squares of a row-major matrix, the inner loop of the importance matrix.
public enum ColumnSquares {
    /// `sums[j] += Σ_r x[r·columns + j]²` for `j` in `0..<columns`, over `rows` rows.
    ///
    /// Each square is computed in float64, where it is exact (a float32 has 24 significant
    /// bits, its square at most 48 < 53), and added to `sums[j]` row by row in order. So the
    /// result depends only on the order of the rows — not on the number of threads (columns are
    /// split across workers) nor on how the rows are cut into calls. `sums` must not alias `x`.
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
        let target = UnsafeMutableRawPointer(sums + columns.lowerBound)
        for row in 0..<rows {
            let source = x + (row &* stride &+ columns.lowerBound)
            var j = 0
            while j < whole {
                let value = SIMD8<Double>(VectorMath.load8(source, j))
                let offset = j &* 8  // byte offset of double j
                var sum = target.loadUnaligned(fromByteOffset: offset, as: SIMD8<Double>.self)
                sum += value * value
                target.storeBytes(of: sum, toByteOffset: offset, as: SIMD8<Double>.self)
                j &+= 8  // j < whole ≤ width: cannot overflow
            }
            while j < width {
                let value = Double(source[j])
                sums[columns.lowerBound &+ j] += value * value
                j &+= 1
            }
        }
    }
}
