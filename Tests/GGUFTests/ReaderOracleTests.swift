import Foundation
import Testing
import GGUF
import TestSupport

/// The reader against gguf-py's reader on every GGUF the fixtures hold (vocab-only files,
/// tiny dense and MoE models, imatrix files) and on the real model: same version, alignment,
/// data offset, every metadata key with its type and value, every tensor info.
@Suite("Reader agrees with gguf-py", .needsFixtures, .needsGGUFPy)
struct ReaderOracleTests {
    static let fixtureFiles = [
        "vocab/ggml-vocab-llama-spm.gguf", "vocab/ggml-vocab-phi-3.gguf", "vocab/ggml-vocab-gpt-2.gguf",
        "vocab/ggml-vocab-llama-bpe.gguf", "vocab/ggml-vocab-qwen2.gguf",
        "dense/tiny-llama.gguf", "dense/tiny-qwen2.gguf", "dense/tiny-qwen3.gguf",
        "dense/tiny-llama.gpl-apache.c128x4.imatrix.gguf",
        "moe/tiny-mixtral.gguf", "moe/tiny-qwen3moe.gguf", "moe/tiny-qwen3moe.gpl-apache.c128x4.imatrix.gguf",
        "reference/gemma3-270m/gemma3-270m.gpl-apache.c512.imatrix.gguf",
    ]

    @Test("Fixture GGUF files", arguments: fixtureFiles)
    func fixtureFile(_ relativePath: String) throws {
        try compareWithGGUFPy(TestEnvironment.fixture(relativePath))
    }

    @Test("The real model", .needsModel)
    func realModel() throws {
        try compareWithGGUFPy(TestEnvironment.gemmaModel())
    }

    func compareWithGGUFPy(_ path: String) throws {
        let file = try GGUFFile(path: path)
        let oracle = try #require(PythonOracle.json("gguf_dump.py", [path]) as? [String: Any])
        #expect(Int(file.version) == oracle["version"] as? Int)
        #expect(file.alignment == oracle["alignment"] as? Int)
        #expect(file.dataOffset == oracle["data_offset"] as? Int)

        let entries = try #require(oracle["metadata"] as? [[String: Any]])
        #expect(file.metadata.keys == entries.compactMap { $0["key"] as? String }, "key order")
        for entry in entries {
            let key = try #require(entry["key"] as? String)
            let ours = try #require(file.metadata[key], "missing key \(key)")
            let expected = OracleEncoding.canonical(["type": entry["type"]!, "value": entry["value"]!])
            let actual = OracleEncoding.canonical(OracleEncoding.entry(ours))
            #expect(actual == expected, "\(key): ours \(actual.prefix(200)) vs gguf-py \(expected.prefix(200))")
        }

        let tensors = try #require(oracle["tensors"] as? [[String: Any]])
        #expect(file.tensors.count == tensors.count)
        for (ours, theirs) in zip(file.tensors, tensors) {
            #expect(ours.name == theirs["name"] as? String)
            #expect(Int(ours.type.id) == theirs["type"] as? Int, "\(ours.name) type")
            #expect(ours.shape == theirs["shape"] as? [Int], "\(ours.name) shape")
            #expect(file.dataOffset + ours.offset == theirs["data_offset"] as? Int, "\(ours.name) offset")
            #expect(ours.byteCount == theirs["n_bytes"] as? Int, "\(ours.name) bytes")
        }
    }
}
