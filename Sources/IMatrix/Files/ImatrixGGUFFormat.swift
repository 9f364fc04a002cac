import GGUF
import Kernels

/// The GGUF imatrix format (llama.cpp #9400): metadata `general.type = "imatrix"`,
/// `imatrix.datasets`, `imatrix.chunk_count`, `imatrix.chunk_size`; per entry, in byte-wise name
/// order, `NAME.in_sum2` (F32, `[columns]` or `[columns, experts]`, raw Σx²) and `NAME.counts`
/// (F32, `[1]` or `[1, experts]`, token counts). Zero-count experts are stored as collected.
public enum ImatrixGGUFFormat {
    static let sumsSuffix = ".in_sum2"
    static let countsSuffix = ".counts"
    /// ggml's `GGML_MAX_NAME`: tensor names are at most 63 bytes.
    static let maximumNameBytes = 63
    /// Counts from 2⁶³ up do not fit the 64-bit counts (and no run sees that many tokens).
    static let maximumCount = Float(Int64.max)
    static let metadataKeys = ["imatrix.datasets", "imatrix.chunk_count", "imatrix.chunk_size"]

    /// Reads a GGUF imatrix.
    /// - Throws: ``ImatrixError`` for an invalid GGUF, a GGUF that is not an imatrix (another
    ///   `general.type`, or missing `imatrix.*` keys), a sums tensor without its counts or the
    ///   reverse, a non-F32 tensor, a sums shape that does not match its counts, a count that
    ///   is negative, fractional beyond rounding or too large for 64 bits, a negative or
    ///   non-finite sum, a negative chunk count or a chunk size below 1.
    public static func decode(path: String) throws(ImatrixError) -> ImportanceMatrix {
        let file: GGUFFile
        do { file = try GGUFFile(path: path) } catch { throw ImatrixError(file: path, field: error.field, message: error.message, cause: error) }
        let metadata = file.metadata
        func invalid(_ field: String, _ message: String, cause: (any Error)? = nil) -> ImatrixError {
            ImatrixError(file: path, field: field, message: message, cause: cause)
        }
        if let type = try? metadata.stringIfPresent("general.type"), type != "imatrix" {
            throw invalid("general.type", "'\(type)', not 'imatrix': this GGUF is not an importance matrix")
        }
        if let architecture = try? metadata.stringIfPresent("general.architecture") {
            throw invalid("general.architecture", "'\(architecture)': this is a model, not an importance matrix")
        }
        for key in metadataKeys where !metadata.contains(key) {
            throw invalid(key, "missing imatrix metadata (llama-quantize refuses such a file)")
        }
        let datasets: [String], chunkCount: Int, chunkSize: Int
        do {
            datasets = try metadata.strings("imatrix.datasets")
            chunkCount = try metadata.int("imatrix.chunk_count")
            chunkSize = try metadata.int("imatrix.chunk_size")
        } catch {
            throw invalid(error.field, error.message, cause: error)
        }
        guard chunkCount >= 0 else { throw invalid("imatrix.chunk_count", "negative chunk count \(chunkCount)") }
        guard chunkSize >= 1 else { throw invalid("imatrix.chunk_size", "chunk size \(chunkSize) (must be at least 1)") }
        guard !file.tensors.isEmpty else { throw invalid("tensors", "no data in file") }

        var names: [String] = []
        var sums: [String: GGUFTensorInfo] = [:], counts: [String: GGUFTensorInfo] = [:]
        for tensor in file.tensors {
            if tensor.name.hasSuffix(sumsSuffix) {
                let name = String(tensor.name.dropLast(sumsSuffix.count))
                sums[name] = tensor
                if counts[name] == nil { names.append(name) }
            } else if tensor.name.hasSuffix(countsSuffix) {
                let name = String(tensor.name.dropLast(countsSuffix.count))
                counts[name] = tensor
                if sums[name] == nil { names.append(name) }
            }
        }
        var entries: [ImportanceMatrix.Entry] = []
        for name in names {
            guard let sumsTensor = sums[name], let countsTensor = counts[name] else {
                let missing = sums[name] == nil ? sumsSuffix : countsSuffix
                throw invalid(name + missing, "mismatched sums and counts: this tensor is missing")
            }
            for tensor in [sumsTensor, countsTensor] where tensor.type != .f32 {
                throw invalid(tensor.name, "sums and counts must be F32, found \(tensor.type.name)")
            }
            let matrices = sumsTensor.shape.dropFirst().reduce(1, *)
            guard countsTensor.shape.first == 1, countsTensor.elementCount == matrices else {
                throw invalid(countsTensor.name, "shape \(countsTensor.shape) does not match \(sumsTensor.name)'s \(sumsTensor.shape): expected [1\(matrices > 1 ? ", \(matrices)" : "")]")
            }
            let values: [Float], rawCounts: [Float]
            do {
                values = try file.dequantize(sumsTensor, threads: 1)
                rawCounts = try file.dequantize(countsTensor, threads: 1)
            } catch {
                throw invalid(error.field, error.message, cause: error)
            }
            guard !rawCounts.isEmpty, values.count % rawCounts.count == 0, !values.isEmpty else {
                throw invalid(countsTensor.name, "\(rawCounts.count) counts do not divide \(values.count) sums")
            }
            if let bad = values.firstIndex(where: { !$0.isFinite }) {
                throw invalid("\(sumsTensor.name)[\(bad)]", "non-finite value \(values[bad])")
            }
            if let bad = values.firstIndex(where: { $0 < 0 }) {
                throw invalid("\(sumsTensor.name)[\(bad)]", "negative sum of squares \(values[bad])")
            }
            if let bad = rawCounts.firstIndex(where: { !$0.isFinite || $0 < 0 || $0 >= maximumCount }) {
                throw invalid("\(countsTensor.name)[\(bad)]", "invalid token count \(rawCounts[bad])")
            }
            entries.append(ImportanceMatrix.Entry(name: name, values: values,
                                               counts: rawCounts.map { Int64($0.rounded(.toNearestOrAwayFromZero)) }))
        }
        guard !entries.isEmpty else { throw invalid("tensors", "no NAME.in_sum2 / NAME.counts pairs in the file") }
        return ImportanceMatrix(path: path, format: .gguf, entries: entries, datasets: datasets,
                             chunkCount: chunkCount, chunkSize: chunkSize)
    }

