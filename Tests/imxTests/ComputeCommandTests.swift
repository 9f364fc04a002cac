import Foundation
import IMatrix
import Testing
import TestSupport

/// `imx compute` against llama-imatrix's outputs on the fixture models: the same entries and
/// counts exactly, sums within the fixtures' tolerances, the same running perplexity, and the
/// legacy file llama.cpp writes.
@Suite("imx compute")
struct ComputeCommandTests {
    static func imx(_ arguments: [String]) throws -> (stdout: String, stderr: String, status: Int32) {
        try InspectCommandTests.imx(arguments)
    }

    struct Case: CustomStringConvertible, Sendable {
        let folder: String
        let model: String
        let chunks: Int
        /// The fixture README's tolerance for f32 attention.
        let rtol: Double
        var description: String { "\(model) ×\(chunks)" }
        var prefix: String { "\(folder)/\(model).gpl-apache.c128x\(chunks)" }
    }

    static let cases = [
        Case(folder: "moe", model: "tiny-mixtral", chunks: 4, rtol: 1e-2),
        Case(folder: "moe", model: "tiny-mixtral", chunks: 1, rtol: 1e-2),
        Case(folder: "moe", model: "tiny-qwen3moe", chunks: 4, rtol: 1e-2),
        Case(folder: "moe", model: "tiny-qwen3moe", chunks: 1, rtol: 1e-2),
        Case(folder: "dense", model: "tiny-llama", chunks: 4, rtol: 2e-3),
        Case(folder: "dense", model: "tiny-qwen2", chunks: 4, rtol: 2e-3),
        Case(folder: "dense", model: "tiny-qwen3", chunks: 4, rtol: 2e-3),
    ]

    /// Runs compute in a folder holding the text under the fixture's name, so the dataset name
    /// matches llama.cpp's.
    static func compute(_ testCase: Case, in directory: TemporaryDirectory, extra: [String] = [],
                        output: String = "out.gguf") throws -> (stdout: String, stderr: String, status: Int32) {
        let text = directory.file("gpl3-apache2.txt")
        if !FileManager.default.fileExists(atPath: text) {
            try FileManager.default.copyItem(atPath: TestEnvironment.fixture("text/gpl3-apache2.txt"), toPath: text)
        }
        return try InspectCommandTests.imx(["compute", "-m", TestEnvironment.fixture("\(testCase.folder)/\(testCase.model).gguf"),
                        "-f", "gpl3-apache2.txt", "-c", "128", "--chunks", "\(testCase.chunks)", "-t", "2",
                        "-o", output] + extra, in: directory.path)
    }

    @Test("Entries, counts and sums of llama-imatrix; its running PPL", .needsFixtures, arguments: cases)
    func matchesReference(_ testCase: Case) throws {
        let directory = try TemporaryDirectory()
        let run = try Self.compute(testCase, in: directory)
        #expect(run.status == 0, "\(run.stderr)")
        let ours = try StoredImatrix.read(path: directory.file("out.gguf"))
        let reference = try StoredImatrix.read(path: TestEnvironment.fixture(testCase.prefix + ".imatrix.gguf"))
        // blk.0's q/k/v inputs depend only on the embeddings and attn_norm.
        let tighter = testCase.folder == "dense"
            ? ["blk.0.attn_q": 1e-5, "blk.0.attn_k": 1e-5, "blk.0.attn_v": 1e-5] : [:]
        ImatrixComparison.expectMatches(ours, reference, rtol: testCase.rtol, tighter: tighter, what: testCase.description)

        let log = try String(contentsOfFile: TestEnvironment.fixture(testCase.prefix + ".imatrix.gguf.log"), encoding: .utf8)
        let expected = Self.runningPerplexity(log)
        let printed = Self.runningPerplexity(run.stdout)
        #expect(printed.count == testCase.chunks && expected.count == testCase.chunks)
        for (mine, theirs) in zip(printed, expected) {
            #expect(abs(mine / theirs - 1) < 1e-4, "\(testCase): running PPL \(mine) vs llama-imatrix \(theirs)")
        }
    }

    @Test("The legacy output: ncall, (sum/count)·ncall, filled experts, trailer", .needsFixtures,
          arguments: cases.filter { $0.chunks == 4 && $0.folder == "moe" })
    func legacyOutput(_ testCase: Case) throws {
        let directory = try TemporaryDirectory()
        let run = try Self.compute(testCase, in: directory, extra: ["--output-format", "dat", "--no-ppl"], output: "out.dat")
        #expect(run.status == 0, "\(run.stderr)")
        #expect(!run.stdout.contains("[1]"), "--no-ppl prints no perplexity")
        let ours = try StoredImatrix.read(path: directory.file("out.dat"))
        let reference = try StoredImatrix.read(path: TestEnvironment.fixture(testCase.prefix + ".imatrix.dat"))
        ImatrixComparison.expectMatches(ours, reference, rtol: testCase.rtol, what: "\(testCase) dat")
    }

    @Test("Same inputs give byte-identical files; other batch sizes and thread counts agree to float rounding", .needsFixtures)
    func deterministic() throws {
        let directory = try TemporaryDirectory()
        let testCase = Self.cases[0]
        for (name, extra) in [("a", ["-t", "2"]), ("b", ["-t", "2"]), ("c", ["-t", "1", "-b", "128"])] {
            let run = try Self.compute(testCase, in: directory, extra: ["--no-ppl"] + extra, output: name + ".gguf")
            #expect(run.status == 0, "\(run.stderr)")
        }
        let a = try Data(contentsOf: URL(fileURLWithPath: directory.file("a.gguf")))
        let b = try Data(contentsOf: URL(fileURLWithPath: directory.file("b.gguf")))
        #expect(a == b)
        // OpenBLAS's blocking depends on the matrix sizes, so other batch and thread splits move
        // the forward pass in the last bits; the accumulation itself is order-exact.
        ImatrixComparison.expectMatches(try StoredImatrix.read(path: directory.file("c.gguf")),
                                        try StoredImatrix.read(path: directory.file("a.gguf")), rtol: 1e-5, what: "-t 1 -b 128")
    }

    /// The `[i]value,` numbers of a llama.cpp log or our stdout.
    static func runningPerplexity(_ text: String) -> [Double] {
        guard let line = text.split(separator: "\n").first(where: { $0.hasPrefix("[1]") }) else { return [] }
        return line.split(separator: ",").compactMap { $0.split(separator: "]").last.flatMap { Double($0) } }
    }
}
