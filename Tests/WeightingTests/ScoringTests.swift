import Foundation
import GGUF
import IMatrix
import Quantization
import TestSupport
import Testing
import Weighting

/// Scoring against the fixture metrics, the imatrix readers, and the real-model claim.
@Suite("Scoring and importance")
struct ScoringTests {
    @Test("Metrics equal the manifest's rmse/wrmse/rel/max for ggml's cases", .needsFixtures)
    func manifestMetrics() throws {
        let data = try Data(contentsOf: URL(fileURLWithPath: try TestEnvironment.fixture("quant/manifest.json")))
        let manifest = try #require(try JSONSerialization.jsonObject(with: data) as? [String: Any])
        let entries = try #require(manifest["cases"] as? [[String: Any]])
        var checked = 0
        for entry in entries where entry["type"] as? String == "Q4_K" || entry["type"] as? String == "IQ4_XS" {
            guard let type = GGMLType(name: entry["type"] as! String), let set = entry["set"] as? String,
                  entry["imatrix"] as? Bool == true else { continue }
            let x = try RawFiles.floats(try TestEnvironment.fixture("quant/inputs/\(set).x.f32"))
            let qw = try RawFiles.floats(try TestEnvironment.fixture("quant/inputs/\(set).qw.f32"))
            let rows = entry["nrows"] as! Int, length = entry["n_per_row"] as! Int
            let totals = try x.withUnsafeBufferPointer {
                try QuantizationScoring.score(type, formula: LlamaFormula(), rows: $0.baseAddress!, rowCount: rows, rowLength: length, importance: qw)
            }
            for (key, value) in [("rmse", totals.rmse), ("wrmse", totals.weightedRMSE), ("max_abs_err", totals.maxAbsError)] {
                let expected = try #require(entry[key] as? Double)
                #expect(abs(value - expected) <= 1e-6 * expected, "\(type.name) \(set) \(key): \(value) vs \(expected)")
            }
            checked += 1
        }
        #expect(checked == 8)   // 4 sets each; attn_q (640 columns) has no 256-block cases
    }

    @Test("The GGUF imatrix gives exactly the importance of the fixture's real rows", .needsFixtures)
    func ggufImportance() throws {
        let matrix = try ImportanceMatrix.read(path: try TestEnvironment.fixture("reference/gemma3-270m/gemma3-270m.gpl-apache.c512.imatrix.gguf"))
        for (set, tensor, columns) in [("gemma3_blk0_ffn_down", "blk.0.ffn_down.weight", 2048), ("gemma3_blk5_attn_q", "blk.5.attn_q.weight", 640)] {
            let expected = try RawFiles.floats(try TestEnvironment.fixture("quant/inputs/\(set).qw.f32"))
            let slices = try #require(try matrix.slices(for: tensor, columns: columns, matrices: 1, zeroCount: .ones))
            #expect(slices.count == 1)
            #expect(slices[0]?.values == expected, "\(tensor)")
            #expect(slices[0]?.tokenCount == 4096)
        }
    }

    @Test("The legacy .dat gives the same importance (stored/ncall) up to float rounding", .needsFixtures)
    func legacyImportance() throws {
        let directory = "reference/gemma3-270m/gemma3-270m.gpl-apache.c512.imatrix"
        let gguf = try ImportanceMatrix.read(path: try TestEnvironment.fixture(directory + ".gguf"))
        let dat = try ImportanceMatrix.read(path: try TestEnvironment.fixture(directory + ".dat"))
        #expect(Set(gguf.entries.map(\.name)) == Set(dat.entries.map(\.name)))
        let a = try #require(try gguf.slices(for: "blk.3.ffn_down.weight", columns: 2048, matrices: 1, zeroCount: .ones)?[0])
        let b = try #require(try dat.slices(for: "blk.3.ffn_down.weight", columns: 2048, matrices: 1, zeroCount: .ones)?[0])
        for j in 0..<2048 { #expect(abs(a.values[j] - b.values[j]) <= 1e-5 * a.values[j], "column \(j)") }
    }

    @Test("Zero-count experts: importance 1 by default, or skipped")
    func zeroCountExperts() throws {
        let entry = ImportanceMatrix.Entry(name: "e", values: [6, 10, 0, 0], counts: [3, 0])
        let matrix = ImportanceMatrix(path: "<memory>", format: .gguf, entries: [entry], datasets: [], chunkCount: nil, chunkSize: nil)
        let ones = try #require(try matrix.slices(for: "e", columns: 2, matrices: 2, zeroCount: .ones))
        #expect(ones[0]?.values == [2, Float(10) / 3])
        #expect(ones[1]?.values == [1, 1] && ones[1]?.isPlaceholder == true)
        let skip = try #require(try matrix.slices(for: "e", columns: 2, matrices: 2, zeroCount: .skip))
        #expect(skip[1] == nil)
        #expect(throws: GGUFError.self) { try matrix.slices(for: "e", columns: 3, matrices: 2, zeroCount: .ones) }
        #expect(try matrix.slices(for: "absent", columns: 2, matrices: 1, zeroCount: .ones) == nil)
    }

    @Test("A formula that reads qw needs an imatrix")
    func formulaNeedsImportance() {
        let x = [Float](repeating: 0.5, count: 256)
        #expect(throws: QuantizationScoring.Failure.self) {
            try x.withUnsafeBufferPointer {
                try QuantizationScoring.score(.q4_K, formula: FormulaRegistry.standard.parse("qw"), rows: $0.baseAddress!,
                                              rowCount: 1, rowLength: 256, importance: nil)
            }
        }
    }

    @Test("gemma-3-270m ffn_down with the reference imatrix: llama beats uniform on weighted RMSE",
          .needsModel, .needsFixtures, arguments: ["blk.0.ffn_down.weight", "blk.4.ffn_down.weight", "blk.9.ffn_down.weight", "blk.17.ffn_down.weight"])
    func llamaBeatsUniform(_ name: String) throws {
        let model = try GGUFFile(path: try TestEnvironment.gemmaModel())
        let matrix = try ImportanceMatrix.read(path: try TestEnvironment.fixture("reference/gemma3-270m/gemma3-270m.gpl-apache.c512.imatrix.gguf"))
        let tensor = try model.tensor(named: name)
        let weights = try model.dequantize(tensor)
        let qw = try #require(try matrix.slices(for: name, columns: tensor.rowLength, matrices: 1, zeroCount: .ones)?[0]).values
        for type in [GGMLType.q4_K, .q3_K, .q2_K] where type != tensor.type {
            let scores = try [LlamaFormula() as any WeightFormula, FormulaRegistry.standard.parse("uniform")].map { formula in
                try weights.withUnsafeBufferPointer {
                    try QuantizationScoring.score(type, formula: formula, rows: $0.baseAddress!, rowCount: tensor.rowCount,
                                                  rowLength: tensor.rowLength, importance: qw)
                }
            }
            #expect(scores[0].weightedRMSE < scores[1].weightedRMSE, "\(name) → \(type.name): llama \(scores[0].weightedRMSE), uniform \(scores[1].weightedRMSE)")
        }
    }
}