    /// The file llama-imatrix writes for `entries` (already through a partial-data policy).
    /// - Throws: ``ImatrixError`` when a sum does not fit in float32.
    public static func encode(_ entries: [ImatrixEntry], datasets: [String], chunkCount: Int,
                              chunkSize: Int) throws(ImatrixError) -> [UInt8] {
        var writer = GGUFWriter()
        writer.metadata.set("general.type", .string("imatrix"))
        writer.metadata.set("imatrix.datasets", .array(.string(datasets)))
        writer.metadata.set("imatrix.chunk_count", .uint32(UInt32(clamping: chunkCount)))
        writer.metadata.set("imatrix.chunk_size", .uint32(UInt32(clamping: chunkSize)))
        for entry in entries.sorted(by: { ImatrixCollection.byteOrder($0.name, $1.name) }) {
            let matrices = entry.matrixCount, columns = entry.columns
            let values = entry.sums.map { Float($0) }
            if let bad = values.firstIndex(where: { !$0.isFinite }) {
                throw ImatrixError(file: "<imatrix>", field: "\(entry.name)[\(bad)]",
                                   message: "sum \(entry.sums[bad]) does not fit in float32")
            }
            do {
                // ggml writes n_dims = index of the last dimension > 1, plus one.
                try writer.addTensor(name: tensorName(entry.name, sumsSuffix),
                                     shape: matrices > 1 ? [columns, matrices] : [columns * matrices], float32: values)
                try writer.addTensor(name: tensorName(entry.name, countsSuffix),
                                     shape: matrices > 1 ? [1, matrices] : [1], float32: entry.counts.map { Float($0) })
            } catch {
                throw ImatrixError(file: "<imatrix>", field: entry.name, message: error.message, cause: error)
            }
        }
        return writer.serialized()
    }

    /// `name + suffix`, cut to ggml's 63-byte tensor name limit as llama.cpp's writer does.
    static func tensorName(_ name: String, _ suffix: String) -> String {
        let full = Array((name + suffix).utf8)
        guard full.count > maximumNameBytes else { return name + suffix }
        var cut = maximumNameBytes
        while cut > 0, full[cut] & 0xC0 == 0x80 { cut -= 1 } // keep whole UTF-8 sequences
        return String(decoding: full[..<cut], as: UTF8.self)
    }
}
