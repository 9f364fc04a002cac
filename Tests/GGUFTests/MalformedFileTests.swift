import Foundation
import Testing
import GGUF
import Kernels
import TestSupport

/// Broken files, built byte by byte: each gives one precise error naming the file, the field
/// and the offending value — never a crash.
@Suite("Malformed GGUF files")
struct MalformedFileTests {
    /// Writes `bytes`, opens them, and returns the error (nil if the file opened).
    func openError(_ bytes: [UInt8]) throws -> GGUFError? {
        let directory = try TemporaryDirectory()
        let path = directory.file("broken.gguf")
        try Data(bytes).write(to: URL(fileURLWithPath: path))
        do {
            _ = try GGUFFile(path: path)
            return nil
        } catch {
            #expect(error.file == path)
            #expect(!error.description.contains("\n"), "error is not one line: \(error)")
            return error
        }
    }

    func expectError(_ bytes: [UInt8], _ kind: GGUFError.Kind, field: String, containing text: String) throws {
        let error = try #require(try openError(bytes), "file opened without error, expected \(kind)")
        #expect(error.kind == kind, "\(error)")
        #expect(error.field == field, "\(error)")
        #expect(error.message.contains(text), "\(error)")
    }

    /// A valid file: two keys, two F32 tensors (4 and 8 floats).
    static func valid() -> RawGGUFBuilder {
        var g = RawGGUFBuilder()
        g.header(tensors: 2, keys: 2)
        g.keyU32("a.count", 7)
        g.string("general.name"); g.u32(8); g.string("ok")
        g.tensorInfo("x", shape: [4], offset: 0)
        g.tensorInfo("y", shape: [4, 2], offset: 32)
        g.padData(dataBytes: 64)
        return g
    }

    @Test("The valid base file opens")
    func validOpens() throws {
        #expect(try openError(Self.valid().bytes) == nil)
    }

    @Test("Every truncation is an error, not a crash (the last tensor's data ends the file)")
    func everyTruncation() throws {
        let bytes = Self.valid().bytes
        for cut in 0..<bytes.count {
            let error = try openError(Array(bytes.prefix(cut)))
            #expect(error != nil, "cut at \(cut) opened")
            if let error {
                #expect([.truncated, .lengthPastEnd, .offsetPastEnd, .badMagic].contains(error.kind), "cut at \(cut): \(error)")
            }
        }
    }

    @Test("Truncated in the middle of a field")
    func truncated() throws {
        try expectError(Array(Self.valid().bytes.prefix(10)), .truncated, field: "header.tensor_count", containing: "file truncated at offset 8: need 8 bytes, 2 left")
        try expectError([], .truncated, field: "header.magic", containing: "need 4 bytes, 0 left")
    }

    @Test("Wrong magic")
    func wrongMagic() throws {
        var g = Self.valid()
        g.bytes.replaceSubrange(0..<4, with: Array("GGML".utf8))
        try expectError(g.bytes, .badMagic, field: "header.magic", containing: "magic is 47 47 4D 4C (\"GGML\"), expected 47 47 55 46 (\"GGUF\")")
    }

    @Test("Unsupported versions", arguments: [(UInt32(1), "unsupported GGUF version 1"), (7, "unsupported GGUF version 7 (supported: 2, 3)"),
                                              (0x0300_0000, "big-endian GGUF (version 3 byte-swapped) is not supported")])
    func unsupportedVersion(_ parameters: (UInt32, String)) throws {
        var g = RawGGUFBuilder()
        g.header(version: parameters.0, tensors: 0, keys: 0)
        try expectError(g.bytes, .unsupportedVersion, field: "header.version", containing: parameters.1)
    }

    @Test("Counts the file cannot hold")
    func impossibleCounts() throws {
        var g = RawGGUFBuilder()
        g.header(tensors: 1 << 40, keys: 0)
        try expectError(g.bytes, .lengthPastEnd, field: "header.tensor_count", containing: "tensor count 1099511627776 at offset 8 runs past the end")
    }

    @Test("A string length past the end of the file")
    func stringPastEnd() throws {
        var g = RawGGUFBuilder()
        g.header(tensors: 0, keys: 1)
        g.string("general.name", length: 1_000_000)
        try expectError(g.bytes, .lengthPastEnd, field: "metadata[0].key", containing: "string length 1000000 at offset 24 runs past the end of the file")
    }

