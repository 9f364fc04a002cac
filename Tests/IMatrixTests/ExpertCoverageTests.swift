import Foundation
import IMatrix
import Testing
import TestSupport

/// Expert coverage against the MoE fixtures made by llama-imatrix (shared/fixtures/moe): the
/// zero-token experts of the README's table by id, the token counts of the `*.summary.json`
/// files, the legacy files' filled experts, and the ik rule for 8 experts.
@Suite("Expert coverage")
struct ExpertCoverageTests {
    /// The README's "zero-count experts" column, per run and layer.
    static let zeroTokenExperts: [String: [Int: [Int]]] = [
        "tiny-mixtral.gpl-apache.c128x4": [0: [7], 1: [], 2: [0, 6]],
        "tiny-mixtral.gpl-apache.c128x1": [0: [6, 7], 1: [], 2: [0, 3, 6]],
        "tiny-qwen3moe.gpl-apache.c128x4": [0: [7], 1: [1, 7]],
        "tiny-qwen3moe.gpl-apache.c128x1": [0: [2, 7], 1: [1, 7]],
    ]
    static let runs = zeroTokenExperts.keys.sorted()
    static let families = ["ffn_down_exps", "ffn_gate_exps", "ffn_up_exps"]

    static func model(of run: String) -> String { String(run.prefix { $0 != "." }) + ".gguf" }

