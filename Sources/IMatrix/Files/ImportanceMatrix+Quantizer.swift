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
                    ? Slice(values: [Float](repeating: 1, count: columns), tokenCount: 0, isPlaceholder: true) : nil)
            } else {
                for j in values.indices { values[j] = values[j] / count }
                result.append(Slice(values: values, tokenCount: count, isPlaceholder: false))
            }
        }
        return result
    }
}