    @Test("An array length past the end of the file")
    func arrayPastEnd() throws {
        var g = RawGGUFBuilder()
        g.header(tensors: 0, keys: 1)
        g.string("tokenizer.ggml.scores"); g.u32(9); g.u32(6); g.u64(1 << 50)
        try expectError(g.bytes, .lengthPastEnd, field: "metadata[0] 'tokenizer.ggml.scores'.count", containing: "array length 1125899906842624")
    }

    @Test("Unknown metadata value type")
    func unknownValueType() throws {
        var g = RawGGUFBuilder()
        g.header(tensors: 0, keys: 1)
        g.string("k"); g.u32(13); g.u32(0)
        try expectError(g.bytes, .unknownValueType, field: "metadata[0] 'k'.type", containing: "unknown value type 13 at offset 33")
    }

    @Test("Duplicate metadata key")
    func duplicateKey() throws {
        var g = RawGGUFBuilder()
        g.header(tensors: 0, keys: 2)
        g.keyU32("a.count", 1)
        g.keyU32("a.count", 2)
        try expectError(g.bytes, .duplicateKey, field: "metadata[1].key", containing: "duplicate key 'a.count'")
    }

    @Test("general.alignment that is not a power of two, or not UINT32")
    func badAlignment() throws {
        var g = RawGGUFBuilder()
        g.header(tensors: 0, keys: 1)
        g.keyU32("general.alignment", 48)
        try expectError(g.bytes, .invalidValue, field: "general.alignment", containing: "alignment 48 is not a power of two")
        var h = RawGGUFBuilder()
        h.header(tensors: 0, keys: 1)
        h.string("general.alignment"); h.u32(8); h.string("32")
        try expectError(h.bytes, .typeMismatch, field: "general.alignment", containing: "expected UINT32, found STRING")
    }

    @Test("Unknown tensor type id")
    func unknownTensorType() throws {
        var g = RawGGUFBuilder()
        g.header(tensors: 1, keys: 0)
        g.tensorInfo("blk.0.attn_q.weight", shape: [32], type: 99, offset: 0)
        g.padData(dataBytes: 128)
        try expectError(g.bytes, .unknownTensorType, field: "tensor_infos[0] 'blk.0.attn_q.weight'.type", containing: "unknown tensor type id 99")
    }

    @Test("Duplicate tensor names")
    func duplicateTensor() throws {
        var g = RawGGUFBuilder()
        g.header(tensors: 2, keys: 0)
        g.tensorInfo("x", shape: [4], offset: 0)
        g.tensorInfo("x", shape: [4], offset: 32)
        g.padData(dataBytes: 64)
        try expectError(g.bytes, .duplicateTensor, field: "tensor_infos[1].name", containing: "duplicate tensor name 'x'")
    }

    @Test("Misaligned tensor data")
    func misaligned() throws {
        var g = RawGGUFBuilder()
        g.header(tensors: 1, keys: 0)
        g.tensorInfo("x", shape: [4], offset: 8)
        g.padData(dataBytes: 64)
        try expectError(g.bytes, .misaligned, field: "tensor_infos[0] 'x'.offset", containing: "data offset 8 is not a multiple of the alignment 32")
    }

    @Test("Tensor data offset or size past the end of the file")
    func dataPastEnd() throws {
        var g = RawGGUFBuilder()
        g.header(tensors: 1, keys: 0)
        g.tensorInfo("x", shape: [4], offset: 4096)
        g.padData(dataBytes: 64)
        try expectError(g.bytes, .offsetPastEnd, field: "tensor 'x'.offset", containing: "data at offset 4096 with 16 bytes runs past the end of the data section (64 bytes")
        var h = Self.valid()
        h.bytes.removeLast(8)
        try expectError(h.bytes, .offsetPastEnd, field: "tensor 'y'.offset", containing: "data at offset 32 with 32 bytes runs past the end of the data section (56 bytes")
    }

