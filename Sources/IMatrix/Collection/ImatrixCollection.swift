/// The state of an importance-matrix run: an ``ImatrixEntry`` per weight tensor, the names of
/// the calibration datasets behind it, and the chunk high-water mark (llama.cpp's
/// `m_last_chunk`).
///
/// Loading files follows llama-imatrix's `--in-file` arithmetic (``add(_:chunkSize:)``), so a
/// collection built from files and new data is what llama.cpp would have in memory.
public struct ImatrixCollection: Sendable, Equatable {
    /// Entries by weight tensor name.
    public var entries: [String: ImatrixEntry]
    /// Dataset names in load order: each loaded file's own list, then this run's text.
    public var datasets: [String]
    /// Chunks behind the data: the largest count divided by the chunk size.
    public var chunkCount: Int

    public init(entries: [String: ImatrixEntry] = [:], datasets: [String] = [], chunkCount: Int = 0) {
        self.entries = entries
        self.datasets = datasets
        self.chunkCount = chunkCount
    }

    /// Entry names in byte-wise order (llama.cpp's `std::sort` of the names).
    public var sortedNames: [String] { entries.keys.sorted(by: ImatrixCollection.byteOrder) }

    /// Entries in byte-wise name order.
    public var sortedEntries: [ImatrixEntry] { sortedNames.map { entries[$0]! } }

    /// Byte-wise (`std::string` `<`) ordering of names.
    public static func byteOrder(_ a: String, _ b: String) -> Bool { a.utf8.lexicographicallyPrecedes(b.utf8) }

    /// Recomputes ``chunkCount`` as the largest count of any entry over `chunkSize`.
    public mutating func updateChunkCount(chunkSize: Int) {
        let largest = entries.values.map(\.maximumCount).max() ?? 0
        chunkCount = Int(largest / Int64(max(1, chunkSize)))
    }

    /// Adds the contents of a file as llama-imatrix's `--in-file` does.
    ///
    /// - GGUF: sums and counts are added element-wise (a count vector of one element already
    ///   in memory is broadcast to the file's length first).
    /// - Legacy: the stored means scaled by `ncall` are turned back into sums assuming every
    ///   call was a chunk of `chunkSize` tokens: sums += stored × chunkSize, every count +=
    ///   ncall × chunkSize.
    ///
    /// The file's datasets are appended and ``chunkCount`` is recomputed. Nothing is changed
    /// when an error is thrown.
    /// - Throws: ``ImatrixError`` naming the file and entry when the sizes differ from what is
    ///   already collected (a file of another model).
    public mutating func add(_ file: ImportanceMatrix, chunkSize: Int) throws(ImatrixError) {
        var updated = entries
        for stored in file.entries {
            switch file.format {
            case .gguf:
                var entry = updated[stored.name]
                    ?? ImatrixEntry(name: stored.name, columns: stored.values.count / stored.counts.count,
                                    matrices: stored.counts.count)
                entry.broadcastCounts(to: stored.counts.count)
                guard entry.sums.count == stored.values.count else {
                    throw ImatrixError(file: file.path, field: stored.name,
                                       message: "mismatched sums size: \(stored.values.count) values, \(entry.sums.count) already collected (a different model?)")
                }
                guard entry.counts.count == stored.counts.count else {
                    throw ImatrixError(file: file.path, field: stored.name,
                                       message: "mismatched counts size: \(stored.counts.count) counts, \(entry.counts.count) already collected")
                }
                for index in stored.values.indices { entry.sums[index] += Double(stored.values[index]) }
                for index in stored.counts.indices { entry.counts[index] += stored.counts[index] }
                updated[stored.name] = entry
            case .dat:
                var entry = updated[stored.name] ?? ImatrixEntry(name: stored.name, columns: stored.values.count, matrices: 1)
                guard entry.sums.count == stored.values.count else {
                    throw ImatrixError(file: file.path, field: stored.name,
                                       message: "mismatched sums size: \(stored.values.count) values, \(entry.sums.count) already collected (a different model?)")
                }
                let scale = Float(chunkSize)
                // llama.cpp multiplies in float32 before adding to its float32 sums.
                for index in stored.values.indices { entry.sums[index] += Double(stored.values[index] * scale) }
                let calls = stored.counts.first ?? 0
                for index in entry.counts.indices { entry.counts[index] += calls * Int64(chunkSize) }
                updated[stored.name] = entry
            }
        }
        entries = updated
        datasets += file.datasets
        updateChunkCount(chunkSize: chunkSize)
    }

    /// Checks that two collections describe the same model: every entry both have must have
    /// the same number of values, and they must share at least one entry.
    public static func checkCompatible(_ files: [ImportanceMatrix]) throws(ImatrixError) {
        guard let first = files.first else { return }
        var sizes: [String: (Int, String)] = [:]
        for entry in first.entries { sizes[entry.name] = (entry.values.count, first.path) }
        for file in files.dropFirst() {
            var shared = 0
            for entry in file.entries {
                if let (size, path) = sizes[entry.name] {
                    shared += 1
                    guard size == entry.values.count else {
                        throw ImatrixError(file: file.path, field: entry.name,
                                           message: "\(entry.values.count) values, but \(path) has \(size): the files are of different models")
                    }
                } else {
                    sizes[entry.name] = (entry.values.count, file.path)
                }
            }
            guard shared > 0 || file.entries.isEmpty else {
                throw ImatrixError(file: file.path, field: "entries",
                                   message: "no tensor name in common with \(first.path): the files are of different models")
            }
        }
    }
}
