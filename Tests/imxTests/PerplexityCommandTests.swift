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
             "general.architecture: unsupported architecture 'phi3' (supported: llama, qwen2, qwen3, qwen3moe, gemma3)"),
            ("missing.gguf", { _, tensors in tensors.removeAll { $0.name == "blk.1.attn_k_norm.weight" } },
             "blk.1.attn_k_norm.weight: required tensor is missing"),
            ("key.gguf", { metadata, _ in metadata.remove("qwen3.attention.layer_norm_rms_epsilon") },
             "qwen3.attention.layer_norm_rms_epsilon: required key is missing"),
            ("shape.gguf", { _, _ in }, "blk.0.ffn_norm.weight: shape [16], expected [32]"),
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
}
