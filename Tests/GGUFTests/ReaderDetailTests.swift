import Foundation
import Kernels
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

    @Test("GGUF version 2 files open (same layout as v3 for little-endian files)")
    func version2() throws {
        var g = RawGGUFBuilder()
        g.header(version: 2, tensors: 0, keys: 1)
        g.string("general.name"); g.u32(8); g.string("v2")
        let (file, _) = try open(g.bytes)
        #expect(file.version == 2)
        #expect(try file.metadata.string("general.name") == "v2")
        #expect(file.tensors.isEmpty)
    }

    @Test("Strings that are not UTF-8: repaired in metadata, raw through rawStrings")
    func invalidUTF8() throws {
        let token: [UInt8] = [0xE2, 0x96]            // a truncated "▁"
        var g = RawGGUFBuilder()
        g.header(tensors: 0, keys: 1)
        g.string("tokenizer.ggml.tokens"); g.u32(9); g.u32(8); g.u64(2); g.raw(token); g.string("ok")
        let (file, _) = try open(g.bytes)
        #expect(try file.metadata.strings("tokenizer.ggml.tokens") == ["\u{FFFD}", "ok"])
        #expect(try file.rawStrings("tokenizer.ggml.tokens") == [token, Array("ok".utf8)])
        #expect(throws: GGUFError.self) { try file.rawStrings("absent") }
    }

    @Test("Arrays nested deeper than 8 levels are rejected")
    func nestingLimit() throws {
        var g = RawGGUFBuilder()
        g.header(tensors: 0, keys: 1)
        g.string("deep"); g.u32(9)
        for _ in 0..<9 { g.u32(9); g.u64(1) }   // ARRAY of ARRAY of …
        g.u32(4); g.u64(0)
        let error = #expect(throws: GGUFError.self) { try open(g.bytes) }
        #expect(error?.kind == .invalidValue)
        #expect(error?.message == "arrays nested deeper than 8 levels")
    }

    @Test("A tensor with a zero dimension has no data and dequantizes to nothing")
    func emptyTensor() throws {
        var g = RawGGUFBuilder()
        g.header(tensors: 1, keys: 0)
        g.tensorInfo("empty", shape: [32, 0], type: 2, offset: 0)
        g.padData(dataBytes: 0)
        let (file, _) = try open(g.bytes)
        let tensor = try file.tensor(named: "empty")
        #expect(tensor.byteCount == 0 && tensor.rowCount == 0 && tensor.type == .q4_0)
        #expect(try file.dequantize(tensor).isEmpty)
    }
}
