import Foundation
import Testing
import TestSupport

/// `imx inspect` run as a user runs it: the built binary, its output and its exit status.
@Suite("imx inspect")
struct InspectCommandTests {
    /// Runs the built `imx` with `arguments`; returns standard output, standard error and status.
    /// Runs the built `imx` with `arguments`, in `directory` if given.
    static func imx(_ arguments: [String], in directory: String? = nil) throws -> (stdout: String, stderr: String, status: Int32) {
        let executable = URL(fileURLWithPath: CommandLine.arguments[0]).resolvingSymlinksInPath()
        let candidates = [
            executable.deletingLastPathComponent().appendingPathComponent("imx"),
            executable.deletingLastPathComponent().deletingLastPathComponent().appendingPathComponent("imx"),
            URL(fileURLWithPath: TestEnvironment.packageRoot + "/.build/debug/imx"),
        ]
        let binary = try #require(candidates.first { FileManager.default.isExecutableFile(atPath: $0.path) },
                                  "imx binary not found near \(executable.path)")
        let process = Process()
        process.executableURL = binary
        process.arguments = arguments
        if let directory { process.currentDirectoryURL = URL(fileURLWithPath: directory) }
        let out = Pipe(), err = Pipe()
        process.standardOutput = out
        process.standardError = err
        try process.run()
        let stdout = out.fileHandleForReading.readDataToEndOfFile()
        let stderr = err.fileHandleForReading.readDataToEndOfFile()
        process.waitUntilExit()
        return (String(decoding: stdout, as: UTF8.self), String(decoding: stderr, as: UTF8.self), process.terminationStatus)
    }

    @Test("Text report on the real model shows the figures", .needsModel)
    func textReport() throws {
        let result = try Self.imx(["inspect", TestEnvironment.gemmaModel()])
        #expect(result.status == 0, "\(result.stderr)")
        for line in ["architecture:    gemma3", "name:            Gemma 3 270m", "size label:      270M",
                     "file type:       15 (MOSTLY_Q4_K_M)", "blocks:          18", "embedding:       640",
                     "feed-forward:    2,048", "attention heads: 4 (KV 1, key length 256, value length 256)",
                     "experts:         none (dense)", "vocabulary:      262,144 (tokenizer llama, pre default)",
                     "tensors:         236, 268,098,176 parameters"] {
            #expect(result.stdout.contains(line), "missing '\(line)' in:\n\(result.stdout)")
        }
        let histogram = result.stdout.split(separator: "\n").filter { $0.hasPrefix("F32 ") || $0.hasPrefix("Q") }
            .map { $0.split(separator: " ").prefix(2).joined(separator: " ") }
        #expect(histogram == ["F32 109", "Q5_0 81", "Q4_K 27", "Q8_0 10", "Q6_K 9"])
    }

    @Test("--json parses and holds the same figures; --tensors lists all 236", .needsModel)
    func jsonReport() throws {
        let result = try Self.imx(["inspect", TestEnvironment.gemmaModel(), "--json", "--tensors"])
        #expect(result.status == 0, "\(result.stderr)")
        let json = try #require(JSONSerialization.jsonObject(with: Data(result.stdout.utf8)) as? [String: Any])
        #expect(json["architecture"] as? String == "gemma3")
        #expect(json["tensor_count"] as? Int == 236)
        #expect(json["block_count"] as? Int == 18)
        #expect(json["vocabulary_size"] as? Int == 262_144)
        #expect(json["file_type_name"] as? String == "MOSTLY_Q4_K_M")
        let types = try #require(json["types"] as? [[String: Any]])
        #expect(types.map { "\($0["type"]!) \($0["tensors"]!)" } == ["F32 109", "Q5_0 81", "Q4_K 27", "Q8_0 10", "Q6_K 9"])
        let tensors = try #require(json["tensors"] as? [[String: Any]])
        #expect(tensors.count == 236)
        #expect(tensors.first?["name"] as? String == "output_norm.weight")
        #expect(tensors.contains { $0["name"] as? String == "token_embd.weight" && $0["shape"] as? [Int] == [640, 262_144] && $0["type"] as? String == "Q8_0" })
    }

    @Test("An MoE model reports its experts", .needsFixtures)
    func moeModel() throws {
        let result = try Self.imx(["inspect", TestEnvironment.fixture("moe/tiny-qwen3moe.gguf")])
        #expect(result.status == 0, "\(result.stderr)")
        #expect(result.stdout.contains("experts:         8, 2 used per token, expert feed-forward 128"), "\(result.stdout)")
    }

    @Test("A broken file: one-line error naming file and field, exit code 1")
    func brokenFile() throws {
        let directory = try TemporaryDirectory()
        let path = directory.file("broken.gguf")
        try Data("GGUF\u{7}\0\0\0".utf8).write(to: URL(fileURLWithPath: path))
        let result = try Self.imx(["inspect", path])
        #expect(result.status == 1)
        #expect(result.stdout.isEmpty)
        #expect(result.stderr == "Error: \(path): header.version: unsupported GGUF version 7 (supported: 2, 3)\n")
    }

    @Test("A missing file: one-line error, exit code 1")
    func missingFile() throws {
        let result = try Self.imx(["inspect", "/nonexistent/model.gguf"])
        #expect(result.status == 1)
        #expect(result.stderr == "Error: /nonexistent/model.gguf: file: cannot open: No such file or directory\n")
    }
}