    @Test("Tensor data that overlap, leave a gap or do not match type × shape (llama.cpp's rule: in order, padded)")
    func dataLayout() throws {
        var overlap = RawGGUFBuilder()
        overlap.header(tensors: 2, keys: 0)
        overlap.tensorInfo("x", shape: [4], offset: 0)
        overlap.tensorInfo("y", shape: [4, 2], offset: 0)
        overlap.padData(dataBytes: 64)
        try expectError(overlap.bytes, .invalidValue, field: "tensor_infos[1] 'y'.offset", containing: "data offset 0, expected 32")
        var size = RawGGUFBuilder()   // x claims 64 bytes, but y starts after 32
        size.header(tensors: 2, keys: 0)
        size.tensorInfo("x", shape: [16], offset: 0)
        size.tensorInfo("y", shape: [4, 2], offset: 32)
        size.padData(dataBytes: 96)
        try expectError(size.bytes, .invalidValue, field: "tensor_infos[1] 'y'.offset", containing: "data offset 32, expected 64")
        var gap = RawGGUFBuilder()
        gap.header(tensors: 1, keys: 0)
        gap.tensorInfo("x", shape: [4], offset: 32)
        gap.padData(dataBytes: 64)
        try expectError(gap.bytes, .invalidValue, field: "tensor_infos[0] 'x'.offset", containing: "data offset 32, expected 0")
    }

    @Test("Control bytes and very long names in a damaged file stay one short line")
    func damagedNamesStayOneLine() throws {
        var g = RawGGUFBuilder()
        g.header(tensors: 1, keys: 0)
        g.tensorInfo("a\u{1B}[31m\nb\0" + String(repeating: "z", count: 40), shape: [4], type: 99, offset: 0)
        g.padData(dataBytes: 64)
        let error = try #require(try openError(g.bytes))
        #expect(!error.description.contains("\u{1B}") && !error.description.contains("\n") && !error.description.contains("\0"))
        #expect(error.description.contains("a\\u{1B}[31m\\nb\\0"), "\(error.description)")
        let long = GGUFError(file: "f.gguf", field: String(repeating: "k", count: 70_000), kind: .invalidValue,
                             message: String(repeating: "m", count: 70_000))
        #expect(long.description.count <= ErrorText.lineLimit && !long.description.contains("\n"))
    }

    @Test("Fuzzing finds: a zero dimension hid an overflowing row count or row size (the element count is 0)")
    func zeroDimensionOverflow() throws {
        for shape: [UInt64] in [[9_151_314_442_816_848_000, 0], [0, 1 << 40, 1 << 40], [1 << 62, 0, 4]] {
            var g = RawGGUFBuilder()
            g.header(tensors: 1, keys: 0)
            g.tensorInfo("x", shape: shape, offset: 0)
            g.padData(dataBytes: 64)
            let error = try #require(try openError(g.bytes), "\(shape) opened")
            #expect(error.kind == .invalidValue && error.field == "tensor_infos[0] 'x'.ne", "\(shape): \(error)")
        }
    }

    @Test("Bad shapes: too many dimensions, a row not made of whole blocks")
    func badShapes() throws {
        var g = RawGGUFBuilder()
        g.header(tensors: 1, keys: 0)
        g.tensorInfo("x", shape: [1, 1, 1, 1, 1], offset: 0)
        try expectError(g.bytes, .invalidValue, field: "tensor_infos[0] 'x'.n_dims", containing: "5 dimensions (ggml supports 1 to 4)")
        var h = RawGGUFBuilder()
        h.header(tensors: 1, keys: 0)
        h.tensorInfo("x", shape: [100], type: 12, offset: 0)
        try expectError(h.bytes, .invalidValue, field: "tensor_infos[0] 'x'.ne[0]", containing: "row length 100 is not a multiple of Q4_K's block size 256")
    }

    @Test("A path that is missing or is a directory")
    func notAFile() throws {
        let directory = try TemporaryDirectory()
        let missing = #expect(throws: GGUFError.self) { try GGUFFile(path: directory.file("absent.gguf")) }
        #expect(missing?.kind == .io)
        #expect(missing?.description == "\(directory.file("absent.gguf")): file: cannot open: No such file or directory")
        let folder = #expect(throws: GGUFError.self) { try GGUFFile(path: directory.path) }
        #expect(folder?.message == "not a regular file")
    }

    @Test("Asking for a missing tensor names it")
    func missingTensor() throws {
        let directory = try TemporaryDirectory()
        let path = directory.file("ok.gguf")
        try Data(Self.valid().bytes).write(to: URL(fileURLWithPath: path))
        let file = try GGUFFile(path: path)
        let error = #expect(throws: GGUFError.self) { try file.tensor(named: "output.weight") }
        #expect(error?.description == "\(path): output.weight: tensor is missing")
    }
}
