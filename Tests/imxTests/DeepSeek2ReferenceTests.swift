import Foundation
import IMatrix
import Testing
import TestSupport

/// deepseek2 (DeepSeek-V3's layout) against llama.cpp: `TinyModels.deepseek2` — latent attention
/// with q and kv ranks and YaRN's log multiplier, a leading dense block, grouped sigmoid routing
/// with the selection bias, a shared expert, a NextN block — run by the vendored llama-imatrix and
/// llama-perplexity (`scripts/generate-test-references`).
@Suite("deepseek2 against llama.cpp")
struct DeepSeek2ReferenceTests {
    static let model = TinyReferenceModel(spec: TinyModels.deepseek2)

    @Test("The tiny deepseek2 model is the one the references were made from (sha256)")
    func modelIsCurrent() throws { try Self.model.expectCurrent() }

    @Test("imx compute: llama-imatrix's entries (q_a, q_b, kv_a_mqa, kv_b, router, shared expert), counts, sums and running PPL", .needsFixtures)
    func imatrixMatches() throws {
        let directory = try TemporaryDirectory()
        let run = try Self.model.run("compute", in: directory, extra: ["-o", "out.gguf"])
        #expect(run.status == 0, "\(run.stderr)")
        let ours = try StoredImatrix.read(path: directory.file("out.gguf"))
        try Self.model.expectImatrixMatches(ours, rtol: 1e-3, tighter: ["blk.0.": 1e-5])
        let names = Set(ours.entries.map(\.name))
        for name in ["blk.0.attn_q_a.weight", "blk.0.attn_q_b.weight", "blk.0.attn_kv_a_mqa.weight", "blk.0.attn_kv_b.weight",
                     "blk.1.ffn_gate_inp.weight", "blk.2.ffn_down_shexp.weight"] {
            #expect(names.contains(name), "\(name)")
        }
        #expect(!names.contains { $0.hasPrefix("blk.3.") }, "the NextN block is never executed")
        let gate = try #require(ours.entry(named: "blk.1.ffn_gate_exps.weight"))
        // The bias shuts expert 5 out, and its group (experts 4 and 5) then never makes the two best groups.
        #expect(gate.counts[4] == 0 && gate.counts[5] == 0 && gate.counts.filter { $0 > 0 }.count == 6, "\(gate.counts)")
        try Self.model.expectRunningPerplexity(run.stdout, log: Self.model.prefix + ".f32kv.imatrix.gguf.log")
    }

    @Test("imx perplexity: llama-perplexity's running PPL (float32 attention)", .needsFixtures)
    func perplexityMatches() throws {
        let directory = try TemporaryDirectory()
        let run = try Self.model.run("perplexity", in: directory)
        #expect(run.status == 0, "\(run.stderr)")
        try Self.model.expectRunningPerplexity(run.stdout, log: Self.model.prefix + ".f32kv.perplexity.log")
    }
}
