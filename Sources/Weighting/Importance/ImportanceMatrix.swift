import GGUF
import IMatrix

/// An importance matrix as llama-quantize reads it: per weight tensor, the per-column mean of
/// x² for each matrix (expert), from the GGUF imatrix format (`NAME.in_sum2` / `NAME.counts`)
/// or the legacy `imatrix.dat` (values already averaged, scaled by `ncall`).
public struct ImportanceMatrix: Sendable {
    /// One weight tensor's statistics.
    public struct Entry: Sendable {
        public var name: String
        /// GGUF: raw Σx², expert-major. Legacy: the stored `(mean · ncall)` values.
        public var values: [Float]
        /// GGUF: token count per matrix. Legacy: `[ncall]`.
        public var counts: [Float]
        /// Whether `values` are legacy (already averaged, divided by `ncall` on use).
        public var isLegacy: Bool

        public init(name: String, values: [Float], counts: [Float], isLegacy: Bool) {
            self.name = name
            self.values = values
            self.counts = counts
            self.isLegacy = isLegacy
        }
    }

    /// What to do with a matrix (expert) whose token count is zero.
    public enum ZeroCountPolicy: String, Sendable, CaseIterable {
        /// Importance 1 for every column (llama-quantize's rule).
        case ones
        /// Leave the matrix out of the scores.
        case skip
    }

    /// One matrix's importance: a value per column, plus the tokens behind it.
    public struct Slice: Sendable {
        public var values: [Float]
        public var tokenCount: Float
        /// True when the matrix saw no tokens and got importance 1.
        public var isPlaceholder: Bool
    }

    public let path: String
    public private(set) var entries: [String: Entry]
    /// The calibration texts the file names (`imatrix.datasets`, or the legacy trailer's).
    public let datasets: [String]
    /// The chunks it was computed on (`imatrix.chunk_count`, or the legacy `last_call`), when recorded.
    public let chunkCount: Int?

    public init(path: String, entries: [String: Entry], datasets: [String] = [], chunkCount: Int? = nil) {
        self.path = path
        self.entries = entries
        self.datasets = datasets
        self.chunkCount = chunkCount
    }

    /// Keeps only the entries `keep` accepts (llama-quantize's `--include-weights`/`--exclude-weights`).
    public mutating func filter(_ keep: (String) -> Bool) {
        entries = entries.filter { keep($0.key) }
    }

    /// Reads a GGUF imatrix or a legacy `.dat` file with the IMatrix module's readers.
    /// - Throws: ``ImatrixError`` naming the file and field of an unreadable or invalid file.
    public static func load(path: String) throws(ImatrixError) -> ImportanceMatrix {
        let stored = try StoredImatrix.read(path: path)
        var entries: [String: Entry] = [:]
        for entry in stored.entries {
            entries[entry.name] = Entry(name: entry.name, values: entry.values, counts: entry.counts.map { Float($0) },
                                        isLegacy: stored.format == .dat)
        }
        return ImportanceMatrix(path: path, entries: entries, datasets: stored.datasets, chunkCount: stored.chunkCount)
    }

    /// The importance of tensor `name` for each of its `matrices` matrices of `columns` columns,
    /// as llama-quantize computes it (`in_sum2/count` in float32; legacy `stored/ncall`); nil
    /// when the file has no entry. A zero-count matrix gets ones, or nil under `.skip`.
    public func slices(for name: String, columns: Int, matrices: Int, zeroCount: ZeroCountPolicy) throws(GGUFError) -> [Slice?]? {
        guard let entry = entries[name] else { return nil }
        guard entry.values.count == columns * matrices else {
            throw GGUFError(file: path, field: name, kind: .shapeMismatch,
                            message: "\(entry.values.count) importance values, the model tensor needs \(columns) × \(matrices)")
        }
        let perCount = entry.values.count / entry.counts.count
        var result: [Slice?] = []
        for matrix in 0..<matrices {
            let start = matrix * columns
            let count = entry.counts[start / perCount]
            var values = Array(entry.values[start..<(start + columns)])
            if entry.isLegacy {
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
