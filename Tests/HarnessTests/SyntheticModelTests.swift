import Foundation
import Testing
import GGUF
import Harness
import Model
import TestSupport

/// `imx synthesize`'s writer on tiny versions of its shapes: the Q4_K_M-like types, the copied
/// tokenizer, a model the forward pass loads and evaluates, gguf-py reading it, determinism.
@Suite("Synthetic models")
struct SyntheticModelTests {
    static func tiny(_ name: String) -> SyntheticModelShape {
        var shape = SyntheticModelShape.named(name)!
        shape.embedding = 256
        shape.feedForward = 512
        shape.expertFeedForward = 256
        shape.blocks = 8
        shape.heads = 4
        shape.headsKV = 2
        shape.headWidth = 64
        if shape.experts > 0 { shape.experts = 4; shape.expertsUsed = 2 }
        return shape
    }

    @Test("a tiny llama: Q4_K with Q6_K where llama-quantize's Q4_K_M puts it, the tokenizer copied, finite logits", .needsFixtures)
    func llama() throws {
        let directory = try TemporaryDirectory()
        let vocabulary = try GGUFFile(path: TestEnvironment.fixture("vocab/ggml-vocab-llama-bpe.gguf"))
        let path = directory.file("tiny.gguf")
        let summary = try SyntheticModelWriter.write(shape: Self.tiny("llama-8b"), vocabulary: vocabulary, to: path, threads: 2) { _ in }
        let file = try GGUFFile(path: path)
        let size = try FileManager.default.attributesOfItem(atPath: path)[.size] as? Int
        #expect(summary.tensors == file.tensors.count && summary.bytes == size)
        #expect(try file.metadata.string("general.architecture") == "llama")
        #expect(try file.metadata.int("general.file_type") == 15)
        for key in vocabulary.metadata.keys where key.hasPrefix("tokenizer.") { #expect(file.metadata[key] == vocabulary.metadata[key], "\(key)") }
        // use_more_bits(i, 8): blocks 0, 7 and 1 + 3k − 1 = 3, 6 → Q6_K for attn_v and ffn_down.
        for layer in 0..<8 {
            let heavy: GGMLType = [0, 3, 6, 7].contains(layer) ? .q6_K : .q4_K
            #expect(try file.tensor(named: "blk.\(layer).attn_v.weight").type == heavy, "layer \(layer)")
            #expect(try file.tensor(named: "blk.\(layer).ffn_down.weight").type == heavy, "layer \(layer)")
            #expect(try file.tensor(named: "blk.\(layer).attn_q.weight").type == .q4_K)
            #expect(try file.tensor(named: "blk.\(layer).attn_norm.weight").type == .f32)
        }
        #expect(try file.tensor(named: "output.weight").type == .q6_K)
        #expect(try file.tensor(named: "token_embd.weight").type == .q4_K)
        let values = try file.dequantize(file.tensor(named: "blk.2.ffn_gate.weight"))
        let mean = values.reduce(0, +) / Float(values.count)
        let deviation = (values.map { ($0 - mean) * ($0 - mean) }.reduce(0, +) / Float(values.count)).squareRoot()
        #expect(abs(mean) < 1e-3 && abs(deviation - 0.02) < 2e-3, "mean \(mean), σ \(deviation)")

        let model = try TransformerModel(file: file, options: ModelOptions(threads: 2))
        var finite = true
        let request = LogitsRequest(positions: [0, 5], layout: .fullRows(rowsPerSlice: 2)) { block in
            for row in block.rows { finite = finite && block.row(row - block.rows.lowerBound).allSatisfy(\.isFinite) }
        }
        try model.evaluate(TokenBatch(tokens: [128000, 40, 1093, 2000, 5, 9], sequenceLength: 6), logits: request)
        #expect(finite)
    }

    @Test("a tiny Qwen3-MoE (experts, q/k norms) loads and runs; the same seed gives the same bytes, another seed others", .needsFixtures)
    func moeAndDeterminism() throws {
        let directory = try TemporaryDirectory()
        let vocabulary = try GGUFFile(path: TestEnvironment.fixture("vocab/ggml-vocab-qwen2.gguf"))
        var shape = Self.tiny("qwen3moe-30b-a3b")
        shape.blocks = 2
        for (name, seed) in [("a", UInt64(1)), ("b", 1), ("c", 2)] {
            _ = try SyntheticModelWriter.write(shape: shape, vocabulary: vocabulary, to: directory.file(name), seed: seed, threads: 2) { _ in }
        }
        #expect(try RawFiles.bytes(directory.file("a")) == RawFiles.bytes(directory.file("b")))
        #expect(try RawFiles.bytes(directory.file("a")) != RawFiles.bytes(directory.file("c")))
        let file = try GGUFFile(path: directory.file("a"))
        #expect(try file.tensor(named: "blk.0.ffn_gate_exps.weight").shape == [256, 256, 4])
        #expect(try file.tensor(named: "blk.1.ffn_gate_inp.weight").type == .f32)
        let model = try TransformerModel(file: file, options: ModelOptions(threads: 2))
        #expect(model.spec.blockCount == 2)
        try model.evaluate(TokenBatch(tokens: [1, 2, 3, 4], sequenceLength: 4))
    }

    @Test("gguf-py reads a synthetic model: every key and tensor", .needsFixtures, .needsGGUFPy)
    func readableByGGUFPy() throws {
        let directory = try TemporaryDirectory()
        let vocabulary = try GGUFFile(path: TestEnvironment.fixture("vocab/ggml-vocab-llama-bpe.gguf"))
        var shape = Self.tiny("llama-1b")
        shape.blocks = 2
        let path = directory.file("tiny.gguf")
        _ = try SyntheticModelWriter.write(shape: shape, vocabulary: vocabulary, to: path, threads: 2) { _ in }
        let ours = try GGUFFile(path: path)
        let dump = try #require(PythonOracle.json("gguf_dump.py", [path]) as? [String: Any])
        let keys = try #require(dump["metadata"] as? [[String: Any]]).compactMap { $0["key"] as? String }
        #expect(keys == ours.metadata.keys)
        let tensors = try #require(dump["tensors"] as? [[String: Any]])
        #expect(tensors.compactMap { $0["name"] as? String } == ours.tensors.map(\.name))
        #expect(tensors.compactMap { $0["shape"] as? [Int] } == ours.tensors.map(\.shape))
    }
}
