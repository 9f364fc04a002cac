import Foundation
import IMatrix
import Testing
import TestSupport

/// glm4moe (GLM-4.5's layout) against llama.cpp: `TinyModels.glm4moe` — a leading dense block,
/// sigmoid routing with the selection bias, a shared expert, q/k/v biases, q/k norms, partial
/// rotary dimensions and a NextN block — run by the vendored llama-imatrix and llama-perplexity
/// (`scripts/generate-test-references`, files in Tests/References).
@Suite("glm4moe against llama.cpp")
struct Glm4MoEReferenceTests {
    static let references = TestEnvironment.packageRoot + "/Tests/References/"
    static let prefix = "tiny-glm4moe.gpl-apache.c128x4"

    /// Writes the tiny model into `directory` and checks it is the file the references were
    /// made from. With `IMX_EXPORT_TINY_MODELS=DIR` it is also copied there (the generator
    /// script uses this to hand the model to llama.cpp).
    static func model(in directory: TemporaryDirectory) throws -> String {
        let path = try TinyModels.write(TinyModels.glm4moe, in: directory)
        if let export = ProcessInfo.processInfo.environment["IMX_EXPORT_TINY_MODELS"] {
            let target = export + "/" + (path as NSString).lastPathComponent
            try? FileManager.default.removeItem(atPath: target)
            try FileManager.default.copyItem(atPath: path, toPath: target)
        }
        return path
    }

    static func compute(in directory: TemporaryDirectory, extra: [String] = []) throws -> (stdout: String, stderr: String, status: Int32) {
        let model = try model(in: directory)
        try? FileManager.default.copyItem(atPath: TestEnvironment.fixture("text/gpl3-apache2.txt"),
                                          toPath: directory.file("gpl3-apache2.txt"))
        return try InspectCommandTests.imx(["compute", "-m", model, "-f", "gpl3-apache2.txt", "-c", "128", "--chunks", "4",
                                            "-t", "2", "-o", "out.gguf"] + extra, in: directory.path)
    }

