import GGUF

extension ImportanceMatrix {
    /// What to do with a matrix (expert) whose token count is zero.
    public enum ZeroCountPolicy: String, Sendable, CaseIterable {
        /// Importance 1 for every column (llama-quantize's rule).
        case ones
        /// Leave the matrix out of the scores.
        case skip
    }

    /// One matrix's importance as the quantizer reads it: a value per column, plus the tokens behind it.
    public struct Slice: Sendable {
        public var values: [Float]
        public var tokenCount: Float
        /// True when the matrix saw no tokens and got importance 1.
        public var isPlaceholder: Bool
        /// The tensor's pooled importance per column, the same for each of its matrices:
        /// Σx² over all its matrices ÷ all their tokens (the token-weighted mean of the
        /// matrices' importance), for formulas that shrink an expert toward it; nil for a
        /// legacy file (no per-matrix counts) or a tensor without tokens.
        public var pooled: [Float]?

        public init(values: [Float], tokenCount: Float, isPlaceholder: Bool, pooled: [Float]? = nil) {
            self.values = values
            self.tokenCount = tokenCount
            self.isPlaceholder = isPlaceholder
            self.pooled = pooled
        }
    }

    /// The importance of tensor `name` for each of its `matrices` matrices of `columns` columns,
    /// as llama-quantize computes it (`in_sum2/count` in float32; legacy `stored/ncall`); nil
    /// when the file has no entry. A zero-count matrix gets ones, or nil under `.skip`.
    public func slices(for name: String, columns: Int, matrices: Int, zeroCount: ZeroCountPolicy) throws(GGUFError) -> [Slice?]? {
        guard let entry = entry(named: name) else { return nil }
        guard entry.values.count == columns * matrices else {
            throw GGUFError(file: path, field: name, kind: .shapeMismatch,
                            message: "\(entry.values.count) importance values, the model tensor needs \(columns) × \(matrices)")
        }
        let perCount = entry.values.count / entry.counts.count
        let pooled = format == .dat ? nil : Self.pooled(entry, columns: columns, matrices: matrices, perCount: perCount)
        var result: [Slice?] = []
        for matrix in 0..<matrices {
            let start = matrix * columns
            let count = Float(entry.counts[start / perCount])
            var values = Array(entry.values[start..<(start + columns)])
            if format == .dat {
                if count > 0 { for j in values.indices { values[j] = values[j] / count } }
                result.append(Slice(values: values, tokenCount: 0, isPlaceholder: false))
            } else if count == 0 {
                result.append(zeroCount == .ones
                    ? Slice(values: [Float](repeating: 1, count: columns), tokenCount: 0, isPlaceholder: true, pooled: pooled) : nil)
            } else {
                for j in values.indices { values[j] = values[j] / count }
                result.append(Slice(values: values, tokenCount: count, isPlaceholder: false, pooled: pooled))
            }
        }
        return result
    }

    /// Σx² per column summed over the matrices ÷ their summed token counts (in float64, rounded
    /// once); nil when no matrix saw a token.
    static func pooled(_ entry: Entry, columns: Int, matrices: Int, perCount: Int) -> [Float]? {
        var sums = [Double](repeating: 0, count: columns)
        var tokens = 0.0
        for matrix in 0..<matrices {
            let start = matrix * columns
            let count = Double(entry.counts[start / perCount])
            guard count > 0 else { continue }
            tokens += count
            for j in 0..<columns { sums[j] += Double(entry.values[start + j]) }
        }
        guard tokens > 0 else { return nil }
        return sums.map { Float($0 / tokens) }
    }
}
