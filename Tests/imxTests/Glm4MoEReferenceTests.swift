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
    static let model = TinyReferenceModel(spec: TinyModels.glm4moe)
    static var references: String { TinyReferenceModel.references }
    static var prefix: String { model.prefix }

    @Test("The tiny glm4moe model is the one the references were made from (sha256)")
    func modelIsCurrent() throws { try Self.model.expectCurrent() }

    /// Float32 attention: counts identical, sums within 1e-4 (block 0 within 1e-5); the
    /// default F16 K/V run moves a near-tie routing choice, so cosine there.
    @Test("imx compute: llama-imatrix's entries (router and shared expert collected, NextN and exp_probs_b not), counts, sums and running PPL", .needsFixtures)
    func imatrixMatches() throws {
        let directory = try TemporaryDirectory()
        let run = try Self.model.run("compute", in: directory, extra: ["-o", "out.gguf"])
        #expect(run.status == 0, "\(run.stderr)")
        let ours = try ImportanceMatrix.read(path: directory.file("out.gguf"))
        try Self.model.expectImatrixMatches(ours, rtol: 1e-4, tighter: ["blk.0.": 1e-5])
        let names = Set(ours.entries.map(\.name))
        #expect(names.contains("blk.1.ffn_gate_inp.weight") && names.contains("blk.2.ffn_down_shexp.weight"))
        #expect(!names.contains { $0.hasPrefix("blk.3.") }, "the NextN block is never executed")
        let gate = try #require(ours.entry(named: "blk.1.ffn_gate_exps.weight"))
        #expect(gate.counts[6] == 0 && gate.counts[7] < gate.counts[0], "the selection bias shuts expert 6 out: \(gate.counts)")
        try Self.model.expectRunningPerplexity(run.stdout, log: Self.prefix + ".f32kv.imatrix.gguf.log")
    }

    @Test("imx perplexity: llama-perplexity's running PPL (float32 attention)", .needsFixtures)
    func perplexityMatches() throws {
        let directory = try TemporaryDirectory()
        let run = try Self.model.run("perplexity", in: directory)
        #expect(run.status == 0, "\(run.stderr)")
        try Self.model.expectRunningPerplexity(run.stdout, log: Self.prefix + ".f32kv.perplexity.log")
    }

    /// The weights `imx experts -m` says llama-quantize will quantize without importance are
    /// exactly those llama-quantize logged "did not find weights for" (besides `token_embd` and
    /// `output`, which llama-imatrix never collects), and the router it keeps as is is listed as such.
    @Test("imx experts -m: the shut-out expert by id, and the NextN tensors as no data with what llama-quantize does", .needsFixtures)
    func expertReport() throws {
        let directory = try TemporaryDirectory()
        let model = try Self.model.write(in: directory)
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
