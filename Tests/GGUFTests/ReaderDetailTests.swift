import Foundation
import Testing
import GGUF
import TestSupport

/// Reader behaviour beyond what gguf-py's files exercise: version 2, bytes that are not UTF-8,
/// nesting limits, empty tensors.
@Suite("Reader details")
struct ReaderDetailTests {
    func open(_ bytes: [UInt8]) throws -> (GGUFFile, TemporaryDirectory) {
        let directory = try TemporaryDirectory()
        let path = directory.file("f.gguf")
        try Data(bytes).write(to: URL(fileURLWithPath: path))
        return (try GGUFFile(path: path), directory)
    }

    func header(version: UInt32, tensors: UInt64, keys: UInt64) -> [UInt8] {
        var bytes = Array("GGUF".utf8)
        withUnsafeBytes(of: version.littleEndian) { bytes += $0 }
        withUnsafeBytes(of: tensors.littleEndian) { bytes += $0 }
        withUnsafeBytes(of: keys.littleEndian) { bytes += $0 }
        return bytes
    }

    func string(_ raw: [UInt8]) -> [UInt8] {
        var bytes: [UInt8] = []
        withUnsafeBytes(of: UInt64(raw.count).littleEndian) { bytes += $0 }
        return bytes + raw
    }

    func u32(_ v: UInt32) -> [UInt8] { withUnsafeBytes(of: v.littleEndian) { Array($0) } }
    func u64(_ v: UInt64) -> [UInt8] { withUnsafeBytes(of: v.littleEndian) { Array($0) } }

    @Test("GGUF version 2 files open (same layout as v3 for little-endian files)")
    func version2() throws {
        let bytes = header(version: 2, tensors: 0, keys: 1) + string(Array("general.name".utf8)) + u32(8) + string(Array("v2".utf8))
        let (file, _) = try open(bytes)
        #expect(file.version == 2)
        #expect(try file.metadata.string("general.name") == "v2")
        #expect(file.tensors.isEmpty)
    }

    @Test("Strings that are not UTF-8: repaired in metadata, raw through rawStrings")
    func invalidUTF8() throws {
        let token: [UInt8] = [0xE2, 0x96]            // a truncated "▁"
        let bytes = header(version: 3, tensors: 0, keys: 1) + string(Array("tokenizer.ggml.tokens".utf8))
            + u32(9) + u32(8) + u64(2) + string(token) + string(Array("ok".utf8))
        let (file, _) = try open(bytes)
        #expect(try file.metadata.strings("tokenizer.ggml.tokens") == ["\u{FFFD}", "ok"])
        #expect(try file.rawStrings("tokenizer.ggml.tokens") == [token, Array("ok".utf8)])
        #expect(throws: GGUFError.self) { try file.rawStrings("absent") }
    }

    @Test("Arrays nested deeper than 8 levels are rejected")
    func nestingLimit() throws {
        var value: [UInt8] = []
        for _ in 0..<9 { value += u32(9) + u64(1) }   // ARRAY of ARRAY of …
        value += u32(4) + u64(0)
        let bytes = header(version: 3, tensors: 0, keys: 1) + string(Array("deep".utf8)) + u32(9) + value
        let error = #expect(throws: GGUFError.self) { try open(bytes) }
        #expect(error?.kind == .invalidValue)
        #expect(error?.message == "arrays nested deeper than 8 levels")
    }

    @Test("A tensor with a zero dimension has no data and dequantizes to nothing")
    func emptyTensor() throws {
        let bytes = header(version: 3, tensors: 1, keys: 0) + string(Array("empty".utf8)) + u32(2) + u64(32) + u64(0) + u32(2) + u64(0)
        let padded = bytes + [UInt8](repeating: 0, count: (32 - bytes.count % 32) % 32)
        let (file, _) = try open(padded)
        let tensor = try file.tensor(named: "empty")
        #expect(tensor.byteCount == 0 && tensor.rowCount == 0 && tensor.type == .q4_0)
        #expect(try file.dequantize(tensor).isEmpty)
    }
}
