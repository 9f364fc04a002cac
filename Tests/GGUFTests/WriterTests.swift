import Foundation
import Testing
import GGUF
import Kernels
import TestSupport

/// The writer: byte-identical to gguf-py's GGUFWriter for the same content, readable by our
/// reader and by gguf-py, atomic, deterministic, and strict about what it is given.
@Suite("GGUF writer")
struct WriterTests {
    static let q8Bytes: [UInt8] = (0..<68).map { UInt8(($0 * 37) % 256) }

    /// The content of `Tests/Oracles/write_reference.py`, built with our writer.
    static func referenceContent(alignment: Int) throws -> GGUFWriter {
        var writer = GGUFWriter(alignment: alignment)
        writer.metadata.set("general.architecture", .string("llama"))
        writer.metadata.set("llama.block_count", .uint32(2))
        writer.metadata.set("general.name", .string("tiny ü"))
        writer.metadata.set("i8", .int8(-5))
        writer.metadata.set("u64", .uint64(1 << 63 + 11))
        writer.metadata.set("i64", .int64(-(1 << 40)))
        writer.metadata.set("f64", .float64(0.1))
        writer.metadata.set("f32", .float32(-2.5))
        writer.metadata.set("flag", .bool(true))
        writer.metadata.set("tokens", .array(.string(["a", "bb", "", "ü▁"])))
        writer.metadata.set("nested", .array(.array([.int32([1, 2]), .int32([3])])))
        try writer.addTensor(name: "t0", shape: [3, 2], float32: [0, 1, 2, 3, 4, 5])
        try writer.addTensor(name: "t1", shape: [5], float16: [0.5, -1, 65504, 1e-8, 3])
        try writer.addTensor(name: "q", type: .q8_0, shape: [32, 2], data: q8Bytes)
        return writer
    }

    @Test("Same bytes as gguf-py's GGUFWriter", .needsGGUFPy, arguments: [32, 64])
    func matchesGGUFPyWriter(_ alignment: Int) throws {
        let directory = try TemporaryDirectory()
        let reference = directory.file("reference.gguf")
        _ = try PythonOracle.run(arguments: [PythonOracle.script("write_reference.py"), reference, "\(alignment)"])
        let ours = try Self.referenceContent(alignment: alignment).serialized()
        let theirs = try RawFiles.bytes(reference)
        #expect(ours.count == theirs.count)
        if let index = zip(ours, theirs).enumerated().first(where: { $0.element.0 != $0.element.1 })?.offset {
            Issue.record("first differing byte at offset \(index): ours 0x\(String(ours[index], radix: 16)), gguf-py 0x\(String(theirs[index], radix: 16))")
        }
    }