    /// Per-entry counts from the run's summary JSON.
    static func summaryCounts(_ run: String) throws -> [String: [Int64]] {
        let data = try Data(contentsOf: URL(fileURLWithPath: TestEnvironment.fixture("moe/\(run).imatrix.summary.json")))
        let json = try #require(JSONSerialization.jsonObject(with: data) as? [String: Any])
        let entries = try #require(json["entries"] as? [String: [String: Any]])
        return try entries.mapValues { try #require($0["counts"] as? [NSNumber]).map(\.int64Value) }
    }

    @Test("GGUF imatrix: zero-token experts by id as in the README, counts as in the summary JSON", .needsFixtures,
          arguments: runs)
    func ggufRuns(run: String) throws {
        let file = try ImportanceMatrix.read(path: TestEnvironment.fixture("moe/\(run).imatrix.gguf"))
        let coverage = try ExpertCoverage(file: file)
        let expected = try #require(Self.zeroTokenExperts[run])
        let counts = try Self.summaryCounts(run)
        #expect(coverage.countsRecoverable)
        #expect(coverage.tensors.count == 3 * expected.count)
        #expect(coverage.summary.moeLayers == expected.count)
        #expect(coverage.summary.zeroTokenExperts == expected.values.reduce(0) { $0 + $1.count })
        #expect(coverage.summary.zeroTokenMatrices == 3 * coverage.summary.zeroTokenExperts)
        #expect(coverage.summary.tensorsWithMissingExperts == 3 * expected.values.filter { !$0.isEmpty }.count)
        for tensor in coverage.tensors {
            #expect(tensor.zeroTokenExperts == expected[tensor.layer], "\(tensor.name)")
            #expect(tensor.tokensPerExpert == counts[tensor.name], "\(tensor.name)")
            let tokens = try #require(tensor.tokensPerExpert)
            #expect(tensor.experts == 8)
            #expect(tensor.columns == (tensor.family == "ffn_down_exps" ? 128 : 64))
            #expect(tensor.routedTokens == tokens.reduce(0, +))
            #expect(tensor.routedTokens == (run.hasSuffix("x4") ? 1024 : 256))   // 2 experts per token
            #expect(tensor.minimumTokens == tokens.min())
            #expect(tensor.maximumTokens == tokens.max())
            #expect(tensor.lowTokenExperts == tokens.indices.filter { tokens[$0] > 0 && tokens[$0] < 32 })
            let sorted = tokens.sorted()
            #expect(tensor.medianTokens == Double(sorted[3] + sorted[4]) / 2)
        }
        // Every dense entry (attention, router) is left out; the families are gate, up and down.
        #expect(Set(coverage.tensors.map(\.family)) == Set(Self.families))
        #expect(coverage.notes.isEmpty)
    }

    @Test("The ik rule for 8 experts: round(0.05 · 8) = 0, so ik skips every tensor with a missing expert", .needsFixtures)
    func ikRule() throws {
        #expect(PartialDataPolicy.ikTolerance(experts: 8) == 0)
        let file = try ImportanceMatrix.read(path: TestEnvironment.fixture("moe/tiny-mixtral.gpl-apache.c128x4.imatrix.gguf"))
        for tensor in try ExpertCoverage(file: file).tensors {
            let outcomes = Dictionary(uniqueKeysWithValues: tensor.policies.map { ($0.policy, $0) })
            #expect(outcomes.keys.sorted() == ["fill-one", "ik", "keep", "prior=1", "skip"])
            let missing = !tensor.zeroTokenExperts.isEmpty
            #expect(outcomes["ik"]?.written == !missing, "\(tensor.name)")
            #expect(outcomes["skip"]?.written == !missing)
            #expect(outcomes["keep"]?.written == true)
            #expect(outcomes["fill-one"]?.written == true)
            #expect(outcomes["prior=1"]?.brief == "+1 prior")
            if missing {
                #expect(outcomes["ik"]?.outcome == "skipped (\(tensor.zeroTokenExperts.count) of 8 experts missing, ik stores only fewer than 0)")
                #expect(outcomes["fill-one"]?.brief == "\(tensor.zeroTokenExperts.count) filled")
                #expect(outcomes["keep"]?.brief == "zeros kept")
            } else {
                #expect(outcomes["keep"]?.brief == "as collected")
            }
        }
    }

    @Test("Legacy .dat: counts not recoverable; with the model the writer's fill finds exactly the zero-token experts",
          .needsFixtures, arguments: runs)
    func legacyRuns(run: String) throws {
        let file = try ImportanceMatrix.read(path: TestEnvironment.fixture("moe/\(run).imatrix.dat"))
        let model = try ModelTensorShapes(path: TestEnvironment.fixture("moe/" + Self.model(of: run)))
        let coverage = try ExpertCoverage(file: file, model: model)
        let expected = try #require(Self.zeroTokenExperts[run])
        #expect(!coverage.countsRecoverable)
        #expect(coverage.notes.contains { $0.contains("counts not recoverable") })
        #expect(coverage.tensors.count == 3 * expected.count)
        #expect(coverage.summary.likelyUnusedExperts == expected.values.reduce(0) { $0 + $1.count })
        #expect(coverage.missingFromImatrix.isEmpty)
        #expect(coverage.notInModel.isEmpty)
        for tensor in coverage.tensors {
            #expect(tensor.tokensPerExpert == nil)
            #expect(tensor.policies.isEmpty)
            #expect(tensor.experts == 8)
            #expect(tensor.likelyUnusedExperts == expected[tensor.layer], "\(tensor.name)")
        }

        let unknown = try ExpertCoverage(file: file)
        #expect(unknown.tensors.allSatisfy { $0.likelyUnusedExperts == nil && $0.experts == nil })
        #expect(unknown.notes.contains { $0.contains("expert split is unknown") })
    }

    @Test("A GGUF converted from a legacy file (flat MoE entries, one count): not recoverable, filled experts found with -m",
          .needsFixtures)
    func convertedFromLegacy() throws {
        let run = "tiny-mixtral.gpl-apache.c128x1"
        var collection = ImatrixCollection()
        try collection.add(ImportanceMatrix.read(path: TestEnvironment.fixture("moe/\(run).imatrix.dat")), chunkSize: 128)
        let directory = try TemporaryDirectory()
        let path = directory.file("converted.gguf")
        try ImatrixWriter(format: .gguf, chunkSize: 128).write(collection, to: path)
        let converted = try ImportanceMatrix.read(path: path)
        #expect(converted.entries.allSatisfy { $0.counts.count == 1 })
        let model = try ModelTensorShapes(path: TestEnvironment.fixture("moe/" + Self.model(of: run)))
        let coverage = try ExpertCoverage(file: converted, model: model)
        #expect(!coverage.countsRecoverable)
        #expect(coverage.notes.contains { $0.contains("converted from a legacy file") })
        for tensor in coverage.tensors {
            #expect(tensor.likelyUnusedExperts == Self.zeroTokenExperts[run]?[tensor.layer], "\(tensor.name)")
        }
    }

    @Test("No used expert looks like the writer's fill: none has every column's mean x² exactly 1", .needsFixtures,
          arguments: runs)
    func fillCannotCollide(run: String) throws {
        let file = try ImportanceMatrix.read(path: TestEnvironment.fixture("moe/\(run).imatrix.gguf"))
        for entry in file.entries where entry.counts.count == 8 {
            let columns = entry.values.count / 8
            for expert in 0..<8 where entry.counts[expert] > 0 {
                let means = entry.values[(expert * columns)..<((expert + 1) * columns)].map { $0 / Float(entry.counts[expert]) }
                #expect(!means.allSatisfy { $0 == 1 }, "\(entry.name) expert \(expert)")
                #expect(means.filter { $0 == 1 }.count < columns / 2)
            }
        }
    }

    @Test("A run's collection gives the same report as the file it was saved to", .needsFixtures)
    func collection() throws {
        let file = try ImportanceMatrix.read(path: TestEnvironment.fixture("moe/tiny-qwen3moe.gpl-apache.c128x4.imatrix.gguf"))
        var collection = ImatrixCollection()
        try collection.add(file, chunkSize: 128)
        let fromCollection = ExpertCoverage(collection: collection, minimumTokens: 20)
        let fromFile = try ExpertCoverage(file: file, minimumTokens: 20)
        #expect(fromCollection.tensors == fromFile.tensors)
        #expect(fromCollection.summary == fromFile.summary)
        #expect(fromCollection.format == "collection")
        #expect(fromCollection.tensors.first { $0.name == "blk.1.ffn_up_exps.weight" }?.lowTokenExperts == [5])   // 10 tokens

        // Loaded from the legacy file, the expert tensors have one count: not recoverable.
        var legacy = ImatrixCollection()
        try legacy.add(ImportanceMatrix.read(path: TestEnvironment.fixture("moe/tiny-qwen3moe.gpl-apache.c128x4.imatrix.dat")), chunkSize: 128)
        let uncounted = ExpertCoverage(collection: legacy)
        #expect(uncounted.tensors.count == 6)
        #expect(!uncounted.countsRecoverable)
        #expect(uncounted.notes.contains { $0.contains("not recoverable") })
    }

    @Test("A dense imatrix has no expert tensors", .needsFixtures)
    func dense() throws {
        let file = try ImportanceMatrix.read(path: TestEnvironment.fixture("reference/gemma3-270m/gemma3-270m.gpl-apache.c512.imatrix.gguf"))
        let coverage = try ExpertCoverage(file: file)
        #expect(coverage.tensors.isEmpty)
        #expect(coverage.summary.expertTensors == 0)
        #expect(coverage.notes == ["no expert tensors (*_exps): nothing is routed, every tensor is dense"])
    }

    @Test("Against model shapes: size mismatches name the file, entry and both sizes; absent expert tensors are listed")
    func modelChecks() throws {
        let entries = [
            ImportanceMatrix.Entry(name: "blk.0.ffn_up_exps.weight", values: [Float](repeating: 1, count: 8), counts: [3, 0]),
            ImportanceMatrix.Entry(name: "blk.0.attn_q.weight", values: [1, 2, 3, 4], counts: [5]),
        ]
        let file = ImportanceMatrix(path: "x.gguf", format: .gguf, entries: entries, datasets: [], chunkCount: 1, chunkSize: 512)
        let good = ModelTensorShapes(path: "m.gguf", shapes: ["blk.0.ffn_up_exps.weight": [4, 16, 2], "blk.0.attn_q.weight": [4, 4],
                                                              "blk.1.ffn_up_exps.weight": [4, 16, 2], "output.weight": [4, 100]])
        let coverage = try ExpertCoverage(file: file, model: good)
        #expect(coverage.missingFromImatrix == ["blk.1.ffn_up_exps.weight"])
        #expect(coverage.tensors.map(\.zeroTokenExperts) == [[1]])
        // Dense weights without data are listed too (llama-quantize would find no importance for
        // them); 1-D norms and non-block tensors are not weights it looks up.
        var shapes = good.shapes
        shapes["blk.2.attn_k.weight"] = [4, 4]
        shapes["blk.2.attn_norm.weight"] = [4]
        let wider = try ExpertCoverage(file: file, model: ModelTensorShapes(path: "m.gguf", shapes: shapes))
        #expect(wider.missingFromImatrix == ["blk.1.ffn_up_exps.weight", "blk.2.attn_k.weight"])

        let wrongColumns = ModelTensorShapes(path: "m.gguf", shapes: ["blk.0.ffn_up_exps.weight": [8, 16, 2], "blk.0.attn_q.weight": [4, 4]])
        #expect(throws: ImatrixError(file: "x.gguf", field: "blk.0.ffn_up_exps.weight",
                                     message: "8 values, but m.gguf has 8 columns × 2 matrices = 16 for this tensor (an imatrix of another model?)")) {
            try ExpertCoverage(file: file, model: wrongColumns)
        }
        let wrongExperts = ModelTensorShapes(path: "m.gguf", shapes: ["blk.0.ffn_up_exps.weight": [2, 16, 4], "blk.0.attn_q.weight": [4, 4]])
        #expect(throws: ImatrixError(file: "x.gguf", field: "blk.0.ffn_up_exps.weight.counts",
                                     message: "2 counts, but m.gguf has 4 experts for this tensor")) {
            try ExpertCoverage(file: file, model: wrongExperts)
        }
    }

    @Test("Tokens needed: every routed expert under the minimum reaches it at the observed rate")
    func tokensNeeded() throws {
        let entries = [
            ImportanceMatrix.Entry(name: "blk.0.ffn_up_exps.weight", values: [Float](repeating: 1, count: 8), counts: [250, 0, 3, 7]),
            ImportanceMatrix.Entry(name: "blk.0.ffn_gate_inp.weight", values: [1, 2], counts: [130]),
        ]
        let file = ImportanceMatrix(path: "x.gguf", format: .gguf, entries: entries, datasets: [], chunkCount: 1, chunkSize: 130)
        let coverage = try ExpertCoverage(file: file, minimumTokens: 32)
        #expect(coverage.summary.tokensSeen == 130)
        #expect(coverage.summary.tokensForMinimum == Int64(1387))  // ⌈130 · 32 / 3⌉: expert 2 has 3 tokens of 130
        let enough = try ExpertCoverage(file: file, minimumTokens: 3)
        #expect(enough.summary.tokensForMinimum == nil)
    }
}
