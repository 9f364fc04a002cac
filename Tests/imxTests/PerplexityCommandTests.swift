import Foundation
import GGUF
import Testing
import TestSupport

/// `imx perplexity` as a user runs it: llama-perplexity's numbers on the fixture models, and a
/// one-line error with a non-zero exit for every kind of bad input.
@Suite("imx perplexity")
struct PerplexityCommandTests {
    static func imx(_ arguments: [String]) throws -> (stdout: String, stderr: String, status: Int32) {
        try InspectCommandTests.imx(arguments)
    }

    /// The `[1]…,[2]…` values and the final line of a llama.cpp perplexity log.
    static func llamaLog(_ path: String) throws -> (running: [Double], final: Double, error: Double) {
        let log = try String(contentsOfFile: path, encoding: .utf8)
        let line = try #require(log.split(separator: "\n").first { $0.hasPrefix("[1]") })
        let running = line.split(separator: ",").compactMap { entry -> Double? in
            entry.split(separator: "]").last.flatMap { Double($0) }
        }
        let finalLine = try #require(log.split(separator: "\n").first { $0.contains("Final estimate: PPL = ") })
        let numbers = finalLine.components(separatedBy: "PPL = ")[1].components(separatedBy: " +/- ")
        return (running, try #require(Double(numbers[0])), try #require(Double(numbers[1])))
    }

    @Test("tiny-qwen3moe: llama-perplexity's running PPL within 1e-4, text and JSON", .needsFixtures)
    func matchesLlamaPerplexity() throws {
        let model = try TestEnvironment.fixture("moe/tiny-qwen3moe.gguf")
        let text = try TestEnvironment.fixture("text/gpl3-apache2.txt")
        let reference = try Self.llamaLog(TestEnvironment.fixture("moe/tiny-qwen3moe.gpl-apache.c128x4.perplexity.log"))

        let json = try Self.imx(["perplexity", "-m", model, "-f", text, "-c", "128", "--chunks", "4", "-t", "2", "--json"])
        #expect(json.status == 0, "\(json.stderr)")
        let object = try #require(JSONSerialization.jsonObject(with: Data(json.stdout.utf8)) as? [String: Any])
        let running = try #require(object["running_perplexity"] as? [Double])
        #expect(running.count == 4)
        for (ours, theirs) in zip(running, reference.running) {
            #expect(abs(ours / theirs - 1) < 1e-4, "running PPL \(ours) vs llama.cpp \(theirs)")
        }
        let error = try #require(object["perplexity_error"] as? Double)
        #expect(abs(error / reference.error - 1) < 1e-3)
        #expect(object["predictions_scored"] as? Int == 4 * 63)
        #expect((object["tokens_per_second"] as? Double ?? 0) > 0)

        let textRun = try Self.imx(["perplexity", "-m", model, "-f", text, "-c", "128", "--chunks", "2", "-t", "1"])
        #expect(textRun.status == 0, "\(textRun.stderr)")
        #expect(textRun.stdout.contains("[1]\(String(format: "%.4f", running[0]).prefix(7))"))
        #expect(textRun.stdout.contains("Final estimate: PPL = "))
        #expect(textRun.stderr.contains("tokens/s"))
    }

    @Test("Text shorter than two chunks: the error says how many tokens are needed", .needsFixtures)
    func shortText() throws {
        let directory = try TemporaryDirectory()
        let text = directory.file("short.txt")
        try "A short text of a few words.".write(toFile: text, atomically: true, encoding: .utf8)
        let result = try Self.imx(["perplexity", "-m", TestEnvironment.fixture("dense/tiny-llama.gguf"), "-f", text, "-c", "128"])
        #expect(result.status != 0)
        #expect(result.stderr.contains("short.txt: tokens: need at least 256 tokens"), "\(result.stderr)")
    }

    @Test("-c above the model's context length is an error", .needsFixtures)
    func contextTooLong() throws {
        let result = try Self.imx(["perplexity", "-m", TestEnvironment.fixture("dense/tiny-llama.gguf"),
                                   "-f", TestEnvironment.fixture("text/gpl3-apache2.txt"), "-c", "8192"])
        #expect(result.status != 0)
        #expect(result.stderr.contains("context: -c 8192 exceeds the model's context length 4096"), "\(result.stderr)")
    }

    @Test("Unsupported architecture, missing tensor, wrong shape: one line naming the field", .needsFixtures)
    func badModels() throws {
        let directory = try TemporaryDirectory()
        let source = try GGUFFile(path: TestEnvironment.fixture("dense/tiny-qwen3.gguf"))
        let text = try TestEnvironment.fixture("text/gpl3-apache2.txt")
        let cases: [(name: String, edit: (inout GGUFMetadata, inout [GGUFTensorInfo]) -> Void, message: String)] = [
            ("arch.gguf", { metadata, _ in metadata.set("general.architecture", .string("phi3")) },
             "general.architecture: unsupported architecture 'phi3' (supported: llama, qwen2, qwen3, qwen3moe, gemma3, glm4moe, gpt-oss, deepseek2)"),
            ("missing.gguf", { _, tensors in tensors.removeAll { $0.name == "blk.1.attn_k_norm.weight" } },
             "blk.1.attn_k_norm.weight: required tensor is missing"),
            ("key.gguf", { metadata, _ in metadata.remove("qwen3.attention.layer_norm_rms_epsilon") },
             "qwen3.attention.layer_norm_rms_epsilon: required key is missing"),
            ("shape.gguf", { _, _ in }, "blk.0.ffn_norm.weight: shape [16], expected [32]"),
            ("blocks.gguf", { metadata, _ in metadata.set("qwen3.block_count", .uint32(0x7FFF_FFFF)) },
             "qwen3.block_count: 2147483647 blocks, but the file has only"),
        ]
        for testCase in cases {
            var metadata = source.metadata
            var tensors = source.tensors
            testCase.edit(&metadata, &tensors)
            let path = directory.file(testCase.name)
            var writer = GGUFWriter()
            for key in metadata.keys where key != "general.alignment" { writer.metadata.set(key, metadata[key]!) }
            for tensor in tensors where testCase.name == "shape.gguf" && tensor.name == "blk.0.ffn_norm.weight" {
                try writer.addTensor(name: tensor.name, shape: [16], float32: [Float](repeating: 1, count: 16))
            }
            for tensor in tensors where !(testCase.name == "shape.gguf" && tensor.name == "blk.0.ffn_norm.weight") {
                try writer.addTensor(name: tensor.name, type: tensor.type, shape: tensor.shape,
                                     data: Array(source.data(of: tensor)))
            }
            try writer.write(to: path)
            let result = try Self.imx(["perplexity", "-m", path, "-f", text, "-c", "128", "--chunks", "1"])
            #expect(result.status != 0)
            #expect(result.stderr.contains(path + ": " + testCase.message), "\(result.stderr)")
            #expect(result.stderr.split(separator: "\n").count == 1, "\(result.stderr)")
        }
    }

    /// A copy of `source` with element `index` of tensor `name` (F32) set to `value`.
    static func damagedCopy(_ source: String, tensor name: String, index: Int, value: Float, to path: String) throws {
        let file = try GGUFFile(path: source)
        var writer = GGUFWriter()
        for key in file.metadata.keys where key != "general.alignment" { writer.metadata.set(key, file.metadata[key]!) }
        for tensor in file.tensors {
            var data = Array(file.data(of: tensor))
            if tensor.name == name {
                #expect(tensor.type == .f32)
                withUnsafeBytes(of: value.bitPattern.littleEndian) { data.replaceSubrange((index * 4)..<(index * 4 + 4), with: $0) }
            }
            try writer.addTensor(name: tensor.name, type: tensor.type, shape: tensor.shape, data: data)
        }
        try writer.write(to: path)
    }

    @Test("Non-finite weights: perplexity and compute stop with the tensor and the chunk named, never PPL = nan or a trap", .needsFixtures)
    func nonFiniteWeights() throws {
        let directory = try TemporaryDirectory()
        let text = try TestEnvironment.fixture("text/gpl3-apache2.txt")
        let router = directory.file("router.gguf")
        try Self.damagedCopy(TestEnvironment.fixture("moe/tiny-mixtral.gguf"), tensor: "blk.2.ffn_gate_inp.weight",
                             index: 0, value: .nan, to: router)
        let output = directory.file("output.gguf")
        try Self.damagedCopy(TestEnvironment.fixture("dense/tiny-llama.gguf"), tensor: "output.weight",
                             index: 5, value: .infinity, to: output)
        let runs: [(arguments: [String], message: String)] = [
            (["perplexity", "-m", router], router + ": blk.2.ffn_gate_inp.weight: non-finite router logits for chunk 1 (token 64 of the chunk)"),
            (["compute", "-m", router, "--no-ppl", "-o", directory.file("i.gguf")],
             router + ": blk.2.ffn_gate_inp.weight: non-finite router logits for chunk 1 (token 0 of the chunk)"),
            (["perplexity", "-m", output], output + ": output.weight: non-finite logits in chunk 1 (position 65 of the chunk)"),
        ]
        for run in runs {
            let result = try Self.imx(run.arguments + ["-f", text, "-c", "128", "--chunks", "2", "-t", "2"])
            #expect(result.status == 1, "\(run.arguments): \(result.stderr)")
            #expect(result.stderr.contains(run.message), "\(result.stderr)")
            #expect(!result.stdout.contains("nan") && !result.stdout.contains("inf"), "\(result.stdout)")
        }
        #expect(!FileManager.default.fileExists(atPath: directory.file("i.gguf")))
    }
}