    @Test("Round trip through our reader: metadata, tensor infos and data")
    func roundTrip() throws {
        let directory = try TemporaryDirectory()
        var writer = try Self.referenceContent(alignment: 64)
        writer.metadata.set("empty", .array(.float32([])))
        writer.metadata.set("bools", .array(.bool([true, false])))
        writer.metadata.set("u16", .array(.uint16([1, 65535])))
        writer.metadata.set("deep", .array(.array([.array([.string(["x"])]), .array([])])))
        let path = directory.file("round.gguf")
        try writer.write(to: path)
        let file = try GGUFFile(path: path)
        #expect(file.version == 3)
        #expect(file.alignment == 64)
        var expectedMetadata = writer.metadata
        expectedMetadata.set("general.alignment", .uint32(64))
        #expect(file.metadata.keys == expectedMetadata.keys)
        for key in expectedMetadata.keys { #expect(file.metadata[key] == expectedMetadata[key], "\(key)") }
        #expect(file.tensors.map(\.name) == ["t0", "t1", "q"])
        #expect(file.tensors.allSatisfy { $0.offset % 64 == 0 && (file.dataOffset + $0.offset) % 64 == 0 })
        #expect(try file.dequantize(file.tensor(named: "t0")) == [0, 1, 2, 3, 4, 5])
        #expect(try file.dequantize(file.tensor(named: "t1")) == [0.5, -1, 65504, 0, 3])   // 1e-8 rounds to 0 in F16
        #expect(Array(file.data(of: try file.tensor(named: "q"))) == Self.q8Bytes)
        #expect(try file.rawStrings("tokens") == [Array("a".utf8), Array("bb".utf8), [], Array("ü▁".utf8)])
    }

    @Test("gguf-py reads what we write, values and tensor bytes", .needsGGUFPy)
    func readableByGGUFPy() throws {
        let directory = try TemporaryDirectory()
        let writer = try Self.referenceContent(alignment: 32)
        let path = directory.file("ours.gguf")
        try writer.write(to: path)
        let dump = try #require(PythonOracle.json("gguf_dump.py", [path, "--data"]) as? [String: Any])
        let entries = try #require(dump["metadata"] as? [[String: Any]])
        #expect(entries.count == writer.metadata.count)
        for entry in entries {
            let key = try #require(entry["key"] as? String)
            let value = try #require(writer.metadata[key])
            #expect(OracleEncoding.canonical(["type": entry["type"]!, "value": entry["value"]!]) == OracleEncoding.canonical(OracleEncoding.entry(value)), "\(key)")
        }
        let tensors = try #require(dump["tensors"] as? [[String: Any]])
        for (ours, theirs) in zip(writer.tensors, tensors) {
            #expect(ours.name == theirs["name"] as? String)
            #expect(ours.shape == theirs["shape"] as? [Int])
            #expect(ours.data.map { String(format: "%02x", $0) }.joined() == theirs["data"] as? String, "\(ours.name) data")
        }
    }

    @Test("The streaming writer writes GGUFWriter's bytes (alignments 32 and 64), tensors produced one at a time")
    func streamingWriter() throws {
        let directory = try TemporaryDirectory()
        for alignment in [32, 64] {
            let writer = try Self.referenceContent(alignment: alignment)
            let path = directory.file("streamed-\(alignment).gguf")
            var produced: [Int] = []
            try GGUFStreamingWriter.write(
                metadata: writer.metadata,
                tensors: try writer.tensors.map { try GGUFTensorDescriptor(name: $0.name, type: $0.type, shape: $0.shape) },
                alignment: alignment, to: path
            ) { (index, buffer) throws(GGUFError) in
                produced.append(index)
                #expect(buffer.count == writer.tensors[index].data.count)
                buffer.copyBytes(from: writer.tensors[index].data)
            }
            #expect(produced == Array(writer.tensors.indices))
            #expect(try RawFiles.bytes(path) == writer.serialized())
        }
        // A failure while producing leaves no file and no temporary behind, and is the producer's error.
        let failing = directory.file("failing.gguf")
        let error = #expect(throws: GGUFError.self) {
            try GGUFStreamingWriter.write(metadata: GGUFMetadata(), tensors: [try GGUFTensorDescriptor(name: "t", type: .f32, shape: [4])],
                                          to: failing) { (_, _) throws(GGUFError) in
                throw GGUFError(file: "<test>", field: "t", kind: .invalidValue, message: "planted")
            }
        }
        #expect(error?.message == "planted")
        #expect(try FileManager.default.contentsOfDirectory(atPath: directory.path).allSatisfy { !$0.hasPrefix(".failing") && $0 != "failing.gguf" })
    }

    @Test("Deterministic: the same content gives the same bytes")
    func deterministic() throws {
        #expect(try Self.referenceContent(alignment: 32).serialized() == Self.referenceContent(alignment: 32).serialized())
    }

    @Test("Atomic: a failed write leaves nothing behind; a write replaces the old file whole")
    func atomicWrites() throws {
        let directory = try TemporaryDirectory()
        let writer = try Self.referenceContent(alignment: 32)
        let missing = directory.file("no/such/dir/x.gguf")
        let error = #expect(throws: GGUFError.self) { try writer.write(to: missing) }
        #expect(error?.kind == .io)
        #expect(error?.description.hasPrefix("\(missing): file: cannot write") == true)

        let path = directory.file("x.gguf")
        try Array("old contents".utf8).withUnsafeBytes { try Data($0).write(to: URL(fileURLWithPath: path)) }
        try writer.write(to: path)
        #expect(try RawFiles.bytes(path) == writer.serialized())
        #expect(try directory.contents() == ["x.gguf"], "temporary files left behind")
    }

    @Test("Rejects bad tensors with the reason")
    func rejectsBadTensors() throws {
        var writer = GGUFWriter()
        try writer.addTensor(name: "a", shape: [4], float32: [1, 2, 3, 4])
        let cases: [(() throws -> Void, GGUFError.Kind, String)] = [
            ({ try writer.addTensor(name: "a", shape: [1], float32: [1]) }, .duplicateTensor, "duplicate tensor name 'a'"),
            ({ try writer.addTensor(name: "b", shape: [3], float32: [1, 2]) }, .invalidValue, "8 bytes given, shape [3] of F32 needs 12"),
            ({ try writer.addTensor(name: "c", type: .q4_0, shape: [16], data: []) }, .invalidValue, "row length 16 is not a multiple of Q4_0's block size 32"),
            ({ try writer.addTensor(name: "d", shape: [1, 1, 1, 1, 1], float32: [1]) }, .invalidValue, "shape [1, 1, 1, 1, 1] must have 1 to 4 non-negative dimensions"),
            ({ try writer.addTensor(name: String(repeating: "n", count: 64), shape: [1], float32: [1]) }, .invalidValue, "name must be 1 to 63 bytes"),
        ]
        for (action, kind, message) in cases {
            let error = #expect(throws: GGUFError.self) { try action() }
            #expect(error?.kind == kind)
            #expect(error?.message == message)
        }
    }
}
