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
        let ours = try ImportanceMatrix.read(path: directory.file("out.gguf"))
        let reference = try ImportanceMatrix.read(path: TestEnvironment.fixture(testCase.prefix + ".imatrix.gguf"))
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
        let ours = try ImportanceMatrix.read(path: directory.file("out.dat"))
        let reference = try ImportanceMatrix.read(path: TestEnvironment.fixture(testCase.prefix + ".imatrix.dat"))
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
        ImatrixComparison.expectMatches(try ImportanceMatrix.read(path: directory.file("c.gguf")),
                                        try ImportanceMatrix.read(path: directory.file("a.gguf")), rtol: 1e-5, what: "-t 1 -b 128")
    }

    /// The reference README's checks on gemma-3-270m, `-c 512 --chunks 8`: per-chunk PPL within
    /// 1.5% of llama-imatrix's log (the last within 1%), the same 126 entries with counts 4096, `blk.0.attn_q/k/v`
    /// within 1e-3 per column, every entry at cosine ≥ 0.999 and relative L2 ≤ 3% against both
    /// of llama.cpp's imatrix files (default and f32 K/V); the legacy file the same way.
    @Test("--override-kv expert_used_count=int:4 gives llama-imatrix's file with the same override; the run says so; bad overrides are one line", .needsFixtures)
    func overrideExpertsUsed() throws {
        let directory = try TemporaryDirectory()
        let testCase = Case(folder: "moe", model: "tiny-qwen3moe", chunks: 4, rtol: 1e-2)
        let run = try Self.compute(testCase, in: directory, extra: ["--override-kv", "qwen3moe.expert_used_count=int:4"])
        #expect(run.status == 0, "\(run.stderr)")
        #expect(run.stderr.contains("override: qwen3moe.expert_used_count=int:4 (the file says 2)"), "\(run.stderr)")
        #expect(run.stdout.contains("model read with --override-kv qwen3moe.expert_used_count=int:4 (the file says 2)"))
        let reference = TestEnvironment.packageRoot + "/Tests/References/tiny-qwen3moe.used4.gpl-apache.c128x4.imatrix.gguf"
        let ours = try ImportanceMatrix.read(path: directory.file("out.gguf"))
        ImatrixComparison.expectMatches(ours, try ImportanceMatrix.read(path: reference), rtol: testCase.rtol, what: "used 4")
        let down = try #require(ours.entry(named: "blk.0.ffn_down_exps.weight"))
        #expect(down.counts.reduce(0, +) == 4 * 4 * 128, "every token routed to 4 experts")
        let expected = Self.runningPerplexity(try String(contentsOfFile: reference + ".log", encoding: .utf8))
        let printed = Self.runningPerplexity(run.stdout)
        #expect(printed.count == 4 && expected.count == 4)
        for (mine, theirs) in zip(printed, expected) { #expect(abs(mine / theirs - 1) < 1e-4, "running PPL \(mine) vs \(theirs)") }

        let json = try Self.compute(testCase, in: directory, extra: ["--override-kv", "qwen3moe.expert_used_count=int:3", "--json", "--no-ppl"], output: "j.gguf")
        #expect(json.stdout.contains("\"overrides\"") && json.stdout.contains("qwen3moe.expert_used_count=int:3 (the file says 2)"))

        for (override, message) in [("qwen3moe.expert_used_count=float:4", "the override is float, but the file stores UINT32"),
                                    ("qwen3moe.no_such_key=int:1", "never read this key"),
                                    ("qwen3moe.expert_used_count=4", "--override-kv: qwen3moe.expert_used_count=4: expected TYPE:VALUE")] {
            let bad = try Self.compute(testCase, in: directory, extra: ["--override-kv", override], output: "bad.gguf")
            #expect(bad.status == 1, "\(override)")
            #expect(bad.stderr.split(separator: "\n").count == 1 && bad.stderr.contains(message), "\(override): \(bad.stderr)")
            #expect(!FileManager.default.fileExists(atPath: directory.file("bad.gguf")))
        }
    }

    @Test("gemma-3-270m (quantized weights): -b 512 and -b 2048 give the same imatrix bytes and the same PPL", .needsModel, .needsFixtures)
    func quantizedBatchIndependence() throws {
        let directory = try TemporaryDirectory()
        var outputs: [String] = []
        for batch in ["512", "2048"] {
            let run = try InspectCommandTests.imx(["compute", "-m", TestEnvironment.gemmaModel(), "-f", TestEnvironment.fixture("text/gpl3-apache2.txt"),
                                                   "-c", "512", "--chunks", "4", "-b", batch, "-t", "2", "-o", directory.file("b\(batch).gguf")])
            #expect(run.status == 0, "\(run.stderr)")
            outputs.append(run.stdout.split(separator: "\n").filter { $0.hasPrefix("[1]") || $0.contains("Final estimate") }.joined(separator: "\n"))
        }
        #expect(!outputs[0].isEmpty && outputs[0] == outputs[1])
        #expect(try Data(contentsOf: URL(fileURLWithPath: directory.file("b512.gguf")))
                == Data(contentsOf: URL(fileURLWithPath: directory.file("b2048.gguf"))))
    }

    @Test("gemma-3-270m: llama-imatrix's per-chunk PPL, entries, counts and sums, GGUF and dat", .needsModel, .needsFixtures)
    func gemma() throws {
        let directory = try TemporaryDirectory()
        try FileManager.default.copyItem(atPath: TestEnvironment.fixture("text/gpl3-apache2.txt"),
                                         toPath: directory.file("gpl3-apache2.txt"))
        let run = try InspectCommandTests.imx(["compute", "-m", TestEnvironment.gemmaModel(), "-f", "gpl3-apache2.txt",
                                               "-c", "512", "--chunks", "8", "-t", "2", "-o", "g.gguf"], in: directory.path)
        #expect(run.status == 0, "\(run.stderr)")
        let folder = "reference/gemma3-270m/"
        let log = try String(contentsOfFile: TestEnvironment.fixture(folder + "llama-imatrix.gguf.log"), encoding: .utf8)
        let printed = Self.runningPerplexity(run.stdout), expected = Self.runningPerplexity(log)
        #expect(printed.count == 8 && expected.count == 8)
        // Single chunks carry the 8-bit rounding noise (see FixturePerplexityTests.gemma): each
        // running value within 1.5%, the value after all 8 within 1%.
        for (k, (mine, theirs)) in zip(printed, expected).enumerated() {
            let bound = k == expected.count - 1 ? 1e-2 : 1.5e-2
            #expect(abs(mine / theirs - 1) < bound, "chunk \(k + 1): running PPL \(mine) vs llama-imatrix \(theirs)")
        }
        let ours = try ImportanceMatrix.read(path: directory.file("g.gguf"))
        for name in ["gemma3-270m.gpl-apache.c512.imatrix.gguf", "gemma3-270m.gpl-apache.c512.f32kv.imatrix.gguf"] {
            let reference = try ImportanceMatrix.read(path: TestEnvironment.fixture(folder + name))
            #expect(reference.entries.count == 126)
            Self.expectClose(ours, reference, what: name)
            #expect(ours.datasets == reference.datasets && ours.chunkCount == 8 && ours.chunkSize == 512)
        }
        #expect(ours.entries.allSatisfy { $0.counts == [4096] })

        let convert = try InspectCommandTests.imx(["convert", directory.file("g.gguf"), "-o", directory.file("g.dat"),
                                                   "--output-format", "dat", "-c", "512"])
        #expect(convert.status == 0, "\(convert.stderr)")
        let legacy = try ImportanceMatrix.read(path: directory.file("g.dat"))
        let referenceLegacy = try ImportanceMatrix.read(path: TestEnvironment.fixture(folder + "gemma3-270m.gpl-apache.c512.imatrix.dat"))
        Self.expectClose(legacy, referenceLegacy, what: "dat")
        #expect(legacy.entries.allSatisfy { $0.counts == [8] } && legacy.chunkCount == 8 && legacy.datasets == referenceLegacy.datasets)
    }

    /// Same names in the same order and the same counts; the README's value tolerances.
    static func expectClose(_ ours: ImportanceMatrix, _ reference: ImportanceMatrix, what: String) {
        #expect(ours.entries.map(\.name) == reference.entries.map(\.name), "\(what): entry names")
        for theirs in reference.entries {
            guard let mine = ours.entry(named: theirs.name), mine.values.count == theirs.values.count else {
                Issue.record("\(what): \(theirs.name) missing or of another size")
                continue
            }
            #expect(mine.counts == theirs.counts, "\(what) \(theirs.name): counts")
            let (cosine, relativeL2) = ImatrixComparison.similarity(mine.values, theirs.values)
            #expect(cosine >= 0.999 && relativeL2 <= 0.03, "\(what) \(theirs.name): cosine \(cosine), relative L2 \(relativeL2)")
            if ["blk.0.attn_q.weight", "blk.0.attn_k.weight", "blk.0.attn_v.weight"].contains(theirs.name) {
                let worst = zip(mine.values, theirs.values).map { abs(Double($0) / Double($1) - 1) }.max() ?? 0
                #expect(worst <= 1e-3, "\(what) \(theirs.name): a column differs by \(worst) relative")
            }
        }
    }

    @Test("--partial-data through the command: ik and skip drop the tensors with missing experts, fill-one fills them", .needsFixtures)
    func policiesThroughTheCommand() throws {
        let directory = try TemporaryDirectory()
        let testCase = Self.cases[0]  // tiny-mixtral ×4: 6 expert tensors with missing experts
        for (policy, entries) in [("ik", 18), ("skip", 18), ("fill-one", 24)] {
            let run = try Self.compute(testCase, in: directory, extra: ["--no-ppl", "--partial-data", policy], output: policy + ".gguf")
            #expect(run.status == 0, "\(run.stderr)")
            let file = try ImportanceMatrix.read(path: directory.file(policy + ".gguf"))
            #expect(file.entries.count == entries, "\(policy)")
            #expect(run.stdout.contains("partial data: blk.2.ffn_up_exps.weight: experts without tokens [0, 6] → "), "\(run.stdout)")
            if policy == "fill-one" {
                let up = try #require(file.entry(named: "blk.2.ffn_up_exps.weight"))
                #expect(up.counts[0] == 1 && up.counts[6] == 1 && up.values[0] == 1)
            }
        }
    }

    @Test("Bad input is one line on stderr, a non-zero exit and no output file", .needsFixtures)
    func badInput() throws {
        let directory = try TemporaryDirectory()
        let other = try TestEnvironment.fixture("moe/tiny-qwen3moe.gpl-apache.c128x4.imatrix.gguf")
        let cases: [([String], String)] = [
            (["--in-file", other], "tiny-qwen3moe.gpl-apache.c128x4.imatrix.gguf: blk.0.attn_output.weight.nval: 128 values, but "),
            (["--from-chunk", "200"], "gpl3-apache2.txt: from-chunk: there will be not enough tokens left after removing 200 chunks"),
            (["--partial-data", "sometimes"], "--partial-data: unknown policy 'sometimes'"),
            (["--output-frequency", "0"], "--output-frequency must be at least 1"),
            (["-o", "missing/dir/out.gguf"], "missing/dir/out.gguf: output: the directory missing/dir does not exist"),
            (["--in-file", "nonexistent.gguf"], "nonexistent.gguf: file: no such file"),
        ]
        for (extra, message) in cases {
            let output = extra.contains("-o") ? [] : ["-o", "bad.gguf"]
            let run = try InspectCommandTests.imx(["compute", "-m", TestEnvironment.fixture("moe/tiny-mixtral.gguf"),
                                                   "-f", TestEnvironment.fixture("text/gpl3-apache2.txt"), "-c", "128"] + output + extra,
                                                  in: directory.path)
            #expect(run.status != 0, "\(extra)")
            #expect(run.stderr.contains(message), "\(extra): \(run.stderr)")
            #expect(run.stderr.split(separator: "\n").filter { $0.hasPrefix("Error") }.count == 1, "\(extra): \(run.stderr)")
            #expect(!FileManager.default.fileExists(atPath: directory.file("bad.gguf")), "\(extra)")
        }
    }

    /// The `[i]value,` numbers of a llama.cpp log or our stdout.
    static func runningPerplexity(_ text: String) -> [Double] {
        guard let line = text.split(separator: "\n").first(where: { $0.hasPrefix("[1]") }) else { return [] }
        return line.split(separator: ",").compactMap { $0.split(separator: "]").last.flatMap { Double($0) } }
    }
}