    @Test("The tiny glm4moe model is the one the references were made from (sha256)")
    func modelIsCurrent() throws {
        let directory = try TemporaryDirectory()
        let path = try Self.model(in: directory)
        let recorded = try String(contentsOfFile: Self.references + "tiny-glm4moe.gguf.sha256", encoding: .utf8)
            .split(separator: " ").first.map(String.init)
        #expect(try SplitModelTests.sha256(path) == recorded,
                "TinyModels.glm4moe changed: run scripts/generate-test-references to remake its llama.cpp references")
    }

    /// Against llama-imatrix with float32 attention (`-fa off -ctk f32 -ctv f32`): every entry,
    /// every count, sums within 1e-3 (blocks 0–1 within 1e-5), the running PPL within 1e-4.
    /// Against its default run (F16 K/V cache): the same entries and token totals, every entry at
    /// cosine ≥ 0.9999 — the K/V rounding moves a near-tie routing choice or two.
    @Test("imx compute: llama-imatrix's entries (router and shared expert collected, NextN and exp_probs_b not), counts, sums and running PPL", .needsFixtures)
    func imatrixMatches() throws {
        let directory = try TemporaryDirectory()
        let run = try Self.compute(in: directory)
        #expect(run.status == 0, "\(run.stderr)")
        let ours = try StoredImatrix.read(path: directory.file("out.gguf"))
        let exact = try StoredImatrix.read(path: Self.references + Self.prefix + ".f32kv.imatrix.gguf")
        ImatrixComparison.expectMatches(ours, exact, rtol: 1e-3, tighter: ["blk.0.": 1e-5, "blk.1.": 1e-5], what: "glm4moe f32 K/V")
        let names = Set(ours.entries.map(\.name))
        #expect(names.contains("blk.1.ffn_gate_inp.weight") && names.contains("blk.2.ffn_down_shexp.weight"))
        #expect(!names.contains { $0.hasPrefix("blk.3.") }, "the NextN block is never executed")
        let gate = try #require(ours.entry(named: "blk.1.ffn_gate_exps.weight"))
        #expect(gate.counts[6] == 0 && gate.counts[7] < gate.counts[0], "the selection bias shuts expert 6 out: \(gate.counts)")

        let defaults = try StoredImatrix.read(path: Self.references + Self.prefix + ".imatrix.gguf")
        #expect(ours.entries.map(\.name) == defaults.entries.map(\.name))
        for theirs in defaults.entries {
            guard let mine = ours.entry(named: theirs.name) else { continue }
            #expect(mine.counts.reduce(0, +) == theirs.counts.reduce(0, +), "\(theirs.name): token totals")
            let cosine = ImatrixComparison.similarity(mine.values, theirs.values).cosine
            #expect(cosine >= 0.9999, "\(theirs.name): cosine \(cosine) against llama-imatrix's default run")
        }

        let log = try String(contentsOfFile: Self.references + Self.prefix + ".f32kv.imatrix.gguf.log", encoding: .utf8)
        let expected = ComputeCommandTests.runningPerplexity(log), printed = ComputeCommandTests.runningPerplexity(run.stdout)
        #expect(printed.count == 4 && expected.count == 4, "\(run.stdout)")
        for (mine, theirs) in zip(printed, expected) { #expect(abs(mine / theirs - 1) < 1e-4, "running PPL \(mine) vs \(theirs)") }
    }

    @Test("imx perplexity: llama-perplexity's running PPL (float32 attention)", .needsFixtures)
    func perplexityMatches() throws {
        let directory = try TemporaryDirectory()
        let model = try Self.model(in: directory)
        try FileManager.default.copyItem(atPath: TestEnvironment.fixture("text/gpl3-apache2.txt"),
                                         toPath: directory.file("gpl3-apache2.txt"))
        let run = try InspectCommandTests.imx(["perplexity", "-m", model, "-f", "gpl3-apache2.txt", "-c", "128",
                                               "--chunks", "4", "-t", "2"], in: directory.path)
        #expect(run.status == 0, "\(run.stderr)")
        let log = try String(contentsOfFile: Self.references + Self.prefix + ".f32kv.perplexity.log", encoding: .utf8)
        let expected = ComputeCommandTests.runningPerplexity(log), printed = ComputeCommandTests.runningPerplexity(run.stdout)
        #expect(printed.count == 4 && expected.count == 4, "\(run.stdout)")
        for (mine, theirs) in zip(printed, expected) { #expect(abs(mine / theirs - 1) < 1e-4, "running PPL \(mine) vs \(theirs)") }
    }

    /// The weights `imx experts -m` says llama-quantize will quantize without importance are
    /// exactly those llama-quantize logged "did not find weights for" (besides `token_embd` and
    /// `output`, which llama-imatrix never collects), and the router it keeps as is is listed as such.
    @Test("imx experts -m: the shut-out expert by id, and the NextN tensors as no data with what llama-quantize does", .needsFixtures)
    func expertReport() throws {
        let directory = try TemporaryDirectory()
        let model = try Self.model(in: directory)
        let imatrix = Self.references + Self.prefix + ".imatrix.gguf"
        let text = try InspectCommandTests.imx(["experts", imatrix, "-m", model], in: directory.path)
        #expect(text.status == 0, "\(text.stderr)")
        #expect(text.stdout.contains("no data for 11 weights of the model (a NextN (multi-token prediction) block"), "\(text.stdout)")
        #expect(text.stdout.contains("    1  ffn_gate_exps        8  6 "), "\(text.stdout)")

        let json = try InspectCommandTests.imx(["experts", imatrix, "-m", model, "--json"], in: directory.path)
        #expect(json.status == 0, "\(json.stderr)")
        let object = try #require(try JSONSerialization.jsonObject(with: Data(json.stdout.utf8)) as? [String: Any])
        let uncovered = try #require(object["uncovered_weights"] as? [[String: Any]])
        let quantizedBlind = Set(uncovered.filter { $0["treatment"] as? String == "quantized-without-importance" }
            .compactMap { $0["name"] as? String })
        let kept = Set(uncovered.filter { $0["treatment"] as? String == "not-quantized" }.compactMap { $0["name"] as? String })

        let log = try String(contentsOfFile: Self.references + "tiny-glm4moe.Q4_K_M.quantize.log", encoding: .utf8)
        let marker = "did not find weights for "
        let notFound = Set(log.split(separator: "\n").compactMap { line -> String? in
            guard let range = line.range(of: marker) else { return nil }
            return String(line[range.upperBound...]).trimmingCharacters(in: .whitespaces)
        }.filter { $0.hasPrefix("blk.") })
        #expect(!notFound.isEmpty && quantizedBlind == notFound, "ours \(quantizedBlind.sorted()), llama-quantize \(notFound.sorted())")
        #expect(kept == ["blk.3.ffn_gate_inp.weight"])
        let routerLine = log.split(separator: "\n").first { $0.contains("blk.3.ffn_gate_inp.weight") }
        #expect(routerLine.map { !$0.contains("converting") } == true, "llama-quantize keeps the router: \(routerLine ?? "")")
    }
}
