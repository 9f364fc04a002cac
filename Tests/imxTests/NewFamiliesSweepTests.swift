import Foundation
import IMatrix
import Testing
import TestSupport

/// The harness on glm4moe, gpt-oss and deepseek2 without any change for them: a sweep over their expert
/// tensors (shared expert included), and `--partial-data` on an imatrix with a shut-out expert.
@Suite("imx sweep and --partial-data on glm4moe, gpt-oss and deepseek2")
struct NewFamiliesSweepTests {
    @Test("A sweep of Q8_0 and Q4_0 over the expert tensors: a record per point, KLD positive and larger at Q4_0",
          arguments: [TinyModels.glm4moe, TinyModels.gptOSS, TinyModels.deepseek2Absorbed])
    func sweep(_ spec: TinyModelSpec) throws {
        let directory = try TemporaryDirectory()
        let model = try TinyModels.write(spec, in: directory)
        let root = TestEnvironment.packageRoot, output = directory.file("out")
        let config = """
            {
              "name": "tiny-\(spec.name)",
              "model": "\(model)",
              "calibration": { "texts": ["\(root)/corpora/calibration.txt"], "context": 128, "chunks": 2 },
              "evaluation": { "texts": ["\(root)/corpora/evaluation.txt"], "context": 128, "chunks": 2 },
              "imatrix": { "context": 128, "chunks": 2 },
              "types": ["Q8_0", "Q4_0"],
              "recipe": [ { "tensors": "ffn_(gate|up|down)_(exps|shexp)", "type": "TYPE" } ],
              "formulas": ["llama"],
              "threads": 2,
              "output": "\(output)"
            }
            """
        try config.write(toFile: directory.file("sweep.json"), atomically: true, encoding: .utf8)
        let run = try InspectCommandTests.imx(["sweep", directory.file("sweep.json")])
        #expect(run.status == 0, "\(run.stderr)")
        let records = SweepCommandTests.lines(output + "/results.jsonl")
            .compactMap { try? JSONSerialization.jsonObject(with: Data($0.utf8)) as? [String: Any] }
        #expect(records.count == 2)
        func kld(_ variant: String) -> Double? {
            (records.first { $0["variant"] as? String == variant }?["evaluation"] as? [String: Any])?["meanKLD"] as? Double
        }
        let q8 = try #require(kld("Q8_0/llama")), q4 = try #require(kld("Q4_0/llama"))
        #expect(q8 > 0 && q4 > q8, "\(spec.name): KLD Q8_0 \(q8), Q4_0 \(q4)")
    }

    @Test("--partial-data fill-one gives glm4moe's shut-out expert 6 a mean importance of 1 in every column")
    func partialData() throws {
        let directory = try TemporaryDirectory()
        let model = TinyReferenceModel(spec: TinyModels.glm4moe)
        let run = try model.run("compute", in: directory, extra: ["-o", "filled.gguf", "--partial-data", "fill-one", "--no-ppl"])
        #expect(run.status == 0, "\(run.stderr)")
        let filled = try ImportanceMatrix.read(path: directory.file("filled.gguf"))
        let gate = try #require(filled.entry(named: "blk.1.ffn_gate_exps.weight"))
        let columns = gate.values.count / gate.counts.count
        #expect(gate.counts[6] > 0, "\(gate.counts)")
        let mean = gate.values[(6 * columns)..<(7 * columns)].map { Double($0) / Double(gate.counts[6]) }
        #expect(mean.allSatisfy { abs($0 - 1) < 1e-6 }, "expert 6's filled importance")
    }
}
