import Foundation

/// The importance matrix: an imatrix file as llama.cpp's loader (`common_imatrix_load`) reads
/// it, in the GGUF imatrix format or the legacy `imatrix.dat`, and the one type every stage after
/// collection uses (llama-quantize's view through ``slices(for:columns:matrices:zeroCount:)``).
///
///     let file = try ImportanceMatrix.read(path: "imatrix.gguf")
///     var collection = ImatrixCollection()
///     try collection.add(file, chunkSize: 512)
///
/// Values are kept exactly as stored: GGUF raw Σx² with token counts per matrix (rounded as
/// llama.cpp's loader does); legacy `(mean · ncall)` with the single `ncall` as the count.
/// The collection's float64 running sums (``ImatrixEntry``) become one with
/// ``init(collection:source:)``.
public struct ImportanceMatrix: Sendable, Equatable {
    /// The two on-disk formats.
    public enum Format: String, Sendable, Equatable, CaseIterable {
        /// GGUF imatrix (`general.type = imatrix`, `NAME.in_sum2` + `NAME.counts`).
        case gguf
        /// llama.cpp's legacy binary `imatrix.dat`.
        case dat
    }

    /// One stored tensor entry.
    public struct Entry: Sendable, Equatable {
        public var name: String
        /// GGUF: Σx², expert-major. Legacy: `mean · ncall` per value.
        public var values: [Float]
        /// GGUF: token count per matrix (rounded as llama.cpp's `lround`). Legacy: `[ncall]`.
        public var counts: [Int64]

        public init(name: String, values: [Float], counts: [Int64]) {
            self.name = name
            self.values = values
            self.counts = counts
        }
    }

    /// Where the file was read from (or will be written).
    public var path: String
    public var format: Format
    /// Entries in file order.
    public var entries: [Entry] { didSet { index = Self.index(entries) } }
    /// Entry position by name.
    private var index: [String: Int]
    /// GGUF: `imatrix.datasets`. Legacy: the trailer's dataset, if any.
    public var datasets: [String]
    /// GGUF: `imatrix.chunk_count`. Legacy: the trailer's `last_chunk` (nil without trailer).
    public var chunkCount: Int?
    /// GGUF: `imatrix.chunk_size` (legacy files do not record it).
    public var chunkSize: Int?

    public init(path: String, format: Format, entries: [Entry], datasets: [String], chunkCount: Int?, chunkSize: Int?) {
        self.path = path
        self.format = format
        self.entries = entries
        self.index = Self.index(entries)
        self.datasets = datasets
        self.chunkCount = chunkCount
        self.chunkSize = chunkSize
    }

    /// Reads either format; a file starting with `GGUF` is read as GGUF, anything else as
    /// legacy (llama.cpp's loader tries GGUF first, then falls back).
    /// - Throws: ``ImatrixError`` naming the file and the field for an unreadable, truncated or
    ///   inconsistent file.
    public static func read(path: String) throws(ImatrixError) -> ImportanceMatrix {
        guard let handle = FileHandle(forReadingAtPath: path) else {
            let reason = FileManager.default.fileExists(atPath: path) ? "cannot read the file" : "no such file"
            throw ImatrixError(file: path, field: "file", message: reason)
        }
        let magic = (try? handle.read(upToCount: 4)) ?? Data()
        try? handle.close()
        // A GGUF file is memory-mapped by the GGUF reader; only a legacy file is read whole.
        if magic == Data("GGUF".utf8) { return try ImatrixGGUFFormat.decode(path: path) }
        guard let data = FileManager.default.contents(atPath: path) else {
            throw ImatrixError(file: path, field: "file", message: "cannot read the file")
        }
        return try LegacyImatrixFormat.decode([UInt8](data), path: path)
    }

    /// Entry by name.
    public func entry(named name: String) -> Entry? { index[name].map { entries[$0] } }

    /// Keeps only the entries `keep` accepts (llama-quantize's `--include-weights`/`--exclude-weights`).
    public mutating func filter(_ keep: (String) -> Bool) {
        entries = entries.filter { keep($0.name) }
    }

    private static func index(_ entries: [Entry]) -> [String: Int] {
        var index: [String: Int] = [:]
        for (position, entry) in entries.enumerated() { index[entry.name] = position }
        return index
    }
}
