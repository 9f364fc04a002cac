import Foundation
import GGUF

/// Reads llama.cpp's legacy `imatrix.dat`: `n_entries`, then per entry name, `ncall`, `nval`
/// and `nval` floats (the optional trailer is ignored).
enum LegacyImportanceReader {
    static func read(path: String) throws(GGUFError) -> ImportanceMatrix {
        guard let data = FileManager.default.contents(atPath: path) else {
            throw GGUFError(file: path, field: "file", kind: .io, message: "cannot read")
        }
        let bytes = [UInt8](data)
        var offset = 0
        func int32(_ field: String) throws(GGUFError) -> Int {
            guard offset + 4 <= bytes.count else {
                throw GGUFError(file: path, field: field, kind: .truncated, message: "file ends at byte \(bytes.count)")
            }
            let value = UInt32(bytes[offset]) | UInt32(bytes[offset + 1]) << 8 | UInt32(bytes[offset + 2]) << 16 | UInt32(bytes[offset + 3]) << 24
            offset += 4
            return Int(Int32(bitPattern: value))
        }
        let count = try int32("n_entries")
        guard count >= 1 else {
            throw GGUFError(file: path, field: "n_entries", kind: .invalidValue, message: "\(count) entries (not a GGUF file nor a legacy imatrix)")
        }
        var entries: [String: ImportanceMatrix.Entry] = [:]
        for index in 0..<count {
            let length = try int32("entries[\(index)].name_length")
            guard length > 0, offset + length <= bytes.count else {
                throw GGUFError(file: path, field: "entries[\(index)].name_length", kind: .lengthPastEnd, message: "bad name length \(length)")
            }
            let name = String(decoding: bytes[offset..<(offset + length)], as: UTF8.self)
            offset += length
            let calls = try int32("\(name).ncall")
            let values = try int32("\(name).nval")
            guard values >= 1, offset + 4 * values <= bytes.count else {
                throw GGUFError(file: path, field: "\(name).nval", kind: .lengthPastEnd, message: "\(values) values do not fit in the file")
            }
            var floats = [Float](repeating: 0, count: values)
            for j in 0..<values {
                let b = offset + 4 * j
                floats[j] = Float(bitPattern: UInt32(bytes[b]) | UInt32(bytes[b + 1]) << 8 | UInt32(bytes[b + 2]) << 16 | UInt32(bytes[b + 3]) << 24)
            }
            offset += 4 * values
            entries[name] = ImportanceMatrix.Entry(name: name, values: floats, counts: [Float(calls)], isLegacy: true)
        }
        return ImportanceMatrix(path: path, entries: entries)
    }
}
