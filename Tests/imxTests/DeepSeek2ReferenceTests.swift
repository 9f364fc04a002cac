import Foundation
import IMatrix
import Testing
import TestSupport

/// deepseek2 (DeepSeek-V3's layout) against llama.cpp, in both of its attention layouts:
/// `TinyModels.deepseek2` (`attn_kv_b`, q rank 48) and `TinyModels.deepseek2Absorbed` (per-head
/// `attn_k_b` / `attn_v_b`, attention on the latent, a direct `attn_q`) — latent attention with
/// YaRN's log multiplier, a leading dense block, grouped sigmoid routing with the selection bias,
/// a shared expert, a NextN block — run by the vendored llama-imatrix and llama-perplexity
/// (`scripts/generate-test-references`).
@Suite("deepseek2 against llama.cpp")
struct DeepSeek2ReferenceTests {
    static let models = [TinyReferenceModel(spec: TinyModels.deepseek2), TinyReferenceModel(spec: TinyModels.deepseek2Absorbed)]

    @Test("The tiny deepseek2 models are the ones the references were made from (sha256)")
    func modelIsCurrent() throws { for model in Self.models { try model.expectCurrent() } }

    @Test("imx compute: llama-imatrix's entries (per-head attn_k_b / attn_v_b as one entry with one count), counts, sums and running PPL",
          .needsFixtures, arguments: [0, 1])
    func imatrixMatches(_ index: Int) throws {
        let model = Self.models[index]
        let directory = try TemporaryDirectory()
        let run = try model.run("compute", in: directory, extra: ["-o", "out.gguf"])
        #expect(run.status == 0, "\(run.stderr)")
        let ours = try ImportanceMatrix.read(path: directory.file("out.gguf"))
        try model.expectImatrixMatches(ours, rtol: 1e-4, tighter: ["blk.0.": 1e-5])
        let names = Set(ours.entries.map(\.name))
        let attention = index == 0 ? ["attn_q_a", "attn_q_b", "attn_kv_a_mqa", "attn_kv_b"] : ["attn_q", "attn_kv_a_mqa", "attn_k_b", "attn_v_b"]
        for name in attention.map({ "blk.0.\($0).weight" }) + ["blk.1.ffn_gate_inp.weight", "blk.2.ffn_down_shexp.weight"] {
            #expect(names.contains(name), "\(model.spec.name): \(name)")
        }
        if index == 1 {
            let keyB = try #require(ours.entry(named: "blk.0.attn_k_b.weight"))
            #expect(keyB.counts == [512] && keyB.values.count == 4 * 24, "one count for the 4 heads × 24 columns")
            // The per-head attention weights are not expert stacks in the coverage report.
            let report = try InspectCommandTests.imx(["experts", directory.file("out.gguf"), "-m", try model.write(in: directory)],
                                                     in: directory.path)
            #expect(report.stdout.contains("2 MoE layers, 6 expert tensors") && !report.stdout.contains("not recoverable"),
                    "\(report.stdout)")
        }
        #expect(!names.contains { $0.hasPrefix("blk.3.") }, "the NextN block is never executed")
        // The bias shuts expert 5 out, and its group (experts 4 and 5) then never makes the two best groups.
        let gate = try #require(ours.entry(named: "blk.1.ffn_gate_exps.weight"))
        #expect(gate.counts[4] == 0 && gate.counts[5] == 0 && gate.counts.filter { $0 > 0 }.count == 6, "\(gate.counts)")
        try model.expectRunningPerplexity(run.stdout, log: model.prefix + ".f32kv.imatrix.gguf.log")
    }

    @Test("imx perplexity: llama-perplexity's running PPL (float32 attention)", .needsFixtures, arguments: [0, 1])
    func perplexityMatches(_ index: Int) throws {
        let model = Self.models[index]
        let directory = try TemporaryDirectory()
        let run = try model.run("perplexity", in: directory)
        #expect(run.status == 0, "\(run.stderr)")
        try model.expectRunningPerplexity(run.stdout, log: model.prefix + ".f32kv.perplexity.log")
    }
}
