import Kernels

/// Writes an ``ImatrixCollection`` in either format after a ``PartialDataPolicy``, atomically
/// (temporary file, then rename), so a reader never sees a half-written imatrix. The same
/// collection always gives the same bytes.
public struct ImatrixWriter: Sendable {
    /// What a write did.
    public struct Report: Sendable {
        /// The policy's decision for every entry with missing data (or every entry for `prior`).
        public var decisions: [(name: String, decision: PolicyDecision)]
        /// Entries written.
        public var writtenEntries: Int
        /// Entries in the collection.
        public var totalEntries: Int
        /// Bytes written.
        public var byteCount: Int
    }

    public var format: ImportanceMatrix.Format
    /// `imatrix.chunk_size` (GGUF) and `C` in the legacy `ncall = ⌈max count / C⌉`.
    public var chunkSize: Int
    public var policy: PartialDataPolicy

    /// - Parameter policy: nil means the format's llama.cpp default (`keep`; the legacy
    ///   format always stores missing experts as importance 1).
    public init(format: ImportanceMatrix.Format, chunkSize: Int, policy: PartialDataPolicy? = nil) {
        self.format = format
        self.chunkSize = chunkSize
        self.policy = policy ?? .keep
    }

    /// The file's bytes and the report (with `byteCount` set).
    public func encode(_ collection: ImatrixCollection) throws(ImatrixError) -> (bytes: [UInt8], report: Report) {
        let entries = collection.sortedEntries
        let (written, decisions) = policy.apply(to: entries)
        var reported = decisions.filter { $0.1.action != .unchanged }.map { (name: $0.0, decision: $0.1) }
        if format == .dat {
            // The legacy format has no zero counts: its writer stores such matrices as importance 1.
            for index in reported.indices where reported[index].decision.action == .keptZeros {
                reported[index].decision.action = .filledOnes
            }
        }
        var legacyDropped: [String] = []
        let bytes: [UInt8]
        switch format {
        case .gguf:
            bytes = try ImatrixGGUFFormat.encode(written, datasets: collection.datasets,
                                                 chunkCount: collection.chunkCount, chunkSize: chunkSize)
        case .dat:
            let result = LegacyImatrixFormat.encode(written, chunkSize: chunkSize, chunkCount: collection.chunkCount,
                                                    dataset: collection.datasets.last ?? "")
            bytes = result.bytes
            legacyDropped = result.skipped
        }
        // The legacy format also leaves out entries without any data, whatever the policy said.
        for name in legacyDropped {
            let action = PolicyDecision.Action.skipped(reason: "no data: the legacy format cannot store it")
            if let index = reported.firstIndex(where: { $0.name == name }) {
                reported[index].decision.action = action
            } else {
                reported.append((name: name, decision: PolicyDecision(action: action,
                                                                      missing: collection.entries[name]?.zeroCountMatrices ?? [])))
            }
        }
        let report = Report(decisions: reported, writtenEntries: written.count - legacyDropped.count,
                            totalEntries: entries.count, byteCount: bytes.count)
        return (bytes, report)
    }

    /// Writes `collection` to `path` atomically.
    /// - Throws: ``ImatrixError`` naming the path when it cannot be written.
    @discardableResult
    public func write(_ collection: ImatrixCollection, to path: String) throws(ImatrixError) -> Report {
        let (bytes, report) = try encode(collection)
        do { try AtomicFile.write(bytes, to: path) } catch {
            throw ImatrixError(file: path, field: "output", message: "cannot write: \(error.reason)", cause: error)
        }
        return report
    }
}
