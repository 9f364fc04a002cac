import Kernels

/// llama.cpp's legacy `imatrix.dat`: `int32 n_entries`, then per entry `int32 len, name,
/// int32 ncall, int32 nval, float32[nval]`, then an optional trailer `int32 last_chunk,
/// int32 len, dataset`. Little-endian, no padding.
///
/// Written values are `(Σx² / count) · ncall` in float32 with `ncall = ⌈max count / C⌉`; a
/// matrix without tokens is written as `1 · ncall` (importance 1), and an entry without any
/// data is left out — the arithmetic of llama.cpp's `save_imatrix_legacy`.
public enum LegacyImatrixFormat {
    /// Parses a legacy file's bytes.
    /// - Throws: ``ImatrixError`` naming the entry and field where the bytes run out or a
    ///   value is invalid.
    public static func decode(_ bytes: [UInt8], path: String) throws(ImatrixError) -> ImportanceMatrix {
        var reader = LittleEndianReader(bytes: bytes, path: path)
        let entryCount = try reader.int32("n_entries")
        guard entryCount >= 1 else {
            throw ImatrixError(file: path, field: "n_entries",
                               message: "\(entryCount) entries: neither a GGUF imatrix nor a legacy imatrix.dat")
        }
        var entries: [ImportanceMatrix.Entry] = []
        var seen = Set<String>()
        for index in 0..<Int(entryCount) {
            let length = try reader.int32("entry \(index) name length")
            guard length > 0, length < 4096 else {
                throw ImatrixError(file: path, field: "entry \(index) name length", message: "invalid name length \(length)")
            }
            let name = String(decoding: try reader.bytes(Int(length), "entry \(index) name"), as: UTF8.self)
            guard seen.insert(name).inserted else {
                throw ImatrixError(file: path, field: name, message: "duplicate entry")
            }
            let calls = try reader.int32("\(name).ncall")
            let valueCount = try reader.int32("\(name).nval")
            guard valueCount >= 1 else {
                throw ImatrixError(file: path, field: "\(name).nval", message: "\(valueCount) values (must be at least 1)")
            }
            guard calls >= 0 else {
                throw ImatrixError(file: path, field: "\(name).ncall", message: "negative ncall \(calls)")
            }
            let values = try reader.floats(Int(valueCount), "\(name).values")
            if let bad = values.firstIndex(where: { !$0.isFinite }) {
                throw ImatrixError(file: path, field: "\(name).values[\(bad)]", message: "non-finite value \(values[bad])")
            }
            if let bad = values.firstIndex(where: { $0 < 0 }) {
                throw ImatrixError(file: path, field: "\(name).values[\(bad)]", message: "negative sum of squares \(values[bad])")
            }
            entries.append(ImportanceMatrix.Entry(name: name, values: values, counts: [Int64(calls)]))
        }
        var datasets: [String] = []
        var chunkCount: Int?
        if !reader.isAtEnd {
            let lastChunk = try reader.int32("trailer.last_chunk")
            let length = try reader.int32("trailer.dataset length")
            guard length >= 0 else {
                throw ImatrixError(file: path, field: "trailer.dataset length", message: "negative length \(length)")
            }
            let dataset = String(decoding: try reader.bytes(Int(length), "trailer.dataset"), as: UTF8.self)
            if !dataset.isEmpty { datasets.append(dataset) }
            chunkCount = Int(lastChunk)
            guard reader.isAtEnd else {
                throw ImatrixError(file: path, field: "trailer", message: "\(bytes.count - reader.offset) unexpected bytes after the dataset name")
            }
        }
        return ImportanceMatrix(path: path, format: .dat, entries: entries, datasets: datasets,
                             chunkCount: chunkCount, chunkSize: nil)
    }

    /// The file llama.cpp's legacy writer produces for `entries` (already through a
    /// partial-data policy), in byte-wise name order.
    ///
    /// - Parameters:
    ///   - chunkSize: `C` in `ncall = ⌈max count / C⌉`.
    ///   - chunkCount: the trailer's `last_chunk`.
    ///   - dataset: the trailer's dataset name (llama.cpp: the `-f` path, else the last loaded
    ///     dataset, else empty).
    /// - Returns: the bytes and the names of entries left out because they have no data.
    public static func encode(_ entries: [ImatrixEntry], chunkSize: Int, chunkCount: Int,
                              dataset: String) -> (bytes: [UInt8], skipped: [String]) {
        let sorted = entries.sorted { ImatrixCollection.byteOrder($0.name, $1.name) }
        let written = sorted.filter { !$0.hasNoData }
        var out = [UInt8]()
        append(Int32(written.count), to: &out)
        for entry in written {
            let name = Array(entry.name.utf8)
            append(Int32(name.count), to: &out)
            out += name
            let calls = Int32((entry.maximumCount + Int64(chunkSize) - 1) / Int64(chunkSize))
            append(calls, to: &out)
            append(Int32(entry.sums.count), to: &out)
            let perMatrix = entry.columns
            for index in entry.sums.indices {
                var count = Float(entry.counts[index / perMatrix])
                var value = Float(entry.sums[index])
                if count == 0 {
                    value = 1
                    count = 1
                }
                append((value / count) * Float(calls), to: &out)
            }
        }
        append(Int32(chunkCount), to: &out)
        let name = Array(dataset.utf8)
        append(Int32(name.count), to: &out)
        out += name
        return (out, sorted.filter(\.hasNoData).map(\.name))
    }

    private static func append(_ value: Int32, to out: inout [UInt8]) {
        withUnsafeBytes(of: value.littleEndian) { out.append(contentsOf: $0) }
    }

    private static func append(_ value: Float, to out: inout [UInt8]) {
        withUnsafeBytes(of: value.bitPattern.littleEndian) { out.append(contentsOf: $0) }
    }
}

/// Sequential little-endian reads with one-line errors naming the field that runs past the end.
struct LittleEndianReader {
    let bytes: [UInt8]
    let path: String
    private(set) var offset = 0

    init(bytes: [UInt8], path: String) {
        self.bytes = bytes
        self.path = path
    }

    var isAtEnd: Bool { offset >= bytes.count }

    mutating func bytes(_ count: Int, _ field: String) throws(ImatrixError) -> ArraySlice<UInt8> {
        guard count >= 0, offset + count <= bytes.count else {
            throw ImatrixError(file: path, field: field,
                               message: "truncated: needs \(count) bytes at offset \(offset), the file has \(bytes.count)")
        }
        defer { offset += count }
        return bytes[offset..<(offset + count)]
    }

    mutating func int32(_ field: String) throws(ImatrixError) -> Int32 {
        let raw = try bytes(4, field)
        let base = raw.startIndex
        return Int32(bitPattern: UInt32(raw[base]) | UInt32(raw[base + 1]) << 8 | UInt32(raw[base + 2]) << 16 | UInt32(raw[base + 3]) << 24)
    }

    mutating func floats(_ count: Int, _ field: String) throws(ImatrixError) -> [Float] {
        guard count <= (bytes.count - offset) / 4 else {
            throw ImatrixError(file: path, field: field,
                               message: "truncated: \(count) values need \(4 * count) bytes at offset \(offset), the file has \(bytes.count)")
        }
        var values = [Float](repeating: 0, count: count)
        bytes.withUnsafeBytes { raw in
            for index in 0..<count {
                values[index] = Float(bitPattern: UInt32(littleEndian: raw.loadUnaligned(fromByteOffset: offset + 4 * index, as: UInt32.self)))
            }
        }
        offset += 4 * count
        return values
    }
}
