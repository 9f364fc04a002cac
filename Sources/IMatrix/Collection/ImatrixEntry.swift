/// One weight tensor's importance statistics as llama-imatrix keeps them: Σx² per input
/// column for each matrix (expert), and the number of token rows added to each matrix.
///
/// `sums[m * columns + j]` is column `j` of matrix `m` (expert-major, like the GGUF
/// `NAME.in_sum2` tensor). A dense tensor has one count. An entry loaded from a legacy file has
/// one count even for an expert tensor (the format keeps none per expert); the first expert
/// collection broadcasts it, as llama.cpp does.
///
/// The sums are float64: a long calibration run adds millions of rows per column, where a
/// float32 running sum (llama.cpp's choice) loses digits in proportion to the row count and
/// depends on how rows are grouped. Each square is exact in float64 and rows are added in
/// token order, so the result does not depend on threads or batch sizes (files store float32).
public struct ImatrixEntry: Sendable, Equatable {
    /// The weight tensor's name, e.g. `blk.0.ffn_down_exps.weight`.
    public let name: String
    /// Σx² per column, matrix-major.
    public var sums: [Double]
    /// Token rows added per matrix (one element for dense tensors).
    public var counts: [Int64]

    public init(name: String, sums: [Double], counts: [Int64]) {
        precondition(!counts.isEmpty && sums.count % counts.count == 0, "counts must divide sums")
        self.name = name
        self.sums = sums
        self.counts = counts
    }

    /// An entry with zero sums and counts.
    public init(name: String, columns: Int, matrices: Int) {
        self.init(name: name, sums: [Double](repeating: 0, count: columns * matrices),
                  counts: [Int64](repeating: 0, count: matrices))
    }

    /// Matrices with their own count (experts; 1 for dense tensors).
    public var matrixCount: Int { counts.count }
    /// Values per matrix.
    public var columns: Int { sums.count / counts.count }
    /// Whether the entry has one count per expert of an expert tensor.
    public var isPerExpert: Bool { counts.count > 1 }

    /// Matrices (experts) that received no tokens, by index.
    public var zeroCountMatrices: [Int] { counts.indices.filter { counts[$0] == 0 } }
    /// Whether some but not all matrices received no tokens, or all of them.
    public var hasMissingData: Bool { counts.contains(0) }
    /// Whether no matrix received any token.
    public var hasNoData: Bool { counts.allSatisfy { $0 == 0 } }

    /// The largest per-matrix count.
    public var maximumCount: Int64 { counts.max() ?? 0 }

    /// Matrix `m`'s sums.
    public func sums(ofMatrix matrix: Int) -> ArraySlice<Double> {
        sums[(matrix * columns)..<((matrix + 1) * columns)]
    }

    /// Per-column mean of x² of matrix `m` as llama-quantize computes it from a GGUF file
    /// (float32 `sum / count`), or ones when the matrix has no tokens.
    public func importance(ofMatrix matrix: Int) -> [Float] {
        let count = counts[matrix]
        guard count > 0 else { return [Float](repeating: 1, count: columns) }
        return sums(ofMatrix: matrix).map { Float($0) / Float(count) }
    }

    /// Gives a single shared count one element per matrix (`matrices` of them), keeping its
    /// value: what llama.cpp does when an entry loaded from a legacy file meets expert data.
    mutating func broadcastCounts(to matrices: Int) {
        if counts.count == 1, matrices > 1 { counts = [Int64](repeating: counts[0], count: matrices) }
    }
}
